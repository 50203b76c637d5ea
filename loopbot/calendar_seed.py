"""Put people's ordinary week into a CalDAV server: for the demo and the tests.

`CalendarSeeder` talks to the server as the service account (the same naming rule as the
adapter: an email becomes `<url><email>/calendar/` unless another `calendar_path` is given): it
creates collections, puts events, and does what a person's calendar client would (answer an
invitation, move or delete an event). The builders make the events: `meeting`, `recurring` (a
stand-up), `all_day`, `out_of_office`; `seed_typical_week` gives one person a plausible week.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import icalendar

from bot.calendars.caldav import DEFAULT_CALENDAR_PATH, ICS, CalDavCalendar
from bot.calendars.ical_busy import email_of, parse_calendar
from bot.calendars.ical_event import main_event
from bot.calendars.port import CalendarRefused

_STAMP = datetime(2026, 1, 1, tzinfo=UTC)


class CalendarSeeder:
    def __init__(
        self, url: str, username: str, password: str, *, calendar_path: str = DEFAULT_CALENDAR_PATH
    ):
        """`calendar_path`: the adapter's naming rule (LOOPBOT_CALDAV_CALENDAR_PATH)."""
        self.calendar = CalDavCalendar(url, username, password, calendar_path=calendar_path)
        self.session = self.calendar.session

    def close(self) -> None:
        self.calendar.close()

    def __enter__(self) -> CalendarSeeder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def collection(self, calendar: str, display_name: str | None = None) -> str:
        """Create the calendar (and the folders above it) unless it exists; its URL."""
        url = self.calendar.collection_url(calendar)
        self._folders(calendar, url)
        body = ""
        if display_name:
            body = (
                '<?xml version="1.0" encoding="utf-8"?>'
                '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
                f"<D:set><D:prop><D:displayname>{_xml(display_name)}</D:displayname>"
                "</D:prop></D:set></C:mkcalendar>"
            )
        response = self.session.request("MKCALENDAR", url, body, calendar=calendar)
        if response.status not in (201, 405, 409):  # 405 or 409 (Radicale): it exists
            raise CalendarRefused(f"cannot create {url} (HTTP {response.status})")
        return url

    def upload(self, calendar: str, objects: Iterable[icalendar.Calendar]) -> str:
        """Create (or replace) the whole calendar with these objects in one request: a PUT
        of one VCALENDAR on the collection, which Radicale supports (other servers may not).
        For large seeds such as the benchmark's; returns the collection URL."""
        url = self.calendar.collection_url(calendar)
        self._folders(calendar, url)
        whole = icalendar.Calendar()
        whole.add("prodid", "-//loopbot//calendar seed//EN")
        whole.add("version", "2.0")
        for item in objects:
            for component in item.subcomponents:
                if component.name != "VTIMEZONE":
                    whole.add_component(component)
        whole.add_missing_timezones()
        response = self.session.request(
            "PUT", url, whole.to_ical().decode(), ICS, calendar=calendar
        )
        if response.status not in (200, 201, 204):
            raise CalendarRefused(f"cannot upload {url} (HTTP {response.status})")
        return url

    def _folders(self, calendar: str, url: str) -> None:
        """The plain collections above a calendar (a user's folder), made if missing."""
        base = urlsplit(self.calendar.base_url).path
        parts = urlsplit(url).path[len(base) :].strip("/").split("/")
        for depth in range(1, len(parts)):
            folder = urljoin(self.calendar.base_url, "/".join(parts[:depth]) + "/")
            self.session.request("MKCOL", folder, "", calendar=calendar)  # 405: it exists

    def put(self, calendar: str, *objects: icalendar.Calendar) -> None:
        """Store each calendar object under its UID (replacing one with the same UID)."""
        collection = self.calendar.collection_url(calendar)
        for item in objects:
            uid = str(main_event(item)["UID"])
            item.add_missing_timezones()  # RFC 5545: a TZID needs its VTIMEZONE
            url = self.calendar.event_url(collection, uid)
            response = self.session.request(
                "PUT", url, item.to_ical().decode(), ICS, calendar=calendar
            )
            if response.status not in (200, 201, 204):
                raise CalendarRefused(f"cannot store {uid} in {collection} ({response.status})")

    def get(self, calendar: str, uid: str) -> icalendar.Calendar | None:
        url = self.calendar.event_url(self.calendar.collection_url(calendar), uid)
        response = self.session.request("GET", url, calendar=calendar)
        return parse_calendar(response.raw) if response.status == 200 else None

    def edit(self, calendar: str, uid: str, change: Callable[[icalendar.Event], None]) -> None:
        """Change an event as a person's client would: `change` edits the series master."""
        item = self.get(calendar, uid)
        if item is None:
            raise KeyError(uid)
        change(main_event(item))
        self.put(calendar, item)

    def answer(self, calendar: str, uid: str, email: str, partstat: str) -> None:
        """The attendee `email` answers (ACCEPTED, DECLINED, TENTATIVE) in their client."""

        def set_partstat(event: icalendar.Event) -> None:
            attendees = event.get("ATTENDEE")
            for attendee in attendees if isinstance(attendees, list) else [attendees]:
                if attendee is not None and email_of(attendee) == email.lower():
                    attendee.params["PARTSTAT"] = partstat.upper()

        self.edit(calendar, uid, set_partstat)

    def move(self, calendar: str, uid: str, start: datetime, end: datetime) -> None:
        def set_times(event: icalendar.Event) -> None:
            for name, value in (("DTSTART", start), ("DTEND", end)):
                del event[name]
                event.add(name, value.astimezone(UTC))

        self.edit(calendar, uid, set_times)

    def delete(self, calendar: str, uid: str) -> None:
        url = self.calendar.event_url(self.calendar.collection_url(calendar), uid)
        self.session.request("DELETE", url, calendar=calendar)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrap(event: icalendar.Event) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//loopbot//calendar seed//EN")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    return calendar


