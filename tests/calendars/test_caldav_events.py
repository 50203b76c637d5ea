"""Interview events written into a real Radicale server, and what happens to them there."""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar
import pytest

from bot.calendars.caldav import CalDavCalendar
from bot.calendars.caldav_session import time_range_query
from bot.calendars.port import (
    Attendee,
    CalendarPort,
    CalendarRefused,
    CalendarUnavailable,
    Event,
)
from loopbot.calendar_seed import meeting
from tests.calendars.conftest import MONDAY, needs_radicale

pytestmark = needs_radicale
START = MONDAY + timedelta(days=1, hours=14)
KEY = "loopbot-interview-42"


def interview(person: str, **changes) -> Event:
    fields = dict(
        key=KEY,
        calendar=person,
        title="Coding interview: Ada Lovelace",
        start=START,
        end=START + timedelta(minutes=45),
        description="Pair on a small problem.",
        attendees=(Attendee(person, "Chen Wei"), Attendee("ada@candidate.example", "Ada")),
        video_url="https://zoom.example.com/j/loopbot-interview-42",
    )
    fields.update(changes)
    return Event(**fields)


def stored(seeder, person: str, key: str = KEY) -> icalendar.Event:
    item = seeder.get(person, key)
    assert item is not None, f"{key} is not in {person}'s calendar"
    (event,) = item.walk("VEVENT")
    return event


def uids_in(caldav, person) -> list[str]:
    window = time_range_query(MONDAY - timedelta(days=30), MONDAY + timedelta(days=60))
    found = caldav.session.report(caldav.collection_url(person), window, depth=1, calendar=person)
    return sorted(
        str(event["UID"])
        for item in found
        for event in icalendar.Calendar.from_ical(item.calendar_data).walk("VEVENT")
    )


def test_it_is_a_calendar_port(caldav):
    assert isinstance(caldav, CalendarPort) and caldav.name == "caldav"


def test_the_calendar_owner_is_invited_even_when_left_out(caldav, seeder, person):
    # As Google and Exchange do: their answer (a decline) is written on that invitation.
    caldav.put_event(interview(person, attendees=(Attendee("ada@candidate.example", "Ada"),)))
    attendees = [str(a) for a in stored(seeder, person)["ATTENDEE"]]
    assert attendees == [f"mailto:{person}", "mailto:ada@candidate.example"]
    seeder.answer(person, KEY, person, "DECLINED")
    assert caldav.event_states([(person, KEY)])[KEY].responses[person] == "declined"


def test_the_event_as_written(caldav, seeder, person, radicale):
    receipt = caldav.put_event(interview(person))
    assert receipt.key == KEY
    assert receipt.provider_id == f"/{person}/calendar/{KEY}.ics"
    assert receipt.video_url == "https://zoom.example.com/j/loopbot-interview-42"
    event = stored(seeder, person)
    assert str(event["UID"]) == KEY
    assert event.start == START and event.end == START + timedelta(minutes=45)
    assert str(event["ORGANIZER"]) == f"{radicale.url}loopbot/"  # the service account
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {f"mailto:{person}", "mailto:ada@candidate.example"}
    assert {p["PARTSTAT"] for p in attendees.values()} == {"NEEDS-ACTION"}
    assert attendees[f"mailto:{person}"]["CN"] == "Chen Wei"
    assert str(event["LOCATION"]) == str(event["URL"]) == receipt.video_url
    assert event["STATUS"] == "CONFIRMED" and event["TRANSP"] == "OPAQUE"
    assert event["SEQUENCE"] == 0
    # the event holds what the caller gave and nothing more
    assert str(event["SUMMARY"]) == "Coding interview: Ada Lovelace"
    assert str(event["DESCRIPTION"]) == "Pair on a small problem."
    assert set(event) == {
        "UID", "SEQUENCE", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "STATUS",
        "TRANSP", "LOCATION", "URL", "ORGANIZER", "ATTENDEE",
    }  # fmt: skip


def test_a_given_organizer_and_a_hold(caldav, seeder, person):
    organizer = Attendee("recruiting@example.com", "Recruiting")
    caldav.put_event(interview(person, organizer=organizer, tentative=True))
    event = stored(seeder, person)
    assert str(event["ORGANIZER"]) == "mailto:recruiting@example.com"
    assert event["STATUS"] == "TENTATIVE"
    assert caldav.free_busy([person], MONDAY, MONDAY + timedelta(days=7)).busy[person][0].tentative


def test_put_twice_is_one_event_and_costs_two_calls_each(caldav, seeder, person):
    before = caldav.calls
    caldav.put_event(interview(person))
    caldav.put_event(interview(person))
    assert caldav.calls - before <= 5  # GET + PUT twice (and the first login challenge)
    assert uids_in(caldav, person) == [KEY]
    assert stored(seeder, person)["SEQUENCE"] == 0  # nothing changed: no new version


