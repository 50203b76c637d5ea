"""The calendar adapter `LOOPBOT_CALENDAR` names, built from the settings.

Called by the composition root (`loopbot/`) only: services receive the `CalendarPort` it
returns. Each provider's module, and so its SDK, is imported only when it is chosen.
"""

from __future__ import annotations

import importlib

from bot.calendars.port import CalendarPort
from bot.settings import ConfigError, Settings

# LOOPBOT_CALENDAR value -> (module, class); every class has `from_settings(settings)`.
ADAPTERS = {
    "caldav": ("bot.calendars.caldav", "CalDavCalendar"),
    "google": ("bot.calendars.google", "GoogleCalendar"),
    "microsoft": ("bot.calendars.microsoft", "MicrosoftCalendar"),
}


def make_calendar(settings: Settings) -> CalendarPort:
    if settings.calendar == "none":
        from bot.calendars.local import LocalCalendar

        return LocalCalendar()
    module_name, class_name = ADAPTERS[settings.calendar]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise  # the adapter is there but its SDK is not: let that error speak
        raise ConfigError(
            "LOOPBOT_CALENDAR",
            f"is {settings.calendar}, which this build of loopbot does not include",
            "use caldav or none",
        ) from None
    return getattr(module, class_name).from_settings(settings)
