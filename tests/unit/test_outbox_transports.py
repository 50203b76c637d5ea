"""The outbox's transport registry, the calendar and mail transports, and dead letters shown
to the loop's recruiter: a real SQLite database, transports that answer as told."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from sqlmodel import select

from bot.calendars.port import CalendarRefused, CalendarUnavailable, Event, EventReceipt
from bot.clock import ManualClock
from bot.mail.port import MailRefused, MailUnavailable
from bot.outbox import (
    GiveUp,
    MaybeSent,
    OutboxSender,
    RetryLater,
    Transport,
    Transports,
    enqueue,
)
from bot.outbox.ports import (
    CalendarTransport,
    MailTransport,
    calendar_event_payload,
    mail_payload,
    message_id_for,
)
from storage.db import make_engine, upgrade
from storage.models import Candidate, Interviewer, Loop, OutboxMessage
from storage.uow import UnitOfWorkFactory

START = datetime(2031, 5, 5, 9, 0, tzinfo=UTC)


class Scripted(Transport):
    """Answers each send with the next scripted outcome (an exception or a result)."""

    name = "scripted"

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.sent: list[tuple[str, dict]] = []
        self.looked: list[str] = []

    def send(self, call):
        self.sent.append((call.method, call.args))
        outcome = self.outcomes.pop(0) if self.outcomes else {"ok": True}
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


class Remembering(Scripted):
    def __init__(self, *outcomes):
        super().__init__(*outcomes)
        self.landed: dict[str, dict] = {}

    def find_sent(self, call):
        self.looked.append(call.key)
        return self.landed.get(call.key)


@pytest.fixture
def uow(tmp_path) -> Iterator[UnitOfWorkFactory]:
    engine = make_engine(f"sqlite:///{tmp_path / 'outbox.db'}")
    upgrade(engine)
    yield UnitOfWorkFactory(engine)
    engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def sender_with(uow, clock, transports: dict[str, Transport]) -> OutboxSender:
    registry = Transports()
    for prefix, transport in transports.items():
        registry.register(prefix, transport)
    return OutboxSender(uow, registry, clock=clock)


def queue(uow, key, method, loop_id=None, **payload):
    with uow() as work:
        enqueue(work, key, method, loop_id=loop_id, **payload)
        work.commit()


def row(uow, key) -> OutboxMessage:
    with uow() as work:
        return work.session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one()


def make_due(uow, clock):
    with uow() as work:
        for message in work.session.exec(select(OutboxMessage)):
            message.next_attempt_at = clock.now() - timedelta(seconds=1)
            work.session.add(message)
        work.commit()


# --- the registry -----------------------------------------------------------------------


def test_the_longest_prefix_wins_and_results_are_recorded(uow, clock):
    everything, mail = Scripted({"a": 1}), Scripted({"message_id": "<x@y>"})
    sender = OutboxSender(uow, Transports(), clock=clock)
    sender.register("", everything)
    sender.register("mail.", mail)
    queue(uow, "slack", "chat.postMessage", channel="C1", text="hi")
    queue(uow, "mail", "mail.send", message="...")
    assert sender.drain_once() == 2
    assert [m for m, _ in everything.sent] == ["chat.postMessage"]
    assert [m for m, _ in mail.sent] == ["mail.send"]
    assert row(uow, "mail").result == {"message_id": "<x@y>"}
    assert row(uow, "slack").status == "sent"


def test_a_row_nobody_can_send_waits_rather_than_dies(uow, clock):
    sender = sender_with(uow, clock, {"calendar.": Scripted()})
    queue(uow, "m", "mail.send", message="...")
    assert sender.drain_once() == 0
    waiting = row(uow, "m")
    assert waiting.status == "pending" and "no transport for mail.send" in waiting.last_error


def test_retry_later_keeps_the_row_and_honours_retry_after(uow, clock):
    sender = sender_with(uow, clock, {"calendar.": Scripted(RetryLater("busy", retry_after=90))})
    queue(uow, "c", "calendar.put", event={})
    sender.drain_once()
    pending = row(uow, "c")
    assert pending.status == "pending" and pending.in_doubt_since is None
    assert pending.next_attempt_at >= clock.now() + timedelta(seconds=90)


def test_maybe_sent_is_looked_for_before_sending_again(uow, clock):
    transport = Remembering(MaybeSent("timed out"))
    sender = sender_with(uow, clock, {"mail.": transport})
    queue(uow, "m", "mail.send", message="...")
    sender.drain_once()
    assert row(uow, "m").in_doubt_since == START
    transport.landed["m"] = {"found": True}
    make_due(uow, clock)
    sender.drain_once()
    assert transport.looked == ["m"] and len(transport.sent) == 1
    assert row(uow, "m").status == "sent" and row(uow, "m").result == {"found": True}


def test_a_transport_without_find_sent_sends_again(uow, clock):
    transport = Scripted(MaybeSent("timed out"))
    sender = sender_with(uow, clock, {"calendar.": transport})
    queue(uow, "c", "calendar.put", event={})
    sender.drain_once()
    make_due(uow, clock)
    sender.drain_once()
    assert len(transport.sent) == 2 and row(uow, "c").status == "sent"


def test_a_bug_in_a_transport_keeps_the_row_in_doubt(uow, clock):
    sender = sender_with(uow, clock, {"mail.": Scripted(KeyError("event"))})
    queue(uow, "m", "mail.send", message="...")
    sender.drain_once()
    kept = row(uow, "m")
    assert kept.status == "pending" and kept.in_doubt_since is not None
    assert "KeyError" in kept.last_error


# --- dead letters ---------------------------------------------------------------------------


def a_loop(uow) -> int:
    with uow() as work:
        recruiter = work.interviewers.add(
            Interviewer(slack_user_id="U0REC", name="Rita Recruiter", roles=["recruiter"])
        )
        candidate = work.loops.add_candidate(
            Candidate(name="Ada Lovelace", email="ada@example.com", tz="UTC")
        )
        loop = work.loops.add(
            Loop(
                candidate_id=candidate.id,
                track="ic",
                level="L4",
                team="payments",
                recruiter_id=recruiter.id,
                hiring_manager_id=recruiter.id,
                created_by="U0REC",
            )
        )
        work.commit()
        return loop.id


def test_a_dead_letter_is_shown_to_the_loops_recruiter_once(uow, clock):
    loop_id = a_loop(uow)
    slack = Scripted(GiveUp("chat.postMessage: not_in_channel"))
    sender = sender_with(uow, clock, {"": slack})
    queue(uow, "thread", "chat.postMessage", loop_id=loop_id, channel="C1", text="x")
    sender.drain_once()
    assert row(uow, "thread").status == "dead"
    [(method, notice)] = slack.sent[1:]
    assert method == "chat.postMessage" and notice["channel"] == "U0REC"
    assert "Ada Lovelace" in notice["text"] and "not_in_channel" in notice["text"]
    assert "loopbot outbox retry" in notice["text"]
    # Retried by an operator and refused again: the notice is not sent a second time.
    with uow() as work:
        message = work.session.exec(
            select(OutboxMessage).where(OutboxMessage.key == "thread")
        ).one()
        message.status = "pending"
        work.session.add(message)
        work.commit()
    slack.outcomes = [GiveUp("chat.postMessage: not_in_channel")]
    make_due(uow, clock)
    sender.drain_once()
    assert len(slack.sent) == 3


def test_a_dead_notice_about_no_loop_tells_nobody(uow, clock):
    slack = Scripted(GiveUp("chat.postMessage: channel_not_found"))
    sender = sender_with(uow, clock, {"": slack})
    queue(uow, "x", "chat.postMessage", channel="C1", text="x")
    sender.drain_once()
    assert len(slack.sent) == 1


# --- the calendar and mail transports ------------------------------------------------------


class Calendar:
    name = "test"

    def __init__(self, *failures):
        self.failures = list(failures)
        self.events: dict[str, Event] = {}
        self.cancelled: list[tuple[str, str]] = []

    def put_event(self, event):
        if self.failures:
            raise self.failures.pop(0)
        self.events[event.key] = event
        return EventReceipt(event.key, f"provider-{event.key}", "https://meet.example/x")

    def cancel_event(self, calendar, key):
        self.cancelled.append((calendar, key))


EVENT = Event(
    key="loopbot-interview-7",
    calendar="ada@example.com",
    title="Coding interview",
    start=START,
    end=START + timedelta(hours=1),
)


def test_calendar_put_round_trips_the_event_and_records_the_receipt(uow, clock):
    calendar = Calendar(CalendarUnavailable("503", retry_after=30), CalendarRefused("no such"))
    copied = []
    transport = CalendarTransport(calendar, after_put=lambda uow, m, r: copied.append(r))
    sender = sender_with(uow, clock, {"calendar.": transport})
    queue(uow, "put", "calendar.put", event=calendar_event_payload(EVENT))
    sender.drain_once()
    assert row(uow, "put").next_attempt_at >= clock.now() + timedelta(seconds=30)
    make_due(uow, clock)
    sender.drain_once()
    assert row(uow, "put").status == "dead" and "no such" in row(uow, "put").last_error

    queue(uow, "put2", "calendar.put", event=calendar_event_payload(EVENT))
    sender.drain_once()
    assert calendar.events["loopbot-interview-7"] == EVENT
    assert row(uow, "put2").result["provider_id"] == "provider-loopbot-interview-7"
    assert copied == [row(uow, "put2").result]

    queue(uow, "cancel", "calendar.cancel", calendar="ada@example.com", event_key=EVENT.key)
    sender.drain_once()
    assert calendar.cancelled == [("ada@example.com", EVENT.key)]


class Mailbox:
    def __init__(self, *failures):
        self.failures = list(failures)
        self.received: list[EmailMessage] = []

    def send(self, message):
        if self.failures:
            raise self.failures.pop(0)
        self.received.append(message)


def test_mail_carries_a_message_id_stable_per_outbox_key(uow, clock):
    mailbox = Mailbox(MailUnavailable("421 try later"))
    sender = sender_with(uow, clock, {"mail.": MailTransport(mailbox)})
    message = EmailMessage()
    message["From"] = "loopbot <loopbot@example.com>"
    message["To"] = "ada@example.com"
    message["Subject"] = "Your interviews"
    message.set_content("Hello")
    queue(uow, "mail:1", "mail.send", **mail_payload("mail:1", message))
    sender.drain_once()
    assert mailbox.received == [] and row(uow, "mail:1").status == "pending"
    make_due(uow, clock)
    sender.drain_once()
    [received] = mailbox.received
    assert received["Message-ID"] == message_id_for("mail:1", "example.com")
    assert row(uow, "mail:1").result == {"message_id": message_id_for("mail:1", "example.com")}
    parsed = email.message_from_string(
        mail_payload("mail:1", message)["message"], policy=email.policy.default
    )
    assert parsed["Message-ID"] == received["Message-ID"]  # the same on every attempt

    refused = Mailbox(MailRefused("550 no such user"))
    sender = sender_with(uow, clock, {"mail.": MailTransport(refused)})
    queue(uow, "mail:2", "mail.send", **mail_payload("mail:2", message))
    sender.drain_once()
    assert row(uow, "mail:2").status == "dead"
