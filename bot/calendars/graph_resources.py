"""Microsoft Graph resources read as port values, and port values written as resources.

Shapes as the Graph v1.0 reference gives them: `scheduleInformation` (getSchedule:
`scheduleItems[].status` free/tentative/busy/oof/workingElsewhere, `error.responseCode`) and
the `event` resource (`attendees[].status.response`, `isCancelled`, `start`/`end` as
dateTimeTimeZone, `onlineMeeting.joinUrl`, `transactionId`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.calendars.port import Attendee, Busy, Event, EventState, Response
from bot.calendars.windows import covers_whole_days, utc

# A single-value extended property in loopbot's own namespace holds the port's key, so an event
# can be found again by filter after a restart or a lost reply.
KEY_PROPERTY = "String {6f1c2a8e-3b57-4d0f-9c2e-7a41b5d3e960} Name loopbotKey"
_TRANSACTION_SEPARATOR = "#"

RESPONSES: Mapping[str, Response] = {
    "none": "needs-action",
    "notResponded": "needs-action",
    "accepted": "accepted",
    "organizer": "accepted",
    "tentativelyAccepted": "tentative",
    "declined": "declined",
}


def transaction_id(key: str, attempt: str) -> str:
    """Graph's `transactionId` for one put of `key`: the same on every retry of that put, so
    Graph answers a repeated POST with the event it made; the key stays readable in it."""
    return f"{key}{_TRANSACTION_SEPARATOR}{attempt}"


def key_of(resource: Mapping[str, Any]) -> str | None:
    """The port key of an event loopbot made (from its transactionId), else None."""
    value = resource.get("transactionId")
    if not value or _TRANSACTION_SEPARATOR not in value:
        return None
    return str(value).rsplit(_TRANSACTION_SEPARATOR, 1)[0]


def key_filter(key: str) -> str:
    """OData $filter for the event whose extended property holds `key`."""
    quoted = key.replace("'", "''")
    return (
        f"singleValueExtendedProperties/Any(ep: ep/id eq '{KEY_PROPERTY}' "
        f"and ep/value eq '{quoted}')"
    )


def _graph_time(moment: datetime) -> dict[str, str]:
    return {"dateTime": utc(moment).replace(tzinfo=None).isoformat(), "timeZone": "UTC"}


def event_body(event: Event) -> dict[str, Any]:
    """The event resource loopbot writes (POST; PATCH takes it as it is)."""
    attendees = list(event.attendees)
    if "@" in event.calendar and all(a.email.lower() != event.calendar.lower() for a in attendees):
        attendees.insert(0, Attendee(event.calendar))
    body: dict[str, Any] = {
        "subject": event.title,
        "body": {"contentType": "text", "content": event.description},
        "start": _graph_time(event.start),
        "end": _graph_time(event.end),
        "attendees": [
            {"emailAddress": {"address": a.email, "name": a.name or a.email}, "type": "required"}
            for a in attendees
        ],
        "showAs": "tentative" if event.tentative else "busy",
        "allowNewTimeProposals": False,
        "responseRequested": True,
    }
    if event.video_url:
        body["location"] = {"displayName": event.video_url}
        body["isOnlineMeeting"] = False
    else:
        body["isOnlineMeeting"] = True
        body["onlineMeetingProvider"] = "teamsForBusiness"
    return body


def join_url(resource: Mapping[str, Any]) -> str | None:
    meeting = resource.get("onlineMeeting") or {}
    return meeting.get("joinUrl") or None


def graph_instant(value: Mapping[str, str] | None) -> datetime | None:
    """A dateTimeTimeZone as an aware UTC datetime. Graph writes seven fractional digits."""
    if not value or not value.get("dateTime"):
        return None
    text = value["dateTime"].rstrip("Z")
    if "." in text:
        whole, fraction = text.split(".", 1)
        text = f"{whole}.{fraction[:6]}"
    naive = datetime.fromisoformat(text)
    try:
        zone = ZoneInfo(value.get("timeZone") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")  # a Windows zone name: we ask for UTC (Prefer header) anyway
    return naive.replace(tzinfo=zone).astimezone(UTC)


def busy_of(item: Mapping[str, Any]) -> Busy | None:
    """A getSchedule scheduleItem as busy time; None for free and for working elsewhere (the
    person works, only not at their desk)."""
    status = str(item.get("status", "busy")).lower()
    start, end = graph_instant(item.get("start")), graph_instant(item.get("end"))
    if status in ("free", "workingelsewhere") or start is None or end is None:
        return None
    all_day = status == "oof" or covers_whole_days(start, end)
    return Busy(start, end, all_day=all_day, tentative=status == "tentative")


def read_schedules(
    asked: Mapping[str, str], answer: Mapping[str, Any]
) -> tuple[dict[str, list[Busy]], dict[str, str]]:
    """getSchedule's answer as busy blocks and unreadable reasons, under the calendar names
    asked for (`asked` maps them lower-cased; Graph may change the case of an address)."""
    busy: dict[str, list[Busy]] = {}
    unreadable: dict[str, str] = {}
    for schedule in answer.get("value", []):
        calendar = asked.get(str(schedule.get("scheduleId", "")).lower())
        if calendar is None:
            continue
        problem = schedule.get("error")
        if problem:
            code, message = problem.get("responseCode", "error"), problem.get("message", "")
            unreadable[calendar] = f"Microsoft 365 could not read it ({code}: {message})"
            continue
        blocks = (busy_of(item) for item in schedule.get("scheduleItems", []))
        busy[calendar] = [b for b in blocks if b is not None]
    return busy, unreadable


def state_of(key: str, resource: Mapping[str, Any] | None) -> EventState:
    if resource is None:
        return EventState(key=key, exists=False)
    responses: dict[str, Response] = {}
    for attendee in resource.get("attendees", []):
        address = (attendee.get("emailAddress") or {}).get("address")
        if address and attendee.get("type") != "resource":
            answer = (attendee.get("status") or {}).get("response", "none")
            responses[address.lower()] = RESPONSES.get(answer, "needs-action")
    return EventState(
        key=key,
        exists=True,
        cancelled=bool(resource.get("isCancelled")),
        start=graph_instant(resource.get("start")),
        end=graph_instant(resource.get("end")),
        responses=responses,
    )
