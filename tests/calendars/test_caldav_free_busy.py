"""Free/busy read from a real Radicale server: what blocks time and what does not."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.calendars.caldav import CalDavCalendar
from loopbot.calendar_seed import all_day, meeting, out_of_office, recurring
from tests.calendars.conftest import MONDAY, needs_radicale

pytestmark = needs_radicale
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS = {"freq": "weekly", "byday": ["MO", "TU", "WE", "TH", "FR"]}
FORTNIGHT = (MONDAY, MONDAY + timedelta(days=14))


def local(day: int, hour: int, minute: int = 0, zone=BERLIN) -> datetime:
    """A wall-clock time `day` days after Monday 19 October 2026."""
    return datetime.combine(date(2026, 10, 19) + timedelta(days=day), time(hour, minute), zone)


def busy_of(caldav, person, *, zone="Europe/Berlin", window=FORTNIGHT):
    answer = caldav.free_busy([person], *window, zones={person: zone})
    assert answer.unreadable == {}
    return answer.busy[person]


def test_a_daily_stand_up_keeps_its_local_time_across_the_dst_change(caldav, seeder, person):
    seeder.put(person, recurring("standup", "Stand-up", local(0, 9), 15, WEEKDAYS))
    blocks = busy_of(caldav, person)
    assert len(blocks) == 10  # two working weeks
    assert {b.start.astimezone(BERLIN).time() for b in blocks} == {time(9)}
    assert {b.end - b.start for b in blocks} == {timedelta(minutes=15)}
    # 07:00 UTC in summer time, 08:00 UTC once Berlin is back on CET (25 October)
    assert blocks[0].start == datetime(2026, 10, 19, 7, tzinfo=UTC)
    assert blocks[-1].start == datetime(2026, 10, 30, 8, tzinfo=UTC)
    assert not any(b.all_day or b.tentative for b in blocks)


def test_a_weekly_meeting_in_new_york_crosses_the_us_change_a_week_later(caldav, seeder, person):
    weekly = {"freq": "weekly", "byday": ["TU"]}
    seeder.put(person, recurring("1on1", "1:1", local(1, 14, zone=NEW_YORK), 30, weekly))
    blocks = busy_of(
        caldav, person, zone="America/New_York", window=(MONDAY, MONDAY + timedelta(21))
    )
    assert [b.start.hour for b in blocks] == [18, 18, 19]  # EDT, EDT, then EST from 1 Nov


def test_excluded_moved_and_cancelled_instances(caldav, seeder, person):
    seeder.put(
        person,
        recurring(
            "standup",
            "Stand-up",
            local(0, 9),
            15,
            WEEKDAYS,
            exdates=[local(1, 9)],
            overrides=[(local(2, 9), local(2, 16)), (local(3, 9), None)],
        ),
    )
    blocks = busy_of(caldav, person, window=(MONDAY, MONDAY + timedelta(days=5)))
    starts = [b.start.astimezone(BERLIN) for b in blocks]
    assert starts == [local(0, 9), local(2, 16), local(4, 9)]


def test_all_day_events_block_the_owners_local_days(caldav, seeder, person):
    seeder.put(person, all_day("offsite", "Team offsite", date(2026, 10, 21), date(2026, 10, 22)))
    (block,) = busy_of(caldav, person, zone="America/New_York")
    assert block.all_day
    assert block.start == local(2, 0, zone=NEW_YORK)
    assert block.end == local(4, 0, zone=NEW_YORK)


@pytest.mark.parametrize(
    "marking",
    [
        {"x_microsoft_cdo_busystatus": "OOF"},
        {"categories": ["Out of office"]},
        {"summary": "OOO — dentist"},
    ],
    ids=["busystatus-oof", "category", "summary"],
)
def test_out_of_office_blocks_the_whole_day_even_for_a_few_hours(caldav, seeder, person, marking):
    summary = marking.pop("summary", "Away")
    seeder.put(person, meeting("away", summary, local(1, 13), local(1, 15), **marking))
    (block,) = busy_of(caldav, person)
    assert block.all_day and not block.tentative
    assert (block.start, block.end) == (local(1, 0), local(2, 0))


def test_an_ooo_week_shown_as_free_still_blocks_it(caldav, seeder, person):
    seeder.put(person, out_of_office("holiday", date(2026, 10, 26), date(2026, 10, 30)))
    (block,) = busy_of(caldav, person)
    assert block.all_day
    assert (block.start, block.end) == (local(7, 0), local(12, 0))


def test_transparent_cancelled_and_tentative(caldav, seeder, person):
    seeder.put(
        person,
        meeting("free", "Focus time", local(0, 10), local(0, 11), transp="TRANSPARENT"),
        meeting("gone", "Cancelled sync", local(0, 12), local(0, 13), status="CANCELLED"),
        meeting("maybe", "Maybe", local(0, 14), local(0, 15), status="TENTATIVE"),
        meeting("firm", "Design review", local(0, 16), local(0, 17)),
        all_day("birthday", "Ada's birthday", date(2026, 10, 20), date(2026, 10, 20),
                transp="TRANSPARENT"),
    )  # fmt: skip
    blocks = busy_of(caldav, person)
    assert [(b.start, b.tentative) for b in blocks] == [(local(0, 14), True), (local(0, 16), False)]


def test_the_owners_own_answer_counts(caldav, seeder, person):
    def invited(uid, hour, partstat):
        item = meeting(uid, "Invited", local(0, hour), local(0, hour + 1))
        event = item.walk("VEVENT")[0]
        event.add("attendee", f"mailto:{person}", parameters={"PARTSTAT": partstat})
        return item

    seeder.put(
        person,
        invited("declined", 10, "DECLINED"),
        invited("tentative", 12, "TENTATIVE"),
        invited("accepted", 14, "ACCEPTED"),
    )
    blocks = busy_of(caldav, person)
    assert [(b.start, b.tentative) for b in blocks] == [(local(0, 12), True), (local(0, 14), False)]


def test_floating_times_are_read_in_the_owners_zone(caldav, seeder, person):
    seeder.put(
        person, meeting("floating", "Lunch", datetime(2026, 10, 20, 12), datetime(2026, 10, 20, 13))
    )
    (block,) = busy_of(caldav, person, zone="America/New_York")
    assert block.start == local(1, 12, zone=NEW_YORK)


def test_only_the_window_and_only_this_person(caldav, seeder, person):
    seeder.put(
        person,
        meeting("before", "Old", local(-3, 10), local(-3, 11)),
        meeting("inside", "Now", local(3, 10), local(3, 11)),
        meeting("after", "Later", local(20, 10), local(20, 11)),
    )
    assert [b.start for b in busy_of(caldav, person)] == [local(3, 10)]


def test_many_people_in_one_batch_one_report_each(radicale, seeder):
    people = [f"batch{n}@example.com" for n in range(12)]
    for n, email in enumerate(people):
        seeder.collection(email)
        seeder.put(email, meeting(f"m{n}", "Sync", local(0, 8 + n % 8), local(0, 9 + n % 8)))
    calendar = CalDavCalendar(radicale.url, radicale.username, radicale.password, parallel=4)
    answer = calendar.free_busy(people, *FORTNIGHT, zones=dict.fromkeys(people, "Europe/Berlin"))
    assert answer.unreadable == {}
    assert [answer.busy[p][0].start for p in people] == [local(0, 8 + n % 8) for n in range(12)]
    assert calendar.calls == len(people) + 1  # one REPORT each, and one login challenge
    calendar.close()


def test_calendar_names_a_path_or_a_url(caldav, seeder, radicale):
    seeder.collection("team/rooms/")
    seeder.put("team/rooms/", meeting("room", "Booked", local(0, 10), local(0, 11)))
    for name in ("team/rooms", "/team/rooms/", radicale.url + "team/rooms/"):
        answer = caldav.free_busy([name], *FORTNIGHT)
        assert [b.start for b in answer.busy[name]] == [local(0, 10)], name


def test_an_unknown_calendar_is_unreadable_not_free(caldav, person):
    answer = caldav.free_busy([person, "nobody@example.com"], *FORTNIGHT)
    assert answer.busy == {person: ()}
    assert "nobody@example.com" not in answer.busy
    message = answer.unreadable["nobody@example.com"]
    assert "no calendar at /nobody@example.com/calendar/" in message
    assert "roster's calendar column" in message


def test_a_calendar_the_account_may_not_read_is_unreadable(radicale, person):
    eve = CalDavCalendar(radicale.url, "eve", "eve-password")
    answer = eve.free_busy([person], *FORTNIGHT)
    assert answer.busy == {}
    assert "may not use" in answer.unreadable[person] and "eve" in answer.unreadable[person]


def test_a_wrong_password_makes_every_calendar_unreadable_at_once(radicale, person):
    wrong = CalDavCalendar(radicale.url, radicale.username, "not-the-password")
    people = [person] + [f"other{n}@example.com" for n in range(5)]
    answer = wrong.free_busy(people, *FORTNIGHT)
    assert set(answer.unreadable) == set(people) and answer.busy == {}
    assert "LOOPBOT_CALDAV_PASSWORD" in answer.unreadable[person]
    assert wrong.calls <= 3  # it gave up after the first calendar


def test_an_unreachable_server_makes_every_calendar_unreadable_quickly():
    from loopbot.local_radicale import free_port

    down = CalDavCalendar(f"http://127.0.0.1:{free_port()}/", "loopbot", "x", timeout=2)
    people = [f"p{n}@example.com" for n in range(50)]
    answer = down.free_busy(people, *FORTNIGHT)
    assert answer.busy == {}
    assert set(answer.unreadable) == set(people)
    assert "couldn't reach the calendar server 127.0.0.1" in answer.unreadable["p0@example.com"]
    assert down.calls == 1
