"""An independent model of the planning rules, for the property tests: a checker for a
returned plan and an exhaustive search over every panel of a (small) request.

Nothing here imports the planner's internals; the rules are written again from PROCESS.md
and the planner's docstring, as plainly as possible.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.planning.model import Interviewer, Plan
from bot.planning.planner import PlanRequest
from bot.planning.templates import SeatTemplate, StageTemplate

# What a panel relaxes: (repeats, people over their weekly cap, held slots).
Cost = tuple[int, int, int]


def rank(cost: Cost) -> tuple:
    """No repeat beats any; then under the cap beats over it; then fewest of each in turn."""
    repeats, over, held = cost
    return (repeats > 0, over > 0, repeats, over, held)


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


def clashes(p: Interviewer, start: datetime, end: datetime, spans) -> bool:
    return any(b.interviewer_id == p.id and b.start < end and start < b.end for b in spans)


def week_load(p: Interviewer, when: datetime, spans) -> int:
    week = local_of(when, p.tz).isocalendar()[:2]
    return sum(
        1 for b in spans
        if b.interviewer_id == p.id and local_of(b.start, p.tz).isocalendar()[:2] == week
    )  # fmt: skip


def may_take(p: Interviewer, seat: SeatTemplate, request: PlanRequest) -> bool:
    """The loop's fixed people take their own roles' seats; anyone else needs an open role,
    the training and the team."""
    if any(request.fixed.get(role) == p.id for role in seat.roles):
        return True
    if p.id in request.exclude_ids:
        return False
    open_roles = {role for role in seat.roles if role not in request.fixed}
    return (
        bool(p.roles & open_roles)
        and seat.interview_type in p.interview_types
        and bool(p.teams & request.teams)
    )


def is_repeat(p: Interviewer, seat: SeatTemplate, request: PlanRequest) -> bool:
    """Sat on an earlier panel, takes a seat again, and is neither the loop's own (fixed)
    person nor on a seat the template says recurs."""
    return (
        p.id in request.earlier_panels
        and p.id not in set(request.fixed.values())
        and not seat.recurring
    )


def cost_of(
    p: Interviewer, seat: SeatTemplate, start: datetime, end: datetime, request: PlanRequest
) -> Cost:
    over = week_load(p, start, request.bookings) >= p.weekly_cap
    held_time = clashes(p, start, end, request.holds)
    held_cap = week_load(p, start, request.bookings) + week_load(p, start, request.holds)
    held = held_time or (not over and held_cap >= p.weekly_cap)
    return (int(is_repeat(p, seat, request)), int(over), int(held))


def allowed(cost: Cost, request: PlanRequest) -> bool:
    return (request.allow_repeat or not cost[0]) and (request.relax_cap or not cost[1])


def seat_counts(stage: StageTemplate):
    lo, hi = stage.panel_bounds()
    for counts in itertools.product(*(range(s.min, s.max + 1) for s in stage.seats)):
        if max(lo, 1) <= sum(counts) <= hi:
            yield counts


def expand(stage: StageTemplate, slots) -> list[SeatTemplate]:
    by_type = {seat.interview_type: seat for seat in stage.seats}
    return [by_type[slot.interview_type] for slot in slots]


def plan_cost(plan: Plan, request: PlanRequest) -> Cost:
    roster = {p.id: p for p in request.roster}
    total = (0, 0, 0)
    for slot, seat in zip(plan.slots, expand(request.stage, plan.slots), strict=True):
        one = cost_of(roster[slot.interviewer_id], seat, slot.start, slot.end, request)
        total = tuple(a + b for a, b in zip(total, one, strict=True))
    return total  # type: ignore[return-value]


def check_plan(plan: Plan, request: PlanRequest) -> None:
    """Assert every rule a returned plan must satisfy, and a warning for each one relaxed."""
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
    # Each person: eligible, distinct, in their hours, not double-booked; and each soft rule
    # kept, or relaxed only as allowed and with a warning that names them.
    assert len({s.interviewer_id for s in slots}) == len(slots)
    for slot, seat in zip(slots, expand(stage, slots), strict=True):
        p = roster[slot.interviewer_id]
        length = timedelta(minutes=seat.minutes + request.accommodation.extra_minutes_per_interview)
        assert slot.end - slot.start == length
        assert may_take(p, seat, request)
        assert inside_working_hours(p, slot.start, slot.end)
        assert not clashes(p, slot.start, slot.end, request.bookings)
        repeat, over, held = cost_of(p, seat, slot.start, slot.end, request)
        assert allowed((repeat, over, held), request)
        said = [w for w in plan.warnings if w.startswith(f"{p.name} ")]
        assert not over or any("weekly cap:" in w for w in said)
        assert not repeat or any(
            "also sat on" in w and all(title in w for title in request.earlier_panels[p.id])
            for w in said
        )
        assert not held or any("held then" in w or "hold for them" in w for w in said)
    assert len(plan.warnings) == sum(plan_cost(plan, request))


def least_relaxing(request: PlanRequest) -> tuple | None:
    """The rank of the panel that relaxes least of every panel the request allows, or None
    when there is none. Enumerates the candidate's wall-clock quarter hours."""
    stage = request.stage
    zone = ZoneInfo(request.candidate_tz)
    earliest = request.not_before + request.min_notice
    gap = timedelta(minutes=stage.break_minutes)
    vectors = list(seat_counts(stage))
    best = None
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
            options = []
            for seat, s, e in blocks:
                here = []
                for p in request.roster:
                    if not (
                        may_take(p, seat, request)
                        and inside_working_hours(p, s, e)
                        and not clashes(p, s, e, request.bookings)
                    ):
                        continue
                    cost = cost_of(p, seat, s, e, request)
                    if allowed(cost, request):
                        here.append((p.id, cost))
                options.append(here)
            for total in panel_costs(options):
                if best is None or rank(total) < best:
                    best = rank(total)
                    if best == rank((0, 0, 0)):
                        return best
    return best
    return best


def panel_costs(options: list[list[tuple[int, Cost]]], used: frozenset[int] = frozenset()):
    """The cost of every way to give each block a different person."""
    if not options:
        yield (0, 0, 0)
        return
    for pid, cost in options[0]:
        if pid not in used:
            for rest in panel_costs(options[1:], used | {pid}):
                yield (cost[0] + rest[0], cost[1] + rest[1], cost[2] + rest[2])
