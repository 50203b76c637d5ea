"""Talking to the Google Calendar API: the service-account key, the client, errors as port errors.

The client is google-api-python-client built from the discovery document it ships
(`static_discovery=True`: no network at start), over google-auth's httplib2 transport, which
fetches and refreshes the delegated access token (before expiry and again on a 401). Calls are
retried by `Backoff` on what Google documents as worth retrying: 429, 5xx, and 403 with reason
`rateLimitExceeded` / `userRateLimitExceeded`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import google_auth_httplib2
import httplib2
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from bot.calendars.backoff import Backoff, parse_retry_after
from bot.calendars.port import CalendarRefused, CalendarUnavailable
from bot.settings import ConfigError

CREDENTIALS_VAR = "LOOPBOT_GOOGLE_CREDENTIALS"
ORGANIZER_VAR = "LOOPBOT_GOOGLE_ORGANIZER"
# Events in the organizer's calendar, and free/busy of everybody else: nothing wider.
SCOPES = (
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/calendar.freebusy",
)
KEY_FIX = (
    "give the path of the service account's JSON key (Google Cloud console > IAM & Admin > "
    "Service accounts > Keys > Add key > JSON)"
)
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


class GoogleApiError(CalendarRefused):
    """Google refused the request; `status` and `reason` say how (404 notFound, 409 duplicate…)."""

    def __init__(self, message: str, *, status: int, reason: str, calendar: str | None = None):
        super().__init__(message, calendar=calendar)
        self.status = status
        self.reason = reason


def delegation_fix(client_id: str) -> str:
    return (
        "in the Google Admin console (Security > Access and data control > API controls > "
        f"Domain-wide delegation) allow client ID {client_id} the scopes {','.join(SCOPES)}"
    )


class ServiceAccount(NamedTuple):
    credentials: service_account.Credentials
    client_id: str  # what the Admin console's domain-wide delegation page asks for


def load_credentials(path: str, organizer: str) -> ServiceAccount:
    """The service account's key, delegated to act as `organizer`; ConfigError when the file is
    missing, unreadable or not a service-account key."""
    file = Path(path)
    if not file.is_file():
        raise ConfigError(CREDENTIALS_VAR, f"names no file ({path})", KEY_FIX)
    try:
        info = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(
            CREDENTIALS_VAR,
            f"cannot be read ({error.strerror})",
            "let the user loopbot runs as read the key file",
        ) from None
    except (UnicodeDecodeError, ValueError):
        raise ConfigError(CREDENTIALS_VAR, f"is not a JSON key file ({path})", KEY_FIX) from None
    if not isinstance(info, dict):
        raise ConfigError(CREDENTIALS_VAR, f"is not a JSON key file ({path})", KEY_FIX)
    kind = info.get("type")
    if kind != "service_account":
        what = (
            "an OAuth client or a user's credentials"
            if kind == "authorized_user" or "installed" in info or "web" in info
            else f"a file of type {kind!r}"
        )
        raise ConfigError(CREDENTIALS_VAR, f"holds {what}, not a service-account key", KEY_FIX)
    missing = [
        f for f in ("client_email", "client_id", "private_key", "token_uri") if not info.get(f)
    ]
    if missing:
        raise ConfigError(
            CREDENTIALS_VAR, f"lacks {', '.join(missing)}", f"download a fresh key: {KEY_FIX}"
        )
    try:
        credentials = service_account.Credentials.from_service_account_info(
            info, scopes=list(SCOPES), subject=organizer
        )
    except (ValueError, TypeError, IndexError):
        raise ConfigError(
            CREDENTIALS_VAR,
            "holds a private key that cannot be read",
            f"download a fresh key: {KEY_FIX}",
        ) from None
    return ServiceAccount(credentials, str(info["client_id"]))


def explain(error: HttpError) -> tuple[int, str, str]:
    """(status, first reason, message) of Google's error body
    `{"error": {"code", "message", "errors": [{"reason", ...}]}}`."""
    status = int(error.resp.status)
    reason, message = "", str(error.resp.reason or "")
    try:
        body = json.loads(error.content.decode("utf-8"))["error"]
        message = body.get("message") or message
        reasons = body.get("errors") or [{}]
        reason = reasons[0].get("reason", "") or ""
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        pass
    return status, reason, message


class CalendarResources(NamedTuple):
    """The API's collections, made once per thread: making one builds every method from the
    discovery document, which costs tens of milliseconds."""

    events: Any
    freebusy: Any
    channels: Any


class GoogleApi:
    """One Calendar API client per thread (httplib2 connections are not thread-safe), with one
    set of credentials whose token all threads share."""

    def __init__(
        self,
        credentials: service_account.Credentials,
        api_url: str,
        *,
        timeout: float,
        backoff: Backoff,
    ):
        self.credentials = credentials
        self.endpoint = api_url.rstrip("/") + "/calendar/v3/"
        self.timeout = timeout
        self.backoff = backoff
        self._local = threading.local()

    def http(self) -> httplib2.Http:
        return httplib2.Http(timeout=self.timeout)

    def service(self) -> CalendarResources:
        resources = getattr(self._local, "resources", None)
        if resources is None:
            authorized = google_auth_httplib2.AuthorizedHttp(self.credentials, http=self.http())
            service = build(
                "calendar",
                "v3",
                http=authorized,
                static_discovery=True,
                cache_discovery=False,
                client_options={"api_endpoint": self.endpoint},
            )
            resources = CalendarResources(service.events(), service.freebusy(), service.channels())
            self._local.resources = resources
        return resources

    def execute(
        self, make: Callable[[CalendarResources], Any], *, what: str, calendar: str | None = None
    ) -> dict[str, Any]:
        """Build the request with `make(resources)` and run it, retrying what may pass."""

        def once() -> dict[str, Any]:
            try:
                return make(self.service()).execute() or {}
            except HttpError as error:
                raise as_port_error(error, what=what, calendar=calendar) from error
            except RefreshError as error:
                if getattr(error, "retryable", False):
                    raise CalendarUnavailable(
                        f"Google sign-in failed for {what}, retrying: {error}", calendar=calendar
                    ) from error
                raise CalendarRefused(
                    f"Google refused loopbot's credentials for {what}: {error}", calendar=calendar
                ) from error
            except (TransportError, httplib2.HttpLib2Error, OSError) as error:
                raise CalendarUnavailable(
                    f"Google Calendar unreachable for {what}: {error}", calendar=calendar
                ) from error

        return self.backoff.run(once)


def as_port_error(error: HttpError, *, what: str, calendar: str | None) -> Exception:
    status, reason, message = explain(error)
    text = f"Google Calendar {what}: {status} {reason or ''} {message}".replace("  ", " ").strip()
    if status == 429 or status >= 500 or (status == 403 and reason in RATE_LIMIT_REASONS):
        retry_after = parse_retry_after(error.resp.get("retry-after"))
        return CalendarUnavailable(text, calendar=calendar, retry_after=retry_after)
    return GoogleApiError(text, status=status, reason=reason, calendar=calendar)
