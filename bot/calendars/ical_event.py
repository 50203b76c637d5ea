"""An interview as the iCalendar object loopbot writes into a calendar, and read back.

Pure. `write_event` turns a port `Event` into a VCALENDAR with one VEVENT whose UID is the
event key, ORGANIZER the service account, an ATTENDEE for each person, LOCATION and URL the
video link, STATUS TENTATIVE for a hold (CONFIRMED otherwise). Given the copy the calendar
holds now, it keeps each attendee's answer (PARTSTAT) while the time stays the same, asks
again (NEEDS-ACTION) when it moves, and never lowers the SEQUENCE: a change goes out one
above what the calendar has, so clients that imported the event take the new version.

`read_state` gives the port's `EventState`: the time now, STATUS:CANCELLED, and each
attendee's answer. Nothing else of the event is kept or logged.
"""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar

from bot.calendars.ical_busy import email_of, parse_calendar
from bot.calendars.port import Attendee, Event, EventState, Response
from bot.ics import PRODID, address, clean_text

_RESPONSES: dict[str, Response] = {
    "NEEDS-ACTION": "needs-action",
    "ACCEPTED": "accepted",
    "DECLINED": "declined",
    "TENTATIVE": "tentative",
}


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: calendar events need aware times")
    return value.astimezone(UTC)


def main_event(calendar: icalendar.Calendar) -> icalendar.Event | None:
    """The series master (or the only VEVENT) of one calendar object resource."""
    events = calendar.walk("VEVENT")
    masters = [e for e in events if "RECURRENCE-ID" not in e]
    return (masters or events or [None])[0]


def write_event(
    event: Event, organizer: Attendee | str, now: datetime, previous: str | bytes | None = None
) -> str:
    """The calendar object to store; `previous` is the one the calendar holds now, if any.

    `organizer` stands in when the event names none: a string is taken as a calendar user
    address (a URI, such as the service account's principal URL)."""
    old = main_event(parse_calendar(previous)) if previous else None
    start, end = _utc(event.start), _utc(event.end)
    answers: dict[str, str] = {}
    sequence = event.sequence
    if old is not None:
        same_time = (
            "DTSTART" in old
            and "DTEND" in old
            and _as_utc(old.decoded("DTSTART")) == start
            and _as_utc(old.decoded("DTEND")) == end
        )
        if same_time:
            answers = _partstats(old)
        old_sequence = int(old.get("SEQUENCE", 0))
        changed = not same_time or _essence(old) != _essence_of(event)
        sequence = max(sequence, old_sequence + 1 if changed else old_sequence)

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    vevent = icalendar.Event()
    vevent.add("uid", event.key)
    vevent.add("sequence", sequence)
    vevent.add("dtstamp", _utc(now))
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    vevent.add("summary", clean_text(event.title))
    if event.description:
        vevent.add("description", clean_text(event.description))
    vevent.add("status", "TENTATIVE" if event.tentative else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    if event.video_url:
        vevent.add("location", event.video_url)
        vevent.add("url", event.video_url)
    chosen = event.organizer or organizer
    if isinstance(chosen, Attendee):
        vevent.add("organizer", address(chosen.email, chosen.name))
    else:
        vevent.add("organizer", _uri_address(chosen, "loopbot"))
    for person in event.attendees:
        vevent.add(
            "attendee",
            address(
                person.email,
                person.name,
                CUTYPE="INDIVIDUAL",
                ROLE="REQ-PARTICIPANT",
                PARTSTAT=answers.get(person.email.lower(), "NEEDS-ACTION"),
                RSVP="TRUE",
            ),
        )
    calendar.add_component(vevent)
    return calendar.to_ical().decode("utf-8")


def read_state(key: str, text: str | bytes) -> EventState:
    event = main_event(parse_calendar(text))
    if event is None:
        return EventState(key=key, exists=False)
    responses = {
        email: _RESPONSES[answer]
        for email, answer in _partstats(event).items()
        if answer in _RESPONSES
    }
    return EventState(
        key=key,
        exists=True,
        cancelled=str(event.get("STATUS", "")).upper() == "CANCELLED",
        start=_as_utc(event.decoded("DTSTART")) if "DTSTART" in event else None,
        end=_as_utc(event.decoded("DTEND")) if "DTEND" in event else None,
        responses=responses,
    )


def _partstats(event: icalendar.Event) -> dict[str, str]:
    attendees = event.get("ATTENDEE")
    if attendees is None:
        return {}
    return {
        email_of(a): str(a.params.get("PARTSTAT", "NEEDS-ACTION")).upper()
        for a in (attendees if isinstance(attendees, list) else [attendees])
    }


def _essence(event: icalendar.Event) -> tuple:
    """What attendees would notice changing (the time is compared on its own)."""
    attendees = event.get("ATTENDEE")
    people = attendees if isinstance(attendees, list) else [attendees] if attendees else []
    return (
        str(event.get("SUMMARY", "")),
        str(event.get("LOCATION", "")),
        str(event.get("STATUS", "")).upper(),
        frozenset(email_of(a) for a in people),
    )


def _essence_of(event: Event) -> tuple:
    return (
        clean_text(event.title),
        event.video_url or "",
        "TENTATIVE" if event.tentative else "CONFIRMED",
        frozenset(a.email.lower() for a in event.attendees),
    )


def _as_utc(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None  # an all-day date: not a time loopbot booked
    return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _uri_address(uri: str, name: str) -> icalendar.vCalAddress:
    value = icalendar.vCalAddress(uri)
    value.params["CN"] = name
    return value
