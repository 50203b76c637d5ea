"""Calendar test fixtures: stand-ins of Google Calendar and Microsoft Graph; a real Radicale
server (one per test session) and, per test, a fresh person whose calendar nobody else's test
touches (skipped when radicale is missing)."""

from __future__ import annotations

import importlib.util
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.calendars.caldav import CalDavCalendar
from tests.calendars.providers import (
    Provider,
    calendar_provider,  # noqa: F401 (a fixture, parametrised over the providers)
    google_provider,
    microsoft_provider,
    quick_backoff,
)
from tests.calendars.receiver import NotificationReceiver


@pytest.fixture
def sleeps() -> list[float]:
    """The pauses the adapter's backoff asked for (recorded, not slept)."""
    return []


@pytest.fixture
def google(sleeps: list[float]) -> Iterator[Provider]:
    with google_provider(backoff=quick_backoff(sleeps)) as provider:
        yield provider


@pytest.fixture
def microsoft(sleeps: list[float]) -> Iterator[Provider]:
    with microsoft_provider(backoff=quick_backoff(sleeps)) as provider:
        yield provider


@pytest.fixture
def receiver() -> Iterator[NotificationReceiver]:
    with NotificationReceiver() as server:
        yield server


RADICALE_MISSING = importlib.util.find_spec("radicale") is None
needs_radicale = pytest.mark.skipif(
    RADICALE_MISSING, reason="the radicale package is not installed (pip install radicale)"
)

# Monday 19 October 2026; Europe switches back to winter time on Sunday 25 October and
# the US on Sunday 1 November, so a fortnight from here crosses both.
MONDAY = datetime(2026, 10, 19, tzinfo=UTC)
_people = itertools.count(1)


@pytest.fixture(scope="session")
def radicale():
    if RADICALE_MISSING:
        pytest.skip("the radicale package is not installed (pip install radicale)")
    from loopbot.local_radicale import LocalRadicale

    with LocalRadicale(other_users={"eve": "eve-password"}) as server:
        yield server


@pytest.fixture(scope="session")
def seeder(radicale):
    from loopbot.calendar_seed import CalendarSeeder

    with CalendarSeeder(radicale.url, radicale.username, radicale.password) as seeder:
        yield seeder


@pytest.fixture
def caldav(radicale):
    calendar = CalDavCalendar(
        radicale.url, radicale.username, radicale.password, clock=lambda: MONDAY
    )
    yield calendar
    calendar.close()


@pytest.fixture
def person(seeder) -> str:
    """The email of somebody whose (empty) calendar exists."""
    email = f"person{next(_people)}@example.com"
    seeder.collection(email)
    return email
