"""The candidate's itinerary as plain values: who, when (in their zone), how long, the video
link and what each conversation is about — never feedback, never interviewers' notes.

Also the `.ics` invites that go with it, built by `bot.ics` (METHOD:REQUEST for what is
booked, CANCEL for what was withdrawn; the same UID for both, one per interview)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.candidate.config import CandidateConfig
from bot.ics import Invite, render_invite
from bot.loops.catalog import stage_template
from bot.mail.envelope import Attachment
from bot.planning.templates import TemplateBook
from storage.models import Candidate, Interview, Loop
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class ItineraryItem:
    interview_id: int
    title: str  # the stage
    with_name: str
    about: str
    start: datetime
    end: datetime
    when: str  # written in the candidate's zone
    minutes: int
    video_url: str | None
    cancelled: bool = False
    take_home: bool = False


def when_text(start: datetime, zone: str, end: datetime | None = None) -> str:
    local = start.astimezone(ZoneInfo(zone))
    text = f"{local:%A} {local.day} {local:%B}, {local:%H:%M}"
    if end is not None:
        text += f"–{end.astimezone(ZoneInfo(zone)):%H:%M}"
    return text


def invite_uid(interview_id: int) -> str:
    return f"loopbot-candidate-{interview_id}@loopbot"


def item_for(
    templates: TemplateBook,
    config: CandidateConfig,
    uow: UnitOfWork,
    loop: Loop,
    candidate: Candidate,
    interview: Interview,
) -> ItineraryItem:
    stage = uow.loops.stage(interview.stage_id)
    template = stage_template(templates, loop, stage.key)
    person = uow.interviewers.get(interview.interviewer_id)
    take_home = template.kind == "take_home"
    about = template.focus + (
        "" if take_home else f" ({interview.interview_type.replace('_', ' ')})"
    )
    return ItineraryItem(
        interview_id=interview.id,
        title=template.title,
        with_name=person.name,
        about=about,
        start=interview.start_at,
        end=interview.end_at,
        when=(
            f"due {when_text(interview.end_at, candidate.tz)}"
            if take_home
            else when_text(interview.start_at, candidate.tz, interview.end_at)
        ),
        minutes=int((interview.end_at - interview.start_at).total_seconds() // 60),
        video_url=None if take_home else config.video_url(f"interview-{interview.id}"),
        cancelled=interview.status in ("cancelled", "declined"),
        take_home=take_home,
    )


def itinerary(
    templates: TemplateBook, config: CandidateConfig, uow: UnitOfWork, loop: Loop, now: datetime
) -> list[ItineraryItem]:
    """What is booked for the candidate from now on, in time order."""
    candidate = uow.loops.candidate(loop.candidate_id)
    items = [
        item_for(templates, config, uow, loop, candidate, interview)
        for stage in uow.loops.stages(loop.id)
        for interview in uow.loops.interviews(stage.id)
        if interview.status == "confirmed" and interview.end_at > now
    ]
    return sorted(items, key=lambda i: (i.start, i.interview_id))


def invites(
    items: Iterable[ItineraryItem], candidate: Candidate, organizer: str, now: datetime
) -> tuple[Attachment, ...]:
    """One `.ics` per interview (a take-home has a due date, not a meeting: none)."""
    attachments = []
    for item in items:
        if item.take_home:
            continue
        invite = Invite(
            uid=invite_uid(item.interview_id),
            start=item.start,
            end=item.end,
            summary=f"{item.title} with {item.with_name}",
            description=item.about,
            organizer_email=organizer,
            attendee_email=candidate.email,
            attendee_name=candidate.name,
            video_url=item.video_url,
        )
        if item.cancelled:
            invite = replace(invite, sequence=1, cancelled=True)
        attachments.append(
            Attachment(
                f"interview-{item.interview_id}{'-cancelled' if item.cancelled else ''}.ics",
                render_invite(invite, now),
                "CANCEL" if item.cancelled else "REQUEST",
            )
        )
    return tuple(attachments)
