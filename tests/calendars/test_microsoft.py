"""The Microsoft Graph adapter against the Graph stand-in: batching, an event's life,
idempotent retries, declines through delta and subscriptions, paging, throttling, token refresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.calendars.graph_client import GraphError
from bot.calendars.graph_resources import KEY_PROPERTY
from bot.calendars.microsoft import MicrosoftCalendar
from bot.calendars.port import Attendee, CalendarPort, CalendarRefused, CalendarUnavailable, Event
from tests.calendars.providers import (
    ORGANIZER,
    microsoft_provider,
    microsoft_settings,
    quick_backoff,
)
from tests.standins.http_standin import post

# Delta queries cover a window around today, so these events are near it.
SOON = (datetime.now(UTC) + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
ANA, BEN = "ana@example.com", "ben@example.com"
CANDIDATE = Attendee("sam.candidate@mail.example", "Sam Candidate")
KEY = "loopbot-interview-42"


def interview(key: str = KEY, **changes) -> Event:
    values = dict(
        key=key,
        calendar=ANA,
        title="Interview: Sam Candidate (system design)",
        start=SOON,
        end=SOON + timedelta(minutes=45),
        description="Round 1, system design. Join with the link.",
        attendees=(CANDIDATE,),
    )
    values.update(changes)
    return Event(**values)


def stored(microsoft) -> list[dict]:
    return microsoft.standin.mailboxes.events(ORGANIZER)


def test_it_is_a_calendar_port(microsoft):
    assert isinstance(microsoft.port, CalendarPort)
    assert microsoft.port.name == "microsoft"


# --------------------------------------------------------------------------- free/busy


def test_free_busy_for_200_people_takes_ten_calls_of_20():
    people = [f"person{n:03d}@example.com" for n in range(200)]
    with microsoft_provider(people) as microsoft:
        for n, email in enumerate(people):
            microsoft.person.busy(email, SOON + timedelta(minutes=n), SOON + timedelta(hours=4))
        answer = microsoft.port.free_busy(
            people, SOON - timedelta(days=1), SOON + timedelta(days=13)
        )
        calls = microsoft.standin.calls_to("getSchedule")
    assert [len(c.json["schedules"]) for c in calls] == [20] * 10
    assert calls[0].headers["prefer"] == 'outlook.timezone="UTC"'
    assert answer.unreadable == {}
    assert answer.busy["person007@example.com"][0].start == SOON + timedelta(minutes=7)


def test_a_window_of_60_days_is_asked_in_spans_under_42(microsoft):
    microsoft.person.busy(ANA, SOON + timedelta(days=50), SOON + timedelta(days=50, hours=1))
    answer = microsoft.port.free_busy([ANA, BEN], SOON, SOON + timedelta(days=60))
    spans = [
        (c.json["startTime"]["dateTime"], c.json["endTime"]["dateTime"])
        for c in microsoft.standin.calls_to("getSchedule")
    ]
    assert len(spans) == 2 and spans[0][1] == spans[1][0]
    assert [b.start for b in answer.busy[ANA]] == [SOON + timedelta(days=50)]


def test_statuses_map_to_busy_tentative_and_whole_days(microsoft):
    person, day = microsoft.person, SOON
    person.busy(ANA, day, day + timedelta(hours=1))
    microsoft.standin.mailboxes.add_busy(
        ANA, day + timedelta(hours=2), day + timedelta(hours=3), "tentative"
    )
    microsoft.standin.mailboxes.add_busy(
        ANA, day + timedelta(hours=4), day + timedelta(hours=5), "workingElsewhere"
    )
    microsoft.standin.mailboxes.add_busy(
        ANA, day + timedelta(hours=6), day + timedelta(hours=7), "free"
    )
    person.out_of_office(BEN, day + timedelta(hours=1), day + timedelta(hours=3))
    answer = microsoft.port.free_busy([ANA, BEN.upper()], day, day + timedelta(days=1))
    assert [(b.start.hour - day.hour, b.tentative, b.all_day) for b in answer.busy[ANA]] == [
        (0, False, False),
        (2, True, False),
    ]
    (oof,) = answer.busy[BEN.upper()]  # Graph's answer is matched back to the name asked
    assert oof.all_day


def test_a_mailbox_graph_cannot_read_is_unreadable_never_free(microsoft):
    microsoft.standin.mailboxes.unreadable[BEN] = "ErrorNoFreeBusyAccess"
    answer = microsoft.port.free_busy(
        [ANA, BEN, "nobody@example.com"], SOON, SOON + timedelta(days=1)
    )
    assert answer.busy == {ANA: ()}
    assert "ErrorNoFreeBusyAccess" in answer.unreadable[BEN]
    assert "ErrorMailRecipientNotFound" in answer.unreadable["nobody@example.com"]


# --------------------------------------------------------------------------- events


def test_an_event_from_create_to_cancel(microsoft):
    port, standin = microsoft.port, microsoft.standin
    receipt = port.put_event(interview())

    (create,) = standin.calls_to("events.create")
    body = create.json
    assert body["transactionId"].startswith(f"{KEY}#")
    assert body["singleValueExtendedProperties"] == [{"id": KEY_PROPERTY, "value": KEY}]
    assert (body["isOnlineMeeting"], body["onlineMeetingProvider"]) == (True, "teamsForBusiness")
    assert [a["emailAddress"]["address"] for a in body["attendees"]] == [ANA, CANDIDATE.email]
    assert body["start"] == {"dateTime": SOON.replace(tzinfo=None).isoformat(), "timeZone": "UTC"}
    assert receipt.video_url and receipt.video_url.startswith("https://teams.microsoft.com/")
    assert len(standin.calls_to("events.list")) == 1  # looked for an earlier attempt first

    busy = port.free_busy([ANA], SOON - timedelta(hours=1), SOON + timedelta(hours=2)).busy[ANA]
    assert [(b.start, b.end) for b in busy] == [(SOON, SOON + timedelta(minutes=45))]

    later = SOON + timedelta(hours=3)
    port.put_event(interview(start=later, end=later + timedelta(minutes=45), sequence=1))
    (update,) = standin.calls_to("events.update")
    assert "transactionId" not in update.json
    state = port.event_states([(ANA, KEY)])[KEY]
    assert (state.exists, state.start) == (True, later)

    port.cancel_event(ANA, KEY)
    port.cancel_event(ANA, KEY)  # already gone: nothing to do
    assert [c.status for c in standin.calls_to("events.delete")] == [204]
    assert stored(microsoft) == []
    assert not port.event_states([(ANA, KEY)])[KEY].exists


def test_after_a_restart_the_event_is_found_by_its_key_and_updated(microsoft):
    microsoft.port.put_event(interview())
    restarted = MicrosoftCalendar.from_settings(
        microsoft_settings(microsoft.standin), backoff=quick_backoff()
    )
    restarted.put_event(interview(title="Interview (new title)", sequence=1))
    (event,) = stored(microsoft)
    assert event["subject"] == "Interview (new title)"


def test_a_hold_shows_tentative_and_a_given_link_is_kept(microsoft):
    receipt = microsoft.port.put_event(
        interview(tentative=True, video_url="https://zoom.example/j/1")
    )
    (event,) = stored(microsoft)
    assert (event["showAs"], event["isOnlineMeeting"]) == ("tentative", False)
    assert event["location"] == {"displayName": "https://zoom.example/j/1"}
    assert receipt.video_url == "https://zoom.example/j/1"


def test_a_retried_create_whose_reply_was_lost_makes_no_second_event(microsoft, sleeps):
    microsoft.standin.fail_next("events.create", 504, reason="GatewayTimeout", after=True)
    receipt = microsoft.port.put_event(interview())
    first, second = microsoft.standin.calls_to("events.create")
    assert (first.status, second.status) == (504, 201)
    assert first.json["transactionId"] == second.json["transactionId"]
    (event,) = stored(microsoft)
    assert receipt.provider_id == event["id"]
    assert len(sleeps) == 1


def test_a_create_that_keeps_failing_is_found_on_the_next_attempt(microsoft):
    microsoft.standin.fail_next(
        "events.create", 503, reason="ServiceUnavailable", after=True, times=5
    )
    with pytest.raises(CalendarUnavailable):
        microsoft.port.put_event(interview())
    microsoft.port.put_event(interview())  # the outbox's next attempt: lookup, then PATCH
    assert len(stored(microsoft)) == 1
    assert microsoft.standin.calls_to("events.update")[-1].status == 200


def test_a_reply_too_slow_for_the_timeout_is_retried_without_duplicating(microsoft):
    standin = microsoft.standin
    settings = microsoft_settings(standin)
    slow = MicrosoftCalendar.from_settings(settings, backoff=quick_backoff(), timeout=0.3)
    standin.set_latency("events.create", 0.6)
    with pytest.raises(CalendarUnavailable):
        slow.put_event(interview())
    standin.set_latency("events.create", 0)
    slow.put_event(interview())
    assert len(stored(microsoft)) == 1


def test_an_event_deleted_by_hand_is_created_again_on_change(microsoft):
    microsoft.port.put_event(interview())
    microsoft.person.delete(ANA, KEY)
    microsoft.port.put_event(interview(sequence=1))
    assert [c.status for c in microsoft.standin.calls_to("events.update")] == [404]
    assert len(stored(microsoft)) == 1


# --------------------------------------------------------------------------- what changed


def test_a_decline_is_noticed_through_the_delta_query(microsoft):
    port, standin = microsoft.port, microsoft.standin
    port.put_event(interview())
    pairs = [(ANA, KEY)]
    assert port.event_states(pairs)[KEY].responses[ANA] == "needs-action"
    microsoft.person.decline(ANA, KEY)
    assert port.event_states(pairs)[KEY].responses == {
        ANA: "declined",
        CANDIDATE.email: "needs-action",
    }
    first, second = standin.calls_to("calendarView.delta")
    assert "startDateTime" in first.params and "$deltatoken" in second.params
    assert not standin.calls_to("events.get")


def test_delta_pages_and_moves_and_deletions_by_hand_show(microsoft):
    port, standin = microsoft.port, microsoft.standin
    start = {"dateTime": SOON.replace(tzinfo=None).isoformat(), "timeZone": "UTC"}
    for n in range(150):  # the organizer's own meetings: more than a page of 100
        standin.mailboxes.create(ORGANIZER, {"subject": f"1:1 #{n}", "start": start, "end": start})
    port.put_event(interview())
    port.put_event(interview("loopbot-interview-43", calendar=BEN))
    restarted = MicrosoftCalendar.from_settings(
        microsoft_settings(standin), backoff=quick_backoff()
    )
    pairs = [(ANA, KEY), (BEN, "loopbot-interview-43")]
    restarted.event_states(pairs)
    pages = standin.calls_to("calendarView.delta")
    assert [bool(c.params.get("$skiptoken")) for c in pages] == [False, True]
    assert pages[0].headers["prefer"].endswith("odata.maxpagesize=100")
    later = SOON + timedelta(days=1)
    microsoft.person.move(ANA, KEY, later, later + timedelta(hours=1))
    microsoft.person.delete(BEN, "loopbot-interview-43")
    states = restarted.event_states(pairs)
    assert states[KEY].start == later
    assert not states["loopbot-interview-43"].exists


def test_an_expired_delta_token_means_a_full_sync(microsoft):
    microsoft.port.put_event(interview())
    microsoft.port.event_states([(ANA, KEY)])
    microsoft.standin.expire_delta_tokens()
    microsoft.person.decline(ANA, KEY)
    assert microsoft.port.event_states([(ANA, KEY)])[KEY].responses[ANA] == "declined"
    assert [c.status for c in microsoft.standin.calls_to("calendarView.delta")] == [200, 410, 200]


def test_a_decline_is_noticed_through_a_verified_notification(microsoft, receiver):
    subscription = microsoft.port.subscribe(receiver.graph_url, lifetime=timedelta(days=2))
    receiver.subscriptions.append(subscription)
    handshake = receiver.calls_to("graph")[0]
    assert "validationToken" in handshake.params and handshake.status == 200
    assert subscription.resource == f"/users/{ORGANIZER.replace('@', '%40')}/events"

    microsoft.port.put_event(interview())
    microsoft.port.event_states([(ANA, KEY)])
    seen = len(receiver.graph)
    microsoft.person.decline(ANA, KEY)
    change = receiver.wait(
        lambda: [c for c in receiver.graph[seen:] if c.change_type == "updated"]
    )[-1]
    assert change.subscription_id == subscription.id
    assert microsoft.port.event_states([(ANA, KEY)])[KEY].responses[ANA] == "declined"

    url, body, _ = microsoft.standin.deliveries[-1]
    body["value"][0]["clientState"] = "guessed"
    import json

    assert post(url, json.dumps(body).encode(), {"Content-Type": "application/json"})[0] == 403

    renewed = microsoft.port.renew(subscription, lifetime=timedelta(days=3))
    assert renewed.expires > subscription.expires
    microsoft.port.unsubscribe(renewed)
    microsoft.port.unsubscribe(renewed)  # gone already: nothing to do


def test_a_notification_url_that_fails_validation_gets_no_subscription(microsoft, receiver):
    receiver.echo_validation = False
    with pytest.raises(GraphError) as caught:
        microsoft.port.subscribe(receiver.graph_url)
    assert caught.value.code == "ValidationError"


# --------------------------------------------------------------------------- limits and faults


def test_429s_wait_as_long_as_retry_after_says(microsoft, sleeps):
    microsoft.standin.fail_next(
        "getSchedule", 429, reason="ApplicationThrottled", retry_after=4, times=3
    )
    answer = microsoft.port.free_busy([ANA], SOON, SOON + timedelta(hours=8))
    assert sleeps == [4.0, 4.0, 4.0]
    assert answer.busy == {ANA: ()}


def test_503_with_retry_after_is_retried(microsoft, sleeps):
    microsoft.standin.fail_next("events.create", 503, reason="ServiceUnavailable", retry_after=2)
    microsoft.port.put_event(interview())
    assert sleeps == [2.0]
    assert len(stored(microsoft)) == 1


def test_a_429_storm_longer_than_the_retries_surfaces_unavailable(microsoft):
    microsoft.standin.fail_next(
        "events.create", 429, reason="ApplicationThrottled", retry_after=5, times=50
    )
    with pytest.raises(CalendarUnavailable) as caught:
        microsoft.port.put_event(interview())
    assert caught.value.retry_after == 5.0
    assert len(microsoft.standin.calls_to("events.create")) == 5
    assert stored(microsoft) == []


def test_a_bad_request_is_refused_without_retrying(microsoft):
    microsoft.standin.fail_next("events.create", 400, reason="ErrorInvalidRequest")
    with pytest.raises(CalendarRefused):
        microsoft.port.put_event(interview())
    assert len(microsoft.standin.calls_to("events.create")) == 1


def test_an_expired_token_is_replaced(microsoft):
    microsoft.port.free_busy([ANA], SOON, SOON + timedelta(hours=1))
    microsoft.standin.expire_tokens()
    microsoft.port.free_busy([ANA], SOON, SOON + timedelta(hours=1))
    assert len(microsoft.standin.calls_to("token")) == 2
    assert [c.status for c in microsoft.standin.calls_to("getSchedule")] == [200, 401, 200]


def test_an_unreachable_graph_is_unavailable():
    with microsoft_provider() as microsoft:
        settings = microsoft_settings(microsoft.standin)
    port = MicrosoftCalendar.from_settings(settings, backoff=quick_backoff())  # nothing listens
    with pytest.raises(CalendarUnavailable):
        port.put_event(interview())
