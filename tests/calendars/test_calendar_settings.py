"""Calendar settings: defaults, and one line naming the variable and the fix for each mistake
(exit code 2 from the command line)."""

from __future__ import annotations

import pytest

from bot.settings import ConfigError, Settings
from loopbot.cli import main

CALDAV = {
    "LOOPBOT_CALENDAR": "caldav",
    "LOOPBOT_CALDAV_URL": "https://dav.example.com/dav",
    "LOOPBOT_CALDAV_USERNAME": "loopbot@example.com",
    "LOOPBOT_CALDAV_PASSWORD": "s3cret",
}


def load(**env: str) -> Settings:
    return Settings.from_env(env, dotenv=None, require_slack=False)


def refused(variable: str, *words: str, **env: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(**env)
    message = str(caught.value)
    assert caught.value.variable == variable
    assert message.startswith(f"{variable} ") and "\n" not in message, message
    for word in words:
        assert word in message, message
    return message


def test_defaults():
    settings = load()
    assert settings.calendar == "none"
    assert settings.calendar_sync_seconds == 300
    assert settings.holidays == ()
    assert settings.video_url_template is None and settings.video_url_for("k") is None
    assert settings.caldav_url is None


def test_caldav_settings():
    settings = load(**{**CALDAV, "LOOPBOT_CALENDAR": "CalDAV"}, LOOPBOT_CALENDAR_SYNC_SECONDS="60")
    assert settings.calendar == "caldav"
    assert settings.caldav_url == "https://dav.example.com/dav/"
    assert (settings.caldav_username, settings.caldav_password) == ("loopbot@example.com", "s3cret")
    assert settings.caldav_calendar_path == "{email}/calendar/"
    assert settings.calendar_sync_seconds == 60


def test_an_unknown_provider():
    refused("LOOPBOT_CALENDAR", "none, caldav, google, microsoft", "'outlook'",
            LOOPBOT_CALENDAR="outlook")  # fmt: skip


@pytest.mark.parametrize(
    "missing", ["LOOPBOT_CALDAV_URL", "LOOPBOT_CALDAV_USERNAME", "LOOPBOT_CALDAV_PASSWORD"]
)
def test_caldav_needs_its_server_and_account(missing):
    refused(missing, "is not set", "LOOPBOT_CALENDAR=caldav needs it", **{**CALDAV, missing: ""})


def test_caldav_settings_are_not_needed_for_other_providers():
    assert load(LOOPBOT_CALENDAR="none").caldav_url is None


def test_a_caldav_url_that_is_not_http():
    refused("LOOPBOT_CALDAV_URL", "is not an http(s) URL", "https://dav.example.com/",
            **{**CALDAV, "LOOPBOT_CALDAV_URL": "dav.example.com"})  # fmt: skip


def test_the_calendar_path_pattern():
    settings = load(**CALDAV, LOOPBOT_CALDAV_CALENDAR_PATH="calendars/{email}/personal/")
    assert settings.caldav_calendar_path == "calendars/{email}/personal/"
    refused("LOOPBOT_CALDAV_CALENDAR_PATH", "no {email} placeholder",
            **CALDAV, LOOPBOT_CALDAV_CALENDAR_PATH="calendars/personal/")  # fmt: skip
    refused("LOOPBOT_CALDAV_CALENDAR_PATH", "unknown placeholder {user}",
            **CALDAV, LOOPBOT_CALDAV_CALENDAR_PATH="{user}/calendar/")  # fmt: skip


@pytest.mark.parametrize("value", ["0", "5", "abc", "100000"])
def test_sync_interval_bounds(value):
    refused("LOOPBOT_CALENDAR_SYNC_SECONDS", "whole number from 10 to 86400",
            LOOPBOT_CALENDAR_SYNC_SECONDS=value)  # fmt: skip


def test_holiday_regions():
    assert load(LOOPBOT_HOLIDAYS="us-ca, gb,DE").holidays == ("US-CA", "GB", "DE")
    refused("LOOPBOT_HOLIDAYS", "unknown country code 'XX'", "ISO 3166",
            LOOPBOT_HOLIDAYS="US,XX")  # fmt: skip
    refused("LOOPBOT_HOLIDAYS", "unknown subdivision 'US-ZZ'", LOOPBOT_HOLIDAYS="US-ZZ")


def test_video_url_template():
    settings = load(LOOPBOT_VIDEO_URL_TEMPLATE="https://zoom.example.com/j/{key}")
    assert settings.video_url_for("loopbot-interview-42") == (
        "https://zoom.example.com/j/loopbot-interview-42"
    )
    fixed = load(LOOPBOT_VIDEO_URL_TEMPLATE="https://meet.example.com/interviews")
    assert fixed.video_url_for("x") == "https://meet.example.com/interviews"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("zoom.example.com/j/{key}", ("is not an http(s) URL",)),
        ("https://zoom.example.com/j/{id}", ("unknown placeholder {id}", "only {key}")),
        ("https://zoom.example.com/j/{}", ("unknown placeholder {}",)),
        ("https://zoom.example.com/j/{key.upper}", ("unknown placeholder {key.upper}",)),
        ("https://zoom.example.com/j/{key", ("unbalanced",)),
    ],
)
def test_a_bad_video_url_template(value, words):
    refused("LOOPBOT_VIDEO_URL_TEMPLATE", *words, "{key}", LOOPBOT_VIDEO_URL_TEMPLATE=value)


