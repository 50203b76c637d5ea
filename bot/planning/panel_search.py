"""The search for a full panel: who may sit in each seat, which seat counts to try, the start
times on the candidate's quarter-hour grid, and a branch-and-bound assignment of distinct, free
people in load-spreading order that relaxes as few soft rules as it can (costs.py). The planner
(planner.py) drives it."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.planning.costs import (
    LEAST_RELAXED,
    NO_LIMIT,
    STRICT_LIMIT,
    ZERO,
    Cost,
    Option,
    Rank,
    add,
    cheapest,
    least,
    rank,
)
from bot.planning.free_busy import FreeBusy, merge_intervals
from bot.planning.model import Interval, Interviewer, Plan, Slot
from bot.planning.plan_request import PlanRequest
from bot.planning.plan_warnings import slot_warnings
from bot.planning.seat_cover import SeatCover
from bot.planning.templates import SeatTemplate

NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Block:
    seat: SeatTemplate
    offset: timedelta
    length: timedelta


@dataclass(frozen=True)
class Allowed:
    relax_cap: bool
    allow_repeat: bool


class PanelSearch:
    """One request's search state: who may sit in each seat (best first), everyone's free
    time, and the candidate's merged availability."""

    def __init__(self, request: PlanRequest) -> None:
        self.request = request
        self.stage = request.stage
        self.zone = ZoneInfo(request.candidate_tz)
        self.roster = sorted(request.roster, key=lambda p: p.id)
        self.calendar = FreeBusy(self.roster, request.bookings, request.holds, request.busy)
        self.earliest = request.not_before.astimezone(UTC) + request.min_notice
        self.availability = merge_intervals(request.availability)
        extra = request.accommodation
        self.block_extra = timedelta(minutes=extra.extra_minutes_per_interview)
        self.gap = timedelta(minutes=self.stage.break_minutes + extra.extra_break_minutes)
        self.fixed_ids = frozenset(request.fixed.values())
        self.seat_people = {seat.key: self.eligible(seat) for seat in self.stage.seats}
        self.seat_ids = {key: [p.id for p, _ in pairs] for key, pairs in self.seat_people.items()}
        self.cover = SeatCover(self.calendar)

    # who may sit where

    def fixed_role(self, seat: SeatTemplate, pid: int) -> str | None:
        for role in seat.roles:
            if self.request.fixed.get(role) == pid:
                return role
        return None

    def eligible(self, seat: SeatTemplate) -> list[tuple[Interviewer, str]]:
        """Everyone who may take this seat with the role they take it as, best first."""
        teams = self.request.teams
        open_roles = [role for role in seat.roles if role not in self.request.fixed]
        fixed: list[tuple[Interviewer, str]] = []
        pool: list[tuple[Interviewer, str]] = []
        for person in self.roster:
            fixed_role = self.fixed_role(seat, person.id)
            if fixed_role is not None:
                # The loop's own people keep their seats: excluding them would leave no one.
                fixed.append((person, fixed_role))
                continue
            if person.id in self.request.exclude_ids:
                continue
            role = next((r for r in open_roles if r in person.roles), None)
            if role is None or seat.interview_type not in person.interview_types:
                continue
            # An empty team set means the caller did not restrict by team.
            if teams and not person.teams & teams:
                continue
            pool.append((person, role))
        keep = self.request.keep_ids
        pool.sort(key=lambda pair: (pair[0].id not in keep, *self.spread_key(pair[0])))
        return fixed + pool

    def spread_key(self, person: Interviewer) -> tuple[datetime, int, int]:
        return (person.last_interviewed_at or NEVER, person.interviews_total, person.id)

    def is_repeat(self, seat: SeatTemplate, pid: int) -> bool:
        # The loop's fixed people (its hiring manager, its recruiter) and recurring seats
        # sit across stages by design; the repeat rule is about everyone else.
        return (
            not seat.recurring and pid in self.request.earlier_panels and pid not in self.fixed_ids
        )

    def option(
        self,
        seat: SeatTemplate,
        person: Interviewer,
        role: str,
        start: datetime,
        end: datetime,
        allowed: Allowed,
    ) -> Option | None:
        """Taking `person` for a block from `start` to `end`: None when it breaks a hard rule
        (busy, or a soft rule the request does not relax)."""
        repeat = self.is_repeat(seat, person.id)
        if repeat and not allowed.allow_repeat:
            return None
        over = self.calendar.over_cap(person.id, start)
        if over and not allowed.relax_cap:
            return None
        if not self.calendar.is_free(person.id, start, end):
            return None
        return Option(
            person,
            role,
            repeat,
            over,
            tuple(self.calendar.holds_over(person.id, start, end)),
            not over and self.calendar.over_cap_when_held(person.id, start),
        )

    def may_sit(self, seat: SeatTemplate, pid: int, start: datetime, end: datetime) -> bool:
        """Could this person take the seat then, as far as the request allows? (Held time
        counts as free: a plan may take it.)"""
        if self.is_repeat(seat, pid) and not self.request.allow_repeat:
            return False
        if self.calendar.over_cap(pid, start) and not self.request.relax_cap:
            return False
        return self.calendar.is_free(pid, start, end)

    # meetings

    def count_vectors(self) -> list[tuple[int, ...]]:
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

    def blocks(self, counts: tuple[int, ...]) -> list[Block]:
        blocks: list[Block] = []
        offset = timedelta(0)
        for seat, count in zip(self.stage.seats, counts, strict=True):
            length = timedelta(minutes=seat.minutes) + self.block_extra
            for _ in range(count):
                blocks.append(Block(seat, offset, length))
                offset += length + self.gap
        return blocks

    def starts(self, windows: Sequence[Interval], duration: timedelta):
        """Candidate start times, earliest first, for a panel lasting ``duration``."""
        for window in windows:
            if self.request.exact_start:
                if window.start >= self.earliest and window.start + duration <= window.end:
                    yield window.start
                continue
            first = max(window.start, self.earliest)
            local = first.astimezone(self.zone)
            step = self.request.rules.slot_minutes
            aligned = local.replace(
                minute=local.minute - local.minute % step, second=0, microsecond=0
            ).astimezone(UTC)
            grid = self.request.rules.grid
            if aligned < first:
                aligned += grid
            # Stepping in UTC stays on the candidate's grid: every zone offset in use is a
            # whole number of quarter hours (grids finer than that, or dividing it, stay too).
            start = aligned
            while start + duration <= window.end:
                end = start + duration
                if start.astimezone(self.zone).date() == end.astimezone(self.zone).date():
                    yield start
                start += grid

    def ruled_starts(self, windows: Sequence[Interval], blocks: list[Block]):
        """`starts` for these blocks, less those a working rule (latest start, lunch) rules out.
        Filling one seat of a booked panel (`exact_start`) keeps the times already booked."""
        rules = self.request.rules
        for start in self.starts(windows, _length(blocks)):
            if self.request.exact_start or all(
                rules.allows_block(
                    (start + b.offset).astimezone(self.zone),
                    (start + b.offset + b.length).astimezone(self.zone),
                )
                for b in blocks
            ):
                yield start

    def assign(
        self, blocks: list[Block], start: datetime, allowed: Allowed, limit: Rank
    ) -> tuple[Cost, list[Option]] | None:
        """The people for every block at this start who relax the least, if that ranks below
        `limit`; else None. A branch-and-bound over load-spread order: among panels that relax
        equally, the first found wins, so the cheapest people go where the template lists them.
        """
        options: list[list[Option]] = [[] for _ in blocks]
        # Look at the seats with the fewest possible people first (the loop's hiring manager,
        # the directors): when nobody fits there, the start fails before the big pools.
        by_scarcity = sorted(
            range(len(blocks)), key=lambda i: len(self.seat_people[blocks[i].seat.key])
        )
        for block in blocks:  # one look-up per block before one check per person
            key = block.seat.key
            if not self.cover.anyone_free(
                key, self.seat_ids[key], start + block.offset, start + block.offset + block.length
            ):
                return None
        least_of: list[Cost] = [ZERO] * len(blocks)
        floor = ZERO
        for index in by_scarcity:
            block = blocks[index]
            block_start = start + block.offset
            block_end = block_start + block.length
            found = []
            for person, role in self.seat_people[block.seat.key]:
                option = self.option(block.seat, person, role, block_start, block_end, allowed)
                if option is not None:
                    found.append(option)
            if not found:
                self.cover.came_up_empty(block.seat.key, block_start)
                return None
            # Stable sort: among equally relaxing people the load-spread order stays.
            found.sort(key=lambda option: option.cost)
            options[index] = found
            least_of[index] = least([option.cost for option in found])
            floor = add(floor, least_of[index])
            if rank(floor) >= limit:
                return None
        return cheapest(options, least_of, limit)

    def find_plan(self, windows: Sequence[Interval], relax_cap: bool, allow_repeat: bool):
        """The best plan inside `windows`, or None: the first panel, in preference order, that
        relaxes nothing; else the one that relaxes least (costs.rank), first found on a tie."""
        windows = merge_intervals(windows)
        allowed = Allowed(relax_cap, allow_repeat)
        panels = [self.blocks(counts) for counts in self.count_vectors()]
        for blocks in panels:
            for start in self.ruled_starts(windows, blocks):
                found = self.assign(blocks, start, allowed, STRICT_LIMIT)
                if found is not None:
                    return self.meeting_plan(blocks, start, found[1])
        if not (relax_cap or allow_repeat or self.request.holds):
            return None  # nothing may be relaxed: the strict search was the whole search
        best = None
        limit = NO_LIMIT
        for blocks in panels:
            for start in self.ruled_starts(windows, blocks):
                found = self.assign(blocks, start, allowed, limit)
                if found is not None:
                    best = (blocks, start, found[1])
                    limit = rank(found[0])
                    if limit <= LEAST_RELAXED:
                        return self.meeting_plan(*best)
        return self.meeting_plan(*best) if best is not None else None

    def meeting_plan(self, blocks: list[Block], start: datetime, chosen: list[Option]) -> Plan:
        slots = []
        warnings: list[str] = []
        panel = frozenset(option.person.id for option in chosen)
        for block, option in zip(blocks, chosen, strict=True):
            block_start = start + block.offset
            block_end = block_start + block.length
            slots.append(
                Slot(
                    option.person.id,
                    option.role,
                    block.seat.interview_type,
                    block_start,
                    block_end,
                )
            )
            warnings.extend(slot_warnings(self, block.seat, option, block_start, block_end, panel))
        return Plan(self.stage.key, tuple(slots), tuple(warnings))

    def describe(self, window: Interval) -> str:
        start = window.start.astimezone(self.zone)
        end = window.end.astimezone(self.zone)
        end_text = (
            end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%a %d %b %H:%M")
        )
        return f"{start:%a %d %b %H:%M}–{end_text} ({self.request.candidate_tz})"

    def day_windows(self) -> list[Interval]:
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


def _length(blocks: list[Block]) -> timedelta:
    return blocks[-1].offset + blocks[-1].length
