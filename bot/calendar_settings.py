"""The calendar settings (`LOOPBOT_CALENDAR` and each provider's), read by `Settings.from_env`.

Shapes are checked here; whether a cloud provider's value is needed, and whether its
credentials work, is for the adapter's `from_settings()` and `check()`, since only it knows.

One organizer for every provider: `LOOPBOT_CALENDAR_ORGANIZER` names the mailbox interview
events are organised by. The older per-provider names (`LOOPBOT_GOOGLE_ORGANIZER`,
`LOOPBOT_MS_ORGANIZER`) still work and win over it, so existing set-ups keep running;
`organizer_setting` says which variable gave the value, so an error names the one that was set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.settings import (
    CALENDARS,
    GOOGLE_API_DEFAULT,
    MS_GRAPH_DEFAULT,
    MS_LOGIN_DEFAULT,
)

if TYPE_CHECKING:
    from bot.settings import Settings, _Reader

SHARED_ORGANIZER_VAR = "LOOPBOT_CALENDAR_ORGANIZER"
PROVIDER_ORGANIZER_VARS = {
    "google": "LOOPBOT_GOOGLE_ORGANIZER",
    "microsoft": "LOOPBOT_MS_ORGANIZER",
}


def organizer_setting(settings: Settings, provider: str) -> tuple[str | None, str]:
    """(the organizer's email or None, the variable it came from — or the one to set)."""
    specific = PROVIDER_ORGANIZER_VARS.get(provider)
    value = {"google": settings.google_organizer, "microsoft": settings.ms_organizer}.get(provider)
    if specific is not None and value:
        return value, specific
    return settings.calendar_organizer, SHARED_ORGANIZER_VAR


def calendar_settings(read: _Reader) -> dict[str, object]:
    calendar = read.choice("LOOPBOT_CALENDAR", "none", CALENDARS)
    caldav: dict[str, object] = {}
    if calendar == "caldav":
        needs = "LOOPBOT_CALENDAR=caldav needs it"
        caldav = dict(
            caldav_url=read.url_required(
                "LOOPBOT_CALDAV_URL",
                f"the CalDAV server's base URL, e.g. https://dav.example.com/ ({needs})",
            ),
            caldav_username=read.required(
                "LOOPBOT_CALDAV_USERNAME",
                f"set the service account that may read and write people's calendars ({needs})",
            ),
            caldav_password=read.required(
                "LOOPBOT_CALDAV_PASSWORD", f"set the service account's password ({needs})"
            ),
            caldav_calendar_path=read.template(
                "LOOPBOT_CALDAV_CALENDAR_PATH",
                "{email}/calendar/",
                required="email",
                example="{email}/calendar/ or calendars/{email}/personal/",
            ),
        )
    return dict(
        calendar=calendar,
        calendar_organizer=read.email(
            SHARED_ORGANIZER_VAR, "the mailbox that organises interview events"
        ),
        calendar_sync_seconds=read.integer("LOOPBOT_CALENDAR_SYNC_SECONDS", 300, 10, 86400),
        holidays=read.holiday_regions("LOOPBOT_HOLIDAYS"),
        video_url_template=read.video_url_template("LOOPBOT_VIDEO_URL_TEMPLATE"),
        **_cloud_settings(read),
        **caldav,
    )


def _cloud_settings(read: _Reader) -> dict[str, str | None]:
    """Google Workspace and Microsoft 365: shapes only."""
    return {
        "google_credentials": read.optional("LOOPBOT_GOOGLE_CREDENTIALS", ""),
        "google_organizer": read.email(
            "LOOPBOT_GOOGLE_ORGANIZER", "the Workspace user who organises interview events"
        ),
        "google_api_url": read.url("LOOPBOT_GOOGLE_API_URL", GOOGLE_API_DEFAULT),
        "ms_tenant_id": read.tenant("LOOPBOT_MS_TENANT_ID"),
        "ms_client_id": read.guid(
            "LOOPBOT_MS_CLIENT_ID",
            "copy the Application (client) ID from the app registration's Overview page",
        ),
        "ms_client_secret": read.optional("LOOPBOT_MS_CLIENT_SECRET", ""),
        "ms_organizer": read.email(
            "LOOPBOT_MS_ORGANIZER", "the Microsoft 365 user who organises interview events"
        ),
        "ms_graph_url": read.url("LOOPBOT_MS_GRAPH_URL", MS_GRAPH_DEFAULT),
        "ms_login_url": read.url("LOOPBOT_MS_LOGIN_URL", MS_LOGIN_DEFAULT),
    }
