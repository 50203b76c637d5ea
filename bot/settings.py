"""Settings from the environment (and a `.env` file beside where loopbot runs).

Every variable is documented in .env.example. A missing or malformed value
raises `ConfigError`, which the CLI prints as one line and exits with code 2.
"""

from __future__ import annotations

import math
import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

SLACK_API_DEFAULT = "https://slack.com/api/"
GOOGLE_API_DEFAULT = "https://www.googleapis.com/"
MS_GRAPH_DEFAULT = "https://graph.microsoft.com/v1.0/"
MS_LOGIN_DEFAULT = "https://login.microsoftonline.com/"
CALENDARS = ("none", "caldav", "google", "microsoft")


class ConfigError(Exception):
    def __init__(self, variable: str, problem: str, fix: str):
        super().__init__(f"{variable} {problem}: {fix}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    bot_token: str
    signing_secret: str
    app_token: str | None = None
    api_url: str = SLACK_API_DEFAULT
    database_url: str = "sqlite:///loopbot.db"
    port: int = 3000
    recruiting_channel: str = "#recruiting"
    templates_file: str | None = None
    default_tz: str = "UTC"
    run_scheduler: bool = True
    feedback_reminder_hours: float = 24.0
    feedback_escalation_hours: float = 48.0
    feedback_manager_escalation_hours: float = 72.0
    interview_reminder_minutes: int = 30
    # Reliability and operations (issue 9): see .env.example.
    outbox_max_age_seconds: int = 600
    outbox_backoff_cap_seconds: float = 300.0
    slack_timeout_seconds: float = 10.0
    leader_lease_seconds: float = 10.0
    log_format: str = "text"
    hold_hours: float = 4.0
    # Closed loops' personal data is erased this many days after they close; 0 keeps it.
    retention_days: int = 0
    # The https:// address loopbot is reached at from outside (push notifications, pages).
    public_url: str | None = None
    # --- Google Workspace and Microsoft 365 calendars (read by bot/calendars/google.py and
    # microsoft.py when LOOPBOT_CALENDAR names them; checked there, since only they know
    # whether a value is needed) ---
    google_credentials: str | None = None
    google_organizer: str | None = None
    google_api_url: str = GOOGLE_API_DEFAULT
    ms_tenant_id: str | None = None
    ms_client_id: str | None = None
    ms_client_secret: str | None = None
    ms_organizer: str | None = None
    ms_graph_url: str = MS_GRAPH_DEFAULT
    ms_login_url: str = MS_LOGIN_DEFAULT
    calendar: str = "none"
    calendar_organizer: str | None = None  # LOOPBOT_CALENDAR_ORGANIZER, see calendar_settings
    caldav_url: str | None = None
    caldav_username: str | None = None
    caldav_password: str | None = None
    caldav_calendar_path: str = "{email}/calendar/"
    calendar_sync_seconds: int = 300
    holidays: tuple[str, ...] = ()
    video_url_template: str | None = None
    # --- the candidate's side (bot/candidate_settings.py) ---
    smtp_url: str | None = None
    mail_from: str | None = None
    secret_key: str | None = None
    candidate_scheduling: str = "off"
    candidate_auto_confirm: bool = False

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    def video_url_for(self, key: str) -> str | None:
        """The interview's video link from LOOPBOT_VIDEO_URL_TEMPLATE (None when unset)."""
        if self.video_url_template is None:
            return None
        return self.video_url_template.format(key=quote(key, safe=""))

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        dotenv: str | Path | None = ".env",
        require_slack: bool = True,
    ) -> Settings:
        """Read settings; `env` wins over the .env file (os.environ when None).
        `require_slack=False` is for commands that never talk to Slack (db, roster)."""
        from bot.calendar_settings import calendar_settings  # it builds on this module
        from bot.candidate_settings import candidate_settings

        values: dict[str, str] = {}
        if dotenv is not None and Path(dotenv).is_file():
            values.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
        values.update(os.environ if env is None else env)
        read = _Reader(values)
        token = read.token if require_slack else read.optional_token
        secret = read.required if require_slack else read.optional
        return cls(
            bot_token=token(
                "SLACK_BOT_TOKEN",
                "xoxb-",
                "copy the Bot User OAuth Token from your app's OAuth & Permissions page",
            )
            or "",
            signing_secret=secret(
                "SLACK_SIGNING_SECRET",
                "copy the Signing Secret from your app's Basic Information page",
            )
            or "",
            app_token=read.optional_token(
                "SLACK_APP_TOKEN",
                "xapp-",
                "create an app-level token with connections:write (Basic Information), "
                "or unset it to serve over HTTP",
            ),
            api_url=read.url("SLACK_API_URL", SLACK_API_DEFAULT),
            database_url=read.database_url("DATABASE_URL", "sqlite:///loopbot.db"),
            port=read.integer("PORT", 3000, 1, 65535),
            recruiting_channel=read.channel("LOOPBOT_RECRUITING_CHANNEL", "#recruiting"),
            templates_file=read.existing_file("LOOPBOT_TEMPLATES_FILE"),
            default_tz=read.zone("LOOPBOT_DEFAULT_TZ", "UTC"),
            run_scheduler=read.boolean("LOOPBOT_RUN_SCHEDULER", True),
            feedback_reminder_hours=read.number("LOOPBOT_FEEDBACK_REMINDER_HOURS", 24.0),
            feedback_escalation_hours=read.number("LOOPBOT_FEEDBACK_ESCALATION_HOURS", 48.0),
            feedback_manager_escalation_hours=read.number(
                "LOOPBOT_FEEDBACK_MANAGER_ESCALATION_HOURS", 72.0
            ),
            interview_reminder_minutes=read.integer(
                "LOOPBOT_INTERVIEW_REMINDER_MINUTES", 30, 1, 24 * 60
            ),
            outbox_max_age_seconds=read.integer(
                "LOOPBOT_OUTBOX_MAX_AGE_SECONDS", 600, 1, 7 * 24 * 3600
            ),
            outbox_backoff_cap_seconds=read.number("LOOPBOT_OUTBOX_BACKOFF_CAP_SECONDS", 300.0),
            slack_timeout_seconds=read.number("LOOPBOT_SLACK_TIMEOUT_SECONDS", 10.0),
            leader_lease_seconds=read.number("LOOPBOT_LEADER_LEASE_SECONDS", 10.0),
            log_format=read.choice("LOOPBOT_LOG_FORMAT", "text", ("text", "json")),
            hold_hours=read.number("LOOPBOT_HOLD_HOURS", 4.0),
            retention_days=read.integer("LOOPBOT_RETENTION_DAYS", 0, 0, 36500),
            public_url=read.optional_url("LOOPBOT_PUBLIC_URL"),
            **calendar_settings(read),
            **candidate_settings(read),
        )


