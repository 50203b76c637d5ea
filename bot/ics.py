"""iCalendar (RFC 5545) invites for booked interviews — pure text, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Invite:
    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str
    organizer_email: str | None = None
    attendee_email: str | None = None
    sequence: int = 0
    cancelled: bool = False


def _stamp(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: an invite needs an aware time")
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a bare CR would end the line
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets are folded with a leading space (RFC 5545 §3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return [line]
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return [parts[0]] + [" " + p for p in parts[1:]]


def render_invite(invite: Invite, now: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//loopbot//interview loops//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if invite.cancelled else 'REQUEST'}",
        "BEGIN:VEVENT",
        f"UID:{invite.uid}",
        f"SEQUENCE:{invite.sequence}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(invite.start)}",
        f"DTEND:{_stamp(invite.end)}",
        f"SUMMARY:{_escape(invite.summary)}",
        f"DESCRIPTION:{_escape(invite.description)}",
        f"STATUS:{'CANCELLED' if invite.cancelled else 'CONFIRMED'}",
    ]
    if invite.organizer_email:
        lines.append(f"ORGANIZER:mailto:{invite.organizer_email}")
    if invite.attendee_email:
        lines.append(f"ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:{invite.attendee_email}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"
