"""Microsoft 365 calendars on the calendar port (`LOOPBOT_CALENDAR=microsoft`), through Graph.

The app signs in as itself (client credentials, application permission Calendars.ReadWrite) and
works in one mailbox, the organizer's (`LOOPBOT_CALENDAR_ORGANIZER`, or `LOOPBOT_MS_ORGANIZER`
which wins): interview events are created
there and invite the interviewer (the event's `calendar`) and the candidate, so the interviewer
can decline them in Outlook and the organizer's copy shows every answer. `Event.organizer` is
not used: Exchange makes the mailbox owner the organizer.

- free/busy: `calendar/getSchedule`, at most 20 schedules and less than 42 days a call (the
  documented limits). Statuses busy and oof block (oof as a whole day), tentative blocks as
  tentative, free and workingElsewhere do not; a schedule with an `error` is unreadable.
- events: POST with a `transactionId` (Graph's documented dedupe of a retried create) and a
  single-value extended property holding the key; before creating, a filter on that property
  finds an event a previous attempt made, which is PATCHed instead. A Teams link comes from
  `isOnlineMeeting` with `teamsForBusiness`, unless the event brings its own `video_url`.
- changes: `calendarView/delta` over a window around today (deltaLink kept; a 410 starts over),
  and a GET for an event outside it.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from bot.calendars.backoff import Backoff
from bot.calendars.graph_client import GraphClient, GraphError
from bot.calendars.graph_resources import (
    KEY_PROPERTY,
    event_body,
    join_url,
    key_filter,
    key_of,
    read_schedules,
    state_of,
    transaction_id,
)
from bot.calendars.microsoft_push import Subscription
from bot.calendars.microsoft_setup import check_graph, graph_setup
from bot.calendars.port import (
    Busy,
    CalendarError,
    Event,
    EventReceipt,
    EventState,
    FreeBusy,
)
from bot.calendars.windows import batches, rfc3339, spans
from bot.settings import Settings

SCHEDULES_PER_CALL = 20  # getSchedule: "up to 20 entities at once"
LONGEST_SPAN = timedelta(days=41)  # getSchedule: "less than 42 days" (62 in newer pages)
SUBSCRIPTION_LONGEST = timedelta(minutes=10080)  # Outlook events: under 7 days
SYNC_PAST, SYNC_FUTURE = timedelta(days=30), timedelta(days=365)


class MicrosoftCalendar:
    name = "microsoft"

    def __init__(
        self,
        client: GraphClient,
        organizer: str,
        *,
        organizer_variable: str = "LOOPBOT_MS_ORGANIZER",
    ):
        self.organizer = organizer
        self.organizer_variable = organizer_variable  # the setting it came from, for errors
        self._client = client
        self._mailbox = f"users/{quote(organizer)}"
        self._ids: dict[str, str] = {}  # key -> Graph event id, as learnt
        self._ids_lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._delta_link: str | None = None
        self._seen: dict[str, dict[str, Any]] = {}  # Graph id -> latest resource, ours only
        self._removed: set[str] = set()

    @classmethod
    def from_settings(
        cls, settings: Settings, *, backoff: Backoff | None = None, timeout: float = 20.0
    ) -> MicrosoftCalendar:
        setup = graph_setup(settings, backoff=backoff, timeout=timeout)
        return cls(setup.client, setup.organizer, organizer_variable=setup.organizer_variable)

    # ------------------------------------------------------------------ start-up check

    def check(self) -> None:
        """At start: a token can be had, it carries Calendars.ReadWrite, the organizer's
        mailbox answers. ConfigError naming the fix otherwise (see microsoft_setup)."""
        check_graph(self._client, self._mailbox, self.organizer_variable)

    # ------------------------------------------------------------------ free/busy

    def free_busy(
        self,
        calendars: Sequence[str],
        start: datetime,
        end: datetime,
        *,
        zones: Mapping[str, str] | None = None,
    ) -> FreeBusy:
        # `zones` is not needed: the provider knows each calendar's zone itself.
        busy: dict[str, list[Busy]] = {}
        unreadable: dict[str, str] = {}
        for batch in batches(calendars, SCHEDULES_PER_CALL):
            asked = {calendar.lower(): calendar for calendar in batch}
            for span_start, span_end in spans(start, end, LONGEST_SPAN):
                body = {
                    "schedules": batch,
                    "startTime": {"dateTime": rfc3339(span_start)[:-1], "timeZone": "UTC"},
                    "endTime": {"dateTime": rfc3339(span_end)[:-1], "timeZone": "UTC"},
                    "availabilityViewInterval": 30,
                }
                try:
                    answer = self._client.call(
                        "POST",
                        f"{self._mailbox}/calendar/getSchedule",
                        json_body=body,
                        what="getSchedule",
                    )
                except CalendarError as error:
                    unreadable.update({c: str(error) for c in batch})
                    continue
                read, failed = read_schedules(asked, answer)
                for calendar, blocks in read.items():
                    busy.setdefault(calendar, []).extend(blocks)
                unreadable.update(failed)
            for calendar in batch:
                if calendar not in busy and calendar not in unreadable:
                    unreadable[calendar] = "Microsoft 365's answer left it out"
        readable = {
            c: tuple(sorted(set(blocks), key=lambda b: (b.start, b.end)))
            for c, blocks in busy.items()
            if c not in unreadable
        }
        return FreeBusy(busy=readable, unreadable=unreadable)

    # ------------------------------------------------------------------ events

    def put_event(self, event: Event) -> EventReceipt:
        body = event_body(event)
        stored: dict[str, Any] | None = None
        event_id = self._find(event.key, event.calendar)
        if event_id is not None:
            try:
                stored = self._client.call(
                    "PATCH",
                    f"{self._mailbox}/events/{event_id}",
                    json_body=body,
                    what="update event",
                    calendar=event.calendar,
                )
            except GraphError as error:
                if error.status != 404:
                    raise
                self._forget(event.key)
        if stored is None:
            # One transactionId for this put, outside the retry loop: Graph answers a repeated
            # POST with the event the first one made.
            body["transactionId"] = transaction_id(event.key, uuid.uuid4().hex)
            body["singleValueExtendedProperties"] = [{"id": KEY_PROPERTY, "value": event.key}]
            stored = self._client.call(
                "POST",
                f"{self._mailbox}/events",
                json_body=body,
                what="create event",
                calendar=event.calendar,
            )
        with self._ids_lock:
            self._ids[event.key] = stored["id"]
        return EventReceipt(event.key, stored["id"], event.video_url or join_url(stored))

    def cancel_event(self, calendar: str, key: str) -> None:
        event_id = self._find(key, calendar)
        if event_id is None:
            return
        try:
            self._client.call(
                "DELETE",
                f"{self._mailbox}/events/{event_id}",
                what="delete event",
                calendar=calendar,
            )
        except GraphError as error:
            if error.status != 404:
                raise
        self._forget(key)

    def _find(self, key: str, calendar: str) -> str | None:
        with self._ids_lock:
            if key in self._ids:
                return self._ids[key]
        answer = self._client.call(
            "GET",
            f"{self._mailbox}/events",
            params={"$filter": key_filter(key), "$select": "id"},
            what="find event",
            calendar=calendar,
        )
        found = answer.get("value", [])
        if not found:
            return None
        with self._ids_lock:
            self._ids[key] = found[0]["id"]
        return found[0]["id"]

    def _forget(self, key: str) -> None:
        with self._ids_lock:
            self._ids.pop(key, None)

    # ------------------------------------------------------------------ what happened since

    def event_states(self, events: Sequence[tuple[str, str]]) -> dict[str, EventState]:
        with self._sync_lock:
            self._sync()
            seen, removed = dict(self._seen), set(self._removed)
        states: dict[str, EventState] = {}
        for calendar, key in events:
            event_id = self._find(key, calendar)
            if event_id is None or event_id in removed:
                states[key] = EventState(key=key, exists=False)
            elif event_id in seen:
                states[key] = state_of(key, seen[event_id])
            else:
                states[key] = state_of(key, self._get(event_id, calendar))
        return states

    def _get(self, event_id: str, calendar: str) -> dict[str, Any] | None:
        try:
            return self._client.call(
                "GET", f"{self._mailbox}/events/{event_id}", what="read event", calendar=calendar
            )
        except GraphError as error:
            if error.status == 404:
                return None
            raise

    def _sync(self) -> None:
        try:
            self._follow_delta()
        except GraphError as error:
            if error.status != 410:  # the delta token expired: start over
                raise
            self._delta_link = None
            self._seen.clear()
            self._removed.clear()
            self._follow_delta()

    def _follow_delta(self) -> None:
        now = datetime.now(UTC)
        url = self._delta_link or f"{self._mailbox}/calendarView/delta"
        params = (
            None
            if self._delta_link
            else {
                "startDateTime": rfc3339(now - SYNC_PAST),
                "endDateTime": rfc3339(now + SYNC_FUTURE),
            }
        )
        while True:
            answer = self._client.call(
                "GET",
                url,
                params=params,
                headers={"Prefer": "odata.maxpagesize=100"},
                what="calendar delta",
            )
            for item in answer.get("value", []):
                self._remember(item)
            if "@odata.nextLink" in answer:
                url, params = answer["@odata.nextLink"], None
                continue
            self._delta_link = answer.get("@odata.deltaLink")
            return

    def _remember(self, item: dict[str, Any]) -> None:
        event_id = item.get("id", "")
        if "@removed" in item:
            self._seen.pop(event_id, None)
            self._removed.add(event_id)
            return
        key = key_of(item)
        if key is not None:
            with self._ids_lock:
                self._ids.setdefault(key, event_id)
        if key is not None or event_id in self._seen:
            self._seen[event_id] = item
            self._removed.discard(event_id)

    # ------------------------------------------------------------------ push

    def subscribe(
        self, notification_url: str, *, lifetime: timedelta = timedelta(days=3)
    ) -> Subscription:
        """Ask Graph to notify `notification_url` (https, public) of changes to the organizer's
        events. Graph validates the URL first (see microsoft_push); renew before `expires`."""
        client_state = secrets.token_urlsafe(32)
        expires = datetime.now(UTC) + min(lifetime, SUBSCRIPTION_LONGEST - timedelta(minutes=5))
        resource = f"/{self._mailbox}/events"
        answer = self._client.call(
            "POST",
            "subscriptions",
            json_body={
                "changeType": "created,updated,deleted",
                "notificationUrl": notification_url,
                "resource": resource,
                "expirationDateTime": rfc3339(expires),
                "clientState": client_state,
                "latestSupportedTlsVersion": "v1_2",
            },
            what="subscribe",
        )
        return Subscription(answer["id"], resource, client_state, notification_url, expires)

    def renew(
        self, subscription: Subscription, *, lifetime: timedelta = timedelta(days=3)
    ) -> Subscription:
        expires = datetime.now(UTC) + min(lifetime, SUBSCRIPTION_LONGEST - timedelta(minutes=5))
        self._client.call(
            "PATCH",
            f"subscriptions/{subscription.id}",
            json_body={"expirationDateTime": rfc3339(expires)},
            what="renew subscription",
        )
        return Subscription(
            subscription.id,
            subscription.resource,
            subscription.client_state,
            subscription.notification_url,
            expires,
        )

    def unsubscribe(self, subscription: Subscription) -> None:
        try:
            self._client.call("DELETE", f"subscriptions/{subscription.id}", what="unsubscribe")
        except GraphError as error:
            if error.status != 404:
                raise
