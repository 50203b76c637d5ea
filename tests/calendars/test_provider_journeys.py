"""The same journeys on every provider through `calendar_provider` (see providers.py): what the
planner and the sync rely on, whatever calendar the company uses (CalDAV on Radicale, Google and
Microsoft on their stand-ins). Where providers differ the journey says how, through the
provider's `makes_video_links` and `sends_invitations`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.calendars.port import Attendee, Event

SOON = (datetime.now(UTC) + timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)
ANA, BEN = "ana@example.com", "ben@example.com"
KEY = "loopbot-interview-7"


def booking(start: datetime = SOON + timedelta(hours=14), **changes) -> Event:
    values = dict(
        key=KEY,
        calendar=ANA,
        title="Interview: Sam Candidate",
        start=start,
        end=start + timedelta(minutes=45),
        attendees=(Attendee("sam@mail.example", "Sam Candidate"),),
    )
    return Event(**(values | changes))


def test_people_s_own_meetings_and_days_off_are_busy(calendar_provider):
    port, person = calendar_provider.port, calendar_provider.person
    person.busy(ANA, SOON + timedelta(hours=10), SOON + timedelta(hours=11))
    person.out_of_office(BEN, SOON, SOON + timedelta(days=1))
    answer = port.free_busy([ANA, BEN], SOON, SOON + timedelta(days=2))
    assert [(b.start, b.all_day) for b in answer.busy[ANA]] == [(SOON + timedelta(hours=10), False)]
    assert [(b.start, b.all_day) for b in answer.busy[BEN]] == [(SOON, True)]
    assert answer.unreadable == {}


def test_a_booking_blocks_the_interviewer_until_they_decline(calendar_provider):
    port, person = calendar_provider.port, calendar_provider.person
    if calendar_provider.makes_video_links:
        assert port.put_event(booking()).video_url  # Meet or Teams: the provider's own link
    else:  # CalDAV carries the link loopbot gives it (LOOPBOT_VIDEO_URL_TEMPLATE)
        given = "https://video.example.com/j/7"
        assert port.put_event(booking(video_url=given)).video_url == given
    window = (SOON, SOON + timedelta(days=1))
    assert len(port.free_busy([ANA], *window).busy[ANA]) == 1
    person.decline(ANA, KEY)
    assert port.event_states([(ANA, KEY)])[KEY].responses[ANA] == "declined"
    assert port.free_busy([ANA], *window).busy[ANA] == ()


def test_an_acceptance_and_a_move_by_hand_are_seen(calendar_provider):
    port, person = calendar_provider.port, calendar_provider.person
    port.put_event(booking())
    person.accept(ANA, KEY)
    moved = SOON + timedelta(days=1, hours=15)
    person.move(ANA, KEY, moved, moved + timedelta(hours=1))
    state = port.event_states([(ANA, KEY)])[KEY]
    assert (state.responses[ANA], state.start, state.end) == (
        "accepted",
        moved,
        moved + timedelta(hours=1),
    )


def test_a_deletion_by_hand_is_seen(calendar_provider):
    port, person = calendar_provider.port, calendar_provider.person
    port.put_event(booking())
    port.event_states([(ANA, KEY)])
    person.delete(ANA, KEY)
    assert port.event_states([(ANA, KEY)])[KEY].gone


def test_putting_twice_and_cancelling_twice_is_harmless(calendar_provider):
    port = calendar_provider.port
    first = port.put_event(booking())
    again = port.put_event(booking())
    assert again.provider_id == first.provider_id
    later = booking(SOON + timedelta(hours=16), sequence=1)
    assert port.put_event(later).provider_id == first.provider_id
    assert port.event_states([(ANA, KEY)])[KEY].start == later.start
    port.cancel_event(ANA, KEY)
    port.cancel_event(ANA, KEY)
    assert port.event_states([(ANA, KEY)])[KEY].gone


def test_other_attendees_get_the_invitation_only_where_the_provider_sends_it(calendar_provider):
    """Google and Exchange deliver the invitation: Ben, invited alongside, is busy. Radicale
    has no RFC 6638 scheduling: loopbot wrote Ana's calendar only, and Ben's stays free (loopbot
    sends anyone else an .ics file itself)."""
    port = calendar_provider.port
    port.put_event(booking(attendees=(Attendee(BEN, "Ben"), Attendee("sam@mail.example"))))
    busy = port.free_busy([ANA, BEN], SOON, SOON + timedelta(days=1)).busy
    assert [b.start for b in busy[ANA]] == [SOON + timedelta(hours=14)]
    invited = [SOON + timedelta(hours=14)] if calendar_provider.sends_invitations else []
    assert [b.start for b in busy[BEN]] == invited
