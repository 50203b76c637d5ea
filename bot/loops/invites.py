"""Telling an interviewer they are booked (a DM and a calendar invite) and withdrawing the
invite when they are not any more."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.ics import Invite, render_invite
from bot.loops.calendar_events import cancel_interview_event, put_interview_event
from bot.loops.config import LoopConfig
from bot.loops.views import interview_view
from bot.messages.interviewer import interview_dm
from bot.messages.values import LoopView
from bot.outbox import enqueue
from bot.planning.templates import StageTemplate
from storage.models import Interview


def send_invite(
    config: LoopConfig,
    uow,
    view: LoopView,
    template: StageTemplate,
    interview: Interview,
    now: datetime,
    due: datetime | None = None,
    replacing: str | None = None,
) -> None:
    person = uow.interviewers.get(interview.interviewer_id)
    slot = interview_view(uow, interview)
    enqueue(
        uow,
        f"interview:{interview.id}:dm",
        "chat.postMessage",
        loop_id=view.loop_id,
        channel=person.slack_user_id,
        **interview_dm(
            view,
            template.title,
            template.focus,
            slot,
            interview.id,
            due=due,
            replacing=replacing,
        ),
    )
    if due is not None:
        return  # a take-home review is not a meeting
    if config.events.on_calendars and put_interview_event(config, uow, template, interview):
        return
    invite = invite_for(view, template, interview, person)
    enqueue(
        uow,
        f"interview:{interview.id}:ics",
        "loopbot.dm_file",
        loop_id=view.loop_id,
        user=person.slack_user_id,
        filename=f"interview-{interview.id}.ics",
        title=f"{template.title} — {view.candidate}",
        content=render_invite(invite, now),
    )


def invite_for(view, template: StageTemplate, interview: Interview, person) -> Invite:
    return Invite(
        uid=f"loopbot-interview-{interview.id}@loopbot",
        start=interview.start_at,
        end=interview.end_at,
        summary=f"{template.title}: {view.candidate}",
        description=f"{template.focus}\nYour part: {interview.interview_type}"
        + (f"\nAccommodations: {view.accommodations}" if view.accommodations else ""),
        attendee_email=person.email,
    )


def withdraw_invite(
    uow, view, template: StageTemplate, interview: Interview, person, now: datetime
) -> None:
    """The event comes off the interviewer's calendar; for an `.ics` invite, calendars drop
    the event on the same UID with a higher SEQUENCE and CANCEL."""
    if template.kind == "take_home":
        return  # a take-home review never had a meeting invite
    if cancel_interview_event(uow, interview):
        return
    invite = replace(invite_for(view, template, interview, person), sequence=1, cancelled=True)
    enqueue(
        uow,
        f"interview:{interview.id}:ics-cancel",
        "loopbot.dm_file",
        loop_id=view.loop_id,
        user=person.slack_user_id,
        filename=f"interview-{interview.id}-cancelled.ics",
        title=f"Cancelled: {template.title} — {view.candidate}",
        content=render_invite(invite, now),
    )
