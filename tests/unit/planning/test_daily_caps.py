"""Daily caps: counted on each person's own local day (across zones and DST changes), kept
unless the request relaxes caps, and named in the warning when relaxed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.planning.free_busy import FreeBusy
from bot.planning.model import Booking, Interval, Interviewer, Plan
from bot.planning.planner import PlanRequest, plan_stage
from bot.planning.templates import SeatTemplate, StageTemplate

from .strategies import requests


@st.composite
def capped(draw) -> PlanRequest:
    request = draw(requests(relaxed=True))
    roster = [replace(p, daily_cap=draw(st.sampled_from([None, 0, 1, 2]))) for p in request.roster]
    return replace(request, roster=roster)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(capped())
def test_nobody_goes_over_a_daily_cap_unless_caps_are_relaxed_and_it_says_so(request):
    result = plan_stage(request)
    if not isinstance(result, Plan):
        return
    people = {p.id: p for p in request.roster}
    for slot in result.slots:
        person = people[slot.interviewer_id]
        if person.daily_cap is None:
            continue
        day = slot.start.astimezone(FreeBusy([person], [], []).zones[person.id]).date()
        booked = sum(
            1
            for b in request.bookings
            if b.interviewer_id == person.id
            and b.start.astimezone(FreeBusy([person], [], []).zones[person.id]).date() == day
        )
        if booked >= person.daily_cap:
            assert request.relax_cap
            assert any(w.startswith(f"{person.name} goes over their") for w in result.warnings)


def _kolkata(**extra) -> Interviewer:
    return Interviewer(1, "Chen", frozenset({"engineer"}), frozenset({"core"}),
                       frozenset({"coding"}), "Asia/Kolkata", time(0), time(23, 45),
                       frozenset(range(7)), **extra)  # fmt: skip


def _plan(person: Interviewer, bookings, day_start: datetime, relax: bool = False):
    seat = SeatTemplate("coding", ("engineer",), "coding", 45, (45, 45))
    return plan_stage(
        PlanRequest(
            stage=StageTemplate("r1", "Round 1", "", "meeting", seats=(seat,)),
            teams=frozenset({"core"}),
            candidate_tz="UTC",
            availability=[Interval(day_start, day_start + timedelta(hours=1))],
            roster=[person],
            not_before=day_start - timedelta(days=2),
            bookings=bookings,
            relax_cap=relax,
        )
    )


def test_a_daily_cap_counts_the_interviewers_own_day():
    person = _kolkata(daily_cap=1)
    # 20:00 UTC on Monday is 01:30 on Tuesday in Kolkata: Tuesday is full there, Monday not.
    late = Booking(
        1, datetime(2026, 11, 2, 20, tzinfo=UTC), datetime(2026, 11, 2, 20, 45, tzinfo=UTC)
    )
    assert isinstance(_plan(person, [late], datetime(2026, 11, 2, 5, tzinfo=UTC)), Plan)
    assert not isinstance(_plan(person, [late], datetime(2026, 11, 3, 4, tzinfo=UTC)), Plan)
    over = _plan(person, [late], datetime(2026, 11, 3, 4, tzinfo=UTC), relax=True)
    assert isinstance(over, Plan)
    assert over.warnings == (
        "Chen goes over their daily cap: interview 2 of 1 allowed on Tue 03 Nov (their day)",
    )


def test_a_daily_cap_follows_the_local_day_across_a_dst_change():
    person = replace(_kolkata(daily_cap=1), tz="Europe/Berlin")
    # Berlin leaves summer time on Sunday 25 October 2026: 22:30 UTC that night is 23:30
    # local Sunday, so Monday is still free; an hour later in summer it would be Monday.
    sunday_night = Booking(1, datetime(2026, 10, 25, 22, 30, tzinfo=UTC),
                           datetime(2026, 10, 25, 22, 45, tzinfo=UTC))  # fmt: skip
    monday = datetime(2026, 10, 26, 8, tzinfo=UTC)
    assert isinstance(_plan(person, [sunday_night], monday), Plan)
    after_midnight = Booking(1, datetime(2026, 10, 25, 23, 15, tzinfo=UTC),
                             datetime(2026, 10, 25, 23, 30, tzinfo=UTC))  # fmt: skip
    assert not isinstance(_plan(person, [after_midnight], monday), Plan)
