"""The CalDAV adapter (`LOOPBOT_CALENDAR=caldav`): people's calendars on a CalDAV server
(Radicale, Nextcloud, SOGo, Fastmail, iCloud…) read and written by one service account.

Which collection is a person's calendar (`collection_url`), from the roster's `calendar`
column, else their email:
- an `http(s)://` URL is used as it is (it must be on the server `LOOPBOT_CALDAV_URL` names:
  the service account's password is never sent anywhere else);
- a path is taken relative to `LOOPBOT_CALDAV_URL` (`/` first: from the server's root);
- anything else (an email) fills the `calendar_path` pattern, by default `{email}/calendar/`
  under `LOOPBOT_CALDAV_URL`: `https://dav.example.com/ada@example.com/calendar/`.

Calls made: free/busy is one REPORT per calendar (a time-range calendar-query), a few in
flight at once; an event write is a GET then a conditional PUT; reading event states is one
calendar-multiget REPORT per calendar. Events live at `<collection><key>.ics`, so a retry
finds what the first try wrote.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urljoin, urlsplit
from zoneinfo import ZoneInfo

from bot.calendars.caldav_session import (
    DavSession,
    LoginRefused,
    multiget_query,
    time_range_query,
    uid_query,
)
from bot.calendars.ical_busy import busy_times, parse_calendar
from bot.calendars.ical_event import read_state, write_event
from bot.calendars.port import (
    Attendee,
    Busy,
    CalendarError,
    CalendarRefused,
    CalendarUnavailable,
    Event,
    EventReceipt,
    EventState,
    FreeBusy,
)

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_CALENDAR_PATH = "{email}/calendar/"
ICS = {"Content-Type": "text/calendar; charset=utf-8"}


class CalDavCalendar:
    name = "caldav"

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        calendar_path: str = DEFAULT_CALENDAR_PATH,
        organizer: Attendee | None = None,
        default_zone: str = "UTC",
        timeout: float = 20.0,
        parallel: int = 8,
        clock: Callable[[], datetime] | None = None,
    ):
        """`organizer`: who events say organised them when the event names nobody; by default
        the service account (its email when the username is one, else its principal URL).
        `parallel`: free/busy REPORTs in flight at once."""
        self.base_url = url if url.endswith("/") else url + "/"
        self.calendar_path = calendar_path
        self.default_zone = default_zone
        self.parallel = max(1, parallel)
        self._session = DavSession(self.base_url, username, password, timeout=timeout)
        self._now = clock or (lambda: datetime.now(UTC))
        if organizer is not None:
            self.organizer: Attendee | str = organizer
        elif "@" in username:
            self.organizer = Attendee(username, "loopbot")
        else:
            self.organizer = urljoin(self.base_url, quote(username, safe="@") + "/")

    @classmethod
    def from_settings(cls, settings: Settings, **options) -> CalDavCalendar:
        # LOOPBOT_CALENDAR_ORGANIZER, when set, is who events say organised them.
        shared = settings.calendar_organizer
        return cls(
            settings.caldav_url or "",
            settings.caldav_username or "",
            settings.caldav_password or "",
            calendar_path=settings.caldav_calendar_path,
            default_zone=settings.default_tz,
            organizer=Attendee(shared) if shared else None,
            **options,
        )

    @property
    def session(self) -> DavSession:
        """The HTTP session, for tools that set calendars up (the demo's seeding, tests)."""
        return self._session

    @property
    def calls(self) -> int:
        """HTTP round trips made so far (for the benchmark and the tests)."""
        return self._session.calls

    def close(self) -> None:
        self._session.close()

    # naming

    def collection_url(self, calendar: str) -> str:
        """The collection URL for a roster `calendar` value (or an email); see the module."""
        name = calendar.strip()
        if name.startswith(("http://", "https://")):
            url = name
            base = urlsplit(self.base_url)
            if urlsplit(url)[:2] != base[:2]:
                raise CalendarRefused(
                    f"{url} is not on the calendar server {base.netloc} "
                    "(LOOPBOT_CALDAV_URL); loopbot only signs in there",
                    calendar=calendar,
                )
        elif "/" in name:
            url = urljoin(self.base_url, quote(name, safe="/@:"))
        else:
            url = urljoin(self.base_url, self.calendar_path.format(email=quote(name, safe="@")))
        return url if url.endswith("/") else url + "/"

    @staticmethod
    def event_url(collection: str, key: str) -> str:
        """Where loopbot keeps the event `key` in a collection."""
        return collection + quote(key, safe="@") + ".ics"

    # free/busy

    def free_busy(
        self,
        calendars: Sequence[str],
        start: datetime,
        end: datetime,
        *,
        zones: Mapping[str, str] | None = None,
    ) -> FreeBusy:
        busy: dict[str, tuple[Busy, ...]] = {}
        unreadable: dict[str, str] = {}
        names = list(dict.fromkeys(calendars))
        if not names:
            return FreeBusy()
        zones = zones or {}

        def read(name: str) -> tuple[Busy, ...]:
            return self._busy_of(name, start, end, zones.get(name) or self.default_zone)

        # The first call alone: it settles the login that every later call reuses, and when
        # the server cannot be reached nobody waits for 500 timeouts.
        first, rest = names[0], names[1:]
        try:
            busy[first] = read(first)
        except (CalendarUnavailable, LoginRefused) as exc:
            return FreeBusy(busy={}, unreadable=dict.fromkeys(names, str(exc)))
        except CalendarError as exc:
            unreadable[first] = str(exc)
        with ThreadPoolExecutor(max_workers=self.parallel) as pool:
            futures = {name: pool.submit(read, name) for name in rest}
            for name, future in futures.items():
                try:
                    busy[name] = future.result()
                except CalendarError as exc:
                    unreadable[name] = str(exc)
        return FreeBusy(busy=busy, unreadable=unreadable)

    def _busy_of(self, calendar: str, start: datetime, end: datetime, zone: str):
        collection = self.collection_url(calendar)
        found = self._session.report(
            collection, time_range_query(start, end), depth=1, calendar=calendar
        )
        if found is None:
            raise self._session.missing(collection, calendar)
        objects = []
        for item in found:
            if item.status != 200 or not item.calendar_data:
                continue
            try:
                objects.append(parse_calendar(item.calendar_data))
            except ValueError:
                log.warning("skipped an unreadable calendar object at %s", item.href)
        owner = _owner_email(calendar)
        return busy_times(objects, start, end, ZoneInfo(zone), owner_email=owner)

    # events

    def put_event(self, event: Event) -> EventReceipt:
        """Create the event at `<collection><key>.ics`, or update it where it is: a GET for
        its answers and SEQUENCE, then a PUT conditional on what was read (If-Match, or
        If-None-Match on a create), read again when someone changed it in between."""
        collection = self.collection_url(event.calendar)
        url = self.event_url(collection, event.key)
        owner = _owner_email(event.calendar)
        if owner and all(a.email.lower() != owner.lower() for a in event.attendees):
            # Invited in their own calendar, as Google and Exchange do: that is where their
            # answer (a decline) is written.
            event = replace(event, attendees=(Attendee(owner), *event.attendees))
        for _attempt in range(3):
            current = self._session.request("GET", url, calendar=event.calendar)
            if current.status in (404, 410):
                previous, condition = None, {"If-None-Match": "*"}
            elif current.status == 200:
                previous = current.raw
                etag = current.headers.get("ETag")
                condition = {"If-Match": etag} if etag else {}
            else:
                raise self._session.missing(collection, event.calendar)
            body = write_event(event, self.organizer, self._now(), previous)
            response = self._session.request(
                "PUT", url, body, {**ICS, **condition}, calendar=event.calendar
            )
            if response.status in (200, 201, 204):
                return EventReceipt(
                    key=event.key, provider_id=urlsplit(url).path, video_url=event.video_url
                )
            if "no-uid-conflict" in response.raw:
                # The UID lives at another href (written by hand or an older loopbot).
                elsewhere = self._find_by_uid(collection, event.key, event.calendar)
                if elsewhere is None or elsewhere == url:
                    raise CalendarRefused(
                        f"{self._session.host} refused event {event.key}: it says another "
                        "event has the same UID but cannot show it",
                        calendar=event.calendar,
                    )
                url = elsewhere
            elif response.status == 409:  # RFC 4918: the collection to put it in is missing
                raise self._session.missing(collection, event.calendar)
            elif response.status != 412:  # 412: changed since the GET: read it again
                raise CalendarRefused(
                    f"{self._session.host} refused event {event.key} (HTTP {response.status})",
                    calendar=event.calendar,
                )
        raise CalendarUnavailable(
            f"the event kept changing on {self._session.host} while loopbot wrote it",
            calendar=event.calendar,
        )

    def cancel_event(self, calendar: str, key: str) -> None:
        """Delete the event; nothing to do when it (or its whole calendar) is gone."""
        collection = self.collection_url(calendar)
        url = self.event_url(collection, key)
        response = self._session.request("DELETE", url, calendar=calendar)
        if response.status in (404, 410):
            url = self._find_by_uid(collection, key, calendar)
            if url is None:
                return
            response = self._session.request("DELETE", url, calendar=calendar)
        if response.status not in (200, 204, 404, 410):
            raise CalendarRefused(
                f"{self._session.host} would not delete {urlsplit(url).path} "
                f"(HTTP {response.status})",
                calendar=calendar,
            )

    def _find_by_uid(self, collection: str, key: str, calendar: str) -> str | None:
        found = self._session.report(collection, uid_query(key), depth=1, calendar=calendar)
        for item in found or ():
            if item.status == 200:
                return urljoin(collection, item.href)
        return None

    def event_states(self, events: Sequence[tuple[str, str]]) -> dict[str, EventState]:
        """One calendar-multiget per calendar; an event missing from its href is looked for
        by UID before it is called gone. When the first calendar cannot be read for a reason
        retrying may cure (or the login is refused) the error is raised: it is the server's.
        A later calendar that cannot be read leaves its keys out of the answer, which the port
        defines as "cannot tell" (the sync asks again next time)."""
        by_calendar: dict[str, list[str]] = defaultdict(list)
        for calendar, key in events:
            by_calendar[calendar].append(key)
        states: dict[str, EventState] = {}
        for index, (calendar, keys) in enumerate(by_calendar.items()):
            try:
                states.update(self._states_in(calendar, keys))
            except (CalendarUnavailable, LoginRefused):
                if index == 0:
                    raise
                log.warning("event states unread for one calendar (server failing)")
            except CalendarRefused as exc:
                log.warning("event states unread for one calendar: %s", exc)
        return states

    def _states_in(self, calendar: str, keys: list[str]) -> dict[str, EventState]:
        collection = self.collection_url(calendar)
        hrefs = {key: urlsplit(self.event_url(collection, key)).path for key in keys}
        key_at = {unquote(href): key for key, href in hrefs.items()}
        found = self._session.report(
            collection, multiget_query(list(hrefs.values())), depth=None, calendar=calendar
        )
        if found is None:  # the whole calendar is gone, and its events with it
            return {key: EventState(key=key, exists=False) for key in keys}
        states: dict[str, EventState] = {}
        for item in found:
            key = key_at.get(unquote(urlsplit(item.href).path))
            if key is not None and item.status == 200 and item.calendar_data:
                states[key] = read_state(key, item.calendar_data)
        for key in keys:
            if key in states:
                continue
            elsewhere = self._session.report(collection, uid_query(key), depth=1, calendar=calendar)
            data = next((i.calendar_data for i in elsewhere or () if i.status == 200), None)
            states[key] = read_state(key, data) if data else EventState(key=key, exists=False)
        return states


def _owner_email(calendar: str) -> str | None:
    """The calendar owner's email when the roster names the calendar by it (not by a path)."""
    name = calendar.strip()
    return name if "@" in name and "/" not in name else None
