"""Interviewer training: the lead signs off a trainee's session in one click, and enough
positive sessions (the templates' `[training]` rule) move the trainee from shadowing to
reverse-shadowing and then into the pool, with a note to them and to the coordinators."""

from __future__ import annotations

from datetime import datetime

from bot.errors import Conflict, NotFound, PermissionDenied
from bot.loops.config import LoopConfig
from bot.messages.training import graduation_note, progress_note, sign_off_request, signed_off
from bot.outbox import enqueue, publish
from bot.planning.trainees import GRADUATED
from storage.models import Interview, Loop
from storage.uow import UnitOfWork

VERDICTS = ("positive", "not_yet")
# Who hears about a graduation besides the trainee: the roster's coordinators.
ANNOUNCED_TO = "coordinator"


def sign_off_ref(trainee_interview_id: int) -> str:
    return f"trainee:{trainee_interview_id}:sign_off"


def ask_sign_off(uow: UnitOfWork, loop: Loop, lead: Interview, stage_title: str) -> None:
    """Once the lead's own feedback is in, ask them about the trainee who sat in (once)."""
    if lead.trainee_mode:
        return
    trainee = uow.trainees.sitting_in(lead.id)
    if trainee is None or trainee.sign_off or trainee.status not in ("confirmed", "completed"):
        return
    lead_person = uow.interviewers.get(lead.interviewer_id)
    person = uow.interviewers.get(trainee.interviewer_id)
    candidate = uow.loops.candidate(loop.candidate_id)
    publish(
        uow,
        sign_off_ref(trainee.id),
        channel=lead_person.slack_user_id,
        loop_id=loop.id,
        **sign_off_request(
            person.slack_user_id,
            trainee.trainee_mode,
            trainee.interview_type,
            stage_title,
            candidate.name,
            trainee.id,
        ),
    )


def sign_off(
    config: LoopConfig,
    uow: UnitOfWork,
    trainee_interview_id: int,
    verdict: str,
    actor: str,
    now: datetime,
) -> str:
    """The lead's verdict on a trainee's session; moves the trainee on when the rule says so."""
    if verdict not in VERDICTS:
        raise NotFound(f"Unknown sign-off {verdict!r}.")
    session = uow.loops.interview(trainee_interview_id)
    if session is None or not session.trainee_mode:
        raise NotFound("That training session no longer exists.")
    lead = uow.loops.interview(session.lead_interview_id) if session.lead_interview_id else None
    if lead is None or uow.interviewers.get(lead.interviewer_id).slack_user_id != actor:
        raise PermissionDenied("Only the interviewer the trainee sat in with can sign off.")
    if session.sign_off:
        raise Conflict("This session is already signed off.")
    session.sign_off = verdict
    uow.session.add(session)
    uow.session.flush()
    stage = uow.loops.stage(session.stage_id)
    loop = uow.loops.get(stage.loop_id)
    trainee = uow.interviewers.get(session.interviewer_id)
    uow.audit.record(
        actor,
        "trainee_signed_off",
        loop.id,
        interview=session.id,
        trainee=trainee.id,
        interview_type=session.interview_type,
        mode=session.trainee_mode,
        verdict=verdict,
    )
    publish(
        uow,
        sign_off_ref(session.id),
        loop_id=loop.id,
        **signed_off(trainee.slack_user_id, session.trainee_mode, verdict),
    )
    moved = _advance(config, uow, loop, trainee.id, session.interview_type, actor, now)
    said = "positive" if verdict == "positive" else "not yet"
    if moved == GRADUATED:
        return f"Signed off as {said}; {trainee.name} graduated."
    return f"Signed off as {said}."


def _advance(
    config: LoopConfig,
    uow: UnitOfWork,
    loop: Loop,
    pid: int,
    interview_type: str,
    actor: str,
    now: datetime,
) -> str | None:
    """Apply the graduation rule to a trainee's signed-off sessions: the new stage, if any."""
    record = uow.trainees.of(pid, interview_type)
    if record is None or record.graduated_at is not None:
        return None
    rule = config.templates.training.rule_for(interview_type)
    reached = rule.stage_of(uow.trainees.positive_sessions(pid, interview_type))
    if reached == record.mode:
        return None
    person = uow.interviewers.get(pid)
    record.mode = reached
    if reached == GRADUATED:
        record.graduated_at = now
        if interview_type not in person.interview_types:
            # One assignment: the JSON column sees a new value.
            person.interview_types = [*person.interview_types, interview_type]
            uow.session.add(person)
        _announce_graduation(uow, loop, person, interview_type)
    else:
        enqueue(
            uow,
            f"trainee:{record.id}:moved:{reached}",
            "chat.postMessage",
            channel=person.slack_user_id,
            **progress_note(interview_type, reached, rule.describe()),
        )
    uow.session.add(record)
    uow.audit.record(
        actor, "trainee_progressed", None, trainee=pid, interview_type=interview_type, mode=reached
    )
    return reached


def _announce_graduation(uow: UnitOfWork, loop: Loop, person, interview_type: str) -> None:
    """Tell the new interviewer, the roster's coordinators and the loop's recruiter."""
    enqueue(
        uow,
        f"trainee:{person.id}:{interview_type}:graduated",
        "chat.postMessage",
        channel=person.slack_user_id,
        **graduation_note(person.slack_user_id, interview_type, for_trainee=True),
    )
    told = [p for p in uow.interviewers.all() if ANNOUNCED_TO in p.roles]
    told.append(uow.interviewers.get(loop.recruiter_id))
    for coordinator in {p.id: p for p in told if p.id != person.id}.values():
        enqueue(
            uow,
            f"trainee:{person.id}:{interview_type}:graduated:{coordinator.id}",
            "chat.postMessage",
            channel=coordinator.slack_user_id,
            **graduation_note(person.slack_user_id, interview_type, for_trainee=False),
        )
