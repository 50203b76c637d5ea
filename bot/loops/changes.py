"""Changes to booked interviews: an interviewer can't make it (someone else takes the slot,
or the stage is re-planned), an interview is cancelled, a stage is planned afresh."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.errors import Conflict, NotFound, PermissionDenied
from bot.loops import holds
from bot.loops.catalog import stage_template
from bot.loops.config import LoopConfig
from bot.loops.invites import release_dm, send_invite, withdraw_invite
from bot.loops.lookups import root_ref
from bot.loops.plan_requests import find_replacement
from bot.loops.proposals import propose
from bot.loops.thread import refresh_rollup
from bot.loops.views import interview_view, loop_view
from bot.messages.interviewer import interview_cancelled_dm
from bot.messages.notes import recruiter_note, thread_note
from bot.outbox import enqueue
from storage.models import Interview, Loop, Stage
from storage.uow import UnitOfWork


def decline(
    config: LoopConfig, uow: UnitOfWork, interview_id: int, actor: str, now: datetime
) -> str:
    interview = uow.loops.interview(interview_id, lock=True)
    if interview is None:
        raise NotFound("That interview no longer exists.")
    person = uow.interviewers.get(interview.interviewer_id)
    if person.slack_user_id != actor:
        raise PermissionDenied("Only the interviewer booked for it can decline this.")
    if interview.status != "confirmed":
        raise Conflict("You're already off this interview.")
    if interview.start_at <= now:
        raise Conflict("This interview has already started; tell the recruiter directly.")
    return drop_out(config, uow, interview, actor, now)


def drop_out(
    config: LoopConfig, uow: UnitOfWork, interview: Interview, actor: str, now: datetime
) -> str:
    """A booked interviewer can't make it (said in Slack or by declining the event in their
    calendar): someone else takes the same slot, or the stage is re-planned. Returns what
    to tell them."""
    person = uow.interviewers.get(interview.interviewer_id)
    stage = uow.loops.stage(interview.stage_id)
    loop = uow.loops.get(stage.loop_id)
    interview.status = "declined"
    uow.session.add(interview)
    uow.audit.record(actor, "interview_declined", loop.id, interview=interview.id, stage=stage.key)
    recruiter = uow.interviewers.get(loop.recruiter_id)
    candidate = uow.loops.candidate(loop.candidate_id)
    template = stage_template(config.templates, loop, stage.key)
    view = loop_view(config.templates, uow, loop)
    withdraw_invite(uow, view, template, interview, person, now)
    booked = replace_in_slot(config, uow, loop, stage, interview, now, replacing=person.name)
    if booked is not None:
        new_person = uow.interviewers.get(booked.interviewer_id)
        release_dm(uow, view, template, interview, new_person.slack_user_id)
        note = (
            f"{person.name} can't make *{candidate.name}*'s {template.title}; "
            f"<@{new_person.slack_user_id}> takes the same slot."
        )
        enqueue(
            uow,
            f"interview:{interview.id}:replaced-note",
            "chat.postMessage",
            loop_id=loop.id,
            channel=recruiter.slack_user_id,
            **recruiter_note(note),
        )
        enqueue(
            uow,
            f"interview:{interview.id}:replaced-thread",
            "chat.postMessage",
            loop_id=loop.id,
            thread_ref=root_ref(loop.id),
            **thread_note(note),
        )
        refresh_rollup(config, uow, loop, stage, now)
        if config.candidate is not None:
            config.candidate.itinerary_changed(
                config, uow, loop, stage, now, "changed", [interview]
            )
        return f"Thanks — {new_person.name} takes your slot."
    # Nobody can take the seat at that time: re-plan the whole stage.
    release_dm(uow, view, template, interview, None)
    note = (
        f"{person.name} can't make *{candidate.name}*'s {template.title} and no one "
        "qualified is free then; here is a fresh plan."
    )
    enqueue(
        uow,
        f"interview:{interview.id}:replan-note",
        "chat.postMessage",
        loop_id=loop.id,
        channel=recruiter.slack_user_id,
        **recruiter_note(note),
    )
    replan_stage(config, uow, loop, stage, now, "a panelist dropped out; re-planning")
    return "Thanks — the recruiter has a fresh plan for the stage."


def replace_in_slot(
    config: LoopConfig,
    uow: UnitOfWork,
    loop: Loop,
    stage: Stage,
    leaving: Interview,
    now: datetime,
    replacing: str,
    fixed: Mapping[str, int] | None = None,
) -> Interview | None:
    """Book the best qualified person free for exactly `leaving`'s seat and time, or
    return None. `leaving` must already be off the schedule (declined or cancelled)."""
    panel = {
        i.interviewer_id for i in uow.loops.interviews(stage.id) if i.status == "confirmed"
    } | {leaving.interviewer_id}
    old = {
        "interviewer_id": leaving.interviewer_id,
        "role": leaving.role,
        "interview_type": leaving.interview_type,
        "seat_key": leaving.seat_key,
        "start": leaving.start_at.isoformat(),
        "end": leaving.end_at.isoformat(),
    }
    found = find_replacement(
        config, uow, loop, stage, old, exclude=panel, now=now, notice=timedelta(0), fixed=fixed
    )
    if found is None:
        return None
    replacement = found.slots[0]
    booked = uow.loops.add_interview(
        Interview(
            stage_id=stage.id,
            interviewer_id=replacement.interviewer_id,
            role=leaving.role,
            interview_type=leaving.interview_type,
            seat_key=leaving.seat_key,
            start_at=leaving.start_at,
            end_at=leaving.end_at,
            status="confirmed",
        )
    )
    template = stage_template(config.templates, loop, stage.key)
    view = loop_view(config.templates, uow, loop)
    send_invite(config, uow, view, template, booked, now, replacing=replacing)
    uow.audit.record("loopbot", "interview_replaced", loop.id, left=leaving.id, booked=booked.id)
    holds.take_over(config, uow, stage, [booked], now)
    return booked


def cancel_interview(
    config: LoopConfig, uow: UnitOfWork, loop: Loop, interview: Interview, why: str, now: datetime
) -> None:
    """Take an interview off the schedule, tell its interviewer, and withdraw the
    calendar invite (same UID, a higher SEQUENCE, METHOD:CANCEL)."""
    stage = uow.loops.stage(interview.stage_id)
    template = stage_template(config.templates, loop, stage.key)
    person = uow.interviewers.get(interview.interviewer_id)
    interview.status = "cancelled"
    uow.session.add(interview)
    view = loop_view(config.templates, uow, loop)
    enqueue(
        uow,
        f"interview:{interview.id}:cancelled",
        "chat.postMessage",
        loop_id=loop.id,
        channel=person.slack_user_id,
        **interview_cancelled_dm(view, template.title, interview_view(uow, interview), why),
    )
    withdraw_invite(uow, view, template, interview, person, now)


def replan_stage(
    config: LoopConfig, uow: UnitOfWork, loop: Loop, stage: Stage, now: datetime, why: str
) -> None:
    """Cancel what is booked for the stage and send the recruiter a fresh plan."""
    withdrawn = []
    for interview in uow.loops.interviews(stage.id):
        if interview.status == "confirmed":
            cancel_interview(config, uow, loop, interview, why, now)
            withdrawn.append(interview)
        elif interview.status == "declined" and interview.start_at > now:
            withdrawn.append(interview)  # the candidate's invite for it goes too
    if config.candidate is not None and withdrawn:
        config.candidate.itinerary_changed(config, uow, loop, stage, now, "cancelled", withdrawn)
    uow.audit.record("loopbot", "stage_replanned", loop.id, stage=stage.key, why=why)
    stage.status = "pending"
    propose(config, uow, loop, stage, now)
