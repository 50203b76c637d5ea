"""Asking the candidate: when a stage opens (by setting) or when the recruiter presses
Send to candidate, email them a link to give their availability or pick a time; remind once
after 48 hours and tell the recruiter. Nothing goes to a candidate of a closed loop."""

from __future__ import annotations

from datetime import datetime

from bot.access import Access, Action
from bot.candidate.config import CandidateConfig
from bot.candidate.mailer import request_mail
from bot.errors import Conflict, NotFound
from bot.loops.catalog import stage_template
from bot.loops.config import LoopConfig
from bot.loops.lookups import root_ref
from bot.messages.notes import recruiter_note, thread_note
from bot.outbox import enqueue
from storage.candidate_requests import CandidateRequests
from storage.models import CandidateRequest, Loop, Stage
from storage.uow import UnitOfWork

MODES = {"availability": "give their availability", "self_schedule": "pick a time"}
ASKABLE = ("pending", "proposed")  # a stage not booked yet


def side(config: LoopConfig) -> CandidateConfig:
    if config.candidate is None:
        raise Conflict(
            "Candidate email is off: set LOOPBOT_SMTP_URL, LOOPBOT_MAIL_FROM, "
            "LOOPBOT_SECRET_KEY and LOOPBOT_PUBLIC_URL to turn it on."
        )
    return config.candidate.settings


def ask(
    config: LoopConfig,
    uow: UnitOfWork,
    loop: Loop,
    stage: Stage,
    mode: str,
    actor: str,
    now: datetime,
) -> CandidateRequest:
    candidate_side = side(config)
    if mode not in MODES:
        raise NotFound(f"Choose what to ask: {' or '.join(MODES)}.")
    if loop.status != "open":
        raise Conflict("This loop is closed: nothing more goes to the candidate.")
    if stage.status not in ASKABLE:
        raise Conflict("This stage is already booked; the candidate has its itinerary.")
    template = stage_template(config.templates, loop, stage.key)
    if template.kind == "decision":
        raise Conflict("There is nothing to schedule at the decision stage.")
    if mode == "self_schedule" and template.kind != "meeting":
        mode = "availability"  # a take-home has a due date, not a time to pick
    requests = CandidateRequests(uow.session)
    for earlier in requests.of_loop(loop.id):
        if earlier.stage_id == stage.id and earlier.status == "open":
            earlier.status = "withdrawn"
            requests.save(earlier)
    asked_before = any(r.accommodations_at for r in requests.of_loop(loop.id))
    request = requests.add(
        CandidateRequest(loop_id=loop.id, stage_id=stage.id, mode=mode, sent_by=actor, sent_at=now)
    )
    request_mail(
        config.templates,
        candidate_side,
        uow,
        loop,
        stage,
        request,
        now,
        ask_accommodations=not asked_before,
    )
    candidate = uow.loops.candidate(loop.candidate_id)
    uow.audit.record(actor, "candidate_asked", loop.id, stage=stage.key, mode=mode)
    enqueue(
        uow,
        f"candidate-request:{request.id}:thread",
        "chat.postMessage",
        loop_id=loop.id,
        thread_ref=root_ref(loop.id),
        **thread_note(
            f"{candidate.name} was emailed a link to {MODES[mode]} for the {template.title}."
        ),
    )
    return request


def ask_by_recruiter(
    config: LoopConfig, uow: UnitOfWork, stage_id: int, mode: str, actor: str, now: datetime
) -> str:
    stage = uow.loops.stage(stage_id, lock=True)
    if stage is None:
        raise NotFound("That stage no longer exists.")
    loop = uow.loops.get(stage.loop_id)
    Access(uow, config.templates).require(actor, Action.CONTACT_CANDIDATE, loop)
    ask(config, uow, loop, stage, mode, actor, now)
    return f"Sent: the candidate can {MODES[mode]} from the link in their email."


def remind_overdue(config: LoopConfig, uow: UnitOfWork, now: datetime) -> int:
    """One reminder per request unanswered for 48 hours; the recruiter is told."""
    if config.candidate is None:
        return 0
    candidate_side = config.candidate.settings
    requests = CandidateRequests(uow.session)
    sent = 0
    for request in requests.unanswered_since(now - candidate_side.remind_after):
        loop = uow.loops.get(request.loop_id)
        stage = uow.loops.stage(request.stage_id)
        request.reminded_at = now
        requests.save(request)
        if loop.status != "open" or stage.status not in ASKABLE:
            continue
        asked_before = any(r.accommodations_at for r in requests.of_loop(loop.id))
        request_mail(
            config.templates,
            candidate_side,
            uow,
            loop,
            stage,
            request,
            now,
            ask_accommodations=not asked_before,
            reminder=True,
        )
        candidate = uow.loops.candidate(loop.candidate_id)
        title = stage_template(config.templates, loop, stage.key).title
        recruiter = uow.interviewers.get(loop.recruiter_id)
        enqueue(
            uow,
            f"candidate-request:{request.id}:reminder-note",
            "chat.postMessage",
            loop_id=loop.id,
            channel=recruiter.slack_user_id,
            **recruiter_note(
                f"*{candidate.name}* has not answered the {title} request in 48 hours; "
                "loopbot sent one reminder. You may want to reach out."
            ),
        )
        sent += 1
    return sent
