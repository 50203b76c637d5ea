"""The calendar's parts in the process: free/busy for plans (with everyone's days off), how
interviews become events, and the outbox transport that writes them."""

from __future__ import annotations

from bot.calendar_settings import organizer_setting
from bot.calendars.busy import BusySource
from bot.calendars.holidays import DaysOff
from bot.calendars.port import CalendarPort
from bot.loops.calendar_events import record_event_id
from bot.loops.config import EventSettings
from bot.outbox import Transports
from bot.outbox.ports import CalendarTransport
from bot.planning.templates import TemplateBook
from bot.settings import Settings


def calendar_parts(
    settings: Settings, calendar: CalendarPort, templates: TemplateBook, transports: Transports
) -> tuple[BusySource, EventSettings]:
    busy = BusySource(calendar, DaysOff(settings.holidays, templates.company_days_off))
    events = EventSettings(
        settings.calendar,
        organizer_setting(settings, settings.calendar)[0],
        settings.video_url_template,
    )
    if busy.remote:
        transports.register("calendar.", CalendarTransport(calendar, after_put=_record_event_id))
    return busy, events


def _record_event_id(uow, message, result: dict) -> None:
    """After the outbox wrote an event: its provider id goes on the interview."""
    record_event_id(uow, message.payload["event"]["key"], result.get("provider_id", ""))
