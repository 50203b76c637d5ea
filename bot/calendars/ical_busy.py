"""Busy time from iCalendar data (RFC 5545), as any CalDAV server or `.ics` feed holds it.

Pure: text in, `Busy` values out. Recurring events are expanded with `recurring-ical-events`
(RRULE, RDATE, EXDATE and RECURRENCE-ID overrides, in the event's own zone, so a 09:00 Berlin
stand-up stays at 09:00 local across a DST change). What counts:

- STATUS:CANCELLED (a whole series or one overridden instance) and TRANSP:TRANSPARENT (or
  `X-MICROSOFT-CDO-BUSYSTATUS:FREE`) take no time;
- STATUS:TENTATIVE (or `X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE`, or the owner's own
  PARTSTAT=TENTATIVE) is busy but marked tentative; the owner's PARTSTAT=DECLINED takes none;
- an all-day event (DTSTART is a date) blocks its days, local midnight to local midnight in
  the owner's zone;
- out of office blocks every day it touches, whole, even when marked transparent. An event is
  out of office when it says `X-MICROSOFT-CDO-BUSYSTATUS:OOF` (what Outlook and Exchange
  write), or has the category "Out of office" or "OOO", or its summary starts with "OOO" or
  "Out of office" (any case) — the convention to tell people who use other clients.

Floating times (no zone) are read in the owner's zone.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import icalendar
import recurring_ical_events

from bot.calendars.port import Busy

log = logging.getLogger(__name__)

OUT_OF_OFFICE_CATEGORIES = frozenset({"out of office", "ooo"})
_OUT_OF_OFFICE_SUMMARY = re.compile(r"^\s*(ooo|out of (the )?office)\b", re.IGNORECASE)
# Recurrences are expanded over a day more on each side, because a floating or all-day event
# is only placed in the owner's zone afterwards; then everything is cut to the window.
_MARGIN = timedelta(days=1)


def parse_calendar(text: str | bytes) -> icalendar.Calendar:
    """One calendar object resource; raises ValueError when it is not iCalendar."""
    parsed = icalendar.Calendar.from_ical(text)
    if isinstance(parsed, list):  # several VCALENDARs in one resource: join their parts
        joined = icalendar.Calendar()
        for part in parsed:
            for component in part.subcomponents:
                joined.add_component(component)
        return joined
    return parsed


def busy_times(
    calendars: Iterable[icalendar.Calendar],
    start: datetime,
    end: datetime,
    zone: tzinfo,
    *,
    owner_email: str | None = None,
) -> tuple[Busy, ...]:
    """The busy blocks of these calendar objects that overlap [start, end), sorted."""
    found: list[Busy] = []
    for calendar in calendars:
        try:
            occurrences = recurring_ical_events.of(calendar).between(start - _MARGIN, end + _MARGIN)
        except Exception:  # a broken RRULE in one object must not hide the others
            log.warning("skipped a calendar object whose recurrence cannot be expanded")
            continue
        for occurrence in occurrences:
            block = _busy(occurrence, zone, owner_email)
            if block is not None and block.start < end and block.end > start:
                found.append(block)
    return tuple(sorted(found, key=lambda b: (b.start, b.end)))


def _busy(event: icalendar.Event, zone: tzinfo, owner_email: str | None) -> Busy | None:
    status = str(event.get("STATUS", "")).upper()
    if status == "CANCELLED":
        return None
    busy_status = str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper()
    out_of_office = is_out_of_office(event)
    answer = _owner_answer(event, owner_email)
    if answer == "DECLINED":
        return None
    transparent = (
        str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT" or busy_status == "FREE"
    )
    if transparent and not out_of_office:
        return None
    first, last = _start_end(event)
    all_day = out_of_office or not isinstance(first, datetime)
    if all_day:
        begin, finish = _whole_days(first, last, zone)
    else:
        begin, finish = _utc(first, zone), _utc(last, zone)
    if finish <= begin:
        return None  # a zero-length event takes no time
    tentative = (
        status == "TENTATIVE" or busy_status == "TENTATIVE" or answer == "TENTATIVE"
    ) and not out_of_office
    return Busy(start=begin, end=finish, all_day=all_day, tentative=tentative)


def is_out_of_office(event: icalendar.Event) -> bool:
    if str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper() == "OOF":
        return True
    if any(c.strip().lower() in OUT_OF_OFFICE_CATEGORIES for c in _categories(event)):
        return True
    return bool(_OUT_OF_OFFICE_SUMMARY.match(str(event.get("SUMMARY", ""))))


def _categories(event: icalendar.Event) -> list[str]:
    values = event.get("CATEGORIES")
    if values is None:
        return []
    found: list[str] = []
    for value in values if isinstance(values, list) else [values]:
        cats = getattr(value, "cats", None)  # icalendar's vCategory holds a list
        if cats is None:
            found.append(str(value))
        else:
            found.extend(str(c) for c in cats)
    return found


def _owner_answer(event: icalendar.Event, owner_email: str | None) -> str | None:
    """The calendar owner's own PARTSTAT on this event, when they are an attendee."""
    if not owner_email:
        return None
    attendees = event.get("ATTENDEE")
    if attendees is None:
        return None
    for attendee in attendees if isinstance(attendees, list) else [attendees]:
        if email_of(attendee) == owner_email.lower():
            return str(attendee.params.get("PARTSTAT", "NEEDS-ACTION")).upper()
    return None


def email_of(address: object) -> str:
    """`mailto:Ada@Example.com` -> `ada@example.com` (other URIs are kept, lower-cased)."""
    text = str(address).strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    return text.lower()


def _start_end(event: icalendar.Event) -> tuple[date | datetime, date | datetime]:
    first = event.decoded("DTSTART")
    if "DTEND" in event:
        return first, event.decoded("DTEND")
    if "DURATION" in event:
        return first, first + event.decoded("DURATION")
    # RFC 5545 §3.6.1: a date lasts one day, a date-time with neither ends when it starts
    return first, first + timedelta(days=1) if not isinstance(first, datetime) else first


def _utc(value: date | datetime, zone: tzinfo) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), zone)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _local_date(value: date | datetime, zone: tzinfo) -> date:
    if not isinstance(value, datetime):
        return value
    return (value if value.tzinfo is None else value.astimezone(zone)).date()


def _whole_days(first: date | datetime, last: date | datetime, zone: tzinfo):
    """Local midnight of the first day to local midnight after the last day touched."""
    first_day = _local_date(first, zone)
    if isinstance(last, datetime):
        last_local = last if last.tzinfo is None else last.astimezone(zone)
        after = last_local.date() + timedelta(days=0 if last_local.time() == time() else 1)
    else:
        after = last
    after = max(after, first_day + timedelta(days=1))
    return _utc(first_day, zone), _utc(after, zone)
