"""A booked stage's controls: Reschedule (a fresh plan that keeps whoever can stay), Hold
(release the bookings, keep the stage until Resume) and Cancel, each with a reason that the
panel hears and the audit keeps."""

from __future__ import annotations

from datetime import datetime

from bot.access import Access, Action
from bot.errors import Conflict, InputError, InvalidForm, NotFound
from bot.loops.catalog import stage_template
from bot.loops.changes import cancel_interview
from bot.loops.config import LoopConfig
from bot.loops.lookups import root_ref
from bot.loops.proposals import propose
from bot.loops.thread import refresh_rollup, refresh_root
from bot.messages.notes import thread_note
from bot.messages.stage_controls import KINDS, changed_message, control_modal
from bot.outbox import enqueue, publish
from storage.models import Loop, Stage
from storage.uow import UnitOfWork


def form(config: LoopConfig, uow: UnitOfWork, stage_id: int, kind: str, actor: str) -> dict:
    stage, loop = _booked(config, uow, stage_id, actor)
    title = stage_template(config.templates, loop, stage.key).title
    return control_modal(stage.id, kind, title, uow.loops.candidate(loop.candidate_id).name)


def change(
    config: LoopConfig,
    uow: UnitOfWork,
    stage_id: int,
    kind_index: int,
    reason: str,
    actor: str,
    now: datetime,
) -> None:
    """Apply one control to a booked stage, with the recruiter's reason."""
    if not 0 <= kind_index < len(KINDS):
        raise NotFound("That change is not one loopbot knows.")
    kind = KINDS[kind_index]
    reason = reason.strip()
    if not reason:
        raise InvalidForm([InputError("reason", "say why", "The candidate asked to move")])
    stage, loop = _booked(config, uow, stage_id, actor)
    if any(i.start_at <= now for i in _booked_interviews(uow, stage)):
        raise Conflict("This stage has already started; it can no longer be changed.")
    template = stage_template(config.templates, loop, stage.key)
    candidate = uow.loops.candidate(loop.candidate_id)
    stayed = {i.interviewer_id for i in _booked_interviews(uow, stage) if not i.trainee_mode}
    why = f"{template.title} {('rescheduled', 'on hold', 'cancelled')[kind_index]}: {reason}"
    for interview in _booked_interviews(uow, stage):
        cancel_interview(config, uow, loop, interview, why, now)
    uow.audit.record(actor, f"stage_{kind}", loop.id, stage=stage.key, reason=reason)
    publish(
        uow,
        stage.proposal["ref"],
        loop_id=loop.id,
        **changed_message(template.title, candidate.name, kind, reason, stage.id),
    )
    enqueue(
        uow,
        f"stage:{stage.id}:{kind}:{int(now.timestamp())}",
        "chat.postMessage",
        loop_id=loop.id,
        thread_ref=root_ref(loop.id),
        **thread_note(f"{why} (<@{actor}>)"),
    )
    if kind == "reschedule":
        stage.status = "pending"
        uow.session.add(stage)
        propose(config, uow, loop, stage, now, actor=actor, keep=frozenset(stayed))
    else:
        stage.status = "on_hold" if kind == "hold" else "cancelled"
        uow.session.add(stage)
        refresh_rollup(config, uow, loop, stage, now)
        refresh_root(config, uow, loop)


def resume(config: LoopConfig, uow: UnitOfWork, stage_id: int, actor: str, now: datetime) -> None:
    """A held stage gets a fresh plan on the candidate's availability."""
    stage = uow.loops.stage(stage_id, lock=True)
    if stage is None:
        raise NotFound("That stage no longer exists.")
    loop = uow.loops.get(stage.loop_id)
    Access(uow, config.templates).require(actor, Action.SCHEDULE, loop)
    if stage.status != "on_hold":
        raise Conflict("This stage is not on hold.")
    uow.audit.record(actor, "stage_resumed", loop.id, stage=stage.key)
    stage.status = "pending"
    uow.session.add(stage)
    # A pending stage gets a fresh proposal message: the held one keeps what happened to it.
    propose(config, uow, loop, stage, now, actor=actor)


def _booked(config: LoopConfig, uow: UnitOfWork, stage_id: int, actor: str) -> tuple[Stage, Loop]:
    stage = uow.loops.stage(stage_id, lock=True)
    if stage is None:
        raise NotFound("That stage no longer exists.")
    loop = uow.loops.get(stage.loop_id)
    Access(uow, config.templates).require(actor, Action.SCHEDULE, loop)
    if stage.status != "scheduled" or loop.status != "open":
        raise Conflict("Only a booked stage of an open loop can be changed this way.")
    return stage, loop


def _booked_interviews(uow: UnitOfWork, stage: Stage):
    return [i for i in uow.loops.interviews(stage.id) if i.status == "confirmed"]
