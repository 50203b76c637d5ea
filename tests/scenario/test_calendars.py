"""Real calendars over HTTP: the served bot on a fake Slack with LOOPBOT_CALENDAR=caldav against
a real Radicale server. Plans go around people's meetings, Confirm re-reads their calendars,
interviews become events on them, and a decline, a move or a deletion made in a calendar
reaches the bot through its sync. Days off apply with the `none` provider too."""

from __future__ import annotations

import importlib.util
import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from storage.models import Interview
from tests.scenario.flows import RECRUITER, candidate, rows

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("radicale") is None, reason="the radicale package is not installed"
)

NEW_YORK = ZoneInfo("America/New_York")
ROSA, RAVI = "rosa@example.com", "ravi@example.com"
# Rosa (New York, 09:00-17:00) runs the recruiter screens; Tuesday 2pm-6pm in London is her
# morning. Ravi (London) is the other recruiter.
ADA = candidate(availability="Tue 2pm-6pm", accommodations="Screen reader; extra time")
_runs = itertools.count(1)


@pytest.fixture(scope="module")
def radicale():
    from loopbot.local_radicale import LocalRadicale

    with LocalRadicale() as server:
        yield server


@pytest.fixture
def calendars(radicale, make_sandbox):
    """A sandbox on CalDAV, every person's calendar under a folder of this test's own, and
    a seeder acting in those calendars as their owners would."""
    from loopbot.calendar_seed import CalendarSeeder

    path = f"run{next(_runs)}-{{email}}/"
    with CalendarSeeder(
        radicale.url, radicale.username, radicale.password, calendar_path=path
    ) as seeder:

        def make(*, missing: tuple[str, ...] = ()):
            box = make_sandbox(
                LOOPBOT_CALENDAR="caldav",
                LOOPBOT_CALDAV_URL=radicale.url,
                LOOPBOT_CALDAV_USERNAME=radicale.username,
                LOOPBOT_CALDAV_PASSWORD=radicale.password,
                LOOPBOT_CALDAV_CALENDAR_PATH=path,
                LOOPBOT_CALENDAR_ORGANIZER="hiring@example.com",
                LOOPBOT_VIDEO_URL_TEMPLATE="https://video.example.com/j/{key}",
            )
            with box.runtime.uow() as uow:
                emails = [p.email for p in uow.interviewers.all()]
            for email in emails:
                if email not in missing:
                    seeder.collection(email)
            return box

        yield make, seeder


def tuesday(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 24, hour, minute, tzinfo=NEW_YORK)


def screen(box):
    loop_id = box.loop_id(ADA["candidate_name"])
    return box.stage(loop_id, "recruiter_screen")


def only_slot(stage) -> dict:
    [slot] = stage.proposal["slots"]
    return slot


def name_of(box, interviewer_id: int) -> str:
    with box.runtime.uow() as uow:
        return uow.interviewers.get(interviewer_id).email


def confirm(box, stage) -> None:
    box.slack.block_action(
        RECRUITER, "proposal_confirm", value=f"{stage.id}:{stage.proposal['version']}"
    )
    box.settle()


def live(box) -> list[Interview]:
    return [i for i in rows(box, Interview) if i.status == "confirmed"]


def said(box) -> str:
    texts = [c.params.get("text", "") for c in box.fake.calls_to("response_url")]
    texts += [c.params.get("text", "") for c in box.fake.calls_to("chat.postMessage")]
    return "\n".join(texts)


