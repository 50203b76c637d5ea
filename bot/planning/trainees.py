"""Interviewer training in the planner: trainee seats beside a planned panel, and the
graduation rule that moves a trainee from shadowing to reverse-shadowing to the pool.

A trainee seat is extra. It is filled only after a full panel has been found, in the panel's
own blocks, so it can never cost a feasible panel: ``seat_trainees`` takes a finished ``Plan``
and returns the same plan with trainees added where someone fits. Rules:

* a trainee sits in with a panelist of their interview type (the *lead*), for that block only;
* at most one trainee per interview, and each trainee at most once per plan;
* the trainee is free then (working hours, bookings), under their weekly cap, not excluded,
  not on the panel, and on one of the request's teams when it names teams;
* trainees who have sat in least recently go first (the planner's load-spreading order).

Everything here is plain data; the counts a trainee has earned come from storage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.planning.model import Interviewer, Plan, Slot

if TYPE_CHECKING:
    from bot.planning.panel_search import PanelSearch

MODES = ("shadow", "reverse_shadow")
GRADUATED = "graduated"


@dataclass(frozen=True)
class Trainee:
    """Someone in training for one interview type, in the mode they are at now."""

    interviewer_id: int
    interview_type: str
    mode: str = "shadow"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"trainee mode {self.mode!r}: one of {', '.join(MODES)}")


@dataclass(frozen=True)
class TraineeSlot:
    """A trainee sitting in on one interview of a plan, led by that interview's panelist."""

    interviewer_id: int
    mode: str
    interview_type: str
    lead_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class GraduationRule:
    """How many positively signed-off sessions of each mode make a trainee a full interviewer."""

    shadow: int = 2
    reverse_shadow: int = 2

    def __post_init__(self) -> None:
        if self.shadow < 0 or self.reverse_shadow < 0:
            raise ValueError("graduation counts cannot be negative")

    def stage_of(self, positive: Mapping[str, int]) -> str:
        """Where a trainee stands after these positive sign-offs per mode: still shadowing,
        reverse-shadowing, or graduated."""
        if positive.get("shadow", 0) < self.shadow:
            return "shadow"
        if positive.get("reverse_shadow", 0) < self.reverse_shadow:
            return "reverse_shadow"
        return GRADUATED

    def describe(self) -> str:
        return (
            f"{self.shadow} shadow and {self.reverse_shadow} reverse-shadow interviews "
            "signed off as positive"
        )


@dataclass(frozen=True)
class TrainingRules:
    """The templates' `[training]` table: a default rule and overrides per interview type."""

    default: GraduationRule = GraduationRule()
    by_type: Mapping[str, GraduationRule] = field(default_factory=dict)

    def rule_for(self, interview_type: str) -> GraduationRule:
        return self.by_type.get(interview_type, self.default)


def seat_trainees(search: PanelSearch, plan: Plan) -> Plan:
    """The plan with a trainee beside each interview where one fits (see the module doc)."""
    trainees = search.request.trainees
    if not trainees or not plan.slots:
        return plan
    panel = {slot.interviewer_id for slot in plan.slots}
    people = {person.id: person for person in search.roster}
    ordered = sorted(
        (t for t in trainees if _may_train(search, people.get(t.interviewer_id), panel)),
        key=lambda t: (*search.spread_key(people[t.interviewer_id]), t.interview_type),
    )
    seated: list[TraineeSlot] = []
    taken: set[int] = set()
    for slot in plan.slots:
        trainee = next((t for t in ordered if _fits(search, t, slot, taken)), None)
        if trainee is None:
            continue
        taken.add(trainee.interviewer_id)
        seated.append(
            TraineeSlot(
                trainee.interviewer_id,
                trainee.mode,
                slot.interview_type,
                slot.interviewer_id,
                slot.start,
                slot.end,
            )
        )
    return replace(plan, trainees=tuple(seated)) if seated else plan


def _may_train(search: PanelSearch, person: Interviewer | None, panel: set[int]) -> bool:
    if person is None or person.id in panel or person.id in search.request.exclude_ids:
        return False
    teams = search.request.teams
    return not teams or bool(person.teams & teams)


def _fits(search: PanelSearch, trainee: Trainee, slot: Slot, taken: set[int]) -> bool:
    pid = trainee.interviewer_id
    return (
        pid not in taken
        and trainee.interview_type == slot.interview_type
        and not search.calendar.over_cap(pid, slot.start)
        and search.calendar.is_free(pid, slot.start, slot.end)
        and not search.calendar.holds_over(pid, slot.start, slot.end)
    )


def trainees_for(records: Sequence[tuple[int, str, str]]) -> tuple[Trainee, ...]:
    """Plain trainees from (interviewer id, interview type, mode) rows, graduated ones left out."""
    return tuple(Trainee(pid, kind, mode) for pid, kind, mode in records if mode in MODES)
