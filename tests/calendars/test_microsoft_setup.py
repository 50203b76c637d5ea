"""Microsoft settings and the start-up check: one ConfigError line naming the variable and fix."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.calendars.microsoft import MicrosoftCalendar
from bot.calendars.port import CalendarUnavailable
from bot.settings import MS_GRAPH_DEFAULT, MS_LOGIN_DEFAULT, ConfigError, Settings
from tests.calendars.providers import ORGANIZER, microsoft_settings, quick_backoff
from tests.standins.graph import GraphStandin

OTHER_GUID = "11111111-2222-4333-8444-555555555555"


@pytest.fixture
def standin() -> Iterator[GraphStandin]:
    with GraphStandin() as server:
        server.mailboxes.add_user(ORGANIZER)
        yield server


def refused(variable: str, make, *words: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        make()
    message = str(caught.value)
    assert caught.value.variable == variable
    assert message.startswith(f"{variable} ") and "\n" not in message, message
    for word in words:
        assert word in message, message
    return caught.value


def check(standin: GraphStandin, **overrides: str):
    port = MicrosoftCalendar.from_settings(
        microsoft_settings(standin, **overrides), backoff=quick_backoff()
    )
    return port.check


def load(**env: str):
    return lambda: Settings.from_env(env, dotenv=None, require_slack=False)


# --------------------------------------------------------------------------- settings


def test_the_settings_are_optional_with_microsoft_defaults():
    settings = load()()
    assert (settings.ms_tenant_id, settings.ms_client_id, settings.ms_client_secret) == (None,) * 3
    assert (settings.ms_graph_url, settings.ms_login_url) == (MS_GRAPH_DEFAULT, MS_LOGIN_DEFAULT)


@pytest.mark.parametrize(
    "variable, value, word",
    [
        ("LOOPBOT_MS_CLIENT_ID", "my-app", "GUID"),
        ("LOOPBOT_MS_TENANT_ID", "contoso tenant", "tenant"),
        ("LOOPBOT_MS_ORGANIZER", "hiring", "email address"),
        ("LOOPBOT_MS_GRAPH_URL", "graph.microsoft.com", "http"),
        ("LOOPBOT_MS_LOGIN_URL", "login", "http"),
    ],
)
def test_malformed_values_are_refused(variable, value, word):
    refused(variable, load(**{variable: value}), word)


def test_a_tenant_may_be_a_domain():
    assert load(LOOPBOT_MS_TENANT_ID="contoso.onmicrosoft.com")().ms_tenant_id == (
        "contoso.onmicrosoft.com"
    )


@pytest.mark.parametrize(
    "missing",
    [
        "LOOPBOT_MS_TENANT_ID",
        "LOOPBOT_MS_CLIENT_ID",
        "LOOPBOT_MS_CLIENT_SECRET",
        "LOOPBOT_MS_ORGANIZER",
    ],
)
def test_microsoft_needs_its_app_and_organizer(standin, missing):
    settings = microsoft_settings(standin, **{missing: ""})
    # Without an organizer, the error names the setting meant for every provider.
    named = "LOOPBOT_CALENDAR_ORGANIZER" if missing == "LOOPBOT_MS_ORGANIZER" else missing
    refused(named, lambda: MicrosoftCalendar.from_settings(settings), "is not set")


def test_the_shared_organizer_serves_and_the_microsoft_one_wins(standin):
    shared = microsoft_settings(
        standin, LOOPBOT_MS_ORGANIZER="", LOOPBOT_CALENDAR_ORGANIZER=ORGANIZER
    )
    port = MicrosoftCalendar.from_settings(shared, backoff=quick_backoff())
    assert (port.organizer, port.organizer_variable) == (ORGANIZER, "LOOPBOT_CALENDAR_ORGANIZER")
    port.check()
    both = microsoft_settings(standin, LOOPBOT_CALENDAR_ORGANIZER="other@example.com")
    assert MicrosoftCalendar.from_settings(both).organizer == ORGANIZER


def test_an_unknown_shared_organizer_is_named_by_its_own_variable(standin):
    refused(
        "LOOPBOT_CALENDAR_ORGANIZER",
        check(standin, LOOPBOT_MS_ORGANIZER="", LOOPBOT_CALENDAR_ORGANIZER="nobody@example.com"),
        "ErrorInvalidUser",
    )


# --------------------------------------------------------------------------- start-up check


def test_the_check_passes_with_a_consented_app(standin):
    check(standin)()
    assert [c.route for c in standin.calls] == ["token", "calendar.get"]


def test_an_unknown_tenant(standin):
    refused("LOOPBOT_MS_TENANT_ID", check(standin, LOOPBOT_MS_TENANT_ID=OTHER_GUID), "no tenant")


def test_an_unknown_application(standin):
    refused(
        "LOOPBOT_MS_CLIENT_ID", check(standin, LOOPBOT_MS_CLIENT_ID=OTHER_GUID), "no application"
    )


def test_a_wrong_secret(standin):
    refused(
        "LOOPBOT_MS_CLIENT_SECRET",
        check(standin, LOOPBOT_MS_CLIENT_SECRET="old-secret"),
        "client secret",
    )


def test_an_app_without_calendar_permission_names_the_consent_to_grant(standin):
    standin.roles = {"User.Read.All"}
    refused("LOOPBOT_MS_CLIENT_ID", check(standin), "Calendars.ReadWrite", "admin consent")


def test_an_organizer_without_a_mailbox(standin):
    refused(
        "LOOPBOT_MS_ORGANIZER",
        check(standin, LOOPBOT_MS_ORGANIZER="nobody@example.com"),
        "ErrorInvalidUser",
    )


def test_sign_in_unreachable_at_start_is_unavailable_not_a_config_error(standin):
    start_check = check(standin)
    standin.stop()
    with pytest.raises(CalendarUnavailable):
        start_check()
