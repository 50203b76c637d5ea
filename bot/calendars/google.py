"""Google Workspace calendars on the calendar port (`LOOPBOT_CALENDAR=google`).

A service account with domain-wide delegation acts as one Workspace user, the organizer
(`LOOPBOT_CALENDAR_ORGANIZER`, or `LOOPBOT_GOOGLE_ORGANIZER` which wins). Interview events
live in the organizer's calendar and invite the interviewer (the event's `calendar`) and the
candidate, so they appear on the interviewer's calendar as an invitation they can decline; the
organizer's copy then shows every attendee's answer, and that copy is what `event_states`
reads. `Event.organizer` is therefore not used: Google makes the calendar's owner the organizer.

- free/busy: `freebusy.query`, 50 calendars a call (`calendarExpansionMax`'s documented
  maximum), groups expanded up to 100 members (`groupExpansionMax`'s). A calendar Google reports
  an error for (`notFound`, `internalError`, `groupTooBig`…) is unreadable, not free. Google
  answers intervals only: a block of whole days is marked `all_day` (an all-day event or an
  out-of-office day, see `covers_whole_days`); tentative answers are not distinguished, and
  all-day events marked "free" (Google's default for them) are not busy at all.
- events: the event id is the key in base32hex (Google's documented alphabet for client-chosen
  ids), so `events.insert` is idempotent: a retry that finds the event answers 409 `duplicate`
  and becomes an `events.patch`. A Meet link is requested through `conferenceData.createRequest`
  with a request id derived from the key (Google ignores a repeated one), unless the event
  brings its own `video_url`. Holds (`tentative`) are written without notifying anybody.
- changes: `events.list` with sync tokens (`nextSyncToken`; a 410 means start over with a full
  sync), `events.get` for an event the sync has not shown.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import google_auth_httplib2
from google.auth.exceptions import RefreshError, TransportError

from bot.calendar_settings import organizer_setting
from bot.calendars.backoff import Backoff
from bot.calendars.google_api import (
    CREDENTIALS_VAR,
    ORGANIZER_VAR,
    GoogleApi,
    GoogleApiError,
    delegation_fix,
    load_credentials,
)
from bot.calendars.google_push import WatchChannel
from bot.calendars.google_resources import (
    GROUP_MEMBERS_MAX,
    KEY_PROPERTY,
    event_body,
    event_id_for,
    meet_link,
    read_freebusy,
    send_updates,
    state_of,
)
from bot.calendars.port import (
    Busy,
    CalendarError,
    CalendarUnavailable,
    Event,
    EventReceipt,
    EventState,
    FreeBusy,
)
from bot.calendars.windows import batches, rfc3339
from bot.settings import GOOGLE_API_DEFAULT, ConfigError, Settings

CALENDARS_PER_QUERY = 50  # freebusy.query: calendarExpansionMax, "Maximum value is 50"
PAGE_SIZE = 250


class GoogleCalendar:
    name = "google"

    def __init__(
        self,
        credentials: Any,
        organizer: str,
        *,
        client_id: str = "",
        organizer_variable: str = ORGANIZER_VAR,
        api_url: str = GOOGLE_API_DEFAULT,
        timeout: float = 20.0,
        backoff: Backoff | None = None,
    ):
        self.organizer = organizer
        self.organizer_variable = organizer_variable  # the setting it came from, for errors
        self.client_id = client_id
        self._api = GoogleApi(credentials, api_url, timeout=timeout, backoff=backoff or Backoff())
        self._sync_lock = threading.Lock()
        self._sync_token: str | None = None
        self._seen: dict[str, dict[str, Any]] = {}  # event id -> latest resource, ours only

    @classmethod
    def from_settings(
        cls, settings: Settings, *, backoff: Backoff | None = None, timeout: float = 20.0
    ) -> GoogleCalendar:
        if not settings.google_credentials:
            raise ConfigError(CREDENTIALS_VAR, "is not set", "LOOPBOT_CALENDAR=google needs it")
        organizer, variable = organizer_setting(settings, "google")
        if not organizer:
            raise ConfigError(
                variable,
                "is not set",
                "name the Workspace user whose calendar holds interview events, "
                "e.g. hiring@example.com",
            )
        account = load_credentials(settings.google_credentials, organizer)
        return cls(
            account.credentials,
            organizer,
            client_id=account.client_id,
            organizer_variable=variable,
            api_url=settings.google_api_url,
            timeout=timeout,
            backoff=backoff,
        )

    # ------------------------------------------------------------------ start-up check

    def check(self) -> None:
        """At start: a delegated token can be had and the Calendar API answers with it.
        ConfigError naming the fix otherwise; CalendarUnavailable when Google is unreachable."""
        try:
            self._api.credentials.refresh(google_auth_httplib2.Request(self._api.http()))
        except RefreshError as error:
            if getattr(error, "retryable", False):
                raise CalendarUnavailable(f"Google sign-in failed, retry: {error}") from error
            raise self._refused_sign_in(error) from None
        except (TransportError, OSError) as error:
            raise CalendarUnavailable(f"Google sign-in unreachable: {error}") from error
        try:
            self._api.execute(
                lambda s: s.events.list(calendarId="primary", maxResults=1), what="start check"
            )
            self._query([self.organizer], datetime.now(UTC), datetime.now(UTC) + timedelta(hours=1))
        except GoogleApiError as error:
            if error.reason == "accessNotConfigured":
                raise ConfigError(
                    CREDENTIALS_VAR,
                    "belongs to a Google Cloud project where the Calendar API is off",
                    "enable the Google Calendar API (APIs & Services > Library) in that project",
                ) from None
            if error.status in (401, 403):
                raise ConfigError(
                    CREDENTIALS_VAR, f"is refused ({error})", delegation_fix(self.client_id)
                ) from None
            if error.status == 404:
                raise ConfigError(
                    self.organizer_variable,
                    f"has no Google calendar ({self.organizer})",
                    "name a user",
                ) from None
            raise

    def _refused_sign_in(self, error: RefreshError) -> ConfigError:
        details = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], dict) else {}
        code = str(details.get("error", ""))
        description = str(details.get("error_description", error))
        if code == "unauthorized_client":
            return ConfigError(
                CREDENTIALS_VAR,
                "is not allowed domain-wide delegation for the calendar scopes",
                delegation_fix(self.client_id),
            )
        if "email" in description.lower() or "user" in description.lower():
            return ConfigError(
                self.organizer_variable,
                f"is not a user Google knows ({self.organizer}: {description})",
                "name an existing Workspace user of the domain the service account may act for",
            )
        return ConfigError(
            CREDENTIALS_VAR,
            f"is refused by Google ({code or 'error'}: {description})",
            "create a new JSON key for the service account (its old key may be deleted)",
        )

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
        busy: dict[str, tuple[Busy, ...]] = {}
        unreadable: dict[str, str] = {}
        for batch in batches(calendars, CALENDARS_PER_QUERY):
            try:
                answer = self._query(batch, start, end)
            except CalendarError as error:
                # The call as a whole failed after its retries: these people are unknown, not free.
                unreadable.update({calendar: str(error) for calendar in batch})
                continue
            read, failed = read_freebusy(batch, answer)
            busy.update(read)
            unreadable.update(failed)
        return FreeBusy(busy=busy, unreadable=unreadable)

    def _query(self, batch: Sequence[str], start: datetime, end: datetime) -> dict[str, Any]:
        body = {
            "timeMin": rfc3339(start),
            "timeMax": rfc3339(end),
            "timeZone": "UTC",
            "calendarExpansionMax": CALENDARS_PER_QUERY,
            "groupExpansionMax": GROUP_MEMBERS_MAX,
            "items": [{"id": calendar} for calendar in batch],
        }
        return self._api.execute(lambda s: s.freebusy.query(body=body), what="free/busy")

    # ------------------------------------------------------------------ events

    def put_event(self, event: Event) -> EventReceipt:
        event_id = event_id_for(event.key)
        body = event_body(event)
        # A first write tries insert (idempotent through the id); a change tries patch first.
        if event.sequence == 0:
            stored = self._insert_or_patch(event_id, body, event)
        else:
            try:
                stored = self._patch(event_id, body, event)
            except GoogleApiError as error:
                if error.status != 404:
                    raise
                stored = self._insert_or_patch(event_id, body, event)
        return EventReceipt(
            event.key, stored.get("id", event_id), event.video_url or meet_link(stored)
        )

    def _insert_or_patch(self, event_id: str, body: dict[str, Any], event: Event) -> dict[str, Any]:
        try:
            return self._api.execute(
                lambda s: s.events.insert(
                    calendarId="primary",
                    body=body,
                    sendUpdates=send_updates(event),
                    conferenceDataVersion=1,
                ),
                what="events.insert",
                calendar=event.calendar,
            )
        except GoogleApiError as error:
            if error.status != 409:
                raise
            return self._patch(event_id, body, event)  # it is there already: make it current

    def _patch(self, event_id: str, body: dict[str, Any], event: Event) -> dict[str, Any]:
        changes = {name: value for name, value in body.items() if name != "id"}
        return self._api.execute(
            lambda s: s.events.patch(
                calendarId="primary",
                eventId=event_id,
                body=changes,
                sendUpdates=send_updates(event),
                conferenceDataVersion=1,
            ),
            what="events.patch",
            calendar=event.calendar,
        )

    def cancel_event(self, calendar: str, key: str) -> None:
        try:
            self._api.execute(
                lambda s: s.events.delete(
                    calendarId="primary", eventId=event_id_for(key), sendUpdates="all"
                ),
                what="events.delete",
                calendar=calendar,
            )
        except GoogleApiError as error:
            if error.status not in (404, 410):  # 410: deleted already
                raise

    # ------------------------------------------------------------------ what happened since

    def event_states(self, events: Sequence[tuple[str, str]]) -> dict[str, EventState]:
        with self._sync_lock:
            self._sync()
            seen = dict(self._seen)
        states: dict[str, EventState] = {}
        for calendar, key in events:
            event_id = event_id_for(key)
            resource = seen.get(event_id)
            if resource is None:
                resource = self._get(event_id, calendar)
            states[key] = state_of(key, resource)
        return states

    def _get(self, event_id: str, calendar: str) -> dict[str, Any] | None:
        try:
            return self._api.execute(
                lambda s: s.events.get(calendarId="primary", eventId=event_id),
                what="events.get",
                calendar=calendar,
            )
        except GoogleApiError as error:
            if error.status in (404, 410):
                return None
            raise

    def _sync(self) -> None:
        """Bring `_seen` up to date: incremental with the sync token, or a full listing first
        (and again when Google answers 410: the token expired)."""
        try:
            self._list_changes()
        except GoogleApiError as error:
            if error.status != 410:
                raise
            self._sync_token = None
            self._seen.clear()
            self._list_changes()

    def _list_changes(self) -> None:
        page: str | None = None
        while True:
            params: dict[str, Any] = {"calendarId": "primary", "maxResults": PAGE_SIZE}
            if self._sync_token:
                params["syncToken"] = self._sync_token
            else:
                params["showDeleted"] = True
            if page:
                params["pageToken"] = page
            answer = self._api.execute(
                lambda s, params=params: s.events.list(**params), what="events.list"
            )
            for item in answer.get("items", []):
                self._remember(item)
            page = answer.get("nextPageToken")
            if not page:
                self._sync_token = answer.get("nextSyncToken")
                return

    def _remember(self, item: dict[str, Any]) -> None:
        event_id = item.get("id", "")
        ours = (item.get("extendedProperties") or {}).get("private", {}).get(KEY_PROPERTY)
        if ours or event_id in self._seen:
            # A deleted event comes back with its id and status only: keep what we knew.
            self._seen[event_id] = {**self._seen.get(event_id, {}), **item}

    # ------------------------------------------------------------------ push

    def new_channel(self, address: str) -> WatchChannel:
        """A channel to open with `watch()`: its id and secret token. Keep it where the
        notification route can see it *before* calling `watch()`: Google's first message (state
        `sync`) may arrive before `watch()` returns."""
        return WatchChannel(
            id=str(uuid.uuid4()),
            resource_id="",
            token=secrets.token_urlsafe(32),
            address=address,
            expires=None,
        )

    def watch(self, channel: WatchChannel, *, ttl: timedelta = timedelta(days=7)) -> WatchChannel:
        """Open `channel` (`events.watch`): Google will POST to its address (https) on every
        change to the organizer's calendar. Returns it with Google's resource id and expiry,
        which `stop_watch()` and `verify_google_notification()` need."""
        body = {
            "id": channel.id,
            "type": "web_hook",
            "address": channel.address,
            "token": channel.token,
            "params": {"ttl": str(int(ttl.total_seconds()))},
        }
        answer = self._api.execute(
            lambda s: s.events.watch(calendarId="primary", body=body), what="events.watch"
        )
        expiration = answer.get("expiration")
        return replace(
            channel,
            resource_id=answer["resourceId"],
            expires=datetime.fromtimestamp(int(expiration) / 1000, UTC) if expiration else None,
        )

    def stop_watch(self, channel: WatchChannel) -> None:
        body = {"id": channel.id, "resourceId": channel.resource_id}
        try:
            self._api.execute(lambda s: s.channels.stop(body=body), what="channels.stop")
        except GoogleApiError as error:
            if error.status != 404:
                raise
