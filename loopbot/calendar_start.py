"""The calendar's start-up check for `loopbot serve`.

Google and Microsoft adapters have a `check()`: sign in, make one cheap call, and raise
`ConfigError` naming the variable and the fix for a wrong key file, tenant, client, secret,
scope, permission or organizer. The CLI prints that as one line and exits 2.

A provider that cannot be reached at start stops loopbot the same way, one line and exit 2,
rather than starting without it (sign-in, the check's first call, is not retried: a refused
connection fails at once, an unanswered one after the adapter's 20-second timeout). At start
nothing has been booked yet and no one is waiting on loopbot, while an endpoint that cannot be
reached from a fresh deployment is most often set up wrong (no egress through the firewall or
proxy, a typo in an API root setting), which a running loopbot would only show as every plan
"planned on working hours only". A process manager restarts loopbot with backoff, so a passing
outage at start heals by itself; one that begins later is what the adapters' retries and the
sync are for.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.calendars.port import CalendarPort, CalendarUnavailable
from bot.settings import ConfigError

# Provider -> (what is called, the setting that says where).
_ENDPOINTS = {
    "google": ("Google Calendar", "LOOPBOT_GOOGLE_API_URL"),
    "microsoft": ("Microsoft Graph", "LOOPBOT_MS_GRAPH_URL and LOOPBOT_MS_LOGIN_URL"),
}


@runtime_checkable
class CheckedAtStart(Protocol):
    def check(self) -> None: ...


def check_calendar(calendar: CalendarPort) -> None:
    """Run the adapter's start-up check, if it has one; ConfigError for anything wrong."""
    if not isinstance(calendar, CheckedAtStart):
        return
    try:
        calendar.check()
    except CalendarUnavailable as error:
        what, where = _ENDPOINTS.get(calendar.name, (calendar.name, "its URL settings"))
        reason = (str(error).splitlines() or [type(error).__name__])[0][:200]
        raise ConfigError(
            "LOOPBOT_CALENDAR",
            f"is {calendar.name}, but {what} could not be reached at start ({reason})",
            f"let this host reach it (firewall, proxy, {where}) and start again, "
            "or set LOOPBOT_CALENDAR=none to run without it",
        ) from None
