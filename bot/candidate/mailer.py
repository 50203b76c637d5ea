"""The candidate's emails, queued in the outbox (`mail.send`) inside the caller's
transaction: sent after commit, retried while the SMTP server is away, never twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.utils import parseaddr

from bot.candidate.config import CandidateConfig
from bot.candidate.itinerary import ItineraryItem, invites, when_text
from bot.loops.catalog import stage_template
from bot.mail.compose import Rendered, render
from bot.mail.envelope import Attachment, envelope
from bot.outbox import enqueue
from bot.outbox.ports import mail_payload
from bot.planning.templates import TemplateBook
from storage.models import Candidate, CandidateRequest, Loop, Stage
from storage.uow import UnitOfWork


def first_name(candidate: Candidate) -> str:
    return candidate.name.split()[0] if candidate.name.strip() else candidate.name


def queue_mail(
    uow: UnitOfWork,
    config: CandidateConfig,
    key: str,
    loop: Loop,
    candidate: Candidate,
    rendered: Rendered,
    attachments: Sequence[Attachment] = (),
) -> None:
    message = envelope(
        config.mail_from,
        candidate.email,
        candidate.name,
        rendered.subject,
        rendered.text,
        rendered.html,
        tuple(attachments),
    )
    enqueue(uow, key, "mail.send", loop_id=loop.id, **mail_payload(key, message))


def request_mail(
    templates: TemplateBook,
    config: CandidateConfig,
    uow: UnitOfWork,
    loop: Loop,
    stage: Stage,
    request: CandidateRequest,
    now: datetime,
    *,
    ask_accommodations: bool,
    reminder: bool = False,
) -> None:
    candidate = uow.loops.candidate(loop.candidate_id)
    title = stage_template(templates, loop, stage.key).title
    subject = (
        f"Pick a time for your {title}"
        if request.mode == "self_schedule"
        else f"When are you free for your {title}?"
    )
    rendered = render(
        "request",
        f"Reminder: {subject[0].lower()}{subject[1:]}" if reminder else subject,
        first_name=first_name(candidate),
        mode=request.mode,
        stage_title=title,
        tz=candidate.tz,
        link=config.links.url(loop.id, stage.id, now),
        expires=when_text(config.links.expires(now), candidate.tz),
        ask_accommodations=ask_accommodations,
        reminder=reminder,
        signature=config.signature,
    )
    key = f"candidate-request:{request.id}:{'reminder' if reminder else 'mail'}"
    queue_mail(uow, config, key, loop, candidate, rendered)


def itinerary_mail(
    config: CandidateConfig,
    uow: UnitOfWork,
    loop: Loop,
    stage: Stage,
    items: Sequence[ItineraryItem],
    subject: str,
    lead: str,
    key: str,
    now: datetime,
) -> None:
    """The itinerary as it stands (and what was withdrawn), with one invite per interview."""
    candidate = uow.loops.candidate(loop.candidate_id)
    rendered = render(
        "itinerary",
        subject,
        first_name=first_name(candidate),
        lead=lead,
        itinerary=list(items),
        any_live=any(not i.cancelled and not i.take_home for i in items),
        tz=candidate.tz,
        link=config.links.url(loop.id, stage.id, now),
        signature=config.signature,
    )
    organizer = parseaddr(config.mail_from)[1]
    queue_mail(
        uow, config, key, loop, candidate, rendered, invites(items, candidate, organizer, now)
    )


def note_mail(
    config: CandidateConfig,
    uow: UnitOfWork,
    loop: Loop,
    subject: str,
    body: str,
    key: str,
    withdrawn: Sequence[ItineraryItem],
    now: datetime,
) -> None:
    """A note a recruiter wrote and sent (an offer-call invite, a decline), with CANCEL
    invites for interviews the loop's end withdrew."""
    candidate = uow.loops.candidate(loop.candidate_id)
    rendered = render("note", subject, body=body.strip(), signature="")
    organizer = parseaddr(config.mail_from)[1]
    queue_mail(
        uow, config, key, loop, candidate, rendered, invites(withdrawn, candidate, organizer, now)
    )
