"""The repeat rule across a whole loop, checked against an exhaustive search.

A random small roster runs a random loop of two or three stages, each planned in turn with the
people of the stages before it as ``earlier_panels`` (the service's view of the loop), their
slots as bookings, and a few held times of other proposals. At every stage the plan relaxes
no more than the least relaxing panel that exists: a repeat appears only when no panel without
one exists (held time gives way first), always with a warning naming who and the stages they
sat on; a held slot is taken only when nothing free will do, and says so.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.planning.model import Booking, Hold, Interval, Interviewer, NoPlan
from bot.planning.planner import PlanRequest, plan_stage

from .rules_model import check_plan, least_relaxing, plan_cost, rank
from .strategies import ROLES, TYPES, stages

# Colleagues in two zones five or six hours apart, and weekdays: loops that mostly can be
# planned, so that the interesting cases (repeats, held time) come up often.
ZONES = ["America/New_York", "Europe/Berlin"]
FIRST_DAYS = [date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 10)]


@st.composite
def colleagues(draw, pid: int) -> Interviewer:
    return Interviewer(
        id=pid,
        name=f"P{pid}",
        roles=frozenset(draw(st.sets(st.sampled_from(ROLES), min_size=1))),
        teams=frozenset({"core"}),
        interview_types=frozenset(draw(st.sets(st.sampled_from(TYPES), min_size=2))),
        tz=draw(st.sampled_from(ZONES)),
        work_start=time(draw(st.integers(7, 10))),
        work_end=time(draw(st.integers(15, 19))),
        weekly_cap=draw(st.integers(1, 4)),
        last_interviewed_at=draw(st.sampled_from([None, datetime(2026, 9, 1, tzinfo=UTC)])),
    )


@st.composite
def daytime(draw, first_day: date, zone: ZoneInfo) -> list[Interval]:
    windows = []
    for offset in draw(st.sets(st.integers(0, 2), min_size=1)):
        day = first_day + timedelta(days=offset)
        opens = datetime.combine(day, time(draw(st.integers(7, 12))), zone)
        closes = opens + timedelta(hours=draw(st.integers(2, 8)))
        windows.append(Interval(opens.astimezone(UTC), closes.astimezone(UTC)))
    return windows


@st.composite
def daytime_spans(draw, kind, size: int, first_day: date, zone: ZoneInfo) -> list:
    """Bookings or holds in the candidate's working days, where they get in the way."""
    spans = []
    for _ in range(draw(st.integers(0, 5))):
        day = first_day + timedelta(days=draw(st.integers(0, 2)))
        begins = datetime.combine(day, time(7), zone) + timedelta(
            minutes=30 * draw(st.integers(0, 20))
        )
        ends = begins + timedelta(minutes=draw(st.sampled_from([45, 90, 180])))
        spans.append(kind(draw(st.integers(1, size)), begins.astimezone(UTC), ends.astimezone(UTC)))
    return spans


@st.composite
def loops(draw) -> list[PlanRequest]:
    """Each stage's request, before the stages ahead of it are known."""
    size = draw(st.integers(2, 4))
    roster = [draw(colleagues(pid)) for pid in range(1, size + 1)]
    first_day = draw(st.sampled_from(FIRST_DAYS))
    candidate_tz = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(candidate_tz)
    base = datetime.combine(first_day, time(0), zone).astimezone(UTC)
    count = draw(st.integers(2, 3))
    # Sometimes one person is the loop's own (say) director: fixed, and never a repeat.
    fixed = draw(st.sampled_from([{}, {draw(st.sampled_from(ROLES)): draw(st.integers(1, size))}]))
    return [
        PlanRequest(
            stage=draw(stages(key=f"stage_{n}", title=f"Stage {n}")),
            teams=frozenset({"core"}),
            candidate_tz=candidate_tz,
            availability=draw(daytime(first_day, zone)),
            roster=roster,
            not_before=base - timedelta(hours=draw(st.integers(0, 24))),
            bookings=draw(daytime_spans(Booking, size, first_day, zone)),
            holds=draw(daytime_spans(Hold, size, first_day, zone)),
            fixed=fixed,
            min_notice=timedelta(0),
            allow_repeat=True,
            alternative_days=0,
        )
        for n in range(1, count + 1)
    ]  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loops())
def test_a_repeat_or_a_held_slot_appears_only_when_no_panel_without_it_exists(stages_of_loop):
    earlier: dict[int, tuple[str, ...]] = {}
    booked: list[Booking] = []
    for template in stages_of_loop:
        request = PlanRequest(
            **{
                **template.__dict__,
                "bookings": [*template.bookings, *booked],
                "earlier_panels": dict(earlier),
            }
        )
        result = plan_stage(request)
        least = least_relaxing(request)
        if isinstance(result, NoPlan):
            assert least is None, "a panel exists that the planner missed"
            event("no plan")
            continue
        check_plan(result, request)  # every repeat and held slot has its warning
        cost = plan_cost(result, request)
        assert rank(cost) == least, f"the plan relaxes {cost}; a panel relaxing less exists"
        if cost[0]:
            # No panel without a repeat exists, at any time the candidate offered.
            assert least[0], "a repeat was planned though a panel without one exists"
        event(f"repeats {cost[0]}, held {cost[2]}")
        for slot in result.slots:
            titles = earlier.get(slot.interviewer_id, ())
            earlier[slot.interviewer_id] = (*titles, request.stage.title)
            booked.append(Booking(slot.interviewer_id, slot.start, slot.end))
