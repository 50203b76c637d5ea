"""Panel assembly and slot finding for one stage of a loop.

``plan_stage`` either returns a full ``Plan`` or a ``NoPlan`` that explains what was missing
and offers alternatives; it never returns part of a panel.

How a meeting stage is planned:

* The seats are expanded into blocks in the template's order (a seat with count 2 gives two
  blocks); the blocks run back-to-back with the stage's break between them, all on one day
  of the candidate's calendar, inside one window of the candidate's availability.
* Count choices are tried preferred-first (see ``_count_vectors``); for each, start times are
  tried earliest first on a 15-minute grid of the candidate's wall clock. The first start at
  which every block gets a distinct, free, eligible person wins.
* People are tried in load-spreading order: least recently interviewed, then fewest interviews,
  then lowest id. The search backtracks, so it finds a panel whenever one exists for that start.
* Soft rules are relaxed in passes, only when the request allows and only if the strict pass
  failed: first the weekly cap, then repeats across panels of the loop. Each relaxation puts a
  warning on the plan.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.planning.model import (
    Accommodation,
    Alternative,
    Booking,
    Interval,
    Interviewer,
    NoPlan,
    Plan,
    Shortage,
    Slot,
    require_utc,
    require_zone,
)
from bot.planning.templates import SeatTemplate, StageTemplate

GRID = timedelta(minutes=15)
NEVER = datetime.min.replace(tzinfo=UTC)
ALTERNATIVE_DAYS = 14


@dataclass(frozen=True)
class PlanRequest:
    stage: StageTemplate
    teams: frozenset[str]
    candidate_tz: str
    availability: Sequence[Interval]
    roster: Sequence[Interviewer]
    not_before: datetime
    bookings: Sequence[Booking] = ()
    exclude_ids: frozenset[int] = frozenset()
    fixed: Mapping[str, int] = field(default_factory=dict)
    accommodation: Accommodation = Accommodation()
    min_notice: timedelta = timedelta(hours=12)
    relax_cap: bool = False
    allow_repeat: bool = False
    alternative_days: int = ALTERNATIVE_DAYS
    # Start exactly at each window's start instead of on the quarter-hour grid: filling one
    # seat of a booked panel, whose later blocks sit wherever the breaks put them.
    exact_start: bool = False

    def __post_init__(self) -> None:
        require_zone(self.candidate_tz, "candidate_tz")
        require_utc(self.not_before, "not_before")


def plan_stage(request: PlanRequest) -> Plan | NoPlan:
    """Plan one stage: a full Plan, or a NoPlan with shortages and alternatives.

    * ``meeting`` stages: see the module docstring.
    * ``take_home`` stages: one reviewer slot whose ``start`` is the assignment time
      (``not_before``) and whose ``end`` is the due date (``due_days`` later). The review is
      asynchronous, so the reviewer's working hours and bookings don't apply; their weekly cap
      does (counted in the week the work is due), as does the repeat rule.
    * ``decision`` stages: nothing to schedule, an empty Plan.
    * ``choice`` stages must be resolved first with ``StageTemplate.choose``.
    """
    stage = request.stage
    if stage.kind == "choice":
        raise ValueError(
            f"stage {stage.key!r} is a choice; pick a format first: {stage.format_keys()}"
        )
    if stage.kind == "decision":
        return Plan(stage.key, ())
    planner = _Planner(request)
    if stage.kind == "take_home":
        return planner.plan_take_home()
    return planner.plan_meeting()


# --- internals -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    seat: SeatTemplate
    offset: timedelta
    length: timedelta


@dataclass
class _Pass:
    relax_cap: bool
    allow_repeat: bool


class _Calendar:
    """When each interviewer is free, in UTC, computed lazily per local working day."""

    def __init__(self, roster: Sequence[Interviewer], bookings: Sequence[Booking]) -> None:
        self.people = {person.id: person for person in roster}
        self.zones = {person.id: ZoneInfo(person.tz) for person in roster}
        busy: dict[int, list[tuple[datetime, datetime]]] = {pid: [] for pid in self.people}
        weekly: dict[int, Counter[tuple[int, int]]] = {pid: Counter() for pid in self.people}
        for booking in bookings:
            if booking.interviewer_id not in self.people:
                continue
            start, end = booking.start.astimezone(UTC), booking.end.astimezone(UTC)
            busy[booking.interviewer_id].append((start, end))
            local = start.astimezone(self.zones[booking.interviewer_id])
            weekly[booking.interviewer_id][local.isocalendar()[:2]] += 1
        self.busy = {pid: sorted(spans) for pid, spans in busy.items()}
        self.weekly = weekly
        self._free: dict[tuple[int, date], tuple[list[datetime], list[datetime]]] = {}

    def _free_on(self, pid: int, day: date) -> tuple[list[datetime], list[datetime]]:
        key = (pid, day)
        if key not in self._free:
            person, zone = self.people[pid], self.zones[pid]
            starts: list[datetime] = []
            ends: list[datetime] = []
            if day.weekday() in person.work_days:
                cursor = datetime.combine(day, person.work_start, zone).astimezone(UTC)
                close = datetime.combine(day, person.work_end, zone).astimezone(UTC)
                for b_start, b_end in self.busy[pid]:
                    if b_end <= cursor or b_start >= close:
                        continue
                    if b_start > cursor:
                        starts.append(cursor)
                        ends.append(b_start)
                    cursor = max(cursor, b_end)
                if cursor < close:
                    starts.append(cursor)
                    ends.append(close)
            self._free[key] = (starts, ends)
        return self._free[key]

    def is_free(self, pid: int, start: datetime, end: datetime) -> bool:
        day = start.astimezone(self.zones[pid]).date()
        starts, ends = self._free_on(pid, day)
        index = bisect_right(starts, start) - 1
        return index >= 0 and ends[index] >= end

    def week_count(self, pid: int, when: datetime) -> int:
        return self.weekly[pid][when.astimezone(self.zones[pid]).isocalendar()[:2]]

    def over_cap(self, pid: int, when: datetime) -> bool:
        return self.week_count(pid, when) >= self.people[pid].weekly_cap


class _Planner:
    def __init__(self, request: PlanRequest) -> None:
        self.request = request
        self.stage = request.stage
        self.zone = ZoneInfo(request.candidate_tz)
        self.roster = sorted(request.roster, key=lambda p: p.id)
        self.calendar = _Calendar(self.roster, request.bookings)
        self.earliest = request.not_before.astimezone(UTC) + request.min_notice
        self.availability = _merge(request.availability)
        extra = request.accommodation
        self.block_extra = timedelta(minutes=extra.extra_minutes_per_interview)
        self.gap = timedelta(minutes=self.stage.break_minutes + extra.extra_break_minutes)
        self.seat_people = {seat.key: self._eligible(seat) for seat in self.stage.seats}

    # who may sit where

    def _fixed_role(self, seat: SeatTemplate, pid: int) -> str | None:
        for role in seat.roles:
            if self.request.fixed.get(role) == pid:
                return role
        return None

    def _eligible(self, seat: SeatTemplate) -> list[tuple[Interviewer, str]]:
        """Everyone who may take this seat with the role they take it as, best first."""
        teams = self.request.teams
        open_roles = [role for role in seat.roles if role not in self.request.fixed]
        fixed: list[tuple[Interviewer, str]] = []
        pool: list[tuple[Interviewer, str]] = []
        for person in self.roster:
            fixed_role = self._fixed_role(seat, person.id)
            if fixed_role is not None:
                fixed.append((person, fixed_role))
                continue
            role = next((r for r in open_roles if r in person.roles), None)
            if role is None or seat.interview_type not in person.interview_types:
                continue
            # An empty team set means the caller did not restrict by team.
            if teams and not person.teams & teams:
                continue
            pool.append((person, role))
        pool.sort(key=lambda pair: self._spread_key(pair[0]))
        return fixed + pool

    def _spread_key(self, person: Interviewer) -> tuple[datetime, int, int]:
        return (person.last_interviewed_at or NEVER, person.interviews_total, person.id)

    def _is_repeat(self, seat: SeatTemplate, pid: int) -> bool:
        # The loop's fixed people (its hiring manager, its recruiter) sit on several stages
        # by design; the repeat rule is about everyone else.
        return pid in self.request.exclude_ids and self._fixed_role(seat, pid) is None

    def _passes(self, relax_cap: bool, allow_repeat: bool) -> list[_Pass]:
        passes = [_Pass(False, False)]
        if relax_cap:
            passes.append(_Pass(True, False))
        if allow_repeat:
            passes.append(_Pass(False, True))
        if relax_cap and allow_repeat:
            passes.append(_Pass(True, True))
        return passes

    # meetings

    def _count_vectors(self) -> list[tuple[int, ...]]:
        """Every allowed choice of seat counts, the template's preferred choice first.

        After the preferred panel come the panels closest to it in size, larger before smaller
        (a fuller panel is what the template asks for), then those closest seat by seat.
        """
        seats = self.stage.seats
        lo, hi = self.stage.panel_bounds()
        preferred = tuple(seat.preferred for seat in seats)
        wanted = sum(preferred)
        ranges = [range(seat.min, seat.max + 1) for seat in seats]
        vectors = [v for v in itertools.product(*ranges) if lo <= sum(v) <= hi and sum(v) > 0]
        return sorted(
            vectors,
            key=lambda v: (
                v != preferred,
                abs(sum(v) - wanted),
                -sum(v),
                tuple(abs(c - p) for c, p in zip(v, preferred, strict=True)),
                tuple(-c for c in v),
            ),
        )

    def _blocks(self, counts: tuple[int, ...]) -> list[_Block]:
        blocks: list[_Block] = []
        offset = timedelta(0)
        for seat, count in zip(self.stage.seats, counts, strict=True):
            length = timedelta(minutes=seat.minutes) + self.block_extra
            for _ in range(count):
                blocks.append(_Block(seat, offset, length))
                offset += length + self.gap
        return blocks

    def _starts(self, windows: Sequence[Interval], duration: timedelta):
        """Candidate start times, earliest first, for a panel lasting ``duration``."""
        for window in windows:
            if self.request.exact_start:
                if window.start >= self.earliest and window.start + duration <= window.end:
                    yield window.start
                continue
            first = max(window.start, self.earliest)
            local = first.astimezone(self.zone)
            aligned = local.replace(
                minute=local.minute - local.minute % 15, second=0, microsecond=0
            ).astimezone(UTC)
            if aligned < first:
                aligned += GRID
            # Stepping in UTC stays on the candidate's quarter-hour grid: every zone offset in
            # use is a whole number of quarter hours.
            start = aligned
            while start + duration <= window.end:
                end = start + duration
                if start.astimezone(self.zone).date() == end.astimezone(self.zone).date():
                    yield start
                start += GRID

    def _assign(self, blocks: list[_Block], start: datetime, how: _Pass):
        """People for every block at this start, or None; backtracks over load-spread order."""
        options: list[list[tuple[Interviewer, str, bool, bool]]] = [[] for _ in blocks]
        # Look at the seats with the fewest possible people first (the loop's hiring manager,
        # the directors): when nobody is free there, the start fails before the big pools.
        by_scarcity = sorted(
            range(len(blocks)), key=lambda i: len(self.seat_people[blocks[i].seat.key])
        )
        for index in by_scarcity:
            block = blocks[index]
            block_start = start + block.offset
            block_end = block_start + block.length
            free_here: list[tuple[tuple[bool, bool], Interviewer, str, bool, bool]] = []
            for person, role in self.seat_people[block.seat.key]:
                repeat = self._is_repeat(block.seat, person.id)
                if repeat and not how.allow_repeat:
                    continue
                over = self.calendar.over_cap(person.id, block_start)
                if over and not how.relax_cap:
                    continue
                if not self.calendar.is_free(person.id, block_start, block_end):
                    continue
                free_here.append(((repeat, over), person, role, repeat, over))
            if not free_here:
                return None
            # Stable sort: within the same (repeat, over-cap) rank the load-spread order stays.
            free_here.sort(key=lambda item: item[0])
            options[index] = [item[1:] for item in free_here]

        chosen: list[tuple[Interviewer, str, bool, bool]] = []
        used: set[int] = set()

        def fill(index: int) -> bool:
            if index == len(blocks):
                return True
            for option in options[index]:
                if option[0].id in used:
                    continue
                used.add(option[0].id)
                chosen.append(option)
                if fill(index + 1):
                    return True
                chosen.pop()
                used.discard(option[0].id)
            return False

        return list(chosen) if fill(0) else None

    def _search(self, windows: Sequence[Interval], relax_cap: bool, allow_repeat: bool):
        for how in self._passes(relax_cap, allow_repeat):
            for counts in self._count_vectors():
                blocks = self._blocks(counts)
                duration = blocks[-1].offset + blocks[-1].length
                for start in self._starts(windows, duration):
                    chosen = self._assign(blocks, start, how)
                    if chosen is not None:
                        return self._meeting_plan(blocks, start, chosen)
        return None

    def _meeting_plan(self, blocks, start, chosen) -> Plan:
        slots = []
        warnings = []
        for block, (person, role, repeat, over) in zip(blocks, chosen, strict=True):
            block_start = start + block.offset
            slots.append(
                Slot(
                    person.id,
                    role,
                    block.seat.interview_type,
                    block_start,
                    block_start + block.length,
                )
            )
            warnings.extend(self._warnings(person, repeat, over, block_start))
        return Plan(self.stage.key, tuple(slots), tuple(warnings))

    def _warnings(self, person: Interviewer, repeat: bool, over: bool, when: datetime):
        if over:
            count = self.calendar.week_count(person.id, when)
            week = when.astimezone(self.calendar.zones[person.id]).isocalendar()
            yield (
                f"{person.name} goes over their weekly cap: interview {count + 1} of "
                f"{person.weekly_cap} allowed in week {week[1]} of {week[0]}"
            )
        if repeat:
            yield (
                f"{person.name} already sits on another panel of this loop: "
                "no one else could be found"
            )

    def plan_meeting(self) -> Plan | NoPlan:
        request = self.request
        plan = self._search(self.availability, request.relax_cap, request.allow_repeat)
        if plan is not None:
            return plan
        alternatives = []
        other_day = self._another_day()
        if other_day is not None:
            alternatives.append(other_day)
        if not request.relax_cap:
            relaxed = self._search(self.availability, True, request.allow_repeat)
            if relaxed is not None:
                alternatives.append(
                    Alternative(
                        "relaxed_cap",
                        relaxed,
                        "Only possible over someone's weekly interview cap: "
                        + "; ".join(w for w in relaxed.warnings if "weekly cap" in w),
                    )
                )
        return NoPlan(self.stage.key, tuple(self._shortages()), tuple(alternatives))

    # alternatives and explanations

    def _candidate_days(self, windows: Sequence[Interval]) -> list[tuple[date, time, time]]:
        """Each (local day, start, end) piece of the candidate's windows."""
        pieces = []
        for window in windows:
            start = window.start.astimezone(self.zone)
            end = window.end.astimezone(self.zone)
            day = start.date()
            while day <= end.date():
                piece_start = start.time() if day == start.date() else time(0)
                piece_end = end.time() if day == end.date() else time.max
                if piece_end > piece_start:
                    pieces.append((day, piece_start, piece_end))
                day += timedelta(days=1)
        return pieces

    def _another_day(self) -> Alternative | None:
        """The nearest weekday outside the candidate's availability with a full panel.

        The candidate's own hours of day are reused on that day, so the question to ask them
        is only "could you do Wednesday instead?".
        """
        pieces = self._candidate_days(self.availability)
        if not pieces:
            return None
        hours = sorted({(s, e) for _, s, e in pieces})
        given = sorted({day for day, _, _ in pieces})
        first = self.earliest.astimezone(self.zone).date()
        days = [first + timedelta(days=n) for n in range(self.request.alternative_days + 1)]
        days = [d for d in days if d not in given and d.weekday() < 5]
        days.sort(key=lambda d: (min(abs((d - g).days) for g in given), d))
        for day in days:
            windows = []
            for start, end in hours:
                local_end = (
                    datetime.combine(day, end, self.zone)
                    if end != time.max
                    else datetime.combine(day + timedelta(days=1), time(0), self.zone)
                )
                window_start = datetime.combine(day, start, self.zone).astimezone(UTC)
                window_end = local_end.astimezone(UTC)
                if window_end > window_start:
                    windows.append(Interval(window_start, window_end))
            plan = self._search(_merge(windows), self.request.relax_cap, self.request.allow_repeat)
            if plan is not None:
                span = Interval(plan.slots[0].start, plan.slots[-1].end)
                return Alternative(
                    "another_day",
                    plan,
                    f"Outside the candidate's availability: {self._describe(span)}; "
                    "ask the candidate before booking.",
                )
        return None

    def _describe(self, window: Interval) -> str:
        start = window.start.astimezone(self.zone)
        end = window.end.astimezone(self.zone)
        end_text = (
            end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%a %d %b %H:%M")
        )
        return f"{start:%a %d %b %H:%M}–{end_text} ({self.request.candidate_tz})"

    def _day_windows(self) -> list[Interval]:
        """The usable availability, split at the candidate's midnights."""
        windows = []
        for window in self.availability:
            start = max(window.start, self.earliest)
            while start < window.end:
                local = start.astimezone(self.zone)
                midnight = datetime.combine(local.date() + timedelta(days=1), time(0), self.zone)
                end = min(window.end, midnight.astimezone(UTC))
                windows.append(Interval(start, end))
                start = end
        return windows

    def _shortages(self) -> list[Shortage]:
        request = self.request
        windows = self._day_windows()
        if not windows:
            return [
                Shortage(
                    "panel",
                    "*",
                    None,
                    "all of the candidate's availability is in the past or inside "
                    f"the {_duration(request.min_notice)} minimum notice",
                )
            ]
        shortages: list[Shortage] = []
        how = _Pass(request.relax_cap, request.allow_repeat)
        for seat in self.stage.seats:
            label = " or ".join(seat.roles)
            people = self.seat_people[seat.key]
            if seat.min == 0:
                continue
            if not people:
                teams = ", ".join(sorted(request.teams)) or "any team"
                shortages.append(
                    Shortage(
                        seat.role,
                        seat.interview_type,
                        None,
                        f"nobody on {teams} is a {label} trained for {seat.interview_type}",
                    )
                )
                continue
            length = timedelta(minutes=seat.minutes) + self.block_extra
            for window in windows:
                free = {
                    person.id
                    for start in self._starts([window], length)
                    for person, _ in people
                    if self._may_sit(seat, person.id, start, start + length, how)
                }
                if len(free) < seat.min:
                    found = f"only {len(free)} of {seat.min} " if free else "no "
                    shortages.append(
                        Shortage(
                            seat.role,
                            seat.interview_type,
                            window,
                            f"{found}{label} free for {seat.interview_type} on "
                            f"{self._describe(window)}",
                        )
                    )
        if not shortages:
            lo, _ = self.stage.panel_bounds()
            shortest = min(
                (self._blocks(v) for v in self._count_vectors()),
                key=lambda b: b[-1].offset + b[-1].length,
            )
            needed = shortest[-1].offset + shortest[-1].length
            for window in windows:
                if window.end - window.start < needed:
                    shortages.append(
                        Shortage(
                            "panel",
                            "*",
                            window,
                            f"{self._describe(window)} is shorter than the {_duration(needed)} "
                            f"the {lo}-interview panel needs",
                        )
                    )
        if not shortages:
            shortages.append(
                Shortage(
                    "panel",
                    "*",
                    None,
                    "everyone needed is free at some point, but never back-to-back in one block "
                    "on one day of the candidate's availability",
                )
            )
        return shortages

    def _may_sit(
        self, seat: SeatTemplate, pid: int, start: datetime, end: datetime, how: _Pass
    ) -> bool:
        if self._is_repeat(seat, pid) and not how.allow_repeat:
            return False
        if self.calendar.over_cap(pid, start) and not how.relax_cap:
            return False
        return self.calendar.is_free(pid, start, end)

    # take-home

    def plan_take_home(self) -> Plan | NoPlan:
        stage = self.stage
        assigned = self.request.not_before.astimezone(UTC)
        # The due date is a whole number of days after the assignment, so it keeps the
        # candidate's wall-clock time even across a DST change.
        local = assigned.astimezone(self.zone)
        due = (local + timedelta(days=stage.due_days or 0)).astimezone(UTC)
        seat = stage.seats[0]
        for how in self._passes(self.request.relax_cap, self.request.allow_repeat):
            for person, role in self.seat_people[seat.key]:
                repeat = self._is_repeat(seat, person.id)
                over = self.calendar.over_cap(person.id, due)
                if (repeat and not how.allow_repeat) or (over and not how.relax_cap):
                    continue
                slot = Slot(person.id, role, seat.interview_type, assigned, due)
                warnings = tuple(self._warnings(person, repeat, over, due))
                return Plan(stage.key, (slot,), warnings)
        label = " or ".join(seat.roles)
        teams = ", ".join(sorted(self.request.teams)) or "any team"
        detail = (
            f"no {label} on {teams} trained for {seat.interview_type} can review "
            f"work due {self._describe(Interval(assigned, due))} "
            "(nobody trained, or all already on this loop or at their weekly cap)"
        )
        alternatives = []
        if not self.request.relax_cap:
            relaxed = _Planner(replace(self.request, relax_cap=True)).plan_take_home()
            if isinstance(relaxed, Plan):
                alternatives.append(
                    Alternative("relaxed_cap", relaxed, "; ".join(relaxed.warnings))
                )
        window = Interval(assigned, due)
        return NoPlan(
            stage.key,
            (Shortage(seat.role, seat.interview_type, window, detail),),
            tuple(alternatives),
        )


def _merge(intervals: Sequence[Interval]) -> list[Interval]:
    spans = sorted((iv.start.astimezone(UTC), iv.end.astimezone(UTC)) for iv in intervals)
    merged: list[list[datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Interval(start, end) for start, end in merged]


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours}h {minutes:02d}m"
    return f"{hours}h" if hours else f"{minutes} min"
