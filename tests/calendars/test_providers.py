"""The `none` provider, the factory, and how the CalDAV adapter names calendars and reads a
failing server (a small HTTP server of the test's own that answers 5xx and 429)."""

from __future__ import annotations

import sys
import threading
import types
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.calendars import factory
from bot.calendars.caldav import CalDavCalendar
from bot.calendars.factory import make_calendar
from bot.calendars.local import LocalCalendar
from bot.calendars.port import (
    CalendarPort,
    CalendarRefused,
    CalendarUnavailable,
    Event,
)
from bot.settings import ConfigError, Settings

WINDOW = (datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 12, 7, tzinfo=UTC))
EVENT = Event(
    key="loopbot-interview-1",
    calendar="ada@example.com",
    title="Coding interview",
    start=WINDOW[0],
    end=WINDOW[0] + timedelta(hours=1),
    video_url="https://zoom.example.com/j/1",
)


def settings(**env: str) -> Settings:
    return Settings.from_env(env, dotenv=None, require_slack=False)


# ----------------------------------------------------------------------------- none


def test_the_none_provider_answers_everything_and_keeps_nothing():
    local = LocalCalendar()
    assert isinstance(local, CalendarPort) and local.name == "none"
    answer = local.free_busy(["ada@example.com", "chen@example.com"], *WINDOW)
    assert answer.busy == {"ada@example.com": (), "chen@example.com": ()}
    assert answer.unreadable == {}
    receipt = local.put_event(EVENT)
    assert (receipt.key, receipt.provider_id, receipt.video_url) == (
        "loopbot-interview-1",
        "",
        "https://zoom.example.com/j/1",
    )
    local.cancel_event("ada@example.com", "loopbot-interview-1")
    assert local.event_states([("ada@example.com", "loopbot-interview-1")]) == {}


# ----------------------------------------------------------------------------- factory


def test_the_factory_builds_the_chosen_adapter():
    assert isinstance(make_calendar(settings()), LocalCalendar)
    caldav = make_calendar(
        settings(
            LOOPBOT_CALENDAR="caldav",
            LOOPBOT_CALDAV_URL="http://127.0.0.1:9/dav/",
            LOOPBOT_CALDAV_USERNAME="svc",
            LOOPBOT_CALDAV_PASSWORD="pw",
            LOOPBOT_CALDAV_CALENDAR_PATH="calendars/{email}/",
            LOOPBOT_DEFAULT_TZ="Europe/Paris",
        )
    )
    assert isinstance(caldav, CalDavCalendar) and isinstance(caldav, CalendarPort)
    assert caldav.collection_url("ada@example.com") == (
        "http://127.0.0.1:9/dav/calendars/ada@example.com/"
    )
    assert caldav.default_zone == "Europe/Paris"


def test_an_adapter_module_is_imported_only_when_chosen(monkeypatch):
    built = []

    class FakeProvider:
        name = "google"

        @classmethod
        def from_settings(cls, given):
            built.append(given)
            return LocalCalendar()

    module = types.ModuleType("bot.calendars.test_only_google")
    module.GoogleCalendar = FakeProvider
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(factory.ADAPTERS, "google", (module.__name__, "GoogleCalendar"))
    chosen = settings(LOOPBOT_CALENDAR="google")
    assert isinstance(make_calendar(chosen), LocalCalendar)
    assert built == [chosen]


def test_a_provider_missing_from_this_build_is_a_config_error(monkeypatch):
    monkeypatch.setitem(
        factory.ADAPTERS, "microsoft", ("bot.calendars.no_such_adapter", "MicrosoftCalendar")
    )
    with pytest.raises(ConfigError) as caught:
        make_calendar(settings(LOOPBOT_CALENDAR="microsoft"))
    assert caught.value.variable == "LOOPBOT_CALENDAR"
    assert "does not include" in str(caught.value) and "caldav or none" in str(caught.value)


# ----------------------------------------------------------------------------- naming


