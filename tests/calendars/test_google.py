"""The Google Calendar adapter against the Calendar API stand-in: batching, an event's life,
idempotent retries, declines through sync and push, paging, throttling and token refresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.calendars.google import GoogleCalendar
from bot.calendars.google_resources import event_id_for
from bot.calendars.port import (
    Attendee,
    CalendarPort,
    CalendarRefused,
    CalendarUnavailable,
    Event,
)
from tests.calendars.providers import ORGANIZER, google_provider, google_settings, quick_backoff
from tests.standins.http_standin import post

MONDAY = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)
ANA, BEN = "ana@example.com", "ben@example.com"
CANDIDATE = Attendee("sam.candidate@mail.example", "Sam Candidate")


def interview(key: str = "loopbot-interview-42", **changes) -> Event:
    values = dict(
        key=key,
        calendar=ANA,
        title="Interview: Sam Candidate (system design)",
        start=MONDAY,
        end=MONDAY + timedelta(minutes=45),
        description="Round 1, system design. Join with the link.",
        attendees=(CANDIDATE,),
    )
    values.update(changes)
    return Event(**values)


def test_it_is_a_calendar_port(google):
    assert isinstance(google.port, CalendarPort)
    assert google.port.name == "google"


# --------------------------------------------------------------------------- free/busy


def test_free_busy_for_200_people_takes_four_calls_of_50():
    people = [f"person{n:03d}@example.com" for n in range(200)]
    with google_provider(people) as google:
        for n, email in enumerate(people):
            google.person.busy(email, MONDAY + timedelta(minutes=n), MONDAY + timedelta(hours=1))
        answer = google.port.free_busy(
            people, MONDAY - timedelta(days=1), MONDAY + timedelta(days=13)
        )
        queries = google.standin.calls_to("freebusy.query")
    assert len(queries) == 4
    for query in queries:
        body = query.json
        assert len(body["items"]) == 50
        assert (body["calendarExpansionMax"], body["groupExpansionMax"]) == (50, 100)
    assert answer.unreadable == {}
    assert set(answer.busy) == set(people)
    assert answer.busy["person007@example.com"][0].start == MONDAY + timedelta(minutes=7)


def test_a_calendar_google_cannot_read_is_unreadable_never_free(google):
    google.standin.store.unreadable[BEN] = "internalError"
    answer = google.port.free_busy(
        [ANA, BEN, "nobody@example.com"], MONDAY, MONDAY + timedelta(days=1)
    )
    assert answer.busy == {ANA: ()}
    assert "internalError" in answer.unreadable[BEN]
    assert "roster's calendar column" in answer.unreadable["nobody@example.com"]


def test_a_query_failing_after_its_retries_leaves_its_batch_unreadable(google):
    google.standin.fail_next("freebusy.query", 500, reason="backendError", times=5)
    answer = google.port.free_busy([ANA, BEN], MONDAY, MONDAY + timedelta(days=1))
    assert set(answer.unreadable) == {ANA, BEN}
    assert "500" in answer.unreadable[ANA]


def test_whole_days_are_all_day_blocks_and_groups_are_expanded(google):
    google.person.out_of_office(ANA, MONDAY, MONDAY + timedelta(days=2))
    google.person.busy(BEN, MONDAY, MONDAY + timedelta(hours=2))
    google.standin.store.groups["team@example.com"] = [ANA, BEN]
    answer = google.port.free_busy(
        [ANA, BEN, "team@example.com"], MONDAY, MONDAY + timedelta(days=3)
    )
    assert [b.all_day for b in answer.busy[ANA]] == [True]
    assert [b.all_day for b in answer.busy[BEN]] == [False]
    assert len(answer.busy["team@example.com"]) == 2


def test_a_group_too_big_to_expand_is_unreadable(google):
    google.standin.store.groups["everyone@example.com"] = [f"p{n}@example.com" for n in range(101)]
    answer = google.port.free_busy(["everyone@example.com"], MONDAY, MONDAY + timedelta(days=1))
    assert "more than 100" in answer.unreadable["everyone@example.com"]


# --------------------------------------------------------------------------- events


def test_an_event_from_insert_to_cancel(google):
    port, standin = google.port, google.standin
    receipt = port.put_event(interview())

    (insert,) = standin.calls_to("events.insert")
    assert insert.params == {"sendUpdates": "all", "conferenceDataVersion": "1", "alt": "json"}
    body = insert.json
    assert body["id"] == receipt.provider_id == event_id_for("loopbot-interview-42")
    assert [a["email"] for a in body["attendees"]] == [ANA, CANDIDATE.email]
    assert body["conferenceData"]["createRequest"]["conferenceSolutionKey"] == {
        "type": "hangoutsMeet"
    }
    assert receipt.video_url and receipt.video_url.startswith("https://meet.google.com/")
    (stored,) = standin.store.events(ORGANIZER)
    assert stored["hangoutLink"] == receipt.video_url

    # The invitation blocks the interviewer's time.
    busy = port.free_busy([ANA], MONDAY - timedelta(hours=1), MONDAY + timedelta(hours=2)).busy[ANA]
    assert [(b.start, b.end) for b in busy] == [(MONDAY, MONDAY + timedelta(minutes=45))]

    later = MONDAY + timedelta(hours=3)
    moved = port.put_event(interview(start=later, end=later + timedelta(minutes=45), sequence=1))
    assert moved.video_url == receipt.video_url  # the same Meet: the request id repeats
    assert len(standin.calls_to("events.patch")) == 1
    assert len(standin.calls_to("events.insert")) == 1
    state = port.event_states([(ANA, "loopbot-interview-42")])["loopbot-interview-42"]
    assert (state.exists, state.cancelled, state.start) == (True, False, later)

    port.cancel_event(ANA, "loopbot-interview-42")
    port.cancel_event(ANA, "loopbot-interview-42")  # already gone: nothing to do
    assert [c.status for c in standin.calls_to("events.delete")] == [204, 410]
    assert standin.calls_to("events.delete")[0].params["sendUpdates"] == "all"
    state = port.event_states([(ANA, "loopbot-interview-42")])["loopbot-interview-42"]
    assert state.cancelled
    assert standin.store.events(ORGANIZER) == []


def test_a_hold_is_written_without_notifying_and_a_given_link_is_kept(google):
    receipt = google.port.put_event(interview(tentative=True, video_url="https://zoom.example/j/1"))
    (insert,) = google.standin.calls_to("events.insert")
    assert insert.params["sendUpdates"] == "none"
    assert insert.json["status"] == "tentative"
    assert insert.json["location"] == "https://zoom.example/j/1"
    assert "conferenceData" not in insert.json
    assert receipt.video_url == "https://zoom.example/j/1"


def test_a_retried_insert_whose_reply_was_lost_makes_no_second_event(google, sleeps):
    google.standin.fail_next("events.insert", 503, reason="backendError", after=True)
    receipt = google.port.put_event(interview())
    statuses = [(c.route, c.status) for c in google.standin.calls if c.route.startswith("events.")]
    assert statuses == [("events.insert", 503), ("events.insert", 409), ("events.patch", 200)]
    assert len(google.standin.store.events(ORGANIZER)) == 1
    assert receipt.provider_id == event_id_for("loopbot-interview-42")
    assert len(sleeps) == 1


def test_an_insert_that_keeps_failing_is_retried_later_without_duplicating(google):
    google.standin.fail_next("events.insert", 503, reason="backendError", after=True, times=5)
    with pytest.raises(CalendarUnavailable):
        google.port.put_event(interview())
    google.port.put_event(interview())  # the outbox's next attempt
    assert len(google.standin.store.events(ORGANIZER)) == 1
    assert google.standin.calls_to("events.patch")[-1].status == 200


def test_a_reply_too_slow_for_the_timeout_is_retried_without_duplicating(google, tmp_path):
    key = google.standin.write_key_file(tmp_path / "key.json")
    settings = google_settings(google.standin.url, key)
    slow = GoogleCalendar.from_settings(settings, backoff=quick_backoff(), timeout=0.3)
    google.standin.set_latency("events.insert", 0.6)
    with pytest.raises(CalendarUnavailable):
        slow.put_event(interview())
    google.standin.set_latency("events.insert", 0)
    slow.put_event(interview())
    assert len(google.standin.store.events(ORGANIZER)) == 1


def test_a_change_to_an_event_deleted_by_hand_puts_it_back(google):
    google.port.put_event(interview())
    google.person.delete(ANA, "loopbot-interview-42")
    google.port.put_event(interview(sequence=1, title="Interview (moved room)"))
    (event,) = google.standin.store.events(ORGANIZER)
    assert (event["status"], event["summary"]) == ("confirmed", "Interview (moved room)")


def test_a_key_that_makes_no_valid_event_id_is_refused(google):
    with pytest.raises(CalendarRefused):
        google.port.put_event(interview(key="x"))


# --------------------------------------------------------------------------- what changed


def test_a_decline_is_noticed_through_the_sync(google):
    port, standin = google.port, google.standin
    port.put_event(interview())
    pairs = [(ANA, "loopbot-interview-42")]
    assert port.event_states(pairs)["loopbot-interview-42"].responses[ANA] == "needs-action"
    google.person.decline(ANA, "loopbot-interview-42")
    assert port.event_states(pairs)["loopbot-interview-42"].responses[ANA] == "declined"
    listings = standin.calls_to("events.list")
    assert "syncToken" not in listings[0].params and listings[0].params["showDeleted"] == "true"
    assert listings[-1].params["syncToken"].startswith("sync-")
    assert not standin.calls_to("events.get")  # the sync told it all


def test_moves_and_deletions_by_hand_show_and_the_sync_pages(google):
    port, standin = google.port, google.standin
    for n in range(300):  # the organizer's own meetings fill more than one page
        when = {"dateTime": "2030-04-01T10:00:00Z", "timeZone": "UTC"}
        own = {"id": f"mtg{n:05d}", "summary": f"1:1 #{n}", "start": when, "end": when}
        standin.store.insert(ORGANIZER, own, False)
    port.put_event(interview())
    port.put_event(interview("loopbot-interview-43", calendar=BEN))
    later = MONDAY + timedelta(days=1)
    google.person.move(ANA, "loopbot-interview-42", later, later + timedelta(hours=1))
    google.person.delete(BEN, "loopbot-interview-43")
    states = port.event_states([(ANA, "loopbot-interview-42"), (BEN, "loopbot-interview-43")])
    assert states["loopbot-interview-42"].start == later
    assert states["loopbot-interview-43"].cancelled
    assert [bool(c.params.get("pageToken")) for c in standin.calls_to("events.list")] == [
        False,
        True,
    ]


def test_an_expired_sync_token_means_a_full_sync(google):
    google.port.put_event(interview())
    pairs = [(ANA, "loopbot-interview-42")]
    google.port.event_states(pairs)
    google.standin.store.expire_sync_tokens()
    google.person.decline(ANA, "loopbot-interview-42")
    assert google.port.event_states(pairs)["loopbot-interview-42"].responses[ANA] == "declined"
    statuses = [c.status for c in google.standin.calls_to("events.list")]
    assert statuses == [200, 410, 200]


def test_an_event_never_made_does_not_exist(google):
    state = google.port.event_states([(ANA, "loopbot-interview-99")])["loopbot-interview-99"]
    assert not state.exists


def test_a_decline_is_noticed_through_a_verified_push_notification(google, receiver):
    planned = google.port.new_channel(receiver.google_url)
    receiver.channels.append(planned)  # before watch(): the handshake may come first
    channel = google.port.watch(planned, ttl=timedelta(days=2))
    receiver.channels[:] = [channel]
    assert channel.resource_id and channel.expires > datetime.now(UTC) + timedelta(days=1)
    handshake = receiver.wait(lambda: receiver.google)[0]
    assert (handshake.state, handshake.needs_sync) == ("sync", False)

    google.port.put_event(interview())
    pairs = [(ANA, "loopbot-interview-42")]
    google.port.event_states(pairs)
    seen = len(receiver.google)
    google.person.decline(ANA, "loopbot-interview-42")
    nudge = receiver.wait(lambda: [n for n in receiver.google[seen:] if n.needs_sync])[-1]
    assert nudge.channel_id == channel.id
    assert google.port.event_states(pairs)["loopbot-interview-42"].responses[ANA] == "declined"

    forged = {**google.standin.deliveries[-1][1], "X-Goog-Channel-Token": "guessed"}
    assert post(receiver.google_url, b"", forged)[0] == 403
    google.port.stop_watch(channel)
    assert google.standin.channel_ids() == []


# --------------------------------------------------------------------------- limits and faults


def test_a_rate_limit_storm_is_ridden_out_with_growing_pauses(google, sleeps):
    google.standin.fail_next(
        "events.insert", 403, reason="rateLimitExceeded", message="Rate Limit Exceeded", times=4
    )
    google.port.put_event(interview())
    assert [c.status for c in google.standin.calls_to("events.insert")] == [403, 403, 403, 403, 200]
    assert len(sleeps) == 4 and sleeps[-1] > sleeps[0]


def test_429s_wait_as_long_as_retry_after_says(google, sleeps):
    google.standin.fail_next(
        "events.insert", 429, reason="rateLimitExceeded", retry_after=7, times=2
    )
    google.port.put_event(interview())
    assert sleeps == [7.0, 7.0]


def test_a_429_storm_longer_than_the_retries_surfaces_unavailable(google):
    google.standin.fail_next(
        "events.insert", 429, reason="rateLimitExceeded", retry_after=3, times=50
    )
    with pytest.raises(CalendarUnavailable) as caught:
        google.port.put_event(interview())
    assert caught.value.retry_after == 3.0
    assert len(google.standin.calls_to("events.insert")) == 5


def test_a_long_retry_after_is_handed_to_the_caller_at_once(google, sleeps):
    google.standin.fail_next("events.insert", 429, reason="rateLimitExceeded", retry_after=600)
    with pytest.raises(CalendarUnavailable) as caught:
        google.port.put_event(interview())
    assert caught.value.retry_after == 600.0
    assert sleeps == []


def test_a_forbidden_request_is_refused_without_retrying(google):
    google.standin.fail_next("events.insert", 403, reason="forbiddenForNonOrganizer")
    with pytest.raises(CalendarRefused):
        google.port.put_event(interview())
    assert len(google.standin.calls_to("events.insert")) == 1


def test_an_expired_token_is_refreshed(google):
    google.port.free_busy([ANA], MONDAY, MONDAY + timedelta(hours=1))
    google.standin.expire_tokens()
    google.port.free_busy([ANA], MONDAY, MONDAY + timedelta(hours=1))
    assert len(google.standin.calls_to("token")) == 2
    assert [c.status for c in google.standin.calls_to("freebusy.query")] == [200, 401, 200]


def test_an_unreachable_api_is_unavailable(tmp_path):
    with google_provider() as google:
        key = google.standin.write_key_file(tmp_path / "key.json")
        gone_url = google.standin.url  # stopped on leaving the block: nothing listens there
    port = GoogleCalendar.from_settings(google_settings(gone_url, key), backoff=quick_backoff())
    with pytest.raises(CalendarUnavailable):
        port.put_event(interview())
