"""Properties of plan_stage, checked against an independent checker and a brute-force search."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.planning.model import Booking, Interval, Interviewer, NoPlan, Plan
from bot.planning.planner import PlanRequest, plan_stage
from bot.planning.templates import SeatTemplate, StageTemplate

ZONES = ["America/New_York", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata",
         "Australia/Sydney"]  # fmt: skip
# Days around both 2026 DST changes (EU 25 Oct, US 1 Nov) and an ordinary week.
FIRST_DAYS = [date(2026, 10, 23), date(2026, 10, 26), date(2026, 10, 30), date(2026, 11, 2)]
ROLES = ["engineer", "director"]
TYPES = ["coding", "design", "chat"]


# --- an independent model of the rules ------------------------------------------------------


def local_of(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def inside_working_hours(p: Interviewer, start: datetime, end: datetime) -> bool:
    s, e = local_of(start, p.tz), local_of(end, p.tz)
    return (
        s.weekday() in p.work_days
        and s.date() == e.date()
        and p.work_start <= s.time()
        and e.time() <= p.work_end
    )


def clashes(p: Interviewer, start: datetime, end: datetime, bookings) -> bool:
    return any(b.interviewer_id == p.id and b.start < end and start < b.end for b in bookings)


def week_load(p: Interviewer, when: datetime, bookings) -> int:
    week = local_of(when, p.tz).isocalendar()[:2]
    return sum(
        1 for b in bookings
        if b.interviewer_id == p.id and local_of(b.start, p.tz).isocalendar()[:2] == week
    )  # fmt: skip


def may_take(p: Interviewer, seat: SeatTemplate, request: PlanRequest) -> bool:
    return (
        bool(p.roles & set(seat.roles))
        and seat.interview_type in p.interview_types
        and bool(p.teams & request.teams)
    )


def seat_counts(stage: StageTemplate):
    lo, hi = stage.panel_bounds()
    for counts in itertools.product(*(range(s.min, s.max + 1) for s in stage.seats)):
        if max(lo, 1) <= sum(counts) <= hi:
            yield counts


def check_plan(plan: Plan, request: PlanRequest) -> None:
    """Assert every rule a returned plan must satisfy."""
    stage = request.stage
    roster = {p.id: p for p in request.roster}
    slots = plan.slots
    assert slots, "a meeting plan has slots"
    # Right seats, in the template's order, with allowed counts.
    index = 0
    for seat in stage.seats:
        count = 0
        while index < len(slots) and slots[index].interview_type == seat.interview_type:
            assert slots[index].role in seat.roles
            count += 1
            index += 1
        assert seat.min <= count <= seat.max
    assert index == len(slots)
    lo, hi = stage.panel_bounds()
    assert lo <= len(slots) <= hi
    # Back to back with the break, one candidate day, inside one availability window.
    gap = timedelta(minutes=stage.break_minutes + request.accommodation.extra_break_minutes)
    for before, after in itertools.pairwise(slots):
        assert after.start == before.end + gap
    zone = ZoneInfo(request.candidate_tz)
    first, last = slots[0].start.astimezone(zone), slots[-1].end.astimezone(zone)
    assert first.date() == last.date()
    assert first.minute % 15 == 0 and first.second == 0
    assert any(w.start <= slots[0].start and slots[-1].end <= w.end for w in request.availability)
    assert slots[0].start >= request.not_before + request.min_notice
    # Each person: eligible, distinct, in their hours, not double-booked, cap, repeats.
    assert len({s.interviewer_id for s in slots}) == len(slots)
    for slot, seat in zip(slots, expand(stage, slots), strict=True):
        p = roster[slot.interviewer_id]
        length = timedelta(minutes=seat.minutes + request.accommodation.extra_minutes_per_interview)
        assert slot.end - slot.start == length
        assert may_take(p, seat, request) and slot.role in p.roles
        assert inside_working_hours(p, slot.start, slot.end)
        assert not clashes(p, slot.start, slot.end, request.bookings)
        over = week_load(p, slot.start, request.bookings) >= p.weekly_cap
        assert not over or (request.relax_cap and any(p.name in w and "cap" in w
                                                      for w in plan.warnings))  # fmt: skip
        repeat = p.id in request.exclude_ids
        assert not repeat or (request.allow_repeat and any(
            p.name in w and "another panel" in w for w in plan.warnings))  # fmt: skip


def expand(stage: StageTemplate, slots) -> list[SeatTemplate]:
    by_type = {seat.interview_type: seat for seat in stage.seats}
    return [by_type[slot.interview_type] for slot in slots]


def brute_force_exists(request: PlanRequest) -> bool:
    """Is there any valid strict plan? Enumerates wall-clock quarter hours of the candidate."""
    stage = request.stage
    zone = ZoneInfo(request.candidate_tz)
    earliest = request.not_before + request.min_notice
    gap = timedelta(minutes=stage.break_minutes)
    vectors = list(seat_counts(stage))
    people = [p for p in request.roster if p.id not in request.exclude_ids]
    days = sorted({
        (w.start + timedelta(days=n)).astimezone(zone).date()
        for w in request.availability for n in range(-1, 3)
    })  # fmt: skip
    for day, minute in itertools.product(days, range(0, 24 * 60, 15)):
        start = datetime.combine(day, time(minute // 60, minute % 60), zone)
        if start.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != start.replace(
            tzinfo=None
        ):
            continue  # a wall-clock time that does not exist that day
        start = start.astimezone(UTC)
        if start < earliest:
            continue
        for counts in vectors:
            seats = [s for s, c in zip(stage.seats, counts, strict=True) for _ in range(c)]
            blocks, cursor = [], start
            for seat in seats:
                blocks.append((seat, cursor, cursor + timedelta(minutes=seat.minutes)))
                cursor = blocks[-1][2] + gap
            end = blocks[-1][2]
            if end.astimezone(zone).date() != day:
                continue
            if not any(w.start <= start and end <= w.end for w in request.availability):
                continue
            options = [
                [
                    p.id for p in people
                    if may_take(p, seat, request)
                    and inside_working_hours(p, s, e)
                    and not clashes(p, s, e, request.bookings)
                    and week_load(p, s, request.bookings) < p.weekly_cap
                ]
                for seat, s, e in blocks
            ]  # fmt: skip
            for choice in itertools.product(*options):
                if len(set(choice)) == len(choice):
                    return True
    return False


# --- strategies -------------------------------------------------------------------------------


@st.composite
def interviewers(draw, pid: int) -> Interviewer:
    start_hour = draw(st.integers(6, 12))
    return Interviewer(
        id=pid,
        name=f"P{pid}",
        roles=frozenset(draw(st.sets(st.sampled_from(ROLES), min_size=1))),
        teams=frozenset(draw(st.sets(st.sampled_from(["core", "other"]), min_size=1))),
        interview_types=frozenset(draw(st.sets(st.sampled_from(TYPES), min_size=1))),
        tz=draw(st.sampled_from(ZONES)),
        work_start=time(start_hour),
        work_end=time(start_hour + draw(st.integers(3, 10))),
        work_days=frozenset(draw(st.sets(st.integers(0, 6), min_size=3))),
        weekly_cap=draw(st.integers(0, 3)),
        last_interviewed_at=draw(st.sampled_from(
            [None, datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)])),
        interviews_total=draw(st.integers(0, 3)),
    )  # fmt: skip


@st.composite
def stages(draw) -> StageTemplate:
    types = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=3, unique=True))
    seats = []
    for interview_type in types:
        minutes = draw(st.sampled_from([30, 45, 60]))
        low = draw(st.integers(0, 1))
        high = draw(st.integers(max(low, 1), 2))
        seats.append(SeatTemplate(
            interview_type, tuple(draw(st.sets(st.sampled_from(ROLES), min_size=1))),
            interview_type, minutes, (minutes, minutes), low, high,
            draw(st.integers(low, high)),
        ))  # fmt: skip
    return StageTemplate("s", "S", "", "meeting", seats=tuple(seats),
                         break_minutes=draw(st.sampled_from([0, 10, 15])))  # fmt: skip


@st.composite
def requests(draw, relaxed: bool = False) -> PlanRequest:
    size = draw(st.integers(1, 6))
    roster = [draw(interviewers(pid)) for pid in range(1, size + 1)]
    first_day = draw(st.sampled_from(FIRST_DAYS))
    candidate_tz = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(candidate_tz)
    availability = []
    for offset in draw(st.sets(st.integers(0, 1), min_size=1)):
        day = first_day + timedelta(days=offset)
        start = draw(st.integers(0, 20 * 4)) * 15 + draw(st.sampled_from([0, 5]))
        length = draw(st.integers(4, 16)) * 30
        opens = datetime.combine(day, time(0), zone) + timedelta(minutes=start)
        availability.append(
            Interval(opens.astimezone(UTC), (opens + timedelta(minutes=length)).astimezone(UTC))
        )
    base = datetime.combine(first_day, time(0), zone).astimezone(UTC)
    bookings = []
    for _ in range(draw(st.integers(0, 8))):
        begins = base + timedelta(minutes=15 * draw(st.integers(-4 * 24 * 3, 4 * 24 * 2)))
        bookings.append(
            Booking(
                draw(st.integers(1, size)),
                begins,
                begins + timedelta(minutes=draw(st.sampled_from([30, 60, 120]))),
            )
        )
    return PlanRequest(
        stage=draw(stages()),
        teams=frozenset({"core"}),
        candidate_tz=candidate_tz,
        availability=availability,
        roster=roster,
        not_before=base - timedelta(hours=draw(st.integers(-6, 24))),
        bookings=bookings,
        exclude_ids=frozenset(draw(st.sets(st.integers(1, size), max_size=2))),
        min_notice=timedelta(hours=draw(st.sampled_from([0, 2]))),
        relax_cap=relaxed and draw(st.booleans()),
        allow_repeat=relaxed and draw(st.booleans()),
        alternative_days=0,
    )  # fmt: skip


SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


@SETTINGS
@given(requests())
def test_planner_finds_a_plan_exactly_when_brute_force_does(request):
    result = plan_stage(request)
    exists = brute_force_exists(request)
    event("plan found" if exists else "no plan")
    if isinstance(result, Plan):
        check_plan(result, request)
        assert exists, "the planner found a plan the brute force missed"
    else:
        assert isinstance(result, NoPlan) and result.shortages
        assert not exists, "brute force found a plan the planner missed"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests(relaxed=True))
def test_every_plan_satisfies_every_rule_even_when_relaxed(request):
    result = plan_stage(request)
    if isinstance(result, Plan):
        check_plan(result, request)
        assert plan_stage(request) == result  # deterministic
        if not request.relax_cap and not request.allow_repeat:
            assert not result.warnings
    for alternative in getattr(result, "alternatives", ()):
        if alternative.kind != "relaxed_cap":
            continue
        relaxed = PlanRequest(**{**request.__dict__, "relax_cap": True})
        check_plan(alternative.plan, relaxed)
