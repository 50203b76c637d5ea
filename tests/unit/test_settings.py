"""Settings.from_env: defaults, and one clear ConfigError per missing or malformed variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SLACK_API_DEFAULT, ConfigError, Settings

DID_NOT_RAISE = pytest.fail.Exception

SLACK = {"SLACK_BOT_TOKEN": "xoxb-123-abc", "SLACK_SIGNING_SECRET": "s3cret"}


def load(dotenv: str | Path | None = None, **env: str) -> Settings:
    return Settings.from_env({**SLACK, **env}, dotenv=dotenv)


def refused(variable: str, *fix_words: str, **env: str) -> ConfigError:
    """`env` (over valid Slack settings) is refused with a one-line message that names
    `variable` first and contains every word of the fix."""
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({**SLACK, **env}, dotenv=None)
    error = caught.value
    message = str(error)
    assert error.variable == variable
    assert message.startswith(f"{variable} "), message
    assert "\n" not in message
    for word in fix_words:
        assert word in message, message
    return error


def test_defaults():
    settings = load()
    assert settings.bot_token == "xoxb-123-abc"
    assert settings.signing_secret == "s3cret"
    assert settings.app_token is None
    assert settings.socket_mode is False
    assert settings.api_url == SLACK_API_DEFAULT
    assert settings.database_url == "sqlite:///loopbot.db"
    assert settings.port == 3000
    assert settings.recruiting_channel == "#recruiting"
    assert settings.templates_file is None
    assert settings.default_tz == "UTC"
    assert settings.run_scheduler is True
    assert settings.feedback_reminder_hours == 24.0
    assert settings.feedback_escalation_hours == 48.0
    assert settings.interview_reminder_minutes == 30
    assert settings.hold_hours == 4.0


def test_every_variable_is_read(tmp_path):
    templates = tmp_path / "loops.toml"
    templates.write_text("")
    settings = load(
        SLACK_APP_TOKEN="xapp-1-A",
        SLACK_API_URL="http://127.0.0.1:9999/api",
        DATABASE_URL="postgresql+psycopg://u:p@db:5432/loopbot",
        PORT="8080",
        LOOPBOT_RECRUITING_CHANNEL="C0123456789",
        LOOPBOT_TEMPLATES_FILE=str(templates),
        LOOPBOT_DEFAULT_TZ="Europe/Berlin",
        LOOPBOT_RUN_SCHEDULER="off",
        LOOPBOT_FEEDBACK_REMINDER_HOURS="1.5",
        LOOPBOT_FEEDBACK_ESCALATION_HOURS="3",
        LOOPBOT_INTERVIEW_REMINDER_MINUTES="10",
        LOOPBOT_HOLD_HOURS="0.5",
    )
    assert settings.app_token == "xapp-1-A"
    assert settings.socket_mode is True
    assert settings.api_url == "http://127.0.0.1:9999/api/"  # slack_sdk urljoins onto it
    assert settings.database_url == "postgresql+psycopg://u:p@db:5432/loopbot"
    assert settings.port == 8080
    assert settings.recruiting_channel == "C0123456789"
    assert settings.templates_file == str(templates)
    assert settings.default_tz == "Europe/Berlin"
    assert settings.run_scheduler is False
    assert settings.feedback_reminder_hours == 1.5
    assert settings.feedback_escalation_hours == 3.0
    assert settings.interview_reminder_minutes == 10
    assert settings.hold_hours == 0.5


def test_values_are_stripped_and_blank_means_unset():
    settings = load(SLACK_BOT_TOKEN="  xoxb-padded  ", PORT="   ", SLACK_APP_TOKEN="")
    assert settings.bot_token == "xoxb-padded"
    assert settings.port == 3000
    assert settings.app_token is None


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1", True),
        ("TRUE", True),
        ("yes", True),
        ("on", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("OFF", False),
    ],
)
def test_boolean_spellings(raw, expected):
    assert load(LOOPBOT_RUN_SCHEDULER=raw).run_scheduler is expected


def test_bot_token_missing():
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"SLACK_SIGNING_SECRET": "s"}, dotenv=None)
    message = str(caught.value)
    assert caught.value.variable == "SLACK_BOT_TOKEN"
    assert message.startswith("SLACK_BOT_TOKEN is not set")
    assert "OAuth & Permissions" in message
    assert ".env.example" in message


def test_bot_token_wrong_prefix():
    refused("SLACK_BOT_TOKEN", "xoxb-", "OAuth & Permissions", SLACK_BOT_TOKEN="xoxp-user-token")


def test_signing_secret_missing():
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1"}, dotenv=None)
    assert caught.value.variable == "SLACK_SIGNING_SECRET"
    assert str(caught.value).startswith("SLACK_SIGNING_SECRET is not set")
    assert "Basic Information" in str(caught.value)


def test_signing_secret_blank_counts_as_missing():
    refused("SLACK_SIGNING_SECRET", "is not set", SLACK_SIGNING_SECRET="   ")


def test_app_token_wrong_prefix():
    refused("SLACK_APP_TOKEN", "xapp-", "connections:write", SLACK_APP_TOKEN="xoxb-not-app")


@pytest.mark.parametrize("url", ["slack.com/api", "ftp://slack.com/api/", "localhost:3000"])
def test_api_url_not_http(url):
    refused("SLACK_API_URL", "http", "https://slack.com/api/", SLACK_API_URL=url)


@pytest.mark.parametrize("url", ["postgres://u:p@host/db", "postgresql://u:p@host/db"])
def test_database_url_without_driver(url):
    refused("DATABASE_URL", "no driver", "postgresql+psycopg://", DATABASE_URL=url)


@pytest.mark.parametrize("url", ["mysql://u@h/db", "loopbot.db", "postgresql+asyncpg://h/db"])
def test_database_url_unknown_scheme(url):
    refused("DATABASE_URL", "not a supported database URL", "sqlite:///", DATABASE_URL=url)


def test_sqlite_urls_are_accepted():
    assert load(DATABASE_URL="sqlite://").database_url == "sqlite://"
    assert load(DATABASE_URL="sqlite:////var/lib/x.db").database_url == "sqlite:////var/lib/x.db"


@pytest.mark.parametrize("port", ["http", "80a", "-1", "0", "65536", "3000.0"])
def test_port_not_a_port(port):
    refused("PORT", "1 to 65535", "3000", PORT=port)


def test_port_bounds_are_inclusive():
    assert load(PORT="1").port == 1
    assert load(PORT="65535").port == 65535


def test_port_superscript_digit_is_a_config_error():
    refused("PORT", "1 to 65535", PORT="²")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "EST5EDT-nonsense", "../etc/passwd"])
def test_default_tz_unknown(zone):
    refused("LOOPBOT_DEFAULT_TZ", "IANA", "America/New_York", LOOPBOT_DEFAULT_TZ=zone)


@pytest.mark.parametrize("raw", ["maybe", "2", "enabled"])
def test_run_scheduler_not_boolean(raw):
    refused("LOOPBOT_RUN_SCHEDULER", "true or false", LOOPBOT_RUN_SCHEDULER=raw)


def test_templates_file_missing(tmp_path):
    missing = tmp_path / "nope.toml"
    refused("LOOPBOT_TEMPLATES_FILE", str(missing), "TOML", LOOPBOT_TEMPLATES_FILE=str(missing))


def test_templates_file_that_is_a_directory(tmp_path):
    refused("LOOPBOT_TEMPLATES_FILE", "names no file", LOOPBOT_TEMPLATES_FILE=str(tmp_path))


@pytest.mark.parametrize("channel", ["recruiting", "#hiring team", "D0123456789", "U012AB3CD"])
def test_recruiting_channel_malformed(channel):
    refused("LOOPBOT_RECRUITING_CHANNEL", "C0123456789", LOOPBOT_RECRUITING_CHANNEL=channel)


@pytest.mark.parametrize("channel", ["#hiring", "C0123456789", "G0123456789"])
def test_recruiting_channel_forms(channel):
    assert load(LOOPBOT_RECRUITING_CHANNEL=channel).recruiting_channel == channel


@pytest.mark.parametrize(
    "variable",
    [
        "LOOPBOT_FEEDBACK_REMINDER_HOURS",
        "LOOPBOT_FEEDBACK_ESCALATION_HOURS",
        "LOOPBOT_FEEDBACK_MANAGER_ESCALATION_HOURS",
        "LOOPBOT_HOLD_HOURS",
    ],
)
@pytest.mark.parametrize("raw", ["0", "-3", "soon"])
def test_reminder_times_must_be_positive(variable, raw):
    refused(variable, "positive number", repr(raw), **{variable: raw})


@pytest.mark.parametrize("raw", ["0", "-3", "soon", "0.5", "1441"])
def test_interview_reminder_minutes_must_be_whole_minutes_up_to_a_day(raw):
    refused(
        "LOOPBOT_INTERVIEW_REMINDER_MINUTES",
        "whole number from 1 to 1440",
        repr(raw),
        LOOPBOT_INTERVIEW_REMINDER_MINUTES=raw,
    )


@pytest.mark.parametrize("raw", ["nan", "inf"])
def test_reminder_hours_must_be_finite(raw):
    refused(
        "LOOPBOT_FEEDBACK_REMINDER_HOURS", "positive number", LOOPBOT_FEEDBACK_REMINDER_HOURS=raw
    )


def test_interview_reminder_minutes_never_rounds_to_zero():
    refused(
        "LOOPBOT_INTERVIEW_REMINDER_MINUTES",
        "LOOPBOT_INTERVIEW_REMINDER_MINUTES",
        LOOPBOT_INTERVIEW_REMINDER_MINUTES="0.5",
    )


# --------------------------------------------------------------------------- require_slack


def test_require_slack_false_needs_no_slack_settings():
    settings = Settings.from_env(
        {"DATABASE_URL": "sqlite:///x.db"}, dotenv=None, require_slack=False
    )
    assert settings.database_url == "sqlite:///x.db"


def test_require_slack_false_still_validates_the_rest():
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(
            {**SLACK, "DATABASE_URL": "postgres://h/db"}, dotenv=None, require_slack=False
        )
    assert caught.value.variable == "DATABASE_URL"


def test_require_slack_true_is_the_default():
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({}, dotenv=None)
    assert caught.value.variable in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")


# --------------------------------------------------------------------------- .env


def test_dotenv_file_is_read(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# a comment\n"
        "SLACK_BOT_TOKEN=xoxb-from-file\n"
        "SLACK_SIGNING_SECRET='quoted secret'\n"
        "PORT=4000\n"
        "SLACK_APP_TOKEN=\n"
    )
    settings = Settings.from_env({}, dotenv=dotenv)
    assert settings.bot_token == "xoxb-from-file"
    assert settings.signing_secret == "quoted secret"
    assert settings.port == 4000
    assert settings.app_token is None


def test_environment_wins_over_dotenv(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("SLACK_BOT_TOKEN=xoxb-file\nSLACK_SIGNING_SECRET=file\nPORT=4000\n")
    settings = Settings.from_env({"PORT": "5000", "SLACK_SIGNING_SECRET": "env"}, dotenv=dotenv)
    assert settings.port == 5000
    assert settings.signing_secret == "env"
    assert settings.bot_token == "xoxb-file"


def test_malformed_value_in_dotenv_names_the_variable(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("SLACK_BOT_TOKEN=xoxb-file\nSLACK_SIGNING_SECRET=s\nPORT=eighty\n")
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({}, dotenv=dotenv)
    assert caught.value.variable == "PORT"


def test_missing_dotenv_file_is_ignored(tmp_path):
    settings = Settings.from_env(SLACK, dotenv=tmp_path / "absent.env")
    assert settings.port == 3000


def test_dotenv_none_reads_no_file(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-file\nSLACK_SIGNING_SECRET=s\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError):
        Settings.from_env({}, dotenv=None)
    assert Settings.from_env({}).bot_token == "xoxb-file"  # the default is ./.env


def test_os_environ_is_used_when_env_is_none(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-os")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "os-secret")
    monkeypatch.setenv("PORT", "3111")
    settings = Settings.from_env()
    assert (settings.bot_token, settings.port) == ("xoxb-os", 3111)


def test_reliability_settings_defaults_and_values():
    settings = load()
    assert settings.outbox_max_age_seconds == 600
    assert settings.outbox_backoff_cap_seconds == 300.0
    assert settings.slack_timeout_seconds == 10.0
    assert settings.leader_lease_seconds == 10.0
    assert settings.log_format == "text"
    chosen = load(
        LOOPBOT_OUTBOX_MAX_AGE_SECONDS="120",
        LOOPBOT_OUTBOX_BACKOFF_CAP_SECONDS="0.5",
        LOOPBOT_SLACK_TIMEOUT_SECONDS="3",
        LOOPBOT_LEADER_LEASE_SECONDS="2.5",
        LOOPBOT_LOG_FORMAT="JSON",
    )
    assert (chosen.outbox_max_age_seconds, chosen.outbox_backoff_cap_seconds) == (120, 0.5)
    assert (chosen.slack_timeout_seconds, chosen.leader_lease_seconds) == (3.0, 2.5)
    assert chosen.log_format == "json"


@pytest.mark.parametrize(
    "variable, raw, words",
    [
        ("LOOPBOT_OUTBOX_MAX_AGE_SECONDS", "0", ("whole number",)),
        ("LOOPBOT_OUTBOX_MAX_AGE_SECONDS", "ten", ("whole number",)),
        ("LOOPBOT_OUTBOX_BACKOFF_CAP_SECONDS", "-1", ("positive number",)),
        ("LOOPBOT_SLACK_TIMEOUT_SECONDS", "inf", ("positive number",)),
        ("LOOPBOT_LEADER_LEASE_SECONDS", "0", ("positive number",)),
        ("LOOPBOT_LOG_FORMAT", "xml", ("text, json",)),
    ],
)
def test_reliability_settings_refused(variable, raw, words):
    refused(variable, *words, **{variable: raw})


def test_retention_days_keep_forever_by_default_and_take_whole_days():
    assert load().retention_days == 0
    assert load(LOOPBOT_RETENTION_DAYS="365").retention_days == 365


@pytest.mark.parametrize("raw", ["-1", "a year", "1.5", "36501"])
def test_retention_days_must_be_whole_days(raw):
    refused("LOOPBOT_RETENTION_DAYS", "whole number from 0 to 36500", repr(raw),
            LOOPBOT_RETENTION_DAYS=raw)  # fmt: skip
