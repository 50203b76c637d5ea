"""Push notifications end to end, over real HTTP: loopbot served with LOOPBOT_PUBLIC_URL pointing
at itself, the Google and Graph stand-ins opening channels to it and posting to it.

The leader opens the channel at start, a decline made in a calendar reaches
`Runtime.calendar_changed`, forged notifications get 403, Graph's validation handshake is
answered, channels are adopted after a restart, renewed before they expire and stopped on
shutdown."""

from __future__ import annotations

import contextlib
import json
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.calendars.port import Attendee, Event
from bot.settings import Settings
from loopbot.calendar_push import CalendarPush
from loopbot.demo.fake_slack import FakeSlack
from loopbot.runtime import Runtime
from loopbot.web import HttpServer
from tests.calendars.providers import Provider
from tests.standins.http_standin import post

ANA = "ana@example.com"
KEY = "loopbot-interview-11"
TOKEN = "xoxb-push-test"
SOON = (datetime.now(UTC) + timedelta(days=2)).replace(hour=14, minute=0, second=0, microsecond=0)


@dataclass
class Served:
    runtime: Runtime
    url: str  # LOOPBOT_PUBLIC_URL
    changes: list[str | None] = field(default_factory=list)  # calendar_changed calls

    @property
    def push(self) -> CalendarPush:
        assert self.runtime.calendar_push is not None
        return self.runtime.calendar_push


@contextlib.contextmanager
def served(provider: Provider, tmp_path, *, public_url: str | None = None) -> Iterator[Served]:
    """loopbot's HTTP app on port 0 with LOOPBOT_PUBLIC_URL set to its own address (the
    server is bound first, so its port is known before the settings are read)."""
    fake = FakeSlack(token=TOKEN).start()
    app: dict[str, Callable] = {}
    server = HttpServer(
        lambda env, start: app["wsgi"](env, start), "127.0.0.1", 0, loop_timeout=0.05
    )
    settings = Settings.from_env(
        {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": "push-test-secret",
            "SLACK_API_URL": fake.base_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'push.db'}",
            "LOOPBOT_PUBLIC_URL": public_url or server.url,
        },
        dotenv=None,
    )
    runtime = Runtime(settings, calendar=provider.port)
    result = Served(runtime, settings.public_url or "")
    runtime.calendar_changed = result.changes.append  # what the route calls, recorded
    app["wsgi"] = runtime.wsgi_app()
    server.start()
    try:
        yield result
    finally:
        runtime.stop()
        server.stop()
        fake.stop()


def eventually(found: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"not within {timeout}s")


def booking() -> Event:
    return Event(
        key=KEY,
        calendar=ANA,
        title="Interview: Sam Candidate",
        start=SOON,
        end=SOON + timedelta(minutes=45),
        attendees=(Attendee("sam@mail.example", "Sam Candidate"),),
    )


def expire_soon(push: CalendarPush) -> None:
    """The stored channel has an hour left: the next upkeep must renew it."""
    with push.uow() as uow:
        (row,) = uow.calendar_channels.of(push.provider)
        row.expires = datetime.now(UTC) + timedelta(hours=1)
        uow.calendar_channels.save(row)
        uow.commit()


# --------------------------------------------------------------------------- Google


def test_google_channel_opens_at_start_and_a_decline_reaches_the_runtime(google, tmp_path):
    with served(google, tmp_path) as bot:
        bot.runtime.start_workers()  # this process leads: it opens the channel
        standin = google.standin
        eventually(
            lambda: [d for d in standin.deliveries if d[1]["X-Goog-Resource-State"] == "sync"]
        )
        assert [status for _, _, status in standin.deliveries] == [200]  # the handshake
        (row,) = bot.push.stored()
        assert (row.address, standin.channel_ids()) == (bot.url + "/calendar/google", [row.id])
        assert row.resource and row.expires > datetime.now(UTC) + timedelta(days=6)
        assert bot.changes == []  # a channel opening is no change

        google.port.put_event(booking())
        eventually(lambda: bot.changes)
        before = len(bot.changes)
        google.person.decline(ANA, KEY)
        eventually(lambda: len(bot.changes) > before)
        assert set(bot.changes) == {None} and {s for _, _, s in standin.deliveries} == {200}
        assert google.port.event_states([(ANA, KEY)])[KEY].responses[ANA] == "declined"
    # Shutdown stopped the channel at Google and forgot it.
    assert standin.channel_ids() == [] and standin.calls_to("channels.stop")


