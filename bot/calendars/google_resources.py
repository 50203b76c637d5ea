"""Google Calendar resources read as port values, and port values written as resources.

Shapes as the Calendar API v3 reference gives them: the freeBusy response
(`calendars.{id}.busy[]/errors[]`, `groups.{id}.calendars[]`), the Events resource (`attendees[]
.responseStatus`, `status`, `start.dateTime`, `conferenceData`, `extendedProperties.private`).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from bot.calendars.port import (
    Attendee,
    Busy,
    CalendarRefused,
    Event,
    EventState,
    Response,
)
from bot.calendars.windows import covers_whole_days, rfc3339

GROUP_MEMBERS_MAX = 100  # freebusy.query: groupExpansionMax, "Maximum value is 100"
KEY_PROPERTY = "loopbotKey"  # private extended property naming the port's key
_MEET_REQUESTS = uuid.UUID("5b0c1b7e-6f49-4d1e-9a55-3c2f1f0e8a11")


def event_id_for(key: str) -> str:
    """The Google event id for a port key: base32hex (0-9, a-v), 5 to 1024 characters."""
    encoded = base64.b32hexencode(key.encode("utf-8")).decode("ascii").rstrip("=").lower()
    if not 5 <= len(encoded) <= 1024:
        raise CalendarRefused(f"event key {key!r} gives no valid Google event id (5-1024 chars)")
    return encoded


RESPONSES: Mapping[str, Response] = {
    "needsAction": "needs-action",
    "accepted": "accepted",
    "declined": "declined",
    "tentative": "tentative",
}
_FREEBUSY_REASONS = {
    "notFound": "Google has no calendar by that id that loopbot's organizer may see (check the "
    "roster's calendar column, and that free/busy is shared inside the domain)",
    "internalError": "Google could not read it just now (internalError)",
    "groupTooBig": f"it is a group of more than {GROUP_MEMBERS_MAX} people",
    "tooManyCalendarsRequested": "Google took too many calendars in one query",
}


def event_body(event: Event) -> dict[str, Any]:
    """The Events resource loopbot writes for `event` (insert; patch without the id)."""
    attendees = list(event.attendees)
    if "@" in event.calendar and all(a.email.lower() != event.calendar.lower() for a in attendees):
        attendees.insert(0, Attendee(event.calendar))
    body: dict[str, Any] = {
        "id": event_id_for(event.key),
        "summary": event.title,
        "description": event.description,
        "start": {"dateTime": rfc3339(event.start), "timeZone": "UTC"},
        "end": {"dateTime": rfc3339(event.end), "timeZone": "UTC"},
        "attendees": [_attendee(a) for a in attendees],
        "status": "tentative" if event.tentative else "confirmed",
        "transparency": "opaque",
        "guestsCanModify": False,
        "guestsCanInviteOthers": False,
        "extendedProperties": {"private": {KEY_PROPERTY: event.key}},
    }
    if event.video_url:
        body["location"] = event.video_url
    else:
        request_id = str(uuid.uuid5(_MEET_REQUESTS, event.key))
        body["conferenceData"] = {
            "createRequest": {
                "requestId": request_id,
                "conferenceSolutionKey": {"type": "hangoutsMeet"},
            }
        }
    return body


def send_updates(event: Event) -> str:
    """Holds are written quietly; a confirmed interview notifies its attendees."""
    return "none" if event.tentative else "all"


def _attendee(attendee: Attendee) -> dict[str, str]:
    return {"email": attendee.email, **({"displayName": attendee.name} if attendee.name else {})}


def read_freebusy(
    batch: Sequence[str], answer: Mapping[str, Any]
) -> tuple[dict[str, tuple[Busy, ...]], dict[str, str]]:
    calendars = answer.get("calendars", {})
    groups = answer.get("groups", {})
    busy: dict[str, tuple[Busy, ...]] = {}
    unreadable: dict[str, str] = {}
    for asked in batch:
        if asked in groups:
            members, errors = groups[asked].get("calendars", []), groups[asked].get("errors")
            entries = [
                calendars.get(member, {"errors": [{"reason": "notFound"}]}) for member in members
            ]
        else:
            errors, entries = None, [calendars[asked]] if asked in calendars else []
        errors = errors or [e for entry in entries for e in entry.get("errors", [])]
        if errors:
            reason = errors[0].get("reason", "")
            unreadable[asked] = _FREEBUSY_REASONS.get(reason, f"Google Calendar error {reason}")
        elif not entries and asked not in groups:
            unreadable[asked] = "Google's free/busy answer left it out"
        else:
            blocks = [_busy(block) for entry in entries for block in entry.get("busy", [])]
            busy[asked] = tuple(sorted(blocks, key=lambda b: (b.start, b.end)))
    return busy, unreadable


def _busy(block: Mapping[str, str]) -> Busy:
    start, end = _instant(block["start"]), _instant(block["end"])
    return Busy(start, end, all_day=covers_whole_days(start, end))


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _when(value: Mapping[str, str] | None) -> datetime | None:
    if not value:
        return None
    if "dateTime" in value:
        return _instant(value["dateTime"])
    if "date" in value:  # an all-day event: its date, from midnight UTC
        return datetime.fromisoformat(value["date"]).replace(tzinfo=UTC)
    return None


def meet_link(resource: Mapping[str, Any]) -> str | None:
    if resource.get("hangoutLink"):
        return str(resource["hangoutLink"])
    for entry in (resource.get("conferenceData") or {}).get("entryPoints", []):
        if entry.get("entryPointType") == "video" and entry.get("uri"):
            return str(entry["uri"])
    return None


def state_of(key: str, resource: Mapping[str, Any] | None) -> EventState:
    """An Events resource as the port's EventState. Google keeps a deleted event as
    `status: cancelled`: it exists, cancelled."""
    if resource is None:
        return EventState(key=key, exists=False)
    responses: dict[str, Response] = {
        attendee["email"].lower(): RESPONSES.get(attendee.get("responseStatus", ""), "needs-action")
        for attendee in resource.get("attendees", [])
        if attendee.get("email") and not attendee.get("resource")
    }
    return EventState(
        key=key,
        exists=True,
        cancelled=resource.get("status") == "cancelled",
        start=_when(resource.get("start")),
        end=_when(resource.get("end")),
        responses=responses,
    )
