"""OutboxSender against a real FakeSlack and a real SQLite database, one drain at a time."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.clock import ManualClock
from bot.outbox import (
    OutboxSender,
    RetryLater,
    SlackTransport,
    Transports,
    attachment,
    enqueue,
    publish,
)
from bot.settings import Settings
from bot.slack_client import make_web_client
from loopbot.demo.fake_slack import FakeSlack
from storage.db import make_engine, upgrade
from storage.models import AuditEvent, OutboxMessage, SlackMessage
from storage.uow import UnitOfWorkFactory

# The wall clock's now: an in-doubt attempt is looked for in Slack's history around the time
# it started, and Slack (the fake too) stamps messages with the real time.
START = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(token="xoxb-outbox-test") as server:
        server.add_user("U0ADA", "Ada Lovelace", "ada@example.com", "Europe/London")
        server.add_channel("C0RECRUIT", "recruiting")
        yield server


def client_for(api_url: str, timeout: float = 10.0) -> WebClient:
    settings = Settings.from_env(
        {
            "SLACK_BOT_TOKEN": "xoxb-outbox-test",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": api_url,
            "LOOPBOT_SLACK_TIMEOUT_SECONDS": str(timeout),
        },
        dotenv=None,
    )
    return make_web_client(settings, retries=False)  # the outbox's own client


def slack_transports(api_url: str, timeout: float = 10.0) -> Transports:
    transports = Transports()
    transports.register("", SlackTransport(client_for(api_url, timeout)))
    return transports


@pytest.fixture
def uow(tmp_path) -> Iterator[UnitOfWorkFactory]:
    engine = make_engine(f"sqlite:///{tmp_path / 'outbox.db'}")
    upgrade(engine)
    yield UnitOfWorkFactory(engine)
    engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def sender(uow, fake, clock) -> OutboxSender:
    return OutboxSender(uow, slack_transports(fake.base_url), clock=clock)


def queue(uow: UnitOfWorkFactory, key: str, method: str = "chat.postMessage", **payload):
    with uow() as work:
        enqueue(work, key, method, **payload)
        work.commit()


def row(uow: UnitOfWorkFactory, key: str) -> OutboxMessage:
    with uow() as work:
        found = work.session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one()
    return found


def audit(uow: UnitOfWorkFactory) -> list[AuditEvent]:
    with uow() as work:
        return work.audit.events()


def make_due(uow: UnitOfWorkFactory, key: str, clock: ManualClock) -> None:
    with uow() as work:
        message = work.session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one()
        message.next_attempt_at = clock.now() - timedelta(seconds=1)
        work.session.add(message)
        work.commit()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --------------------------------------------------------------------------- sending


def test_a_queued_message_is_sent_once(uow, sender, fake, clock):
    queue(uow, "hello", channel="C0RECRUIT", text="Hello, recruiting")
    assert fake.calls_to("chat.postMessage") == []  # queuing alone never calls Slack

    assert sender.drain_once() == 1
    assert sender.drain_once() == 0

    [call] = fake.calls_to("chat.postMessage")
    assert call.params["channel"] == "C0RECRUIT"
    assert call.headers["authorization"] == "Bearer xoxb-outbox-test"
    assert [m["text"] for m in fake.messages("C0RECRUIT")] == ["Hello, recruiting"]
    sent = row(uow, "hello")
    assert (sent.status, sent.attempts, sent.sent_at) == ("sent", 1, clock.now())


def test_the_same_key_queued_twice_sends_once(uow, sender, fake):
    with uow() as work:  # a double click inside one action
        enqueue(work, "dm:1", "chat.postMessage", channel="U0ADA", text="first")
        enqueue(work, "dm:1", "chat.postMessage", channel="U0ADA", text="second")
        work.commit()
    queue(uow, "dm:1", channel="U0ADA", text="third")  # a Slack retry, later
    assert sender.drain_once() == 1
    queue(uow, "dm:1", channel="U0ADA", text="after it was sent")
    assert sender.drain_once() == 0

    assert [m["text"] for m in fake.messages("U0ADA")] == ["first"]
    with uow() as work:
        assert len(work.session.exec(select(OutboxMessage)).all()) == 1


def test_messages_go_out_in_queue_order(uow, sender, fake):
    for number in range(5):
        queue(uow, f"m{number}", channel="C0RECRUIT", text=f"message {number}")
    assert sender.drain_once() == 5
    assert [m["text"] for m in fake.messages("C0RECRUIT")] == [f"message {n}" for n in range(5)]


def test_an_uncommitted_enqueue_sends_nothing(uow, sender, fake):
    with uow() as work:
        enqueue(work, "rolled-back", "chat.postMessage", channel="C0RECRUIT", text="no")
    assert sender.drain_once() == 0
    assert fake.calls_to("chat.postMessage") == []


def test_thread_ref_and_update_ref_find_the_named_message(uow, sender, fake):
    queue(
        uow,
        "parent",
        channel="C0RECRUIT",
        text="Ada Lovelace — decision thread",
        ref="loop:1:thread",
    )
    with uow() as work:
        enqueue(
            work, "reply", "chat.postMessage", thread_ref="loop:1:thread", text="Feedback is in"
        )
        enqueue(
            work, "edit", "chat.update", update_ref="loop:1:thread", text="Ada Lovelace — hired"
        )
        work.commit()

    assert sender.drain_once() == 3

    parent_ts = fake.calls_to("chat.postMessage")[0].response["ts"]
    with uow() as work:
        remembered = work.outbox.message("loop:1:thread")
        assert (remembered.channel, remembered.ts) == ("C0RECRUIT", parent_ts)
    reply_call = fake.calls_to("chat.postMessage")[1]
    assert (reply_call.params["channel"], reply_call.params["thread_ts"]) == (
        "C0RECRUIT",
        parent_ts,
    )
    update_call = fake.calls_to("chat.update")[0]
    assert (update_call.params["channel"], update_call.params["ts"]) == ("C0RECRUIT", parent_ts)
    [parent] = fake.messages("C0RECRUIT")
    assert parent["text"] == "Ada Lovelace — hired"
    assert [r["text"] for r in parent["replies"]] == ["Feedback is in"]


def test_a_dm_ref_remembers_the_dm_channel_not_the_user(uow, sender, fake):
    queue(uow, "dm", channel="U0ADA", text="Your interview", ref="dm:ada")
    queue(uow, "dm-edit", "chat.update", update_ref="dm:ada", text="Your interview (moved)")
    assert sender.drain_once() == 2
    with uow() as work:
        assert work.outbox.message("dm:ada").channel == fake.dm_channel("U0ADA")
    assert [m["text"] for m in fake.messages("U0ADA")] == ["Your interview (moved)"]


def test_a_reply_queued_before_its_parent_waits_for_it(uow, sender, fake, clock):
    queue(uow, "early-reply", thread_ref="later-parent", text="reply")
    assert sender.drain_once() == 0
    waiting = row(uow, "early-reply")
    assert waiting.status == "pending" and waiting.attempts == 0
    assert waiting.next_attempt_at > clock.now()
    assert "waiting" in waiting.last_error
    assert fake.calls_to("chat.postMessage") == []

    queue(uow, "late-parent", channel="C0RECRUIT", text="parent", ref="later-parent")
    # Posting the parent makes the reply due at once: both go in this drain.
    assert sender.drain_once() == 2
    [parent] = fake.messages("C0RECRUIT")
    assert [r["text"] for r in parent["replies"]] == ["reply"]
    assert row(uow, "early-reply").status == "sent"


def test_a_clock_behind_the_wall_clock_still_sends(uow, fake):
    behind = OutboxSender(
        uow, slack_transports(fake.base_url), clock=ManualClock(datetime(2024, 1, 1, tzinfo=UTC))
    )
    queue(uow, "now", channel="C0RECRUIT", text="hello")
    assert behind.drain_once() == 1


# --------------------------------------------------------------------------- failures


def test_a_permanent_error_makes_a_dead_letter_and_audits_it(uow, sender, fake):
    queue(uow, "lost", channel="#no-such-channel", text="hello")
    assert sender.drain_once() == 1
    dead = row(uow, "lost")
    assert dead.status == "dead" and dead.dead_at is not None
    assert dead.attempts == 1
    assert "channel_not_found" in dead.last_error
    [event] = audit(uow)
    assert event.action == "outbox_dead_letter"
    assert event.actor == "loopbot"
    assert event.detail["key"] == "lost"
    assert "channel_not_found" in event.detail["error"]

    assert sender.drain_once() == 0  # never retried
    assert len(fake.calls_to("chat.postMessage")) == 1


def test_ok_false_transient_error_is_retried_not_dead(uow, sender, fake, clock):
    fake.fail_next("chat.postMessage", error="internal_error")  # HTTP 200, ok: false
    queue(uow, "flaky", channel="C0RECRUIT", text="hello")
    assert sender.drain_once() == 1
    assert row(uow, "flaky").status == "pending"
    assert row(uow, "flaky").in_doubt_since is None
    assert audit(uow) == []


@pytest.mark.parametrize("fault", [dict(status=503), dict(status=502), dict(retry_after=0)])
def test_an_unavailable_slack_is_retried_later_without_looking(uow, sender, fake, clock, fault):
    fake.fail_next("chat.postMessage", **fault)
    queue(uow, "burst", channel="C0RECRUIT", text="eventually")

    assert sender.drain_once() == 1
    assert len(fake.calls_to("chat.postMessage")) == 1  # one attempt is one request
    pending = row(uow, "burst")
    assert (pending.status, pending.attempts) == ("pending", 1)
    assert pending.next_attempt_at > clock.now()
    assert pending.in_doubt_since is None  # refused: it cannot have landed
    assert pending.last_error.startswith("chat.postMessage:")
    assert sender.drain_once() == 0  # not due yet: nothing is sent early

    make_due(uow, "burst", clock)
    assert sender.drain_once() == 1
    sent = row(uow, "burst")
    assert (sent.status, sent.attempts) == ("sent", 2)
    assert [m["text"] for m in fake.messages("C0RECRUIT")] == ["eventually"]
    assert fake.calls_to("conversations.history") == []
    assert audit(uow) == []


def test_retry_after_is_honoured(uow, sender, fake, clock):
    fake.fail_next("chat.postMessage", retry_after=120)
    queue(uow, "limited", channel="C0RECRUIT", text="x")
    sender.drain_once()
    assert row(uow, "limited").next_attempt_at >= clock.now() + timedelta(seconds=120)


def test_backoff_grows_is_capped_and_never_gives_up(uow, fake, clock):
    sender = OutboxSender(uow, slack_transports(fake.base_url), clock=clock, backoff_cap=60)
    queue(uow, "slow", channel="C0RECRUIT", text="x")
    delays = []
    for _ in range(40):  # the old sender gave up after 8
        fake.fail_next("chat.postMessage", status=503)
        make_due(uow, "slow", clock)
        sender.drain_once()
        delays.append((row(uow, "slow").next_attempt_at - clock.now()).total_seconds())
    assert delays[0] <= 1 < delays[3] <= 8 < delays[6]
    assert max(delays) <= 60 and min(delays[10:]) >= 30  # capped, with jitter
    assert (row(uow, "slow").status, row(uow, "slow").attempts) == ("pending", 40)
    make_due(uow, "slow", clock)
    sender.drain_once()
    assert row(uow, "slow").status == "sent"
    assert len(fake.messages("C0RECRUIT")) == 1


def test_a_connection_error_is_retried_not_dead(uow, fake, clock):
    down = OutboxSender(
        uow, slack_transports(f"http://127.0.0.1:{closed_port()}/api/"), clock=clock
    )
    queue(uow, "offline", channel="C0RECRUIT", text="when Slack is back")

    assert down.drain_once() == 1
    pending = row(uow, "offline")
    assert (pending.status, pending.attempts) == ("pending", 1)
    assert pending.next_attempt_at > clock.now()
    assert pending.in_doubt_since is None  # refused connections send nothing
    assert audit(uow) == []

    back = OutboxSender(uow, slack_transports(fake.base_url), clock=clock)
    clock.advance(timedelta(minutes=10))
    assert back.drain_once() == 1
    assert row(uow, "offline").status == "sent"
    assert [m["text"] for m in fake.messages("C0RECRUIT")] == ["when Slack is back"]


# --------------------------------------------------------------------------- at most once


def test_a_post_that_timed_out_but_landed_is_found_not_posted_again(uow, fake, clock):
    sender = OutboxSender(uow, slack_transports(fake.base_url, timeout=0.3), clock=clock)
    fake.set_latency("chat.postMessage", 1.0)  # Slack posts it, then answers too late
    queue(uow, "dm", channel="U0ADA", text="Your interview", ref="dm:ada")
    sender.drain_once()
    doubtful = row(uow, "dm")
    assert doubtful.status == "pending" and doubtful.in_doubt_since is not None
    assert len(fake.messages("U0ADA")) == 1

    fake.set_latency("chat.postMessage", 0)
    make_due(uow, "dm", clock)
    sender.drain_once()
    sent = row(uow, "dm")
    assert sent.status == "sent" and sent.result["found"] is True
    assert len(fake.calls_to("chat.postMessage")) == 1  # looked, found, never re-posted
    [history] = fake.calls_to("conversations.history")
    assert history.params["include_all_metadata"] in (True, "true", "1")
    [message] = fake.messages("U0ADA")
    assert message["metadata"]["event_payload"]["outbox_id"] == sent.id
    with uow() as work:  # the ref points at the message that landed
        assert work.outbox.message("dm:ada").ts == message["ts"]


def test_a_post_that_timed_out_and_did_not_land_is_sent(uow, fake, clock):
    sender = OutboxSender(uow, slack_transports(fake.base_url), clock=clock)
    queue(uow, "reply", channel="C0RECRUIT", text="x")
    with uow() as work:  # an attempt that never reached Slack, by a sender that then died
        message = work.session.exec(select(OutboxMessage)).one()
        message.status, message.attempts = "sending", 1
        message.attempt_started_at = clock.now() - timedelta(minutes=5)
        work.session.add(message)
        work.commit()
    assert sender.drain_once() == 1
    assert row(uow, "reply").status == "sent" and "found" not in row(uow, "reply").result
    assert len(fake.calls_to("conversations.history")) == 1
    assert len(fake.messages("C0RECRUIT")) == 1


def test_a_sender_killed_after_slack_posted_leaves_no_duplicate(uow, fake, clock):
    first = OutboxSender(uow, slack_transports(fake.base_url), clock=clock)
    queue(uow, "dm", channel="U0ADA", text="Only once", ref="dm:ada")
    queue(uow, "reply", thread_ref="dm:ada", text="and its reply")
    claimed = first._claim()
    assert claimed and row(uow, "dm").status == "sending"
    call, transport, _ = claimed
    transport.send(call)  # it landed; the process died before writing that down

    second = OutboxSender(uow, slack_transports(fake.base_url), clock=clock)
    assert second.drain_once() == 0  # too early to tell a slow call from a dead one
    clock.advance(timedelta(minutes=1))
    second.drain_once()
    assert row(uow, "dm").status == "sent" and row(uow, "reply").status == "sent"
    [message] = fake.messages("U0ADA")
    assert message["text"] == "Only once"
    assert [r["text"] for r in message["replies"]] == ["and its reply"]


def test_an_outcome_from_a_sender_that_lost_the_row_is_ignored(uow, fake, clock):
    old = OutboxSender(uow, slack_transports(fake.base_url), clock=clock)
    queue(uow, "m", channel="C0RECRUIT", text="x")
    call, transport, started = old._claim()
    clock.advance(timedelta(minutes=1))
    new = OutboxSender(uow, slack_transports(fake.base_url), clock=clock)
    new.drain_once()  # takes the stalled row over: looks, finds nothing, posts
    assert row(uow, "m").status == "sent"
    old._record_failure(call, started, RetryLater("late news"))
    assert row(uow, "m").status == "sent"  # the old sender's word does not count


def test_an_edit_of_a_deleted_message_posts_it_again_in_its_thread(uow, sender, fake):
    queue(uow, "root", channel="C0RECRUIT", text="root", ref="loop:1:root")
    queue(uow, "rollup", thread_ref="loop:1:root", text="rollup v1", ref="stage:1:rollup")
    sender.drain_once()
    root = fake.messages("C0RECRUIT")[0]
    rollup_ts = root["replies"][0]["ts"]
    fake.delete_message("C0RECRUIT", rollup_ts)  # someone deleted it by hand
    queue(uow, "edit", "chat.update", update_ref="stage:1:rollup", text="rollup v2")
    sender.drain_once()
    assert row(uow, "edit").status == "sent" and row(uow, "edit").result["reposted"]
    [root] = fake.messages("C0RECRUIT")
    assert [r["text"] for r in root["replies"]] == ["rollup v2"]
    with uow() as work:
        assert work.outbox.message("stage:1:rollup").ts == root["replies"][0]["ts"]


# --------------------------------------------------------------------------- composite


def test_dm_file_opens_the_dm_and_uploads_the_file(uow, sender, fake):
    content = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    queue(
        uow,
        "ics",
        "loopbot.dm_file",
        user="U0ADA",
        filename="interview-1.ics",
        title="Coding — Ada",
        content=content,
    )
    assert sender.drain_once() == 1

    [opened] = fake.calls_to("conversations.open")
    assert opened.params["users"] == "U0ADA"
    [completed] = fake.calls_to("files.completeUploadExternal")
    dm = fake.dm_channel("U0ADA")
    assert completed.params["channel_id"] == dm
    file_id = completed.params["files"][0]["id"]
    stored = fake.file(file_id)
    assert stored["content"] == content.encode()
    assert stored["name"] == "interview-1.ics"
    assert stored["title"] == "Coding — Ada"
    assert stored["channels"] == [dm]
    assert row(uow, "ics").status == "sent"


def test_dm_files_uploads_several_files_as_one_message_under_a_comment(uow, sender, fake):
    first, second = bytes(range(256)) * 3, b"\x89PNG\r\n\x1a\n" + bytes(40)
    queue(
        uow,
        "charts",
        "loopbot.dm_files",
        user="U0ADA",
        initial_comment="*Insights* for you",
        files=[
            attachment("a.png", "Chart A", first, alt_txt="bars"),
            attachment("b.png", "Chart B", second),
        ],
    )
    assert sender.drain_once() == 1

    dm = fake.dm_channel("U0ADA")
    [completed] = fake.calls_to("files.completeUploadExternal")
    assert completed.params["channel_id"] == dm
    ids = [entry["id"] for entry in completed.params["files"]]
    assert [fake.file(i)["content"] for i in ids] == [first, second]  # the bytes, untouched
    assert [fake.file(i)["title"] for i in ids] == ["Chart A", "Chart B"]
    assert [fake.file(i)["alt_txt"] for i in ids] == ["bars", None]
    [message] = fake.messages(dm)
    assert message["text"] == "*Insights* for you"
    assert [f["id"] for f in message["files"]] == ids
    assert row(uow, "charts").status == "sent"


def test_dm_file_to_an_unknown_person_fails_permanently(uow, sender, fake):
    queue(uow, "ics", "loopbot.dm_file", user="U0NOBODY", filename="x.ics", content="x")
    assert sender.drain_once() == 1
    dead = row(uow, "ics")
    assert dead.status == "dead" and "user_not_found" in dead.last_error
    assert fake.calls_to("files.completeUploadExternal") == []


def test_only_sent_rows_remember_a_ref(uow, sender, fake):
    queue(uow, "bad-parent", channel="#nowhere", text="x", ref="parent")
    sender.drain_once()
    with uow() as work:
        assert work.session.exec(select(SlackMessage)).all() == []


# --- publish: say what a named message should show; the outbox posts, edits or does nothing ---


def show(uow: UnitOfWorkFactory, text: str, ref: str = "loop:1:root") -> None:
    with uow() as work:
        publish(work, ref, channel="C0RECRUIT", text=text)
        work.commit()


def rows_for(uow: UnitOfWorkFactory, ref: str = "loop:1:root") -> list[OutboxMessage]:
    with uow() as work:
        return [
            m
            for m in work.session.exec(select(OutboxMessage).order_by(OutboxMessage.id))
            if ref in (m.ref, m.update_ref)
        ]


def test_publish_posts_first_then_edits_in_place(uow, sender, fake):
    show(uow, "first")
    sender.drain_once()
    show(uow, "second")
    sender.drain_once()
    assert [c.method for c in fake.calls] == ["chat.postMessage", "chat.update"]
    [message] = fake.messages("C0RECRUIT")
    assert message["text"] == "second"


def test_publish_of_what_the_message_already_shows_queues_nothing(uow, sender, fake):
    show(uow, "same")
    sender.drain_once()
    show(uow, "same")
    assert len(rows_for(uow)) == 1
    assert sender.drain_once() == 0


def test_unsent_edits_coalesce_into_one_call_with_the_newest_content(uow, sender, fake):
    show(uow, "v1")
    sender.drain_once()
    for text in ("v2", "v3", "v4"):
        show(uow, text)
    assert [m.method for m in rows_for(uow)] == ["chat.postMessage", "chat.update"]
    sender.drain_once()
    assert [c.method for c in fake.calls] == ["chat.postMessage", "chat.update"]
    assert fake.messages("C0RECRUIT")[0]["text"] == "v4"


def test_an_edit_that_changes_while_in_flight_is_sent_again(uow, sender, fake, monkeypatch):
    show(uow, "v1")
    sender.drain_once()
    show(uow, "v2")
    slack = sender.transports.for_method("chat.update")
    real_call = slack._call

    def call_then_edit(method, args):
        answer = real_call(method, args)
        show(uow, "v3")  # lands while v2 is on the wire
        return answer

    monkeypatch.setattr(slack, "_call", call_then_edit)
    sender.drain_once()
    monkeypatch.setattr(slack, "_call", real_call)
    sender.drain_once()
    assert fake.messages("C0RECRUIT")[0]["text"] == "v3"
    assert {m.status for m in rows_for(uow)} == {"sent"}