@pytest.fixture
def named():
    calendar = CalDavCalendar("https://dav.example.com/dav", "svc", "pw")
    yield calendar
    calendar.close()


@pytest.mark.parametrize(
    ("roster_value", "url"),
    [
        ("ada@example.com", "https://dav.example.com/dav/ada@example.com/calendar/"),
        (" Ada@Example.com ", "https://dav.example.com/dav/Ada@Example.com/calendar/"),
        ("team/interviews", "https://dav.example.com/dav/team/interviews/"),
        ("/other/root/cal/", "https://dav.example.com/other/root/cal/"),
        ("https://dav.example.com/x/y/", "https://dav.example.com/x/y/"),
        ("some one", "https://dav.example.com/dav/some%20one/calendar/"),
    ],
)
def test_calendar_naming(named, roster_value, url):
    assert named.collection_url(roster_value) == url


def test_a_url_on_another_server_is_refused(named):
    with pytest.raises(CalendarRefused, match="not on the calendar server dav.example.com"):
        named.collection_url("https://evil.example.net/ada/calendar/")
    answer = named.free_busy(["https://evil.example.net/ada/"], *WINDOW)
    assert "not on the calendar server" in answer.unreadable["https://evil.example.net/ada/"]


def test_the_organizer_is_the_service_account():
    by_email = CalDavCalendar("https://dav.example.com/", "loopbot@example.com", "pw")
    assert by_email.organizer.email == "loopbot@example.com"
    by_name = CalDavCalendar("https://dav.example.com/", "loopbot", "pw")
    assert by_name.organizer == "https://dav.example.com/loopbot/"


# ----------------------------------------------------------------------------- failing server


class Scripted(BaseHTTPRequestHandler):
    """Answers each request with the next (status, headers) of the server's script."""

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        status, headers = self.server.script.pop(0) if self.server.script else (404, {})
        self.send_response(status)
        for name, value in {**headers, "Content-Length": "0"}.items():
            self.send_header(name, value)
        self.end_headers()

    do_REPORT = do_PUT = do_GET = do_DELETE = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def scripted():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    server.script = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    calendar = CalDavCalendar(f"http://127.0.0.1:{server.server_port}/", "svc", "pw", parallel=1)
    yield server, calendar
    calendar.close()
    server.shutdown()
    server.server_close()


def test_a_503_with_retry_after_is_worth_retrying_later(scripted):
    server, calendar = scripted
    server.script = [(503, {"Retry-After": "120"})] * 3
    with pytest.raises(CalendarUnavailable) as caught:
        calendar.put_event(EVENT)
    assert caught.value.retry_after == 120 and caught.value.calendar == "ada@example.com"
    server.script = [(503, {"Retry-After": "120"})]
    answer = calendar.free_busy(["ada@example.com", "chen@example.com"], *WINDOW)
    assert set(answer.unreadable) == {"ada@example.com", "chen@example.com"}
    assert "slow down" in answer.unreadable["chen@example.com"]


def test_a_500_is_worth_retrying(scripted):
    server, calendar = scripted
    server.script = [(500, {})]
    with pytest.raises(CalendarUnavailable, match="failing \\(HTTP 500\\)") as caught:
        calendar.cancel_event("ada@example.com", "k")
    assert caught.value.retry_after is None


def test_a_short_pause_is_waited_out_in_place(scripted):
    server, calendar = scripted
    server.script = [(429, {"Retry-After": "1"}), (404, {})]
    answer = calendar.free_busy(["ada@example.com"], *WINDOW)
    assert "no calendar at /ada@example.com/calendar/" in answer.unreadable["ada@example.com"]
    assert calendar.calls == 2 and server.script == []


def test_a_429_without_a_pause_is_worth_retrying(scripted):
    server, calendar = scripted
    server.script = [(429, {})]
    with pytest.raises(CalendarUnavailable, match="slow down"):
        calendar.event_states([("ada@example.com", "k")])
