"""Lookups every loop use case shares: the roster's teams, who may act on a loop, a stage's
live interviews and the next stage, the outbox refs of a loop's messages, and how slots and
times are kept in a stage's proposal JSON."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.planning.model import Interval, Slot
from storage.models import Interview, Loop, Stage
from storage.uow import UnitOfWork


def teams(uow: UnitOfWork, facts=None) -> list[str]:
    """The roster's teams (`facts`: uow.interviewers.team_facts(), when read already)."""
    facts = uow.interviewers.team_facts() if facts is None else facts
    return sorted({t for _, _, person_teams in facts for t in person_teams})


def team_manager(uow: UnitOfWork, team: str, facts=None) -> str | None:
    """The team's hiring manager when it has exactly one (to pre-fill the form)."""
    facts = uow.interviewers.team_facts() if facts is None else facts
    managers = [
        slack_id for slack_id, roles, person_teams in facts
        if team in person_teams and "hiring_manager" in roles
    ]  # fmt: skip
    return managers[0] if len(managers) == 1 else None


def live_interviews(uow: UnitOfWork, stage: Stage) -> list[Interview]:
    """The stage's panel as booked: a trainee sitting in is not on it (their feedback is
    practice and never counts toward the stage's completion, roll-up or decision)."""
    return [
        i
        for i in uow.loops.interviews(stage.id)
        if i.status in ("confirmed", "completed") and not i.trainee_mode
    ]


def next_stage_row(uow: UnitOfWork, loop: Loop, stage: Stage) -> Stage | None:
    """The loop's next stage still to run (its rows follow the template for the loop's
    level and team, and are re-laid when the loop pivots)."""
    return next(
        (
            s
            for s in uow.loops.stages(loop.id)
            if s.position > stage.position and s.status not in ("skipped", "decided")
        ),
        None,
    )


def loop_availability(loop: Loop) -> list[Interval]:
    return [Interval(as_datetime(a), as_datetime(b)) for a, b in loop.availability]


def root_ref(loop_id: int) -> str:
    return f"loop:{loop_id}:root"


def rollup_ref(stage_id: int) -> str:
    return f"stage:{stage_id}:rollup"


def proposal_ref(stage_id: int) -> str:
    return f"stage:{stage_id}:proposal"


def slot_json(slot: Slot) -> dict:
    return {
        "interviewer_id": slot.interviewer_id,
        "role": slot.role,
        "interview_type": slot.interview_type,
        "start": slot.start.isoformat(),
        "end": slot.end.isoformat(),
    }


def as_datetime(value: str) -> datetime:
    """A time stored as ISO text, as an aware datetime (UTC when it carries no offset)."""
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
