"""What people do to interview events in their own calendars, as the calendar sync reads it:
a decline is "Can't make it"; an event moved or deleted by hand is reported to the recruiter
(once), since loopbot keeps the interview where it booked it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from bot.calendars.port import EventState
from bot.loops.catalog import stage_template
from bot.loops.changes import drop_out
from bot.loops.config import LoopConfig
from bot.messages.notes import recruiter_note
from bot.outbox import enqueue
from bot.slack_text import span
from storage.uow import UnitOfWork

Change = Literal["declined", "moved", "gone"]


def change_of(
    state: EventState, email: str | None, start: datetime, end: datetime
) -> Change | None:
    """What the calendar says happened to a booked interview's event, if anything."""
    if state.gone:
        return "gone"
    answers = {who.lower(): answer for who, answer in state.responses.items()}
    if email and answers.get(email.lower()) == "declined":
        return "declined"
    moved = state.start is not None and (state.start, state.end) != (start, end)
    return "moved" if moved else None


def apply(
    config: LoopConfig,
    uow: UnitOfWork,
    interview_id: int,
    change: Change,
    state: EventState,
    now: datetime,
) -> bool:
    """Act on one change; False when there is nothing (left) to do."""
    interview = uow.loops.interview(interview_id, lock=True)
    if interview is None or interview.status != "confirmed" or interview.start_at <= now:
        return False
    person = uow.interviewers.get(interview.interviewer_id)
    if change == "declined":
        uow.audit.record("calendar", "event_declined", None, interview=interview.id)
        said = drop_out(config, uow, interview, "calendar", now)
        enqueue(
            uow,
            f"interview:{interview.id}:calendar-declined",
            "chat.postMessage",
            channel=person.slack_user_id,
            text=f"You declined the interview of {span(interview.start_at, interview.end_at)} "
            f"in your calendar. {said.removeprefix('Thanks — ')}",
        )
        return True
    if interview.event_noted == change:
        return False  # said once already
    interview.event_noted = change
    uow.session.add(interview)
    stage = uow.loops.stage(interview.stage_id)
    loop = uow.loops.get(stage.loop_id)
    candidate = uow.loops.candidate(loop.candidate_id)
    title = stage_template(config.templates, loop, stage.key).title
    booked = span(interview.start_at, interview.end_at)
    if change == "moved":
        text = (
            f"{person.name} moved the event for *{candidate.name}*'s {title} in their calendar "
            f"to {span(state.start, state.end)}; loopbot still has it booked {booked}. "
            f"If they can't make that time, they can press *Can't make it* in their DM."
        )
    else:
        text = (
            f"{person.name}'s calendar no longer has the event for *{candidate.name}*'s "
            f"{title} ({booked}); loopbot still has them booked. If they can't make it, "
            "they can press *Can't make it* in their DM."
        )
    recruiter = uow.interviewers.get(loop.recruiter_id)
    enqueue(
        uow,
        f"interview:{interview.id}:calendar-{change}",
        "chat.postMessage",
        loop_id=loop.id,
        channel=recruiter.slack_user_id,
        **recruiter_note(text),
    )
    uow.audit.record("calendar", f"event_{change}", loop.id, interview=interview.id)
    return True
