"""The recruiter's notes to the candidate: a template they edit in a modal, sent only when
they press Send. After a decline, the interviews the loop's end withdrew go with it as
CANCEL invites."""

from __future__ import annotations

from datetime import datetime

from bot.access import Access, Action
from bot.candidate.itinerary import item_for
from bot.candidate.mailer import first_name, note_mail
from bot.candidate.requests import side
from bot.errors import InputError, InvalidForm, NotFound
from bot.loops.config import LoopConfig
from bot.loops.lookups import root_ref
from bot.messages.candidate import note_modal
from bot.messages.notes import thread_note
from bot.outbox import enqueue
from storage.uow import UnitOfWork

TEMPLATES = {
    "offer_call": (
        "Good news about your interviews",
        "Hello {first},\n\nThank you for the time you gave us. We would love to talk with you "
        "about an offer. Could you tell me two or three times this week that suit you for a "
        "30-minute call?\n\nBest wishes,\n{recruiter}",
    ),
    "decline": (
        "Your application",
        "Hello {first},\n\nThank you for the time and care you put into your interviews with "
        "us. After a lot of thought we have decided not to move forward this time. I am happy "
        "to share more on a call if that would help.\n\nWith best wishes,\n{recruiter}",
    ),
}


def _loop_and_kind(config: LoopConfig, uow: UnitOfWork, meta: str, actor: str):
    loop_id, _, kind = meta.partition(":")
    loop = uow.loops.get(int(loop_id)) if loop_id.isdigit() else None
    if loop is None or kind not in TEMPLATES:
        raise NotFound("That note refers to a loop loopbot does not know; use the latest message.")
    Access(uow, config.templates).require(actor, Action.CONTACT_CANDIDATE, loop)
    return loop, kind


def form(config: LoopConfig, uow: UnitOfWork, meta: str, actor: str) -> dict:
    side(config)
    loop, kind = _loop_and_kind(config, uow, meta, actor)
    candidate = uow.loops.candidate(loop.candidate_id)
    recruiter = uow.interviewers.get(loop.recruiter_id)
    subject, body = TEMPLATES[kind]
    return note_modal(
        loop.id,
        kind,
        candidate.email,
        subject,
        body.format(first=first_name(candidate), recruiter=recruiter.name),
    )


def send(
    config: LoopConfig,
    uow: UnitOfWork,
    meta: str,
    subject: str,
    body: str,
    actor: str,
    now: datetime,
    request_key: str,
) -> None:
    candidate_side = side(config)
    loop, kind = _loop_and_kind(config, uow, meta, actor)
    errors = []
    if not subject.strip():
        errors.append(InputError("subject", "the subject is empty", "Your application"))
    if not body.strip():
        errors.append(InputError("body", "the message is empty", "Hello Ada, thank you…"))
    if errors:
        raise InvalidForm(errors)
    candidate = uow.loops.candidate(loop.candidate_id)
    withdrawn = []
    if kind == "decline":
        for stage in uow.loops.stages(loop.id):
            for interview in uow.loops.interviews(stage.id):
                if interview.status == "cancelled" and interview.start_at > now:
                    withdrawn.append(
                        item_for(config.templates, candidate_side, uow, loop, candidate, interview)
                    )
    note_mail(
        candidate_side,
        uow,
        loop,
        subject.strip(),
        body,
        f"candidate:{loop.id}:note:{request_key}",
        withdrawn,
        now,
    )
    uow.audit.record(actor, "candidate_note_sent", loop.id, kind=kind)
    enqueue(
        uow,
        f"candidate:{loop.id}:note:{request_key}:thread",
        "chat.postMessage",
        loop_id=loop.id,
        thread_ref=root_ref(loop.id),
        **thread_note(f"<@{actor}> emailed {candidate.name} (“{subject.strip()[:80]}”)."),
    )
