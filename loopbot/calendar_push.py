"""Push notifications from Google Calendar and Microsoft Graph: the channel loopbot keeps open
with the provider while it runs, when `LOOPBOT_PUBLIC_URL` says where it can be reached.

One channel per provider is enough: the cloud adapters keep every interview event in the
organizer's calendar, whose copy carries each attendee's answer, so watching that one calendar
(a Google watch channel on it, a Graph subscription to the organizer's events) sees every
decline, move and deletion. Watching each interviewer's calendar would add nothing the sync
reads, and cost one channel per person.

Channels live in the `calendar_channel` table, not in memory: any replica may receive a
notification and must verify it against what the leader opened, and after a crash the next
leader finds the channel still open and keeps using it instead of opening another.

`keep_open()` runs on the leader at start and in every upkeep: it forgets channels that have
expired, stops those that point at an old address, opens one when none is live, and renews the
live one a day before it expires (Graph: PATCH the subscription; Google cannot extend a channel,
so a new one is opened and the old one stopped). `close()` stops them on shutdown. A provider
failing here is logged and tried again at the next upkeep: the periodic sync still notices
everything, only later.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.calendars.google_push import WatchChannel
from bot.calendars.microsoft_push import Subscription
from bot.calendars.port import CalendarError, CalendarPort
from storage.models import CalendarChannel
from storage.uow import UnitOfWorkFactory

if TYPE_CHECKING:
    from bot.calendars.google import GoogleCalendar
    from bot.calendars.microsoft import MicrosoftCalendar
    from bot.settings import Settings

log = logging.getLogger("loopbot.calendar_push")

# Where each provider's notifications arrive, under LOOPBOT_PUBLIC_URL.
PATHS = {"google": "/calendar/google", "microsoft": "/calendar/microsoft"}
# Renewed when less than this is left; the upkeep runs every ten minutes, so a day is ample.
RENEW_BEFORE = timedelta(days=1)
GOOGLE_TTL = timedelta(days=7)  # Google's longest for a calendar's events
GRAPH_LIFETIME = timedelta(days=3)  # Graph allows Outlook events just under 7 days
CLOSE_WAIT = 5.0  # seconds shutdown waits for the providers to stop the channels
FOREVER = datetime.max.replace(tzinfo=UTC)  # a channel without an expiry never needs renewing

Save = Callable[[CalendarChannel], None]
Forget = Callable[[str], None]


def _now() -> datetime:
    # The providers' wall clock, never a test's or the demo's movable one.
    return datetime.now(UTC)


class CalendarPush:
    """One provider's push channel: what the routes verify against, and its life on the leader."""

    def __init__(self, calendar: CalendarPort, uow: UnitOfWorkFactory, public_url: str):
        if calendar.name not in PATHS:
            raise ValueError(f"{calendar.name} calendars send no push notifications")
        self.provider = calendar.name
        self.path = PATHS[calendar.name]
        self.address = public_url.rstrip("/") + self.path
        self.uow = uow
        self._channels = (
            _GoogleChannels(calendar)  # type: ignore[arg-type]
            if calendar.name == "google"
            else _GraphSubscriptions(calendar)  # type: ignore[arg-type]
        )
        self._lock = threading.Lock()  # one keep_open or close at a time in this process

    @classmethod
    def for_settings(
        cls, settings: Settings, calendar: CalendarPort, uow: UnitOfWorkFactory
    ) -> CalendarPush | None:
        """None unless LOOPBOT_PUBLIC_URL is set and the provider pushes (google, microsoft)."""
        if settings.public_url is None or calendar.name not in PATHS:
            return None
        return cls(calendar, uow, settings.public_url)

    # ------------------------------------------------------------------ what routes check

    def stored(self) -> list[CalendarChannel]:
        with self.uow() as uow:
            return uow.calendar_channels.of(self.provider)

    def watch_channels(self) -> list[WatchChannel]:
        """Google: the channels a notification may come through."""
        return [
            WatchChannel(row.id, row.resource, row.secret, row.address, row.expires)
            for row in self.stored()
        ]

    def subscriptions(self) -> list[Subscription]:
        """Microsoft: the subscriptions a notification may name."""
        return [_subscription(row) for row in self.stored() if row.expires is not None]

    # ------------------------------------------------------------------ the leader's side

    def keep_open(self) -> None:
        """Make sure exactly one live channel points at our address, renewed in time."""
        with self._lock:
            try:
                self._keep_open(_now())
            except CalendarError as error:
                log.warning(
                    "%s push channel not kept open (%s); the periodic sync still runs",
                    self.provider,
                    str(error).splitlines()[0] if str(error) else type(error).__name__,
                )

    def _keep_open(self, now: datetime) -> None:
        live = []
        for row in self.stored():
            if not row.resource:
                self._forget(row.id)  # a Google channel whose watch() never answered
            elif row.expires is not None and row.expires <= now:
                self._forget(row.id)  # the provider has closed it already
            elif row.address != self.address:
                self._stop(row)  # LOOPBOT_PUBLIC_URL changed: nobody listens there
            else:
                live.append(row)
        if not live:
            self._channels.open(self.address, self._save, self._forget)
            log.info("%s push channel opened to %s", self.provider, self.address)
            return
        live.sort(key=lambda row: row.expires or FOREVER, reverse=True)
        newest, older = live[0], live[1:]
        if newest.expires is not None and newest.expires - now < RENEW_BEFORE:
            self._channels.renew(newest, self.address, self._save, self._forget)
            log.info("%s push channel renewed", self.provider)
        for row in older:  # left from a renewal whose stop did not get through
            self._stop(row)

    def close(self, wait: float = CLOSE_WAIT) -> None:
        """Stop our channels (shutdown, or no longer leading). Waits at most `wait` seconds:
        a provider that does not answer lets its channel run out on its own."""
        done = threading.Thread(target=self._close, name="loopbot-push-close", daemon=True)
        done.start()
        done.join(wait)

    def _close(self) -> None:
        with self._lock:
            for row in self.stored():
                if row.address == self.address:
                    try:
                        self._stop(row)
                    except CalendarError as error:
                        log.warning("%s push channel not stopped: %s", self.provider, error)

    def _stop(self, row: CalendarChannel) -> None:
        self._channels.stop(row)
        self._forget(row.id)

    def _save(self, row: CalendarChannel) -> None:
        with self.uow() as uow:
            uow.calendar_channels.save(row)
            uow.commit()

    def _forget(self, channel_id: str) -> None:
        with self.uow() as uow:
            uow.calendar_channels.remove(channel_id)
            uow.commit()


