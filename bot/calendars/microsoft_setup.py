"""Setting up the Microsoft 365 adapter: the Graph client from the settings, and the start-up
check that turns every way sign-in or the organizer's mailbox can be wrong into one
`ConfigError` naming the variable and the fix.
"""

from __future__ import annotations

from typing import NamedTuple

from bot.calendar_settings import organizer_setting
from bot.calendars.backoff import Backoff
from bot.calendars.graph_client import GraphClient, GraphError, SignInRefused
from bot.settings import MS_GRAPH_DEFAULT, MS_LOGIN_DEFAULT, ConfigError, Settings

REQUIRED_ROLE = "Calendars.ReadWrite"
# AADSTS codes of the token endpoint -> the setting that is wrong, and how.
SIGN_IN_FIXES = {
    90002: ("LOOPBOT_MS_TENANT_ID", "names no tenant Microsoft knows"),
    900023: ("LOOPBOT_MS_TENANT_ID", "is not a valid tenant"),
    700016: ("LOOPBOT_MS_CLIENT_ID", "names no application in that tenant"),
    7000112: ("LOOPBOT_MS_CLIENT_ID", "names a disabled application"),
    7000215: ("LOOPBOT_MS_CLIENT_SECRET", "is not a secret of that application"),
    7000222: ("LOOPBOT_MS_CLIENT_SECRET", "has expired"),
}
APP_FIX = "in Entra admin center > App registrations, copy the IDs and create a client secret"


class GraphSetup(NamedTuple):
    client: GraphClient
    organizer: str
    organizer_variable: str  # the setting the organizer came from, for errors


def graph_setup(settings: Settings, *, backoff: Backoff | None, timeout: float) -> GraphSetup:
    """The client and organizer the settings describe; ConfigError for what is missing."""
    missing = [
        name
        for name, value in (
            ("LOOPBOT_MS_TENANT_ID", settings.ms_tenant_id),
            ("LOOPBOT_MS_CLIENT_ID", settings.ms_client_id),
            ("LOOPBOT_MS_CLIENT_SECRET", settings.ms_client_secret),
        )
        if not value
    ]
    if missing:
        raise ConfigError(
            missing[0], "is not set", f"LOOPBOT_CALENDAR=microsoft needs it: {APP_FIX}"
        )
    organizer, variable = organizer_setting(settings, "microsoft")
    if not organizer:
        raise ConfigError(
            variable,
            "is not set",
            "name the mailbox whose calendar holds interview events, e.g. hiring@example.com",
        )
    client = GraphClient(
        tenant_id=settings.ms_tenant_id or "",
        client_id=settings.ms_client_id or "",
        client_secret=settings.ms_client_secret or "",
        graph_url=settings.ms_graph_url or MS_GRAPH_DEFAULT,
        login_url=settings.ms_login_url or MS_LOGIN_DEFAULT,
        timeout=timeout,
        backoff=backoff,
    )
    return GraphSetup(client, organizer, variable)


def check_graph(client: GraphClient, mailbox: str, organizer_variable: str) -> None:
    """A token can be had, it carries Calendars.ReadWrite, the organizer's mailbox answers.
    ConfigError naming the fix otherwise; CalendarUnavailable when Microsoft is unreachable."""
    try:
        roles = client.roles()
    except SignInRefused as error:
        variable, problem = next(
            (SIGN_IN_FIXES[c] for c in error.codes if c in SIGN_IN_FIXES),
            ("LOOPBOT_MS_CLIENT_ID", f"cannot sign in ({error.error})"),
        )
        raise ConfigError(variable, problem, APP_FIX) from None
    if roles is not None and REQUIRED_ROLE not in roles:
        raise ConfigError(
            "LOOPBOT_MS_CLIENT_ID",
            f"lacks the application permission {REQUIRED_ROLE}",
            "App registrations > API permissions > Add > Microsoft Graph > Application "
            f"permissions > {REQUIRED_ROLE}, then Grant admin consent",
        )
    try:
        client.call("GET", f"{mailbox}/calendar", what="start check")
    except GraphError as error:
        if error.status == 403:
            raise ConfigError(
                organizer_variable,
                f"is a mailbox the app may not use ({error.code})",
                "grant admin consent, and widen any application access policy to it",
            ) from None
        raise ConfigError(
            organizer_variable,
            f"has no Microsoft 365 calendar ({error.code})",
            "name an existing licensed mailbox",
        ) from None
