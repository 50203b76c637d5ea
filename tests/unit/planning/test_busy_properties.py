"""People's own calendars in the planner: no planned interview overlaps a busy interval
(meetings, out of office, days off), and busy time never counts toward the weekly cap."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.planning.free_busy import FreeBusy
from bot.planning.model import BusyTime, Plan
from bot.planning.planner import plan_stage

from .strategies import busy_times, requests
from .support import NOW, person

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


@st.composite
def with_busy(draw):
    request = draw(requests(relaxed=True))
    size = len(request.roster)
    base = min(w.start for w in request.availability).astimezone(UTC)
    meetings = draw(busy_times(BusyTime, size, base, most=12))
    whole_days = [
        BusyTime(pid, day, day + timedelta(days=1))
        for pid, offset in draw(
            st.lists(st.tuples(st.integers(1, size), st.integers(-1, 3)), max_size=3)
        )
        for day in [datetime.combine(base.date() + timedelta(days=offset), time(0), UTC)]
    ]
    return replace(request, busy=[*meetings, *whole_days], alternative_days=2)


def _plans(result):
    if isinstance(result, Plan):
        yield result
    for alternative in getattr(result, "alternatives", ()):
        yield alternative.plan


@SETTINGS
@given(with_busy())
def test_no_planned_interview_overlaps_a_busy_interval(request):
    result = plan_stage(request)
    for plan in _plans(result):
        if request.stage.kind != "meeting":
            continue
        for slot in plan.slots:
            for busy in request.busy:
                if busy.interviewer_id == slot.interviewer_id:
                    assert not (slot.start < busy.end and busy.start < slot.end), (slot, busy)


@SETTINGS
@given(with_busy())
def test_busy_time_never_counts_toward_the_weekly_cap(request):
    plain = FreeBusy(request.roster, request.bookings, request.holds)
    busy = FreeBusy(request.roster, request.bookings, request.holds, request.busy)
    for someone in request.roster:
        for item in request.busy:
            assert busy.week_count(someone.id, item.start) == plain.week_count(
                someone.id, item.start
            )


def test_an_all_day_block_takes_the_whole_working_day():
    ada = person(1, "engineer", tz="Europe/Berlin")
    monday = datetime(2026, 11, 16, tzinfo=UTC)
    calendar = FreeBusy(
        [ada], [], [], [BusyTime(1, monday - timedelta(hours=1), monday + timedelta(hours=23))]
    )
    assert not calendar.is_free(1, NOW, NOW + timedelta(minutes=45))
    assert calendar.is_free(1, NOW + timedelta(days=1), NOW + timedelta(days=1, minutes=45))