def test_the_command_line_says_it_in_one_line_and_exits_2(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("LOOPBOT_CALENDAR", "caldav")
    monkeypatch.delenv("LOOPBOT_CALDAV_URL", raising=False)
    assert main(["db", "upgrade"]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("loopbot: LOOPBOT_CALDAV_URL is not set:")


def test_every_calendar_variable_is_documented_in_env_example():
    from pathlib import Path

    documented = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    for name in (
        "LOOPBOT_CALENDAR", "LOOPBOT_CALDAV_URL", "LOOPBOT_CALDAV_USERNAME",
        "LOOPBOT_CALDAV_PASSWORD", "LOOPBOT_CALDAV_CALENDAR_PATH",
        "LOOPBOT_CALENDAR_SYNC_SECONDS", "LOOPBOT_HOLIDAYS", "LOOPBOT_VIDEO_URL_TEMPLATE",
        "LOOPBOT_CALENDAR_ORGANIZER", "LOOPBOT_PUBLIC_URL",
    ):  # fmt: skip
        assert f"\n{name}=" in documented, name


def test_the_shared_organizer_and_the_public_url():
    settings = load(
        LOOPBOT_CALENDAR_ORGANIZER="hiring@example.com",
        LOOPBOT_PUBLIC_URL="https://loopbot.example.com/",
    )
    assert settings.calendar_organizer == "hiring@example.com"
    assert settings.public_url == "https://loopbot.example.com"  # routes are joined under it
    assert (load().calendar_organizer, load().public_url) == (None, None)


@pytest.mark.parametrize(
    "variable, value, words",
    [
        ("LOOPBOT_CALENDAR_ORGANIZER", "hiring", ("email address",)),
        ("LOOPBOT_PUBLIC_URL", "loopbot.example.com", ("http(s) URL",)),
        ("LOOPBOT_PUBLIC_URL", "https://loopbot.example.com/?x=1", ("query",)),
    ],
)
def test_a_malformed_organizer_or_public_url(variable, value, words):
    refused(variable, *words, **{variable: value})


def test_caldav_events_name_the_shared_organizer():
    from bot.calendars.caldav import CalDavCalendar
    from bot.calendars.port import Attendee

    shared = CalDavCalendar.from_settings(load(**CALDAV, LOOPBOT_CALENDAR_ORGANIZER="hr@x.example"))
    assert shared.organizer == Attendee("hr@x.example")
    assert CalDavCalendar.from_settings(load(**CALDAV)).organizer == Attendee(
        "loopbot@example.com", "loopbot"
    )  # the service account, by default
