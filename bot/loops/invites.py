"""Telling an interviewer they are booked (a DM and a calendar invite) and withdrawing the
invite when they are not any more."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.ics import Invite, render_invite
from bot.loops.calendar_events import cancel_interview_event, put_interview_event
from bot.loops.config import LoopConfig
from bot.loops.views import interview_view
from bot.messages.interviewer import interview_dm, interview_released_dm
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
        dm_ref(interview.id),
        "chat.postMessage",
        ref=dm_ref(interview.id),  # named, so a decline can take its button away
        loop_id=view.loop_id,
        channel=person.slack_user_id,
        **interview_dm(
            view,
            template.title,
            template.seat_focus(interview.seat_key, interview.interview_type),
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


def dm_ref(interview_id: int) -> str:
    return f"interview:{interview_id}:dm"


def release_dm(uow, view: LoopView, template: StageTemplate, interview: Interview, taken_by):
    """Edit the booking DM of someone now off the interview: say who took the slot (a Slack
    id, or None while the stage is re-planned) and leave no live "Can't make it" button."""
    enqueue(
        uow,
        f"{dm_ref(interview.id)}:released",
        "chat.update",
        update_ref=dm_ref(interview.id),
        loop_id=view.loop_id,
        **interview_released_dm(view, template.title, interview_view(uow, interview), taken_by),
    )


def calendar_description(template: StageTemplate, interview: Interview) -> str:
    """What a calendar event may say about an interview: what it is about and the
    interviewer's part. Never accommodations, feedback or notes: calendars are often visible
    to the whole company; the DM carries what only the panel needs."""
    focus = template.seat_focus(interview.seat_key, interview.interview_type)
    return f"{focus}\nYour part: {interview.interview_type.replace('_', ' ')}"


def invite_for(view, template: StageTemplate, interview: Interview, person) -> Invite:
    return Invite(
        uid=f"loopbot-interview-{interview.id}@loopbot",
        start=interview.start_at,
        end=interview.end_at,
        summary=f"{template.title}: {view.candidate}",
        description=calendar_description(template, interview),
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