def test_the_plan_goes_around_a_meeting_and_confirm_puts_the_event_on_the_calendar(calendars):
    from loopbot.calendar_seed import meeting

    make, seeder = calendars
    box = make()
    # Rosa is in a meeting from 9:00 to 10:30 her time on Tuesday.
    seeder.put(ROSA, meeting("busy-1", "Budget review", tuesday(9), tuesday(10, 30)))
    box.schedule_loop(RECRUITER, ADA)
    assert box.runtime.busy.calls == 1  # one batched free/busy call for the plan
    stage = screen(box)
    slot = only_slot(stage)
    assert name_of(box, slot["interviewer_id"]) == ROSA
    assert datetime.fromisoformat(slot["start"]) >= tuesday(10, 30)
    assert not stage.proposal.get("calendar_unreadable")
    box.settle()
    # While the proposal waits, the time is held on Rosa's calendar, tentatively.
    hold = seeder.get(ROSA, "loopbot-hold-1").walk("VEVENT")[0]
    assert str(hold.get("status")) == "TENTATIVE" and "[Hold]" in str(hold.get("summary"))
    assert "ada@example.com" not in hold.to_ical().decode().lower()

    confirm(box, stage)
    assert box.runtime.busy.calls == 2  # Confirm read Rosa's calendar again
    assert seeder.get(ROSA, "loopbot-hold-1") is None  # the interview's event replaces it
    [booked] = live(box)
    assert booked.event_key == f"loopbot-interview-{booked.id}"
    assert booked.event_id  # the outbox wrote it and the provider's id came back
    event = seeder.get(ROSA, booked.event_key).walk("VEVENT")[0]
    assert event.decoded("dtstart") == booked.start_at
    attendees = [str(a).lower() for a in event.get("attendee", [])]
    assert "mailto:ada@example.com" in attendees and f"mailto:{ROSA}" in attendees
    assert f"loopbot-interview-{booked.id}" in event.to_ical().decode()  # the video link
    body = event.to_ical().decode()
    assert "video.example.com" in body
    assert "Screen reader" not in body and "extra time" not in body  # never in a calendar
    # No .ics DM when the event is on the calendar itself.
    assert not box.fake.calls_to("files.getUploadURLExternal")


def test_a_decline_in_the_calendar_is_cant_make_it(calendars):
    make, seeder = calendars
    box = make()
    box.schedule_loop(RECRUITER, ADA)
    confirm(box, screen(box))
    [booked] = live(box)
    seeder.answer(ROSA, booked.event_key, ROSA, "DECLINED")

    result = box.runtime.sync_calendars()
    box.settle()
    assert result.declined == 1
    [replacement] = live(box)
    assert name_of(box, replacement.interviewer_id) == RAVI
    assert (replacement.start_at, replacement.end_at) == (booked.start_at, booked.end_at)
    # Rosa's event is withdrawn; Ravi's is on his calendar.
    gone = seeder.get(ROSA, booked.event_key)
    assert gone is None or gone.walk("VEVENT")[0].get("status") == "CANCELLED"
    assert seeder.get(RAVI, replacement.event_key) is not None
    text = said(box)
    assert "can't make" in text and "takes the same slot" in text
    assert "You declined the interview" in text
    # A second pass finds nothing more to do.
    assert box.runtime.sync_calendars().declined == 0


def test_an_event_moved_or_deleted_by_hand_is_reported_once(calendars):
    make, seeder = calendars
    box = make()
    box.schedule_loop(RECRUITER, ADA)
    confirm(box, screen(box))
    [booked] = live(box)
    seeder.move(
        ROSA,
        booked.event_key,
        booked.start_at + timedelta(hours=1),
        booked.end_at + timedelta(hours=1),
    )
    assert box.runtime.sync_calendars().moved == 1
    box.settle()
    assert "moved the event" in said(box)
    assert box.runtime.sync_calendars().moved == 0  # said once
    seeder.delete(ROSA, booked.event_key)
    assert box.runtime.sync_calendars().gone == 1
    box.settle()
    assert "no longer has the event" in said(box)
    assert [i.id for i in live(box)] == [booked.id]  # still booked: the recruiter decides