def test_a_move_raises_the_sequence_and_asks_again(caldav, seeder, person):
    caldav.put_event(interview(person))
    seeder.answer(person, KEY, person, "ACCEPTED")
    caldav.put_event(interview(person, title="Coding interview: Ada Lovelace"))  # a retry
    assert stored(seeder, person)["ATTENDEE"][0].params["PARTSTAT"] == "ACCEPTED"
    later = START + timedelta(days=1)
    caldav.put_event(interview(person, start=later, end=later + timedelta(minutes=45)))
    event = stored(seeder, person)
    assert event.start == later
    assert event["SEQUENCE"] == 1
    assert {a.params["PARTSTAT"] for a in event["ATTENDEE"]} == {"NEEDS-ACTION"}
    assert uids_in(caldav, person) == [KEY]
    state = caldav.event_states([(person, KEY)])[KEY]
    assert (state.start, state.end) == (later, later + timedelta(minutes=45))


def test_the_callers_sequence_wins_when_higher(caldav, seeder, person):
    caldav.put_event(interview(person, sequence=5))
    assert stored(seeder, person)["SEQUENCE"] == 5


def test_cancel_twice_and_cancel_what_never_was(caldav, seeder, person):
    caldav.put_event(interview(person))
    caldav.cancel_event(person, KEY)
    caldav.cancel_event(person, KEY)
    caldav.cancel_event(person, "loopbot-interview-never")
    caldav.cancel_event("nobody@example.com", KEY)  # its whole calendar is gone
    assert seeder.get(person, KEY) is None
    assert caldav.event_states([(person, KEY)])[KEY].exists is False


def test_a_decline_in_the_calendar_is_read_back(caldav, seeder, person):
    caldav.put_event(interview(person))
    seeder.answer(person, KEY, person, "DECLINED")
    state = caldav.event_states([(person, KEY)])[KEY]
    assert state.exists and not state.cancelled
    assert state.responses == {person: "declined", "ada@candidate.example": "needs-action"}
    # a retry of the same booking must not wipe the answer out
    caldav.put_event(interview(person))
    assert caldav.event_states([(person, KEY)])[KEY].responses[person] == "declined"


def test_an_event_deleted_or_moved_by_hand(caldav, seeder, person):
    for key in ("loopbot-interview-1", "loopbot-interview-2", "loopbot-interview-3"):
        caldav.put_event(interview(person, key=key))
    seeder.delete(person, "loopbot-interview-1")
    moved = START + timedelta(hours=3)
    seeder.move(person, "loopbot-interview-2", moved, moved + timedelta(minutes=45))
    seeder.edit(person, "loopbot-interview-3", lambda e: e.update(STATUS="CANCELLED"))
    before = caldav.calls
    states = caldav.event_states(
        [(person, "loopbot-interview-1"), (person, "loopbot-interview-2"),
         (person, "loopbot-interview-3")]
    )  # fmt: skip
    assert states["loopbot-interview-1"].exists is False
    assert states["loopbot-interview-2"].exists
    assert states["loopbot-interview-2"].start == moved
    assert states["loopbot-interview-3"].cancelled
    # one multiget for the calendar, one UID search for the missing event
    assert caldav.calls - before == 2


def test_states_of_several_calendars_one_report_each(caldav, seeder):
    people = [f"states{n}@example.com" for n in range(4)]
    for email in people:
        seeder.collection(email)
        caldav.put_event(interview(email, key=f"k-{email}"))
    before = caldav.calls
    states = caldav.event_states([(email, f"k-{email}") for email in people])
    assert all(states[f"k-{email}"].exists for email in people)
    assert caldav.calls - before == len(people)


def test_an_event_kept_at_another_href_is_found_by_its_uid(caldav, seeder, person):
    """An older writer (or a person) put the same UID under another name."""
    item = meeting(KEY, "Coding interview", START, START + timedelta(minutes=45))
    url = caldav.collection_url(person) + "imported-by-hand.ics"
    caldav.session.request("PUT", url, item.to_ical().decode(), {"Content-Type": "text/calendar"})
    caldav.put_event(interview(person))
    assert uids_in(caldav, person) == [KEY]
    assert caldav.event_states([(person, KEY)])[KEY].responses[person] == "needs-action"
    caldav.cancel_event(person, KEY)
    assert uids_in(caldav, person) == []


def test_writing_into_a_calendar_that_does_not_exist_is_refused(caldav):
    with pytest.raises(CalendarRefused, match="no calendar at /nobody@example.com/calendar/"):
        caldav.put_event(interview("nobody@example.com"))


def test_writing_without_permission_is_refused(radicale, person):
    eve = CalDavCalendar(radicale.url, "eve", "eve-password")
    with pytest.raises(CalendarRefused, match="may not use"):
        eve.put_event(interview(person))
    with pytest.raises(CalendarRefused, match="may not use"):
        eve.cancel_event(person, KEY)


def test_an_unreachable_server_is_worth_retrying():
    from loopbot.local_radicale import free_port

    down = CalDavCalendar(f"http://127.0.0.1:{free_port()}/", "loopbot", "x", timeout=2)
    with pytest.raises(CalendarUnavailable, match="couldn't reach"):
        down.put_event(interview("ada@example.com"))
    with pytest.raises(CalendarUnavailable):
        down.cancel_event("ada@example.com", KEY)
    with pytest.raises(CalendarUnavailable):
        down.event_states([("ada@example.com", KEY)])


def test_naive_times_are_refused_and_nothing_is_written(caldav, seeder, person):
    with pytest.raises(ValueError, match="naive"):
        caldav.put_event(interview(person, start=datetime(2026, 10, 20, 14)))
    assert seeder.get(person, KEY) is None
