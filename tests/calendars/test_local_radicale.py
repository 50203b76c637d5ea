"""The Radicale server loopbot starts for the demo and the tests, and the seeding helpers."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.calendars.caldav import CalDavCalendar
from tests.calendars.conftest import needs_radicale

pytestmark = needs_radicale


def answers(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def test_starts_on_a_free_port_and_stops_cleanly(tmp_path):
    from loopbot.local_radicale import LocalRadicale

    server = LocalRadicale(folder=tmp_path / "kept")
    assert not server.running
    with server:
        assert server.running and server.url.startswith("http://127.0.0.1:")
        assert answers(server.url + "anybody/") == 401  # it wants the service account
        work = server._work
        seen = server.url
    assert not server.running and answers(seen) is None
    assert not work.exists()  # its config and password file are gone
    assert (tmp_path / "kept").is_dir()  # the collections folder it was given is kept


def test_a_server_that_cannot_start_says_why():
    from loopbot.local_radicale import LocalRadicale, RadicaleError

    with pytest.raises(RadicaleError, match="level"):
        LocalRadicale(log_level="chatty", ready_timeout=10).start()


def test_the_seeded_typical_week_as_the_adapter_reads_it(radicale, seeder):
    from loopbot.calendar_seed import seed_typical_week

    monday = date(2026, 11, 23)
    url = seed_typical_week(seeder, "seeded@example.com", "Europe/London", monday, away=True)
    assert url == radicale.url + "seeded@example.com/calendar/"
    assert seeder.collection("seeded@example.com") == url  # creating it again is harmless
    reader = CalDavCalendar(radicale.url, radicale.username, radicale.password)
    start = datetime(2026, 11, 23, tzinfo=UTC)
    blocks = reader.free_busy(
        ["seeded@example.com"], start, start + timedelta(days=14),
        zones={"seeded@example.com": "Europe/London"},
    ).busy["seeded@example.com"]  # fmt: skip
    london = ZoneInfo("Europe/London")
    # the week out of office, then ten stand-ups at 09:30 London time and two meetings
    assert blocks[0].all_day and blocks[0].start == datetime(2026, 11, 23, tzinfo=UTC)
    standups = [b for b in blocks if b.start.astimezone(london).strftime("%H:%M") == "09:30"]
    assert len(standups) == 10
    meetings = [b for b in blocks if not b.all_day and b not in standups]
    assert len(meetings) == 2 and all(b.end - b.start == timedelta(hours=1) for b in meetings)
    reader.close()


def test_upload_replaces_a_whole_calendar_in_one_request(radicale, seeder):
    from loopbot.calendar_seed import meeting

    start = datetime(2026, 11, 24, 9, tzinfo=UTC)
    before = seeder.session.calls
    seeder.upload("bulk@example.com", [meeting(f"m{n}", "Sync", start + timedelta(hours=n),
                                               start + timedelta(hours=n, minutes=30))
                                       for n in range(5)])  # fmt: skip
    assert seeder.session.calls - before == 2  # the user's folder, then the calendar
    assert [seeder.get("bulk@example.com", f"m{n}") is not None for n in range(5)] == [True] * 5