def _event(uid: str, summary: str, **properties: object) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", _STAMP)
    event.add("summary", summary)
    for name, value in properties.items():
        if value is not None:
            event.add(name.replace("_", "-"), value)
    return event


def meeting(
    uid: str, summary: str, start: datetime, end: datetime, **properties: object
) -> icalendar.Calendar:
    """One meeting. `properties` adds iCalendar properties: `status="TENTATIVE"`,
    `transp="TRANSPARENT"`, `x_microsoft_cdo_busystatus="OOF"`…"""
    return _wrap(_event(uid, summary, dtstart=start, dtend=end, **properties))


def recurring(
    uid: str,
    summary: str,
    start: datetime,
    minutes: int,
    rrule: dict[str, object],
    *,
    exdates: Iterable[datetime] = (),
    overrides: Iterable[tuple[datetime, datetime | None]] = (),
) -> icalendar.Calendar:
    """A series in `start`'s own zone (so it keeps its local time across DST), e.g.
    `rrule={"freq": "weekly", "byday": ["MO", "TU", "WE", "TH", "FR"]}`. `exdates` drops
    instances; `overrides` maps an instance's original start to a new start (None cancels
    it), written as RECURRENCE-ID components."""
    length = timedelta(minutes=minutes)
    master = _event(uid, summary, dtstart=start, dtend=start + length, rrule=rrule)
    for excluded in exdates:
        master.add("exdate", excluded)
    calendar = _wrap(master)
    for original, moved in overrides:
        new_start = moved or original
        instance = _event(uid, summary, dtstart=new_start, dtend=new_start + length)
        instance.add("recurrence-id", original)
        if moved is None:
            instance.add("status", "CANCELLED")
        calendar.add_component(instance)
    return calendar


def all_day(uid: str, summary: str, first: date, last: date, **properties) -> icalendar.Calendar:
    """An all-day event from `first` to `last`, both included."""
    return _wrap(_event(uid, summary, dtstart=first, dtend=last + timedelta(days=1), **properties))


def out_of_office(uid: str, first: date, last: date) -> icalendar.Calendar:
    """Days off as Outlook writes them (all day, BUSYSTATUS OOF, shown as free)."""
    return all_day(
        uid,
        "Out of office",
        first,
        last,
        transp="TRANSPARENT",
        x_microsoft_cdo_busystatus="OOF",
    )


def typical_week(
    calendar: str, zone: str, monday: date, *, index: int = 0, away: bool = False
) -> list[icalendar.Calendar]:
    """A 09:30 stand-up every weekday (recurring, twelve weeks from `monday`), a one-hour
    meeting on two of the days (which ones and when vary with `index`), and — when `away` —
    the whole week out of office."""
    tz = ZoneInfo(zone)
    slug = email_of(calendar).replace("@", "-at-").replace("/", "-")
    weekdays = {"freq": "weekly", "byday": ["MO", "TU", "WE", "TH", "FR"], "count": 60}
    standup_start = datetime.combine(monday, time(9, 30), tz)
    items = [recurring(f"seed-standup-{slug}", "Team stand-up", standup_start, 15, weekdays)]
    for n, day in enumerate(((index % 5), (index + 2) % 5)):
        start = datetime.combine(monday + timedelta(days=day), time(10 + (index + n) % 6), tz)
        items.append(
            meeting(f"seed-meeting-{slug}-{n}", "Project sync", start, start + timedelta(hours=1))
        )
    if away:
        items.append(out_of_office(f"seed-ooo-{slug}", monday, monday + timedelta(days=4)))
    return items


def seed_typical_week(
    seeder: CalendarSeeder,
    calendar: str,
    zone: str,
    monday: date,
    *,
    index: int = 0,
    away: bool = False,
) -> str:
    """Create `calendar` and put `typical_week` in it; returns the collection URL."""
    url = seeder.collection(calendar)
    seeder.put(calendar, *typical_week(calendar, zone, monday, index=index, away=away))
    return url
