"""The calendar port: what loopbot needs from anybody's calendar, as plain values.

Three things, each batched because providers charge per call:
- free/busy for many calendars over one window (`free_busy`);
- one event per interview, written and removed idempotently under a key loopbot chooses
  (`put_event`, `cancel_event`), so a retry never makes a second event;
- what happened to those events since (`event_states`): each attendee's answer, a move or a
  deletion by hand.

A calendar is named by the roster's `calendar` column (a CalDAV collection, a Google calendar
id, a Microsoft user), which defaults to the person's email. All times are aware, in UTC.

Adapters raise `CalendarUnavailable` for what retrying may cure (a timeout, a 5xx, a 429 with
its `retry_after`) and `CalendarRefused` for what it cannot (no such calendar, no permission),
so the outbox knows whether to try again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

# RFC 5545 PARTSTAT values, lower-cased; Google and Graph answers map onto them.
Response = Literal["needs-action", "accepted", "declined", "tentative"]


class CalendarError(Exception):
    """Base of what an adapter raises; `calendar` names the calendar concerned."""

    def __init__(self, message: str, *, calendar: str | None = None):
        super().__init__(message)
        self.calendar = calendar


class CalendarUnavailable(CalendarError):
    """Worth retrying: timeouts, connection errors, 5xx, throttling."""

    def __init__(
        self, message: str, *, calendar: str | None = None, retry_after: float | None = None
    ):
        super().__init__(message, calendar=calendar)
        self.retry_after = retry_after


class CalendarRefused(CalendarError):
    """Not worth retrying: unknown calendar, no permission, a request the provider rejects."""


@dataclass(frozen=True)
class Busy:
    start: datetime
    end: datetime
    # An all-day event, an out-of-office block or a day off: `start` and `end` are then the
    # owner's local midnights (in UTC), so the whole day is taken whatever the planner does.
    all_day: bool = False
    tentative: bool = False


@dataclass(frozen=True)
class FreeBusy:
    """Busy time per calendar. A calendar that could not be read is in `unreadable` with a
    reason a person can act on, never silently treated as free."""

    busy: Mapping[str, tuple[Busy, ...]] = field(default_factory=dict)
    unreadable: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str = ""


@dataclass(frozen=True)
class Event:
    """One interview as a calendar may hold it: no accommodations, feedback or notes.

    Every adapter invites the owner of `calendar` (when it is an email) even if `attendees`
    leaves them out: their answer to that invitation is how a decline reaches loopbot."""

    key: str  # loopbot's stable id (e.g. "loopbot-interview-42"); the provider's UID/id
    calendar: str  # whose calendar it lives on (the interviewer's)
    title: str
    start: datetime
    end: datetime
    description: str = ""
    organizer: Attendee | None = None
    attendees: tuple[Attendee, ...] = ()
    video_url: str | None = None  # None: the adapter may create one (Meet, Teams)
    sequence: int = 0  # raised on every change, so clients that imported it move it
    tentative: bool = False  # a hold while a proposal waits for Confirm


@dataclass(frozen=True)
class EventReceipt:
    key: str
    provider_id: str  # the provider's own id or href, for the record
    video_url: str | None = None  # the link the event carries (ours or the provider's)


@dataclass(frozen=True)
class EventState:
    """An event as its calendar shows it now."""

    key: str
    exists: bool
    cancelled: bool = False
    start: datetime | None = None
    end: datetime | None = None
    responses: Mapping[str, Response] = field(default_factory=dict)  # email -> answer

    @property
    def gone(self) -> bool:
        """Deleted, whichever way the provider says it: no event any more, or a cancelled
        copy (Google keeps one for a deleted event; CalDAV may hold STATUS:CANCELLED)."""
        return not self.exists or self.cancelled


@runtime_checkable
class CalendarPort(Protocol):
    name: str  # "none", "caldav", "google", "microsoft"

    def free_busy(
        self,
        calendars: Sequence[str],
        start: datetime,
        end: datetime,
        *,
        zones: Mapping[str, str] | None = None,
    ) -> FreeBusy:
        """Busy time of each calendar between `start` and `end`, keyed by the names given.

        `zones` maps a calendar to its owner's IANA zone (the roster's `tz`): an all-day event
        or a floating time has no zone of its own, and a day off runs from the owner's local
        midnight to the next. A calendar without one uses the adapter's default (the
        provider's own calendar zone where it has one, else `LOOPBOT_DEFAULT_TZ`).
        """
        ...

    def put_event(self, event: Event) -> EventReceipt:
        """Create the event, or update the one with the same key: idempotent."""
        ...

    def cancel_event(self, calendar: str, key: str) -> None:
        """Remove (or mark cancelled) the event; nothing to do when it is already gone."""
        ...

    def event_states(self, events: Sequence[tuple[str, str]]) -> dict[str, EventState]:
        """(calendar, key) pairs -> their state, keyed by key.

        An event that is not there any more has `exists=False`. A key missing from the
        answer means the provider cannot tell (the `none` provider keeps no events): it is
        never to be read as a deletion.
        """
        ...