def test_forged_google_notifications_are_refused(google, tmp_path):
    with served(google, tmp_path) as bot:
        bot.push.keep_open()
        (row,) = bot.push.stored()
        headers = {
            "X-Goog-Channel-ID": row.id,
            "X-Goog-Channel-Token": "guessed",
            "X-Goog-Resource-ID": row.resource,
            "X-Goog-Resource-State": "exists",
            "X-Goog-Message-Number": "7",
        }
        address = bot.url + "/calendar/google"
        assert post(address, b"", headers)[0] == 403
        assert post(address, b"", {**headers, "X-Goog-Channel-ID": "not-ours"})[0] == 403
        assert post(address, b"", {}) == (403, "not a channel of loopbot's")
        real = {**headers, "X-Goog-Channel-Token": row.secret}
        assert post(address, b"", {**real, "X-Goog-Resource-ID": "another"})[0] == 403
        assert bot.changes == []
        assert post(address, b"", real)[0] == 200
        assert bot.changes == [None]


def test_a_google_channel_is_adopted_after_a_restart_and_replaced_before_it_expires(
    google, tmp_path
):
    with served(google, tmp_path) as bot:
        bot.push.keep_open()
        (first,) = bot.push.stored()
        # Another process (a restart) finds it open and keeps it.
        again = CalendarPush(google.port, bot.runtime.uow, bot.url)
        again.keep_open()
        assert len(google.standin.calls_to("events.watch")) == 1
        expire_soon(bot.push)
        again.keep_open()
        (second,) = bot.push.stored()
        # Google cannot extend a channel: a new one, then the old one stopped.
        assert second.id != first.id and google.standin.channel_ids() == [second.id]
        assert second.expires > datetime.now(UTC) + timedelta(days=6)


def test_a_channel_to_an_old_address_is_stopped_and_one_to_the_new_opened(google, tmp_path):
    with served(google, tmp_path) as bot:
        bot.push.keep_open()
        (old,) = bot.push.stored()
        moved = CalendarPush(google.port, bot.runtime.uow, bot.url + "/moved")
        moved.keep_open()
        (new,) = moved.stored()
        assert new.address == bot.url + "/moved/calendar/google"
        assert google.standin.channel_ids() == [new.id] and new.id != old.id


# --------------------------------------------------------------------------- Microsoft


def test_graph_subscription_is_validated_at_start_and_a_decline_reaches_the_runtime(
    microsoft, tmp_path
):
    with served(microsoft, tmp_path) as bot:
        bot.runtime.start_workers()
        standin = microsoft.standin
        eventually(lambda: standin.calls_to("subscriptions.create"))
        eventually(bot.push.stored)
        (row,) = bot.push.stored()
        (created,) = standin.calls_to("subscriptions.create")
        assert created.status == 201  # Graph got the validation token back
        assert (row.address, row.resource) == (
            bot.url + "/calendar/microsoft",
            "/users/hiring%40example.com/events",
        )

        microsoft.port.put_event(booking())
        eventually(lambda: bot.changes)
        before = len(bot.changes)
        microsoft.person.decline(ANA, KEY)
        eventually(lambda: len(bot.changes) > before)
        assert {status for _, _, status in standin.deliveries} == {202}
        assert microsoft.port.event_states([(ANA, KEY)])[KEY].responses[ANA] == "declined"
    assert standin.calls_to("subscriptions.delete")  # stopped on shutdown
    assert bot.push.stored() == []


