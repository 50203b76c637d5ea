"""Transports for the calendar and mail ports, and the payloads that go with them.

Rows:
- `calendar.put`    payload `{"event": calendar_event_payload(event)}` -> `port.put_event`;
  result `{"key", "provider_id", "video_url"}` (an `after_sent` hook may copy it elsewhere);
- `calendar.cancel` payload `{"calendar": ..., "event_key": ...}` -> `port.cancel_event`;
- `mail.send`       payload `mail_payload(key, message)` -> `port.send`; the message carries a
  Message-ID derived from the outbox key, so a re-send after a crash is recognisable.

Both ports are idempotent or recognisable by key, so an in-doubt row is simply sent again.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from bot.calendars.port import (
    Attendee,
    CalendarPort,
    CalendarRefused,
    CalendarUnavailable,
    Event,
)
from bot.mail.port import MailPort, MailRefused, MailUnavailable
from bot.outbox.transport import GiveUp, OutboxCall, RetryLater, Transport
from storage.models import OutboxMessage
from storage.uow import UnitOfWork

AfterSent = Callable[[UnitOfWork, OutboxMessage, dict], None]


def calendar_event_payload(event: Event) -> dict[str, Any]:
    def person(attendee: Attendee | None) -> dict | None:
        return None if attendee is None else {"email": attendee.email, "name": attendee.name}

    return {
        "key": event.key,
        "calendar": event.calendar,
        "title": event.title,
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "description": event.description,
        "organizer": person(event.organizer),
        "attendees": [person(a) for a in event.attendees],
        "video_url": event.video_url,
        "sequence": event.sequence,
        "tentative": event.tentative,
    }


def calendar_event(payload: dict[str, Any]) -> Event:
    def person(raw: dict | None) -> Attendee | None:
        return None if raw is None else Attendee(raw["email"], raw.get("name", ""))

    return Event(
        key=payload["key"],
        calendar=payload["calendar"],
        title=payload["title"],
        start=datetime.fromisoformat(payload["start"]),
        end=datetime.fromisoformat(payload["end"]),
        description=payload.get("description", ""),
        organizer=person(payload.get("organizer")),
        attendees=tuple(person(a) for a in payload.get("attendees", [])),
        video_url=payload.get("video_url"),
        sequence=payload.get("sequence", 0),
        tentative=payload.get("tentative", False),
    )


class CalendarTransport(Transport):
    name = "calendar"

    def __init__(self, port: CalendarPort, *, after_put: AfterSent | None = None):
        self.port = port
        self.after_put = after_put

    def send(self, call: OutboxCall) -> dict[str, Any]:
        try:
            if call.method == "calendar.put":
                receipt = self.port.put_event(calendar_event(call.args["event"]))
                return {
                    "key": receipt.key,
                    "provider_id": receipt.provider_id,
                    "video_url": receipt.video_url,
                }
            if call.method == "calendar.cancel":
                self.port.cancel_event(call.args["calendar"], call.args["event_key"])
                return {}
        except CalendarUnavailable as error:
            raise RetryLater(f"{call.method}: {error}", retry_after=error.retry_after) from error
        except CalendarRefused as error:
            raise GiveUp(f"{call.method}: {error}") from error
        raise GiveUp(f"no such calendar call: {call.method}")

    def after_sent(self, uow: UnitOfWork, message: OutboxMessage, result: dict) -> None:
        if message.method == "calendar.put" and self.after_put is not None:
            self.after_put(uow, message, result)


def message_id_for(key: str, domain: str = "loopbot.invalid") -> str:
    """A Message-ID that is the same for every attempt of one outbox row."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def mail_payload(key: str, message: EmailMessage) -> dict[str, Any]:
    if message["Message-ID"] is None:
        sender = str(message.get("From", ""))
        domain = sender.rsplit("@", 1)[-1].strip(" >") if "@" in sender else "loopbot.invalid"
        message["Message-ID"] = message_id_for(key, domain)
    return {"message": message.as_string(policy=email.policy.SMTP)}


class MailTransport(Transport):
    name = "mail"

    def __init__(self, port: MailPort):
        self.port = port

    def send(self, call: OutboxCall) -> dict[str, Any]:
        message = email.message_from_string(call.args["message"], policy=email.policy.default)
        try:
            self.port.send(message)
        except MailUnavailable as error:
            raise RetryLater(f"mail.send: {error}") from error
        except MailRefused as error:
            raise GiveUp(f"mail.send: {error}") from error
        return {"message_id": str(message["Message-ID"])}
