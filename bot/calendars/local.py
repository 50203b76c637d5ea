"""The `none` provider (`LOOPBOT_CALENDAR=none`, the default): loopbot's own database is the
only calendar. Planning already avoids the interviews loopbot booked, so free/busy here has
nothing to add (days off come from `bot.calendars.holidays`, for every provider alike);
events are written nowhere — interviewers get an `.ics` file instead (`bot.ics`).

It implements the whole port so that the services call one interface whatever the provider.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.calendars.port import Event, EventReceipt, EventState, FreeBusy


class LocalCalendar:
    name = "none"

    def free_busy(
        self,
        calendars: Sequence[str],
        start: datetime,
        end: datetime,
        *,
        zones: Mapping[str, str] | None = None,
    ) -> FreeBusy:
        return FreeBusy(busy={calendar: () for calendar in calendars})

    def put_event(self, event: Event) -> EventReceipt:
        """Nothing is stored; the receipt says so with an empty provider id."""
        return EventReceipt(key=event.key, provider_id="", video_url=event.video_url)

    def cancel_event(self, calendar: str, key: str) -> None:
        return None

    def event_states(self, events: Sequence[tuple[str, str]]) -> dict[str, EventState]:
        """No calendar holds these events, so nothing can be told about them: an empty
        answer, which the port defines as "unknown", never as "deleted"."""
        return {}
