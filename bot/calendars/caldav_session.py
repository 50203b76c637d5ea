"""One HTTP session with a CalDAV server (the `caldav` library's `DAVClient`), its calls
counted and its failures turned into the port's errors.

- cannot connect, timeout, 5xx, 429 -> `CalendarUnavailable` (with Retry-After in seconds);
- 401 (the service account's login refused), 403, and other 4xx -> `CalendarRefused`;
- 404, 405, 409, 410 and 412 are handed back: for the caller they are often an answer.

Messages are written for the recruiter who reads them ("couldn't read Chen Wei's calendar:
<message>"); they name the server or the path, never an event.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

import caldav
from caldav.elements import cdav, dav
from caldav.lib import error
from caldav.lib.http_sync import requests as http
from caldav.response import CalendarQueryResult, DAVResponse
from lxml import etree

from bot.calendars.port import CalendarRefused, CalendarUnavailable

XML = {"Content-Type": 'application/xml; charset="utf-8"'}
SHORT_PAUSE = 2.0  # seconds of Retry-After worth waiting for in place


class LoginRefused(CalendarRefused):
    """The server turned the service account away: no calendar on it can be read."""


class DavSession:
    """`calls` counts HTTP round trips (login negotiation included), across threads."""

    def __init__(self, url: str, username: str, password: str, *, timeout: float = 20.0):
        self.url = url
        self.username = username
        self.host = urlsplit(url).netloc
        self.client = caldav.DAVClient(
            url=url,
            username=username,
            password=password,
            timeout=timeout,
            enable_rfc6764=False,  # the URL is given: no DNS discovery
        )
        self.calls = 0
        self._lock = threading.Lock()
        original = self.client.session.request

        def counted(*args, **kwargs):
            with self._lock:
                self.calls += 1
            return original(*args, **kwargs)

        self.client.session.request = counted

    def close(self) -> None:
        self.client.close()

    def request(
        self,
        method: str,
        url: str,
        body: str | bytes = "",
        headers: Mapping[str, str] | None = None,
        *,
        calendar: str | None = None,
    ) -> DAVResponse:
        """The response, unless it is an error worth raising (see the module's list).
        A 429 or 503 asking for a pause of at most `SHORT_PAUSE` seconds is waited out once
        in place; a longer one becomes CalendarUnavailable with its Retry-After."""
        try:
            return self._request(method, url, body, headers, calendar)
        except error.RateLimitError as exc:
            pause = exc.retry_after_seconds
            if pause is None or pause > SHORT_PAUSE:
                raise self._slow_down(exc, calendar) from exc
        time.sleep(pause)
        try:
            return self._request(method, url, body, headers, calendar)
        except error.RateLimitError as exc:
            raise self._slow_down(exc, calendar) from exc

    def _slow_down(self, exc: error.RateLimitError, calendar: str | None) -> CalendarUnavailable:
        return CalendarUnavailable(
            f"the calendar server {self.host} asks loopbot to slow down (HTTP {exc.status})",
            calendar=calendar,
            retry_after=exc.retry_after_seconds,
        )

    def _request(self, method, url, body, headers, calendar) -> DAVResponse:
        try:
            response = self.client.request(url, method, body, dict(headers or {}))
        except error.AuthorizationError as exc:
            raise self._refusal(exc.status or 401, url, calendar) from exc
        except (http.exceptions.RequestException, OSError) as exc:
            raise CalendarUnavailable(
                f"couldn't reach the calendar server {self.host}", calendar=calendar
            ) from exc
        status = response.status
        if status == 429 or status >= 500:
            raise CalendarUnavailable(
                f"the calendar server {self.host} is failing (HTTP {status}); "
                "loopbot will try again",
                calendar=calendar,
                retry_after=_retry_after(response),
            )
        if status >= 400 and status not in (404, 405, 409, 410, 412):
            raise self._refusal(status, url, calendar)
        return response

    def _refusal(self, status: int, url: str, calendar: str | None) -> CalendarRefused:
        if status == 401:
            return LoginRefused(
                f"the calendar server {self.host} refused loopbot's login "
                "(check LOOPBOT_CALDAV_USERNAME and LOOPBOT_CALDAV_PASSWORD)",
                calendar=calendar,
            )
        if status == 403:
            return CalendarRefused(
                f"loopbot's calendar account ({self.username}) may not use "
                f"{urlsplit(url).path}: share that calendar with it",
                calendar=calendar,
            )
        return CalendarRefused(
            f"the calendar server {self.host} refused the request (HTTP {status})",
            calendar=calendar,
        )

    def missing(self, url: str, calendar: str | None) -> CalendarRefused:
        return CalendarRefused(
            f"there is no calendar at {urlsplit(url).path} on {self.host} "
            "(check the roster's calendar column)",
            calendar=calendar,
        )

    def report(
        self, collection: str, query: etree._Element, *, depth: int | None, calendar: str
    ) -> list[CalendarQueryResult] | None:
        """A calendar-query or calendar-multiget REPORT; None when the collection is absent."""
        headers = dict(XML)
        if depth is not None:
            headers["Depth"] = str(depth)
        body = etree.tostring(query, encoding="utf-8", xml_declaration=True)
        response = self.request("REPORT", collection, body, headers, calendar=calendar)
        if response.status in (404, 410):
            return None
        if response.status not in (200, 207):
            raise self._refusal(response.status, collection, calendar)
        return response.parse_calendar_query()


def time_range_query(start, end) -> etree._Element:
    """Every VEVENT of a collection that overlaps [start, end) (recurrences included)."""
    events = cdav.CompFilter("VEVENT") + cdav.TimeRange(start, end)
    query = cdav.CalendarQuery() + [
        dav.Prop() + [dav.GetEtag(), cdav.CalendarData()],
        cdav.Filter() + (cdav.CompFilter("VCALENDAR") + events),
    ]
    return query.xmlelement()


def uid_query(uid: str) -> etree._Element:
    match = cdav.PropFilter("UID") + cdav.TextMatch(uid, collation="i;octet")
    query = cdav.CalendarQuery() + [
        dav.Prop() + [dav.GetEtag(), cdav.CalendarData()],
        cdav.Filter() + (cdav.CompFilter("VCALENDAR") + (cdav.CompFilter("VEVENT") + match)),
    ]
    return query.xmlelement()


def multiget_query(paths: list[str]) -> etree._Element:
    query = cdav.CalendarMultiGet() + [
        dav.Prop() + [dav.GetEtag(), cdav.CalendarData()],
        *[dav.Href(value=path) for path in paths],
    ]
    return query.xmlelement()


def _retry_after(response: DAVResponse) -> float | None:
    value = response.headers.get("Retry-After")
    return error.parse_retry_after(value) if value else None
