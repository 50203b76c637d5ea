"""What the planner is asked to plan: one stage, the people who may sit on it, the
candidate's availability and the rules to plan by."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.planning.model import (
    Accommodation,
    Booking,
    BusyTime,
    Hold,
    Interval,
    Interviewer,
    require_utc,
    require_zone,
)
from bot.planning.planning_rules import PlanningRules
from bot.planning.templates import StageTemplate
from bot.planning.trainees import Trainee

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
    # Tentative time of other proposals awaiting Confirm: avoided when possible.
    holds: Sequence[Hold] = ()
    # What people's own calendars and days off block: never offered, not counted to the cap.
    busy: Sequence[BusyTime] = ()
    # People whose calendar could not be read, with why: planned on working hours, and said.
    unreadable: Mapping[int, str] = field(default_factory=dict)
    # Nobody here may sit on this panel (the panel a swap replaces someone of, the person who
    # just declined), except on a seat the request fixes to them.
    exclude_ids: frozenset[int] = frozenset()
    # Who sat on the loop's other (in practice earlier) stages, with those stages' titles:
    # the repeat rule keeps them off this panel when it can.
    earlier_panels: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    fixed: Mapping[str, int] = field(default_factory=dict)
    accommodation: Accommodation = Accommodation()
    min_notice: timedelta = timedelta(hours=12)
    relax_cap: bool = False
    allow_repeat: bool = False
    alternative_days: int = ALTERNATIVE_DAYS
    # Start exactly at each window's start instead of on the quarter-hour grid: filling one
    # seat of a booked panel, whose later blocks sit wherever the breaks put them.
    exact_start: bool = False
    # People in training for an interview type (bot/planning/trainees.py): each may get an
    # extra seat beside a panelist of that type once the panel is found.
    trainees: Sequence[Trainee] = ()
    # The grid, latest start and lunch window (the templates' `[planning]`); the minimum
    # notice is `min_notice` above, which the caller fills from the same rules.
    rules: PlanningRules = PlanningRules()
    # People to try first for their seats (a rescheduled stage keeps who can stay): tried
    # before the load-spreading order, never at the cost of a rule.
    keep_ids: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        require_zone(self.candidate_tz, "candidate_tz")
        require_utc(self.not_before, "not_before")
