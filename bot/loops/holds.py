"""Tentative holds: a proposal keeps its times for its recruiter until Confirm.

A proposal holds each of its meeting slots for ``LoopConfig.hold_lifetime``. Later plans avoid
held time: the planner takes it only when nothing else fits, and the proposal says so. Confirm
turns the holds into bookings; a fresh plan (Pick another time, a re-plan), a swap and the loop
closing release them; a proposal confirmed first takes over the held time it needed and tells
the other recruiter; when the lifetime runs out (a scheduled job, with upkeep as a backstop)
the holds expire and the recruiter's proposal is marked expired.

The hold rows are the record. Every change to one lands in ``UnitOfWork.changed_holds``: the
scheduler's expiry jobs follow from there. With a calendar provider configured, each hold is
also a tentative "[Hold]" event on the interviewer's calendar, written through the outbox in
the same transaction: put when placed, cancelled when it ends (booked: the interview's own
event takes its place; released; expired). A take-home holds nothing: its clock starts on Confirm.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.loops.calendar_events import cancel_hold_event, put_hold_event
from bot.loops.catalog import stage_template
from bot.loops.config import LoopConfig
from bot.loops.lookups import as_datetime
from bot.messages.notes import recruiter_note
from bot.outbox import enqueue
from bot.planning.model import Hold as PlanningHold
from bot.planning.model import Slot
from bot.slack_text import span
from storage.models import Hold, Interview, Stage
from storage.uow import UnitOfWork

# The scheduler job that expires a stage's holds: kind, and the stage id as its target.
HOLD_EXPIRY = "hold_expiry"


def place(
    config: LoopConfig, uow: UnitOfWork, stage: Stage, version: int, slots: Sequence[Slot], now
) -> datetime:
    """Hold each slot of the stage's new proposal; returns when the holds run out."""
    expires = now + config.hold_lifetime
    for slot in slots:
        _add(
            config,
            uow,
            Hold(
                stage_id=stage.id,
                version=version,
                interviewer_id=slot.interviewer_id,
                start_at=slot.start,
                end_at=slot.end,
                created_at=now,
                expires_at=expires,
            ),
        )
    return expires


def _add(config: LoopConfig, uow: UnitOfWork, hold: Hold) -> None:
    uow.holds.add(hold)
    if config.events.on_calendars:
        put_hold_event(config, uow, hold)


def _end(
    config: LoopConfig,
    uow: UnitOfWork,
    holds: Sequence[Hold],
    status: str,
    why: str,
    now: datetime,
) -> None:
    for hold in holds:
        hold.status = status
        hold.why = why[:200]
        hold.ended_at = now
        uow.session.add(hold)
        if config.events.on_calendars:
            cancel_hold_event(uow, hold)


def release(config: LoopConfig, uow: UnitOfWork, stage: Stage, why: str, now: datetime) -> None:
    """The stage's proposal no longer needs its times."""
    _end(config, uow, uow.holds.of_stage(stage.id), "released", why, now)


def swap(
    config: LoopConfig, uow: UnitOfWork, stage: Stage, old: dict, new: Slot, now: datetime
) -> None:
    """One person of the proposal makes way for another: the hold moves with the seat."""
    held = uow.holds.of_stage(stage.id)
    leaving = [
        h
        for h in held
        if h.interviewer_id == old["interviewer_id"] and h.start_at == as_datetime(old["start"])
    ]
    _end(config, uow, leaving, "released", "swapped out", now)
    if held:
        _add(
            config,
            uow,
            Hold(
                stage_id=stage.id,
                version=int(stage.proposal["version"]),
                interviewer_id=new.interviewer_id,
                start_at=new.start,
                end_at=new.end,
                created_at=now,
                expires_at=min(h.expires_at for h in held),
            ),
        )


def book(
    config: LoopConfig, uow: UnitOfWork, stage: Stage, booked: Sequence[Interview], now: datetime
) -> None:
    """Confirm: the stage's holds become its bookings, and other proposals holding the
    same people at the same times lose that time (their recruiters are told)."""
    taken = {(i.interviewer_id, i.start_at, i.end_at) for i in booked}
    for hold in uow.holds.of_stage(stage.id):
        if (hold.interviewer_id, hold.start_at, hold.end_at) in taken:
            _end(config, uow, [hold], "booked", "confirmed", now)
        else:
            _end(config, uow, [hold], "released", "not in what was booked", now)
    take_over(config, uow, stage, booked, now)


def take_over(
    config: LoopConfig, uow: UnitOfWork, stage: Stage, booked: Sequence[Interview], now: datetime
) -> None:
    """Bookings made for `stage` win over other proposals' holds on the same time: those
    holds end, and each proposal's recruiter hears which time is gone."""
    booked_for = _label(config, uow, stage)
    for hold, other in uow.holds.live(now):
        if other.id == stage.id:
            continue
        clash = next(
            (
                i
                for i in booked
                if i.interviewer_id == hold.interviewer_id
                and i.start_at < hold.end_at
                and hold.start_at < i.end_at
            ),
            None,
        )
        if clash is None:
            continue
        _end(config, uow, [hold], "released", f"booked for {booked_for}", now)
        loop = uow.loops.get(other.loop_id)
        person = uow.interviewers.get(hold.interviewer_id)
        recruiter = uow.interviewers.get(loop.recruiter_id)
        enqueue(
            uow,
            f"hold:{hold.id}:taken",
            "chat.postMessage",
            channel=recruiter.slack_user_id,
            **recruiter_note(
                f"{person.name}'s {span(hold.start_at, hold.end_at)}, held for your proposal "
                f"of {_label(config, uow, other)}, was just booked for {booked_for}. "
                "Confirming that proposal will now ask for another time."
            ),
        )


def for_planning(config: LoopConfig, uow: UnitOfWork, stage: Stage, now: datetime):
    """What other proposals hold, as the planner takes it (with whose proposal it is)."""
    labels: dict[int, str] = {}
    held = []
    for hold, other in uow.holds.live(now):
        if other.id == stage.id:
            continue
        if other.id not in labels:
            labels[other.id] = _label(config, uow, other)
        held.append(PlanningHold(hold.interviewer_id, hold.start_at, hold.end_at, labels[other.id]))
    return held


def _label(config: LoopConfig, uow: UnitOfWork, stage: Stage) -> str:
    """ "Ada Lovelace's Round 1": whose proposal a hold belongs to."""
    loop = uow.loops.get(stage.loop_id)
    candidate = uow.loops.candidate(loop.candidate_id)
    title = stage_template(config.templates, loop, stage.key).title
    return f"{candidate.name}'s {title}"


def expire(config: LoopConfig, uow: UnitOfWork, stage_id: int, now: datetime) -> Stage | None:
    """The stage's holds ran out: they stop counting, and a plan still waiting for Confirm is
    marked expired (returned, for its message to follow). None when nothing expired: a job
    that fires late or twice finds nothing to do."""
    overdue = [h for h in uow.holds.of_stage(stage_id) if h.expires_at <= now]
    if not overdue:
        return None
    _end(config, uow, overdue, "expired", "nobody confirmed in time", now)
    stage = uow.loops.stage(stage_id, lock=True)
    if stage.status != "proposed" or stage.proposal.get("kind") != "plan":
        return None
    stage.proposal = {**stage.proposal, "expired": True}
    uow.session.add(stage)
    uow.audit.record("loopbot", "proposal_expired", stage.loop_id, stage=stage.key)
    return stage


def overdue_stages(uow: UnitOfWork, now: datetime) -> list[int]:
    return sorted({hold.stage_id for hold in uow.holds.overdue(now)})
