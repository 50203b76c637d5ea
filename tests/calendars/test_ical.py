"""Busy time from iCalendar text, for the shapes a server rarely produces in the Radicale
tests: durations, missing ends, several days, broken recurrences. Pure: no server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.calendars.ical_busy import busy_times, parse_calendar

BERLIN = ZoneInfo("Europe/Berlin")
WINDOW = (datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 12, 7, tzinfo=UTC))


def calendar(*events: str) -> str:
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:u{n}\r\nDTSTAMP:20260101T000000Z\r\n{e.strip()}\r\nEND:VEVENT\r\n"
        for n, e in enumerate(events)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n{body}END:VCALENDAR\r\n"


def busy(*events: str, zone=BERLIN):
    return busy_times([parse_calendar(calendar(*events))], *WINDOW, zone)


def test_duration_instead_of_an_end():
    (block,) = busy("DTSTART:20261124T090000Z\r\nDURATION:PT90M")
    assert block.end - block.start == timedelta(minutes=90)


def test_a_time_without_an_end_takes_no_time_and_a_date_one_day():
    (block,) = busy("DTSTART:20261124T090000Z", "DTSTART;VALUE=DATE:20261125")
    assert block.all_day
    assert block.start == datetime(2026, 11, 25, tzinfo=BERLIN)
    assert block.end == datetime(2026, 11, 26, tzinfo=BERLIN)


def test_out_of_office_across_days_blocks_each_day_it_touches():
    (block,) = busy(
        "DTSTART:20261124T150000Z\r\nDTEND:20261126T080000Z\r\nX-MICROSOFT-CDO-BUSYSTATUS:OOF"
    )
    assert block.all_day
    assert block.start == datetime(2026, 11, 24, tzinfo=BERLIN)
    assert block.end == datetime(2026, 11, 27, tzinfo=BERLIN)


def test_outlooks_free_and_tentative_busy_status():
    blocks = busy(
        "DTSTART:20261124T090000Z\r\nDTEND:20261124T100000Z\r\nX-MICROSOFT-CDO-BUSYSTATUS:FREE",
        "DTSTART:20261124T110000Z\r\nDTEND:20261124T120000Z\r\n"
        "X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE",
    )
    assert [(b.start.hour, b.tentative) for b in blocks] == [(11, True)]


def test_a_summary_that_merely_mentions_ooo_is_an_ordinary_meeting():
    (block,) = busy(
        "DTSTART:20261124T090000Z\r\nDTEND:20261124T100000Z\r\nSUMMARY:Plan the OOO rota"
    )
    assert not block.all_day


def test_a_broken_recurrence_does_not_hide_the_other_objects():
    broken = parse_calendar(
        calendar("DTSTART:20261124T090000Z\r\nDTEND:20261124T100000Z\r\nRRULE:FREQ=SOMETIMES")
    )
    fine = parse_calendar(calendar("DTSTART:20261125T090000Z\r\nDTEND:20261125T100000Z"))
    blocks = busy_times([broken, fine], *WINDOW, BERLIN)
    assert [b.start.day for b in blocks] == [25]
