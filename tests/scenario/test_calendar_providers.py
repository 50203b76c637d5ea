"""The same journeys with LOOPBOT_CALENDAR=google and =microsoft, against the local stand-ins of
the Google Calendar API and Microsoft Graph (tests/standins): the plan goes around a meeting,
Confirm puts the event on the interviewer's calendar, and a decline there hands the slot to
someone else. (The CalDAV run, on a real Radicale, is tests/scenario/test_calendars.py.)"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from loopbot.demo.sandbox import sample_roster_csv
from storage.models import Interview
from tests.calendars.providers import (
    ORGANIZER,
    google_provider,
    microsoft_provider,
    microsoft_settings,
)
from tests.scenario.flows import RECRUITER, candidate, rows

NEW_YORK = ZoneInfo("America/New_York")
ROSA, RAVI = "rosa@example.com", "ravi@example.com"
ADA = candidate(availability="Tue 2pm-6pm")
PEOPLE = tuple(row["email"] for row in csv.DictReader(io.StringIO(sample_roster_csv())))


def google_env(provider, folder) -> dict[str, str]:
    key_file = provider.standin.write_key_file(folder / "service-account.json")
    return {
        "LOOPBOT_CALENDAR": "google",
        "LOOPBOT_GOOGLE_CREDENTIALS": str(key_file),
        "LOOPBOT_GOOGLE_ORGANIZER": ORGANIZER,
        "LOOPBOT_GOOGLE_API_URL": provider.standin.url,
    }


def microsoft_env(provider, folder) -> dict[str, str]:
    settings = microsoft_settings(provider.standin)
    return {
        "LOOPBOT_CALENDAR": "microsoft",
        "LOOPBOT_MS_TENANT_ID": settings.ms_tenant_id,
        "LOOPBOT_MS_CLIENT_ID": settings.ms_client_id,
        "LOOPBOT_MS_CLIENT_SECRET": settings.ms_client_secret,
        "LOOPBOT_MS_ORGANIZER": ORGANIZER,
        "LOOPBOT_MS_GRAPH_URL": settings.ms_graph_url,
        "LOOPBOT_MS_LOGIN_URL": settings.ms_login_url,
    }


PROVIDERS = {
    "google": (google_provider, google_env),
    "microsoft": (microsoft_provider, microsoft_env),
}


@pytest.fixture(params=sorted(PROVIDERS))
def on_provider(request, make_sandbox, tmp_path):
    start, env = PROVIDERS[request.param]
    with start(PEOPLE) as provider:
        box = make_sandbox(**env(provider, tmp_path))
        yield box, provider


def live(box) -> list[Interview]:
    return [i for i in rows(box, Interview) if i.status == "confirmed"]


def email_of(box, interviewer_id: int) -> str:
    with box.runtime.uow() as uow:
        return uow.interviewers.get(interviewer_id).email


def test_plan_around_a_meeting_book_the_event_and_a_calendar_decline_replaces(on_provider):
    box, provider = on_provider
    provider.person.busy(
        ROSA,
        datetime(2026, 11, 24, 9, tzinfo=NEW_YORK),
        datetime(2026, 11, 24, 10, 30, tzinfo=NEW_YORK),
    )
    box.schedule_loop(RECRUITER, ADA)
    stage = box.stage(box.loop_id("Ada Lovelace"), "recruiter_screen")
    [slot] = stage.proposal["slots"]
    assert email_of(box, slot["interviewer_id"]) == ROSA
    assert datetime.fromisoformat(slot["start"]) >= datetime(2026, 11, 24, 10, 30, tzinfo=NEW_YORK)

    box.slack.block_action(
        RECRUITER, "proposal_confirm", value=f"{stage.id}:{stage.proposal['version']}"
    )
    box.settle()
    [booked] = live(box)
    assert booked.event_id
    state = provider.port.event_states([(ROSA, booked.event_key)])[booked.event_key]
    assert state.exists and (state.start, state.end) == (booked.start_at, booked.end_at)

    provider.person.decline(ROSA, booked.event_key)
    assert box.runtime.sync_calendars().declined == 1
    box.settle()
    [replacement] = live(box)
    assert email_of(box, replacement.interviewer_id) == RAVI
    assert (replacement.start_at, replacement.end_at) == (booked.start_at, booked.end_at)
    assert provider.port.event_states([(ROSA, booked.event_key)])[booked.event_key].gone
    assert provider.port.event_states([(RAVI, replacement.event_key)])[replacement.event_key].exists
