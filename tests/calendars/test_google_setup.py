"""Google settings, the key file and the start-up check: one ConfigError line naming the fix."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.calendars.google import GoogleCalendar
from bot.calendars.port import CalendarUnavailable
from bot.settings import GOOGLE_API_DEFAULT, ConfigError, Settings
from tests.calendars.providers import ORGANIZER, google_settings, quick_backoff
from tests.standins.google_calendar import EVENTS_SCOPE, GoogleCalendarStandin


@pytest.fixture
def standin() -> Iterator[GoogleCalendarStandin]:
    with GoogleCalendarStandin() as server:
        server.store.add_user(ORGANIZER)
        yield server


@pytest.fixture
def key_file(standin, tmp_path) -> Path:
    return standin.write_key_file(tmp_path / "service-account.json")


def refused(variable: str, make, *words: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        make()
    message = str(caught.value)
    assert caught.value.variable == variable
    assert message.startswith(f"{variable} ") and "\n" not in message, message
    for word in words:
        assert word in message, message
    return caught.value


def adapter(standin, key_file, **overrides: str) -> GoogleCalendar:
    settings = google_settings(standin.url, key_file, **overrides)
    return GoogleCalendar.from_settings(settings, backoff=quick_backoff())


# --------------------------------------------------------------------------- settings


def test_the_settings_are_optional_and_default_to_google():
    settings = Settings.from_env({}, dotenv=None, require_slack=False)
    assert (settings.google_credentials, settings.google_organizer) == (None, None)
    assert settings.google_api_url == GOOGLE_API_DEFAULT


def test_a_malformed_organizer_or_api_url_is_refused():
    def load(**env):
        return lambda: Settings.from_env(env, dotenv=None, require_slack=False)

    refused("LOOPBOT_GOOGLE_ORGANIZER", load(LOOPBOT_GOOGLE_ORGANIZER="hiring"), "email address")
    refused("LOOPBOT_GOOGLE_API_URL", load(LOOPBOT_GOOGLE_API_URL="googleapis.com"), "http")


def test_google_needs_its_credentials_and_organizer(standin, key_file):
    bare = Settings.from_env({}, dotenv=None, require_slack=False)
    refused("LOOPBOT_GOOGLE_CREDENTIALS", lambda: GoogleCalendar.from_settings(bare), "is not set")
    no_organizer = Settings.from_env(
        {"LOOPBOT_GOOGLE_CREDENTIALS": str(key_file)}, dotenv=None, require_slack=False
    )
    refused(
        "LOOPBOT_CALENDAR_ORGANIZER",
        lambda: GoogleCalendar.from_settings(no_organizer),
        "is not set",
        "hiring@example.com",
    )


def test_the_shared_organizer_serves_and_the_google_one_wins(standin, key_file):
    shared = adapter(
        standin, key_file, LOOPBOT_GOOGLE_ORGANIZER="", LOOPBOT_CALENDAR_ORGANIZER=ORGANIZER
    )
    assert (shared.organizer, shared.organizer_variable) == (
        ORGANIZER,
        "LOOPBOT_CALENDAR_ORGANIZER",
    )
    shared.check()
    both = adapter(standin, key_file, LOOPBOT_CALENDAR_ORGANIZER="other@example.com")
    assert (both.organizer, both.organizer_variable) == (ORGANIZER, "LOOPBOT_GOOGLE_ORGANIZER")


def test_an_unknown_shared_organizer_is_named_by_its_own_variable(standin, key_file):
    check = adapter(
        standin,
        key_file,
        LOOPBOT_GOOGLE_ORGANIZER="",
        LOOPBOT_CALENDAR_ORGANIZER="nobody@example.com",
    ).check
    refused("LOOPBOT_CALENDAR_ORGANIZER", check, "nobody@example.com")


# --------------------------------------------------------------------------- the key file


def test_a_missing_key_file(standin, tmp_path):
    missing = tmp_path / "nowhere.json"
    refused(
        "LOOPBOT_GOOGLE_CREDENTIALS", lambda: adapter(standin, missing), "names no file", "Keys"
    )


@pytest.mark.parametrize(
    "content, words",
    [
        (b"\xff\xfe not text", ("not a JSON key file",)),
        (b"{ not json", ("not a JSON key file",)),
        (b"[1, 2]", ("not a JSON key file",)),
        (json.dumps({"installed": {"client_id": "x"}}).encode(), ("OAuth client",)),
        (json.dumps({"type": "authorized_user"}).encode(), ("OAuth client",)),
        (json.dumps({"type": "service_account", "client_email": "a@b"}).encode(), ("lacks",)),
    ],
)
def test_a_file_that_is_no_service_account_key(standin, tmp_path, content, words):
    path = tmp_path / "key.json"
    path.write_bytes(content)
    refused("LOOPBOT_GOOGLE_CREDENTIALS", lambda: adapter(standin, path), *words)


def test_a_key_whose_private_key_is_damaged(standin, key_file):
    key = json.loads(key_file.read_text())
    key["private_key"] = key["private_key"][:200] + "garbage" + key["private_key"][260:]
    key_file.write_text(json.dumps(key))
    refused("LOOPBOT_GOOGLE_CREDENTIALS", lambda: adapter(standin, key_file), "private key")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file: nothing to refuse")
def test_an_unreadable_key_file(standin, key_file):
    key_file.chmod(0)
    refused("LOOPBOT_GOOGLE_CREDENTIALS", lambda: adapter(standin, key_file), "cannot be read")


# --------------------------------------------------------------------------- start-up check


def test_the_check_passes_with_working_delegation(standin, key_file):
    adapter(standin, key_file).check()
    assert [c.route for c in standin.calls] == ["token", "events.list", "freebusy.query"]


def test_delegation_without_the_calendar_scopes_names_the_admin_console(standin, key_file):
    standin.delegated_scopes = {EVENTS_SCOPE}
    error = refused(
        "LOOPBOT_GOOGLE_CREDENTIALS",
        adapter(standin, key_file).check,
        "Domain-wide delegation",
        standin.client_id,
        "calendar.freebusy",
    )
    assert "calendar.events" in str(error)


def test_an_organizer_google_does_not_know(standin, key_file):
    check = adapter(standin, key_file, LOOPBOT_GOOGLE_ORGANIZER="nobody@example.com").check
    refused("LOOPBOT_GOOGLE_ORGANIZER", check, "nobody@example.com", "Workspace user")


def test_a_project_without_the_calendar_api(standin, key_file):
    standin.api_enabled = False
    refused(
        "LOOPBOT_GOOGLE_CREDENTIALS",
        adapter(standin, key_file).check,
        "enable the Google Calendar API",
    )


def test_a_key_google_no_longer_accepts(standin, key_file):
    # Another private key under the same account, as a deleted key would be.
    key = json.loads(key_file.read_text())
    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    key["private_key"] = pem.decode()
    path = key_file.with_name("old-key.json")
    path.write_text(json.dumps(key))
    refused("LOOPBOT_GOOGLE_CREDENTIALS", adapter(standin, path).check, "new JSON key")


def test_google_unreachable_at_start_is_unavailable_not_a_config_error(standin, key_file):
    port = adapter(standin, key_file)
    standin.stop()
    with pytest.raises(CalendarUnavailable):
        port.check()
