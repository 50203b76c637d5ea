"""BusySource: a plan's free/busy is read between tries of its unit of work, in one batched
call, cached for the action; unreadable calendars are reported, never taken as free; days off
apply with no calendar provider at all."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.calendars.busy import BusySource, NeedBusy, Person
from bot.calendars.holidays import DaysOff
from bot.calendars.port import Busy, CalendarUnavailable, FreeBusy

START = datetime(2026, 12, 21, tzinfo=UTC)
END = START + timedelta(days=7)
ANA = Person("ana@example.com", "Europe/Berlin", "DE")
BEN = Person("ben@example.com", "America/New_York", None)


def covers(blocks, moment: datetime) -> bool:
    return any(b.all_day and b.start <= moment < b.end for b in blocks)


class Port:
    name = "caldav"

    def __init__(self, fail: bool = False):
        self.asked: list[tuple[list[str], datetime, datetime]] = []
        self.fail = fail

    def free_busy(self, calendars, start, end, *, zones=None):
        self.asked.append((list(calendars), start, end))
        if self.fail:
            raise CalendarUnavailable("timed out")
        meeting = Busy(START + timedelta(hours=9), START + timedelta(hours=10))
        return FreeBusy(
            busy={"ana@example.com": (meeting,)}, unreadable={"ben@example.com": "no such calendar"}
        )


def test_a_plan_raises_need_busy_then_reads_once_and_finds_it_cached():
    port = Port()
    source = BusySource(port, DaysOff(("US",)))
    tries = []

    def attempt():
        tries.append(1)
        return source.lookup({1: ANA, 2: BEN}, START, END)

    busy, unreadable = source.run(attempt)
    assert len(tries) == 2 and len(port.asked) == 1  # one batched call for both
    assert sorted(port.asked[0][0]) == ["ana@example.com", "ben@example.com"]
    assert busy[1][0].start == START + timedelta(hours=9)
    # Ana's German Christmas holidays and Ben's (LOOPBOT_HOLIDAYS=US) Christmas Day block days.
    assert covers(busy[1], datetime(2026, 12, 25, 12, tzinfo=UTC))
    assert covers(busy[1], datetime(2026, 12, 26, 12, tzinfo=UTC))
    assert covers(busy[2], datetime(2026, 12, 25, 12, tzinfo=UTC))
    assert not covers(busy[2], datetime(2026, 12, 26, 12, tzinfo=UTC))
    assert unreadable == {2: "no such calendar"}


def test_outside_a_session_or_for_a_wider_window_the_calendars_are_read_again():
    source = BusySource(Port(), DaysOff())
    with pytest.raises(NeedBusy):
        source.lookup({1: ANA}, START, END)
    with source.session():
        with pytest.raises(NeedBusy) as need:
            source.lookup({1: ANA}, START, END)
        source.fetch(need.value)
        source.lookup({1: ANA}, START, END)
        with pytest.raises(NeedBusy):
            source.lookup({1: ANA}, START, END + timedelta(days=1))


def test_a_provider_that_cannot_be_reached_makes_every_calendar_unreadable():
    source = BusySource(Port(fail=True), DaysOff())
    _, unreadable = source.run(lambda: source.lookup({1: ANA, 2: BEN}, START, END))
    assert unreadable == {1: "timed out", 2: "timed out"}


def test_without_a_provider_only_days_off_block_and_nothing_is_read():
    source = BusySource(None, DaysOff(company_days=frozenset({date(2026, 12, 23)})))
    busy, unreadable = source.lookup({1: BEN}, START, END)
    assert not unreadable and source.calls == 0
    assert covers(busy[1], datetime(2026, 12, 23, 12, tzinfo=UTC))
    assert not covers(busy[1], datetime(2026, 12, 25, 12, tzinfo=UTC))  # no LOOPBOT_HOLIDAYS