def test_the_graph_validation_handshake_echoes_the_token_as_plain_text(microsoft, tmp_path):
    with served(microsoft, tmp_path) as bot:
        request = urllib.request.Request(
            bot.url + "/calendar/microsoft?validationToken=Validation%3A%20Testing%20client",
            data=b"",
            headers={"Content-Type": "text/plain"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 200
            assert answer.headers["Content-Type"] == "text/plain"
            assert answer.read() == b"Validation: Testing client"
        assert bot.changes == []


def test_forged_graph_notifications_are_refused(microsoft, tmp_path):
    with served(microsoft, tmp_path) as bot:
        bot.push.keep_open()
        (row,) = bot.push.stored()

        def notification(subscription: str, client_state: str) -> bytes:
            item = {
                "subscriptionId": subscription,
                "clientState": client_state,
                "changeType": "updated",
                "resource": "Users/hiring@example.com/Events/AAMk1",
                "resourceData": {"id": "AAMk1"},
            }
            return json.dumps({"value": [item]}).encode()

        address = bot.url + "/calendar/microsoft"
        headers = {"Content-Type": "application/json"}
        assert post(address, notification(row.id, "guessed"), headers)[0] == 403
        assert post(address, notification("not-ours", row.secret), headers)[0] == 403
        assert post(address, b"not json", headers)[0] == 403
        assert bot.changes == []
        assert post(address, notification(row.id, row.secret), headers)[0] == 202
        assert bot.changes == [None]


def test_the_upkeep_renews_a_graph_subscription_and_replaces_a_lost_one(microsoft, tmp_path):
    with served(microsoft, tmp_path) as bot:
        bot.runtime.start_workers()
        eventually(bot.push.stored)
        (first,) = bot.push.stored()
        expire_soon(bot.push)
        bot.runtime.maintain()  # the upkeep job
        (renewed,) = bot.push.stored()
        assert renewed.id == first.id and microsoft.standin.calls_to("subscriptions.update")
        assert renewed.expires > datetime.now(UTC) + timedelta(days=2)
        # Graph drops a subscription whose deliveries keep failing: renewing gets 404.
        microsoft.port.unsubscribe(bot.push.subscriptions()[0])
        expire_soon(bot.push)
        bot.runtime.maintain()
        (replaced,) = bot.push.stored()
        assert replaced.id != first.id
        assert len(microsoft.standin.calls_to("subscriptions.create")) == 2


def test_push_is_off_without_a_public_url_or_with_caldav(google):
    settings = Settings.from_env({}, dotenv=None, require_slack=False)
    assert CalendarPush.for_settings(settings, google.port, uow=None) is None  # type: ignore[arg-type]
    with_url = Settings.from_env(
        {"LOOPBOT_PUBLIC_URL": "https://loopbot.example.com/"}, dotenv=None, require_slack=False
    )
    push = CalendarPush.for_settings(with_url, google.port, uow=None)  # type: ignore[arg-type]
    assert push is not None and push.address == "https://loopbot.example.com/calendar/google"

    class Elsewhere:
        name = "caldav"

    assert CalendarPush.for_settings(with_url, Elsewhere(), uow=None) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("provider", ["google", "microsoft"])
def test_a_provider_failing_leaves_push_closed_and_the_next_upkeep_opens_it(
    provider, request, tmp_path
):
    calendar: Provider = request.getfixturevalue(provider)
    route = "events.watch" if provider == "google" else "subscriptions.create"
    calendar.standin.fail_next(route, 403, reason="forbidden", times=1)
    with served(calendar, tmp_path) as bot:
        bot.push.keep_open()  # logged, not raised
        assert bot.push.stored() == []
        bot.push.keep_open()
        assert len(bot.push.stored()) == 1
