"""A closed loop's personal data, erased on request (`loopbot candidate forget LOOP`) or once
it has been kept `LOOPBOT_RETENTION_DAYS` (the leader's upkeep).

Erased: the candidate's name and email, the loop's accommodations, availability and offer
details, every feedback note and decision note, and the text of the Slack calls already sent
about the loop. Kept: the loop's shape (track, level, team, stages, times), signals and
ratings, decisions' kinds and who took them, and the audit log, which holds ids and reason
keys, never free text: anonymous counts and the audit skeleton. The loop's root message and
roll-ups in the recruiting channel are edited to the erased name.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.errors import Conflict, NotFound
from bot.loops.config import LoopConfig
from bot.loops.lookups import rollup_ref
from bot.loops.thread import refresh_rollup, refresh_root
from storage.models import Loop
from storage.uow import UnitOfWork

# What an offer keeps after erasure: whether it was taken, not its terms.
OFFER_KEPT = ("outcome", "answered_at")
SENT = ("sent", "dismissed")


def erased_name(candidate_id: int) -> str:
    return f"Erased candidate #{candidate_id}"


def forget(config: LoopConfig, uow: UnitOfWork, loop_id: int, actor: str, now: datetime) -> str:
    loop = uow.loops.get(loop_id, lock=True)
    if loop is None:
        raise NotFound(f"There is no loop {loop_id}.")
    if loop.status == "open":
        raise Conflict(f"Loop {loop_id} is still open; decline it or make an offer first.")
    candidate = uow.loops.candidate(loop.candidate_id)
    if candidate.erased_at is not None:
        return f"Loop {loop_id}'s candidate was already erased."
    candidate.name, candidate.email, candidate.erased_at = erased_name(candidate.id), "", now
    uow.session.add(candidate)
    _erase_loop(uow, loop)
    uow.audit.record(actor, "candidate_erased", loop.id, candidate=candidate.id)
    uow.session.flush()
    # The channel's messages follow: they show the erased name and no notes.
    refresh_root(config, uow, loop)
    for stage in uow.loops.stages(loop.id):
        if uow.outbox.has_ref(rollup_ref(stage.id)):
            refresh_rollup(config, uow, loop, stage, now)
    return f"Loop {loop_id}: the candidate's personal data is erased."


def _erase_loop(uow: UnitOfWork, loop: Loop) -> None:
    loop.accommodations = ""
    loop.availability_text, loop.availability = "", []
    loop.offer = {k: v for k, v in loop.offer.items() if k in OFFER_KEPT}
    uow.session.add(loop)
    for feedback in uow.privacy.feedback_of(loop.id):
        feedback.notes = ""
        uow.session.add(feedback)
    for decision in uow.loops.decisions(loop.id):
        decision.note = ""
        uow.session.add(decision)
    for message in uow.privacy.outbox_of(loop.id):
        if message.status in SENT or message.status == "dead":
            message.payload = {}
            message.last_error = ""
            if message.status == "dead":  # nothing left worth sending again
                message.status = "dismissed"
            uow.session.add(message)


def forget_expired(
    config: LoopConfig, uow: UnitOfWork, retention_days: int, now: datetime
) -> list[int]:
    """Erase every closed loop untouched for `retention_days` (0: keep forever)."""
    if retention_days <= 0:
        return []
    erased = []
    for loop in uow.privacy.closed_before(now - timedelta(days=retention_days)):
        forget(config, uow, loop.id, "retention", now)
        erased.append(loop.id)
    return erased