class _Reader:
    def __init__(self, values: Mapping[str, str]):
        self.values = values

    def _get(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None or not value.strip():
            return None
        return value.strip()

    def required(self, name: str, fix: str) -> str:
        value = self._get(name)
        if value is None:
            raise ConfigError(name, "is not set", f"{fix} (see .env.example)")
        return value

    def optional(self, name: str, fix: str) -> str | None:
        return self._get(name)

    def token(self, name: str, prefix: str, fix: str) -> str:
        value = self.required(name, fix)
        if not value.startswith(prefix):
            raise ConfigError(name, f"does not start with {prefix}", fix)
        return value

    def optional_token(self, name: str, prefix: str, fix: str) -> str | None:
        value = self._get(name)
        if value is not None and not value.startswith(prefix):
            raise ConfigError(name, f"does not start with {prefix}", fix)
        return value

    def url(self, name: str, default: str) -> str:
        value = self._get(name) or default
        if not value.startswith(("http://", "https://")):
            raise ConfigError(name, f"is not an http(s) URL ({value!r})", f"e.g. {default}")
        return value if value.endswith("/") else value + "/"

    def database_url(self, name: str, default: str) -> str:
        value = self._get(name) or default
        if value.startswith("postgres://") or value.startswith("postgresql://"):
            raise ConfigError(
                name,
                "names no driver",
                "use postgresql+psycopg://user:password@host:5432/dbname",
            )
        if not value.startswith(("sqlite:", "postgresql+psycopg:")):
            raise ConfigError(
                name,
                f"is not a supported database URL ({value.split(':')[0]}:…)",
                "use sqlite:///loopbot.db or postgresql+psycopg://user:password@host/dbname",
            )
        return value

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        raw = self._get(name)
        if raw is None:
            return default
        if not re.fullmatch(r"[0-9]+", raw) or not low <= int(raw) <= high:
            raise ConfigError(
                name, f"must be a whole number from {low} to {high}, not {raw!r}", f"e.g. {default}"
            )
        return int(raw)

    def number(self, name: str, default: float) -> float:
        raw = self._get(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not math.isfinite(value) or value <= 0:
            raise ConfigError(name, f"must be a positive number, not {raw!r}", f"e.g. {default:g}")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        raw = self._get(name)
        if raw is None:
            return default
        lowered = raw.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ConfigError(name, f"must be true or false, not {raw!r}", "e.g. true")

    def channel(self, name: str, default: str) -> str:
        value = self._get(name) or default
        if not (
            re.fullmatch(r"#[a-z0-9._-]{1,80}", value) or re.fullmatch(r"[CG][A-Z0-9]{6,}", value)
        ):
            raise ConfigError(
                name,
                f"is not a channel ({value!r})",
                "use a channel ID like C0123456789 (or #recruiting)",
            )
        return value

    def zone(self, name: str, default: str) -> str:
        value = self._get(name) or default
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                name, f"is not an IANA time zone ({value!r})", "e.g. America/New_York"
            ) from None
        return value

    def email(self, name: str, who: str) -> str | None:
        value = self._get(name)
        if value is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ConfigError(
                name, f"is not an email address ({value!r})", f"give {who}, e.g. hiring@example.com"
            )
        return value

    def guid(self, name: str, fix: str) -> str | None:
        value = self._get(name)
        if value is not None and not re.fullmatch(
            r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", value
        ):
            raise ConfigError(name, f"is not a GUID ({value!r})", fix)
        return value

    def tenant(self, name: str) -> str | None:
        """A directory (tenant) ID: a GUID or a verified domain such as contoso.onmicrosoft.com."""
        value = self._get(name)
        if value is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]*", value):
            raise ConfigError(
                name,
                f"is neither a tenant GUID nor a domain ({value!r})",
                "copy the Directory (tenant) ID from the app registration's Overview page",
            )
        return value

    def existing_file(self, name: str) -> str | None:
        value = self._get(name)
        if value is not None and not Path(value).is_file():
            raise ConfigError(name, f"names no file ({value})", "give the path of a TOML file")
        return value

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = (self._get(name) or default).lower()
        if value not in choices:
            raise ConfigError(
                name, f"is not one of {', '.join(choices)} ({value!r})", f"e.g. {default}"
            )
        return value

    def optional_url(self, name: str) -> str | None:
        value = self._get(name)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                name, f"is not an http(s) URL ({value!r})", "e.g. https://loopbot.example.com"
            )
        if parts.query or parts.fragment:
            raise ConfigError(name, "has a query or fragment", "give only the base address")
        return value.rstrip("/")

    def url_required(self, name: str, fix: str) -> str:
        value = self.required(name, fix)
        if not value.startswith(("http://", "https://")):
            raise ConfigError(name, f"is not an http(s) URL ({value!r})", fix)
        return value if value.endswith("/") else value + "/"

    def template(self, name: str, default: str, *, required: str, example: str) -> str:
        value = self._get(name) or default
        fields = _fields(name, value, (required,), example)
        if required not in fields:
            raise ConfigError(name, f"has no {{{required}}} placeholder", f"e.g. {example}")
        return value

    def video_url_template(self, name: str) -> str | None:
        value = self._get(name)
        if value is None:
            return None
        example = "https://zoom.example.com/j/{key} (or one fixed room link)"
        if not value.startswith(("http://", "https://")):
            raise ConfigError(name, f"is not an http(s) URL ({value!r})", f"e.g. {example}")
        _fields(name, value, ("key",), example)
        return value

    def holiday_regions(self, name: str) -> tuple[str, ...]:
        value = self._get(name)
        if value is None:
            return ()
        from bot.calendars.holidays import parse_region  # the holidays package, only if used

        regions = []
        for code in (c.strip() for c in value.split(",")):
            if not code:
                continue
            try:
                regions.append(parse_region(code))
            except ValueError as exc:
                raise ConfigError(name, str(exc), "e.g. US,GB,DE-BY (ISO 3166 codes)") from None
        return tuple(regions)


def _fields(name: str, value: str, allowed: tuple[str, ...], example: str) -> set[str]:
    """The `{placeholders}` of a template, each one of `allowed`."""
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
    except ValueError:
        raise ConfigError(
            name, "has an unbalanced { or } (write {{ or }} for a brace itself)", f"e.g. {example}"
        ) from None
    unknown = sorted(fields - set(allowed))
    if unknown:
        shown = ", ".join("{" + f + "}" for f in unknown)
        known = ", ".join("{" + f + "}" for f in allowed)
        raise ConfigError(
            name, f"has an unknown placeholder {shown} (only {known})", f"e.g. {example}"
        )
    return fields
