"""Each calendar provider, ready for one shared journey suite: a `CalendarPort` talking to the
provider (a stand-in here), and what a person can do in their own calendar.

    def test_something(calendar_provider):
        port, person = calendar_provider.port, calendar_provider.person
        port.put_event(...)
        person.decline("ana@example.com", "loopbot-interview-1")
        assert port.event_states([...])[key].responses["ana@example.com"] == "declined"

`calendar_provider` is parametrised over `PROVIDERS`; a provider is a context manager taking the
people (emails) whose calendars to create, and the fixtures `NEEDS` names for it (the CalDAV one
runs on the test session's Radicale server, in calendars of its own).

Where the providers differ, a `Provider` says so and the journeys branch on it, never on a name:
`makes_video_links` (Meet and Teams links come with the event; CalDAV carries the link loopbot
gives it, from LOOPBOT_VIDEO_URL_TEMPLATE) and `sends_invitations` (Google and Exchange deliver
the invitation to every attendee; a CalDAV server without RFC 6638 scheduling, such as Radicale,
delivers nothing: loopbot writes the interviewer's calendar itself and sends others an .ics).
"""

from __future__ import annotations

import contextlib
import itertools
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import pytest

from bot.calendars.backoff import Backoff
from bot.calendars.caldav import CalDavCalendar
from bot.calendars.google import GoogleCalendar
from bot.calendars.google_resources import event_id_for
from bot.calendars.graph_resources import KEY_PROPERTY
from bot.calendars.microsoft import MicrosoftCalendar
from bot.calendars.port import Attendee, CalendarPort
from bot.settings import Settings
from loopbot.calendar_seed import CalendarSeeder, meeting, out_of_office
from loopbot.local_radicale import LocalRadicale
from tests.standins.google_calendar import GoogleCalendarStandin
from tests.standins.graph import GraphStandin

ORGANIZER = "hiring@example.com"
PEOPLE = tuple(f"{name}@example.com" for name in ("ana", "ben", "chen.wei", "dara", "eli"))


class PersonActions(Protocol):
    """A person acting in their own calendar, behind loopbot's back."""

    def decline(self, calendar: str, key: str) -> None: ...
    def accept(self, calendar: str, key: str) -> None: ...
    def move(self, calendar: str, key: str, start: datetime, end: datetime) -> None: ...
    def delete(self, calendar: str, key: str) -> None: ...
    def busy(self, calendar: str, start: datetime, end: datetime) -> None: ...
    def out_of_office(self, calendar: str, start: datetime, end: datetime) -> None: ...


@dataclass
class Provider:
    name: str
    port: CalendarPort
    person: PersonActions
    standin: Any  # the provider's stand-in (or server), for what a test looks at directly
    makes_video_links: bool = True
    sends_invitations: bool = True


def quick_backoff(sleeps: list[float] | None = None) -> Backoff:
    """Retries without waiting: the pauses asked for are recorded instead of slept."""
    record = sleeps if sleeps is not None else []
    return Backoff(attempts=5, first_wait=0.01, max_wait=30.0, budget=600.0, sleep=record.append)


# --------------------------------------------------------------------------- Google


class GooglePerson:
    def __init__(self, standin: GoogleCalendarStandin):
        self.store = standin.store

    def decline(self, calendar: str, key: str) -> None:
        self.store.respond(calendar, event_id_for(key), "declined")

    def accept(self, calendar: str, key: str) -> None:
        self.store.respond(calendar, event_id_for(key), "accepted")

    def move(self, calendar: str, key: str, start: datetime, end: datetime) -> None:
        self.store.move(event_id_for(key), start, end)

    def delete(self, calendar: str, key: str) -> None:
        self.store.remove(event_id_for(key))

    def busy(self, calendar: str, start: datetime, end: datetime) -> None:
        self.store.add_busy(calendar, start, end)

    def out_of_office(self, calendar: str, start: datetime, end: datetime) -> None:
        self.store.add_busy(calendar, start, end)  # Google's free/busy shows OOO as plain busy


def google_settings(api_url: str, key_file: Path, **overrides: str) -> Settings:
    env = {
        "LOOPBOT_GOOGLE_CREDENTIALS": str(key_file),
        "LOOPBOT_GOOGLE_ORGANIZER": ORGANIZER,
        "LOOPBOT_GOOGLE_API_URL": api_url,
        **overrides,
    }
    return Settings.from_env(env, dotenv=None, require_slack=False)


@contextlib.contextmanager
def google_provider(
    people: Sequence[str] = PEOPLE, *, backoff: Backoff | None = None
) -> Iterator[Provider]:
    with GoogleCalendarStandin() as standin, tempfile.TemporaryDirectory() as folder:
        for email in (ORGANIZER, *people):
            standin.store.add_user(email)
        key_file = standin.write_key_file(Path(folder) / "service-account.json")
        port = GoogleCalendar.from_settings(
            google_settings(standin.url, key_file), backoff=backoff or quick_backoff()
        )
        yield Provider("google", port, GooglePerson(standin), standin)