def test_a_meeting_added_before_confirm_moves_that_seat_and_says_so(calendars):
    from loopbot.calendar_seed import meeting

    make, seeder = calendars
    box = make()
    box.schedule_loop(RECRUITER, ADA)
    stage = screen(box)
    slot = only_slot(stage)
    start, end = datetime.fromisoformat(slot["start"]), datetime.fromisoformat(slot["end"])
    seeder.put(ROSA, meeting("late-1", "Urgent", start - timedelta(minutes=15), end))
    confirm(box, stage)
    [booked] = live(box)
    assert name_of(box, booked.interviewer_id) == RAVI
    assert (booked.start_at, booked.end_at) == (start, end)
    assert "calendar shows them busy" in said(box)
    assert seeder.get(ROSA, f"loopbot-interview-{booked.id}") is None


def test_an_unreadable_calendar_is_said_and_flagged(calendars):
    make, _ = calendars
    box = make(missing=(ROSA, RAVI))
    box.schedule_loop(RECRUITER, ADA)
    stage = screen(box)
    slot = only_slot(stage)
    assert stage.proposal["calendar_unreadable"] == [slot["interviewer_id"]]
    assert any("couldn't read their calendar" in w for w in stage.proposal["warnings"])


def test_public_holidays_block_the_day_without_a_calendar(make_sandbox):
    # Thursday 26 November 2026 is Thanksgiving in the US.
    box = make_sandbox(LOOPBOT_HOLIDAYS="US")
    box.schedule_loop(RECRUITER, candidate(availability="Thu 2pm-6pm, Fri 2pm-6pm"))
    stage = box.stage(box.loop_id("Ada Lovelace"), "recruiter_screen")
    slot = only_slot(stage)
    assert datetime.fromisoformat(slot["start"]).date().isoformat() == "2026-11-27"


def test_a_decline_skips_someone_out_of_office(calendars):
    from loopbot.calendar_seed import out_of_office

    make, seeder = calendars
    box = make()
    monday = datetime(2026, 11, 23).date()
    seeder.put(RAVI, out_of_office("ooo-1", monday, monday + timedelta(days=4)))
    box.schedule_loop(RECRUITER, ADA)
    confirm(box, screen(box))
    [booked] = live(box)
    seeder.answer(ROSA, booked.event_key, ROSA, "DECLINED")
    assert box.runtime.sync_calendars().declined == 1
    box.settle()
    # Ravi is away and nobody else recruits: the stage is planned afresh, without Ravi.
    assert not live(box)
    assert "no one qualified is free then" in said(box)


def test_pick_another_time_reads_the_calendars_after_the_form_closes(calendars):
    from loopbot.calendar_seed import meeting

    make, seeder = calendars
    box = make()
    box.schedule_loop(RECRUITER, ADA)
    stage = screen(box)
    thursday = datetime(2026, 11, 26, 9, tzinfo=NEW_YORK)
    seeder.put(ROSA, meeting("thu-1", "Offsite", thursday, thursday + timedelta(hours=2)))
    box.press(RECRUITER, "proposal_pick_time", value=f"{stage.id}:{stage.proposal['version']}")
    response = box.submit(
        RECRUITER, box.last_modal("replan_stage"), {"availability": "Thu 2pm-6pm"}
    )
    assert response.status == 200 and not response.body  # the form closes at once
    box.settle()
    slot = only_slot(screen(box))
    assert name_of(box, slot["interviewer_id"]) == ROSA
    assert datetime.fromisoformat(slot["start"]) >= thursday + timedelta(hours=2)


def test_an_expired_hold_leaves_the_calendar(calendars):
    make, seeder = calendars
    box = make()
    box.schedule_loop(RECRUITER, ADA)
    box.settle()
    assert seeder.get(ROSA, "loopbot-hold-1") is not None
    box.advance_clock(timedelta(hours=5))  # past LOOPBOT_HOLD_HOURS (4)
    box.settle()
    assert screen(box).proposal.get("expired")
    assert seeder.get(ROSA, "loopbot-hold-1") is None
