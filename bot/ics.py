"""iCalendar (RFC 5545) invites for booked interviews, built with `icalendar` — no I/O.

Used where loopbot writes no calendar itself (`LOOPBOT_CALENDAR=none`): the interviewer gets
the invite as a file. A change is sent again under the same UID with a higher SEQUENCE, a
withdrawal as METHOD:CANCEL, so a calendar that imported the first one moves or removes it.

The event holds exactly what `Invite` carries: the builder adds no text of its own, so what
a calendar may not hold (accommodations, feedback, notes) stays out unless a caller puts it in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import icalendar

PRODID = "-//loopbot//interview loops//EN"


@dataclass(frozen=True)
class Invite:
    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str
    organizer_email: str | None = None
    attendee_email: str | None = None
    sequence: int = 0
    cancelled: bool = False
    organizer_name: str = ""
    attendee_name: str = ""
    video_url: str | None = None  # LOCATION and URL: where the interview happens


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: an invite needs an aware time")
    return value.astimezone(UTC)


def clean_text(value: str) -> str:
    # icalendar escapes LF; a bare CR would survive and end the content line early.
    return value.replace("\r\n", "\n").replace("\r", "\n")


def address(email: str, name: str = "", **params: str) -> icalendar.vCalAddress:
    """A calendar user (ORGANIZER, ATTENDEE) as `mailto:` with its parameters."""
    value = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        value.params["CN"] = clean_text(name).replace("\n", " ")
    value.params.update(params)
    return value


def render_invite(invite: Invite, now: datetime) -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if invite.cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", invite.uid)
    event.add("sequence", invite.sequence)
    event.add("dtstamp", _utc(now))
    event.add("dtstart", _utc(invite.start))
    event.add("dtend", _utc(invite.end))
    event.add("summary", clean_text(invite.summary))
    event.add("description", clean_text(invite.description))
    event.add("status", "CANCELLED" if invite.cancelled else "CONFIRMED")
    if invite.video_url:
        event.add("location", invite.video_url)
        event.add("url", invite.video_url)
    if invite.organizer_email:
        event.add("organizer", address(invite.organizer_email, invite.organizer_name))
    if invite.attendee_email:
        event.add(
            "attendee",
            address(
                invite.attendee_email, invite.attendee_name, ROLE="REQ-PARTICIPANT", RSVP="TRUE"
            ),
        )
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