# --------------------------------------------------------------------------- Microsoft


class MicrosoftPerson:
    def __init__(self, standin: GraphStandin):
        self.mailboxes = standin.mailboxes

    def _event_id(self, key: str) -> str:
        (event,) = self.mailboxes.find(ORGANIZER, KEY_PROPERTY, key)
        return event["id"]

    def decline(self, calendar: str, key: str) -> None:
        self.mailboxes.respond(calendar, self._event_id(key), "declined")

    def accept(self, calendar: str, key: str) -> None:
        self.mailboxes.respond(calendar, self._event_id(key), "accepted")

    def move(self, calendar: str, key: str, start: datetime, end: datetime) -> None:
        self.mailboxes.move(self._event_id(key), start, end)

    def delete(self, calendar: str, key: str) -> None:
        self.mailboxes.remove(self._event_id(key))

    def busy(self, calendar: str, start: datetime, end: datetime) -> None:
        self.mailboxes.add_busy(calendar, start, end, "busy")

    def out_of_office(self, calendar: str, start: datetime, end: datetime) -> None:
        self.mailboxes.add_busy(calendar, start, end, "oof")


def microsoft_settings(standin: GraphStandin, **overrides: str) -> Settings:
    env = {
        "LOOPBOT_MS_TENANT_ID": standin.tenant_id,
        "LOOPBOT_MS_CLIENT_ID": standin.client_id,
        "LOOPBOT_MS_CLIENT_SECRET": standin.client_secret,
        "LOOPBOT_MS_ORGANIZER": ORGANIZER,
        "LOOPBOT_MS_GRAPH_URL": standin.graph_url,
        "LOOPBOT_MS_LOGIN_URL": standin.login_url,
        **overrides,
    }
    return Settings.from_env(env, dotenv=None, require_slack=False)


@contextlib.contextmanager
def microsoft_provider(
    people: Sequence[str] = PEOPLE, *, backoff: Backoff | None = None
) -> Iterator[Provider]:
    with GraphStandin() as standin:
        for email in (ORGANIZER, *people):
            standin.mailboxes.add_user(email)
        port = MicrosoftCalendar.from_settings(
            microsoft_settings(standin), backoff=backoff or quick_backoff()
        )
        yield Provider("microsoft", port, MicrosoftPerson(standin), standin)


# --------------------------------------------------------------------------- CalDAV

_journeys = itertools.count(1)


class CalDavPerson:
    """What a person's calendar client does on a CalDAV server, through `CalendarSeeder`."""

    def __init__(self, seeder: CalendarSeeder):
        self.seeder = seeder
        self._made = itertools.count(1)

    def decline(self, calendar: str, key: str) -> None:
        self.seeder.answer(calendar, key, calendar, "DECLINED")

    def accept(self, calendar: str, key: str) -> None:
        self.seeder.answer(calendar, key, calendar, "ACCEPTED")

    def move(self, calendar: str, key: str, start: datetime, end: datetime) -> None:
        self.seeder.move(calendar, key, start, end)

    def delete(self, calendar: str, key: str) -> None:
        self.seeder.delete(calendar, key)

    def busy(self, calendar: str, start: datetime, end: datetime) -> None:
        self.seeder.put(calendar, meeting(f"own-{next(self._made)}", "Busy", start, end))

    def out_of_office(self, calendar: str, start: datetime, end: datetime) -> None:
        last = (end - timedelta(microseconds=1)).date()  # `end` is the midnight after
        self.seeder.put(calendar, out_of_office(f"ooo-{next(self._made)}", start.date(), last))


@contextlib.contextmanager
def caldav_provider(people: Sequence[str] = PEOPLE, *, server: LocalRadicale) -> Iterator[Provider]:
    """Calendars of their own on the shared server: `journey-N/<email>/calendar/`."""
    path = f"journey-{next(_journeys)}/{{email}}/calendar/"
    credentials = (server.url, server.username, server.password)
    with CalendarSeeder(*credentials, calendar_path=path) as seeder:
        for email in people:
            seeder.collection(email)
        port = CalDavCalendar(*credentials, calendar_path=path, organizer=Attendee(ORGANIZER))
        try:
            yield Provider(
                "caldav",
                port,
                CalDavPerson(seeder),
                server,
                makes_video_links=False,
                sends_invitations=False,
            )
        finally:
            port.close()


PROVIDERS: dict[str, Callable[..., contextlib.AbstractContextManager[Provider]]] = {
    "caldav": caldav_provider,
    "google": google_provider,
    "microsoft": microsoft_provider,
}
# Provider -> {its keyword argument: the fixture that gives it}.
NEEDS = {"caldav": {"server": "radicale"}}


@pytest.fixture(params=sorted(PROVIDERS))
def calendar_provider(request: pytest.FixtureRequest) -> Iterator[Provider]:
    needs = NEEDS.get(request.param, {})
    options = {name: request.getfixturevalue(fixture) for name, fixture in needs.items()}
    with PROVIDERS[request.param](**options) as provider:
        yield provider
