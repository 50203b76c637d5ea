"""render_invite produces valid RFC 5545 text: CRLF, folding at 75 octets, escaping, UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest

from bot.ics import Invite, render_invite

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
START = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("America/New_York"))  # 14:00 UTC


def invite(**changes) -> Invite:
    fields = dict(
        uid="loopbot-interview-7@loopbot",
        start=START,
        end=START + timedelta(minutes=45),
        summary="Coding interview: Ada Lovelace",
        description="Pair on a small problem.",
    )
    fields.update(changes)
    return Invite(**fields)


def lines_of(text: str) -> list[str]:
    """Physical lines, checking CRLF on the way."""
    assert text.endswith("\r\n")
    body = text[:-2]
    assert "\n" not in body.replace("\r\n", ""), "a bare LF"
    assert "\r" not in body.replace("\r\n", ""), "a bare CR"
    return body.split("\r\n")


def unfold(text: str) -> dict[str, str]:
    """Content lines by name (RFC 5545 §3.1: CRLF + one space/tab continues a line)."""
    logical = text.replace("\r\n ", "").replace("\r\n\t", "")
    result: dict[str, str] = {}
    for line in logical.split("\r\n"):
        if line:
            name, _, value = line.partition(":")
            result.setdefault(name, value)
    return result


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_structure_and_crlf():
    text = render_invite(invite(), NOW)
    lines = lines_of(text)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 1 and lines.count("END:VEVENT") == 1
    assert lines.index("BEGIN:VEVENT") < lines.index("END:VEVENT")
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    for line in lines:
        assert re.match(r"^[A-Z-]+[;:]", line) or line.startswith(" "), line


def test_times_are_utc_basic_format():
    fields = unfold(render_invite(invite(), NOW))
    assert fields["DTSTART"] == "20261124T140000Z"
    assert fields["DTEND"] == "20261124T144500Z"
    assert fields["DTSTAMP"] == "20261120T120000Z"


def test_non_utc_offsets_are_converted():
    start = datetime(2026, 3, 29, 10, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    fields = unfold(render_invite(invite(start=start, end=start + timedelta(hours=1)), NOW))
    assert (fields["DTSTART"], fields["DTEND"]) == ("20260329T043000Z", "20260329T053000Z")


def test_naive_datetimes_are_refused():
    naive = datetime(2026, 11, 24, 14, 0)
    with pytest.raises(ValueError):
        render_invite(invite(start=naive, end=naive + timedelta(hours=1)), NOW)


def test_request_and_cancel():
    confirmed = unfold(render_invite(invite(sequence=0), NOW))
    assert confirmed["METHOD"] == "REQUEST"
    assert confirmed["STATUS"] == "CONFIRMED"
    assert confirmed["SEQUENCE"] == "0"
    cancelled = unfold(render_invite(invite(cancelled=True, sequence=2), NOW))
    assert cancelled["METHOD"] == "CANCEL"
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["SEQUENCE"] == "2"
    assert cancelled["UID"] == confirmed["UID"] == "loopbot-interview-7@loopbot"


def test_organizer_and_attendee_only_when_known():
    bare = render_invite(invite(), NOW)
    assert "ORGANIZER" not in bare and "ATTENDEE" not in bare
    full = unfold(
        render_invite(
            invite(organizer_email="rec@example.com", attendee_email="ada@example.com"), NOW
        )
    )
    assert full["ORGANIZER"] == "mailto:rec@example.com"
    assert full["ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE"] == "mailto:ada@example.com"


def test_text_is_escaped():
    summary = r"Design; scale, and C:\temp"
    description = "Line one\nLine two; with, commas\\backslash"
    text = render_invite(invite(summary=summary, description=description), NOW)
    fields = unfold(text)
    assert fields["SUMMARY"] == r"Design\; scale\, and C:\\temp"
    assert fields["DESCRIPTION"] == r"Line one\nLine two\; with\, commas\\backslash"
    assert unescape(fields["SUMMARY"]) == summary
    assert unescape(fields["DESCRIPTION"]) == description
    lines_of(text)  # no raw newline leaked


def test_carriage_returns_are_escaped_too():
    text = render_invite(invite(description="Line one\r\nLine two\rthree"), NOW)
    lines_of(text)
    assert unescape(unfold(text)["DESCRIPTION"]) == "Line one\nLine two\nthree"


@pytest.mark.parametrize(
    "summary",
    [
        "A" * 200,
        "Entretien : système distribué — café ☕ " * 6,
        "面接" * 60,
        "🙂" * 40,
        "x" * 66 + "é" * 10,  # a two-byte character straddling octet 75
    ],
)
def test_long_lines_fold_at_75_octets_without_splitting_characters(summary):
    text = render_invite(invite(summary=summary, description=summary), NOW)
    lines = lines_of(text)
    for line in lines:
        encoded = line.encode("utf-8")  # would raise if a character had been cut in two
        assert len(encoded) <= 75, (len(encoded), line)
    folded = [line for line in lines if line.startswith(" ")]
    assert folded, "a long line was not folded"
    assert unescape(unfold(text)["SUMMARY"]) == summary
    assert unescape(unfold(text)["DESCRIPTION"]) == summary


def test_a_line_that_fits_is_not_folded():
    summary = "S" * 60
    lines = lines_of(render_invite(invite(summary=summary), NOW))
    assert f"SUMMARY:{summary}" in lines


def parsed_event(text: str) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")
    return event


def test_a_standard_parser_reads_it_back():
    text = render_invite(
        invite(
            organizer_email="loopbot@example.com",
            organizer_name="loopbot",
            attendee_email="chen@example.com",
            attendee_name="Chen, Wei",
            video_url="https://zoom.example.com/j/loopbot-interview-7",
        ),
        NOW,
    )
    event = parsed_event(text)
    assert event.start == START and event.end == START + timedelta(minutes=45)
    assert str(event["UID"]) == "loopbot-interview-7@loopbot"
    assert str(event["ORGANIZER"]) == "mailto:loopbot@example.com"
    assert event["ORGANIZER"].params["CN"] == "loopbot"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:chen@example.com"
    assert attendee.params["CN"] == "Chen, Wei"
    assert attendee.params["RSVP"] == "TRUE"
    assert (
        str(event["LOCATION"])
        == str(event["URL"])
        == ("https://zoom.example.com/j/loopbot-interview-7")
    )


def test_the_builder_adds_nothing_of_its_own():
    """Only the caller's fields reach the event: no accommodations, notes or any other text
    sneak in, so what a calendar may not hold stays with the caller."""
    bare = parsed_event(render_invite(invite(), NOW))
    assert set(bare) == {
        "UID", "SEQUENCE", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "STATUS"
    }  # fmt: skip
    assert str(bare["SUMMARY"]) == "Coding interview: Ada Lovelace"
    assert str(bare["DESCRIPTION"]) == "Pair on a small problem."
    full = parsed_event(
        render_invite(
            invite(
                organizer_email="o@example.com",
                attendee_email="a@example.com",
                video_url="https://v.example.com/1",
            ),
            NOW,
        )
    )
    assert set(full) - set(bare) == {"ORGANIZER", "ATTENDEE", "LOCATION", "URL"}
    calendar = icalendar.Calendar.from_ical(render_invite(invite(), NOW))
    assert set(calendar) == {"PRODID", "VERSION", "CALSCALE", "METHOD"}
    assert [c.name for c in calendar.subcomponents] == ["VEVENT"]


def test_a_change_keeps_the_uid_and_raises_the_sequence():
    first = parsed_event(render_invite(invite(), NOW))
    moved = parsed_event(
        render_invite(invite(start=START + timedelta(days=1), sequence=1), NOW + timedelta(hours=1))
    )
    withdrawn = parsed_event(render_invite(invite(sequence=2, cancelled=True), NOW))
    assert str(first["UID"]) == str(moved["UID"]) == str(withdrawn["UID"])
    assert first["SEQUENCE"] < moved["SEQUENCE"] < withdrawn["SEQUENCE"]
    assert moved.start == START + timedelta(days=1)
    assert withdrawn["STATUS"] == "CANCELLED"