def _subscription(row: CalendarChannel) -> Subscription:
    expires = row.expires or _now()
    return Subscription(row.id, row.resource, row.secret, row.address, expires)


class _GoogleChannels:
    def __init__(self, calendar: GoogleCalendar):
        self.calendar = calendar

    def open(self, address: str, save: Save, forget: Forget) -> None:
        channel = self.calendar.new_channel(address)
        # Stored before watch(): Google's first message (state "sync") may arrive before
        # watch() returns, and must find its channel.
        save(_row("google", channel.id, "", channel.token, address, None))
        try:
            opened = self.calendar.watch(channel, ttl=GOOGLE_TTL)
        except BaseException:
            forget(channel.id)
            raise
        save(_row("google", opened.id, opened.resource_id, opened.token, address, opened.expires))

    def renew(self, row: CalendarChannel, address: str, save: Save, forget: Forget) -> None:
        # Google cannot extend a channel: open the next one, then stop this one.
        self.open(address, save, forget)
        self.stop(row)
        forget(row.id)

    def stop(self, row: CalendarChannel) -> None:
        if row.resource:  # "": watch() never answered, so Google holds nothing to stop
            channel = WatchChannel(row.id, row.resource, row.secret, row.address, row.expires)
            self.calendar.stop_watch(channel)


class _GraphSubscriptions:
    def __init__(self, calendar: MicrosoftCalendar):
        self.calendar = calendar

    def open(self, address: str, save: Save, forget: Forget) -> None:
        made = self.calendar.subscribe(address, lifetime=GRAPH_LIFETIME)
        save(_row("microsoft", made.id, made.resource, made.client_state, address, made.expires))

    def renew(self, row: CalendarChannel, address: str, save: Save, forget: Forget) -> None:
        from bot.calendars.graph_client import GraphError  # only when Microsoft is chosen

        try:
            renewed = self.calendar.renew(_subscription(row), lifetime=GRAPH_LIFETIME)
        except GraphError as error:
            if error.status != 404:
                raise
            forget(row.id)  # Graph dropped it (it does after failed deliveries): start over
            self.open(address, save, forget)
            return
        save(_row("microsoft", row.id, row.resource, row.secret, address, renewed.expires))

    def stop(self, row: CalendarChannel) -> None:
        self.calendar.unsubscribe(_subscription(row))


def _row(
    provider: str,
    channel_id: str,
    resource: str,
    secret: str,
    address: str,
    expires: datetime | None,
) -> CalendarChannel:
    return CalendarChannel(
        id=channel_id,
        provider=provider,
        resource=resource,
        secret=secret,
        address=address,
        expires=expires,
    )
