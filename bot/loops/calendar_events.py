"""Interviews as events on the interviewers' own calendars (when `LOOPBOT_CALENDAR` names a
provider), written and withdrawn through the outbox.

One event per interview, under a stable key stored on the interview (`event_key`), on the
interviewer's calendar as it was when booked (`event_calendar`), organised by the service
account's mailbox, with the interviewer and the candidate invited. The event says only what a
calendar may hold: who, which stage, the video link; never accommodations, feedback or notes.
A replacement, a re-plan, a pivot or a cancellation ends an interview: its event is cancelled
under the same key, and the interview that takes its place gets its own.
"""

from __future__ import annotations

from bot.calendars.port import Attendee, Event
from bot.loops.busy_times import calendar_of
from bot.loops.config import LoopConfig
from bot.outbox import enqueue
from bot.outbox.ports import calendar_event_payload
from bot.planning.templates import StageTemplate
from storage.models import Hold, Interview
from storage.uow import UnitOfWork


def interview_key(interview_id: int) -> str:
    return f"loopbot-interview-{interview_id}"


def interview_event(
    config: LoopConfig, uow: UnitOfWork, template: StageTemplate, interview: Interview
) -> Event | None:
    """The event for a booked interview, or None when its interviewer has no calendar."""
    person = uow.interviewers.get(interview.interviewer_id)
    calendar = calendar_of(person)
    if calendar is None:
        return None
    stage = uow.loops.stage(interview.stage_id)
    loop = uow.loops.get(stage.loop_id)
    candidate = uow.loops.candidate(loop.candidate_id)
    key = interview_key(interview.id)
    organizer = config.events.organizer
    attendees = [Attendee(candidate.email, candidate.name)]
    if person.email:
        attendees.insert(0, Attendee(person.email, person.name))
    return Event(
        key=key,
        calendar=calendar,
        title=f"Interview: {candidate.name} ({template.title})",
        start=interview.start_at,
        end=interview.end_at,
        description=(
            f"{template.title} with {candidate.name}, {person.name} interviewing. "
            "Your brief is in your Slack DM from loopbot."
        ),
        organizer=Attendee(organizer) if organizer else None,
        attendees=tuple(attendees),
        video_url=config.events.video_url(key),
    )


def put_interview_event(
    config: LoopConfig, uow: UnitOfWork, template: StageTemplate, interview: Interview
) -> bool:
    """Queue the interview's event; False when there is no calendar to put it on."""
    event = interview_event(config, uow, template, interview)
    if event is None:
        return False
    interview.event_key = event.key
    interview.event_calendar = event.calendar
    uow.session.add(interview)
    enqueue(
        uow,
        f"interview:{interview.id}:calendar-put",
        "calendar.put",
        loop_id=uow.loops.stage(interview.stage_id).loop_id,
        event=calendar_event_payload(event),
    )
    return True


def cancel_interview_event(uow: UnitOfWork, interview: Interview) -> bool:
    """Queue the withdrawal of the interview's event; False when it never had one."""
    if not interview.event_key or not interview.event_calendar:
        return False
    uow.calendar_events.drop_unsent(f"interview:{interview.id}:calendar-put")
    enqueue(
        uow,
        f"interview:{interview.id}:calendar-cancel",
        "calendar.cancel",
        loop_id=uow.loops.stage(interview.stage_id).loop_id,
        calendar=interview.event_calendar,
        event_key=interview.event_key,
    )
    return True


def record_event_id(uow: UnitOfWork, key: str, provider_id: str) -> None:
    """The outbox wrote an event: its provider id goes on the interview (the sync then
    watches it)."""
    interview = uow.calendar_events.interview_by_key(key)
    if interview is not None and interview.event_id != provider_id:
        interview.event_id = provider_id
        uow.session.add(interview)


def hold_key(hold_id: int) -> str:
    return f"loopbot-hold-{hold_id}"


def put_hold_event(config: LoopConfig, uow: UnitOfWork, hold: Hold) -> None:
    """A proposal's hold as a tentative "[Hold]" event on the interviewer's calendar: it
    names the stage only (no candidate) and invites nobody else."""
    person = uow.interviewers.get(hold.interviewer_id)
    calendar = calendar_of(person)
    if calendar is None:
        return
    stage = uow.loops.stage(hold.stage_id)
    event = Event(
        key=hold_key(hold.id),
        calendar=calendar,
        title="[Hold] Interview, waiting for the recruiter's Confirm",
        start=hold.start_at,
        end=hold.end_at,
        description="Held by loopbot for a proposed interview; it goes away or becomes the "
        "interview once the recruiter decides.",
        organizer=Attendee(config.events.organizer) if config.events.organizer else None,
        attendees=(Attendee(person.email, person.name),) if person.email else (),
        tentative=True,
    )
    enqueue(
        uow,
        f"hold:{hold.id}:calendar-put",
        "calendar.put",
        loop_id=stage.loop_id,
        event=calendar_event_payload(event),
    )


def cancel_hold_event(uow: UnitOfWork, hold: Hold) -> None:
    person = uow.interviewers.get(hold.interviewer_id)
    calendar = calendar_of(person)
    if calendar is None:
        return
    uow.calendar_events.drop_unsent(f"hold:{hold.id}:calendar-put")
    enqueue(
        uow,
        f"hold:{hold.id}:calendar-cancel",
        "calendar.cancel",
        loop_id=uow.loops.stage(hold.stage_id).loop_id,
        calendar=calendar,
        event_key=hold_key(hold.id),
    )
