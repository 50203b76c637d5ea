"""Candidate availability as people type it, turned into UTC intervals.

Parts are separated by commas, semicolons, newlines or " and ". Each part is one day and a
time range, optionally followed by a zone::

    Tue 2pm-6pm, Thu after 10am PT
    next Monday 9-12 Europe/Berlin
    Nov 24 1pm-5pm; tomorrow 9am-noon
    2026-11-24T09:00/2026-11-24T12:00Z

Reading rules (each one a decision, so it is written down):

* A part without a zone takes the zone of the nearest later part that names one ("Tue 2-6pm,
  Thu after 10am PT" is all Pacific time), else ``default_tz``.
* A weekday means the next such day on or after today in that zone; "next Monday" means the
  first Monday strictly after today.
* A month-and-day without a year is this year's, unless that is more than 30 days ago, in which
  case it is next year's ("Jan 5" typed in December).
* Bare hours are on the 24-hour clock ("9-12", "13:00-17:00"), except that a bare hour from 1
  to 6 is refused as ambiguous ("9-5" could mean 09:00-17:00 or nothing sensible) unless it is
  written with a leading zero ("05:00"). In a range where one end has am/pm, the other end
  takes the same half of the day when that makes a forward range, else the other half
  ("2-6pm" is 14:00-18:00, "11-1pm" is 11:00-13:00).
* "after T" runs to ``day_end`` (default 18:00), "before T" from ``day_start`` (09:00); a day
  on its own means ``day_start``-``day_end``.
* Numeric dates with slashes (11/12) are refused: day-first or month-first can't be told apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta, weekday

from bot.planning.model import Interval

ZONE_ABBREVIATIONS = {
    "PT": "America/Los_Angeles",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "MT": "America/Denver",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "CT": "America/Chicago",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "ET": "America/New_York",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "AKT": "America/Anchorage",
    "HST": "Pacific/Honolulu",
    "GMT": "UTC",
    "UTC": "UTC",
    "Z": "UTC",
    "WET": "Europe/Lisbon",
    "BST": "Europe/London",
    "UK": "Europe/London",
    "CET": "Europe/Berlin",
    "CEST": "Europe/Berlin",
    "EET": "Europe/Helsinki",
    "EEST": "Europe/Helsinki",
    "MSK": "Europe/Moscow",
    "IST": "Asia/Kolkata",
    "SGT": "Asia/Singapore",
    "HKT": "Asia/Hong_Kong",
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "ACST": "Australia/Adelaide",
    "AWST": "Australia/Perth",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
    "BRT": "America/Sao_Paulo",
}

WEEKDAY_NAMES = {
    "mon": 0, "monday": 0,
    "tue": 1, "tues": 1, "tuesday": 1,
    "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}  # fmt: skip

MONTHS = (
    "jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|"
    "sep|sept|september|oct|october|nov|november|dec|december"
)

# Words that may end a part without being a zone.
PLAIN_WORDS = {
    "am", "pm", "noon", "midnight", "day", "today", "tomorrow", "morning", "afternoon",
    "evening", "after", "before", "to", "all",
} | set(WEEKDAY_NAMES)  # fmt: skip

EXAMPLE_RANGE = "Tue 2pm-6pm"
EXAMPLE_ZONE = "Thu after 10am PT"
EXAMPLE_DATE = "Nov 24 1pm-5pm"
EXAMPLE_ISO = "2026-11-24T09:00/2026-11-24T12:00"


class AvailabilityError(ValueError):
    """One part of the text could not be read; says which, why and what would work."""

    def __init__(self, fragment: str, message: str, example: str) -> None:
        self.fragment = fragment
        self.message = message
        self.example = example
        super().__init__(f'"{fragment}": {message} (for example "{example}")')


@dataclass(frozen=True)
class _Part:
    text: str
    body: str
    zone_name: str | None


_SPLIT = re.compile(r"[,;\n]|\s+and\s+", re.IGNORECASE)
_ISO_RANGE = re.compile(
    r"^(\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)\s*/\s*"
    r"(\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?|\d{1,2}:\d{2})$",
    re.IGNORECASE,
)
_ZONE_TAIL = re.compile(r"(?:^|\s)([A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+|[A-Za-z]{1,5})$")
_TIME = r"(?:(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?|a|p)?|(noon|midnight))"
_RANGE = re.compile(rf"^(?:from\s+)?{_TIME}\s*(?:-|–|—|to|until|till)\s*{_TIME}$")
_AFTER = re.compile(rf"^(?:after|from)\s+{_TIME}$")
_BEFORE = re.compile(rf"^(?:before|until|till)\s+{_TIME}$")
_NAMED_RANGES = {
    "": None,
    "all day": None,
    "any time": None,
    "morning": (time(9), time(12)),
    "afternoon": (time(12), time(18)),
}
_DATE_PATTERNS = (
    ("relative", re.compile(r"^(today|tomorrow)\b")),
    ("next_weekday", re.compile(r"^next\s+([a-z]+)\b")),
    ("iso_date", re.compile(r"^(\d{4}-\d{2}-\d{2})\b")),
    ("slash_date", re.compile(r"^(\d{1,2}/\d{1,2}(?:/\d{2,4})?)\b")),
    ("month_day", re.compile(rf"^((?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:\s+\d{{4}})?)\b")),
    ("day_month", re.compile(rf"^(\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\.?(?:\s+\d{{4}})?)\b")),
    ("weekday", re.compile(r"^(?:on\s+)?([a-z]+)\b")),
)


def parse_availability(
    text: str,
    default_tz: str,
    now: datetime,
    *,
    day_start: time = time(9),
    day_end: time = time(18),
) -> list[Interval]:
    """Read free-form availability; UTC intervals, sorted and merged. Raises AvailabilityError."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    _zone(default_tz, default_tz)
    parts = _split(text)
    if not parts:
        raise AvailabilityError(text.strip(), "no availability given", EXAMPLE_RANGE)
    inherited = default_tz
    zoned: list[tuple[_Part, str]] = []
    # Walk backwards so a zone named at the end of the message covers the zone-less parts
    # before it.
    for part in reversed(parts):
        if part.zone_name is not None:
            inherited = part.zone_name
        zoned.append((part, part.zone_name or inherited))
    intervals = [
        _read_part(part, zone_name, now, day_start, day_end) for part, zone_name in reversed(zoned)
    ]
    return _merge(intervals)


def _split(text: str) -> list[_Part]:
    pieces = [piece.strip() for piece in _SPLIT.split(text)]
    joined: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        # "Nov 24, 2026 1pm-5pm": a part starting with a year belongs to the previous part.
        if joined and re.match(r"^\d{4}\b(?!-)", piece):
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return [_zone_off(piece) for piece in joined]


def _zone(name: str, fragment: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise AvailabilityError(
            fragment,
            f"unknown time zone {name!r}; use a name like Europe/Berlin or PT",
            EXAMPLE_ZONE,
        ) from None


def _zone_off(piece: str) -> _Part:
    """Split a trailing zone (IANA name or abbreviation) off a part."""
    if _ISO_RANGE.match(piece):
        return _Part(piece, piece, None)
    match = _ZONE_TAIL.search(piece)
    if match is None:
        return _Part(piece, piece, None)
    token = match.group(1)
    body = piece[: match.start(1)].strip()
    if "/" in token:
        _zone(token, piece)
        return _Part(piece, body, token)
    if token.upper() in ZONE_ABBREVIATIONS and token.lower() not in PLAIN_WORDS:
        return _Part(piece, body, ZONE_ABBREVIATIONS[token.upper()])
    if token.isupper() and len(token) >= 2 and token.lower() not in PLAIN_WORDS:
        raise AvailabilityError(
            piece,
            f"unknown time zone {token!r}; use a name like Europe/Berlin or PT",
            EXAMPLE_ZONE,
        )
    return _Part(piece, piece, None)


def _read_part(
    part: _Part, zone_name: str, now: datetime, day_start: time, day_end: time
) -> Interval:
    zone = _zone(zone_name, part.text)
    iso = _ISO_RANGE.match(part.body)
    if iso:
        start, end = _iso_range(part, iso, zone)
    else:
        body = re.sub(r"\s+", " ", part.body.lower()).strip()
        day, rest = _read_day(part, body, now.astimezone(zone).date())
        first, last = _read_times(part, rest.strip(), day_start, day_end)
        start = datetime.combine(day, first, zone)
        # An end of midnight is the end of that day.
        end_day = day + timedelta(days=1) if last == time(0) else day
        end = datetime.combine(end_day, last, zone)
    if end <= start:
        raise AvailabilityError(part.text, "the range ends before it starts", EXAMPLE_RANGE)
    if end <= now:
        raise AvailabilityError(part.text, "that time is already past", EXAMPLE_DATE)
    return Interval(start.astimezone(UTC), end.astimezone(UTC))


def _iso_range(part: _Part, match: re.Match[str], zone: ZoneInfo) -> tuple[datetime, datetime]:
    def read(text: str) -> datetime:
        value = datetime.fromisoformat(text.replace("z", "Z").replace(" ", "T"))
        return value if value.tzinfo else value.replace(tzinfo=zone)

    try:
        start = read(match.group(1))
        end_text = match.group(2)
        if re.fullmatch(r"\d{1,2}:\d{2}", end_text):
            hour, minute = (int(v) for v in end_text.split(":"))
            end = start.replace(hour=hour, minute=minute)
        else:
            end = read(end_text)
    except ValueError:
        raise AvailabilityError(part.text, "not a valid ISO date-time range", EXAMPLE_ISO) from None
    return start, end


def _read_day(part: _Part, body: str, today: date) -> tuple[date, str]:
    for kind, pattern in _DATE_PATTERNS:
        match = pattern.match(body)
        if not match:
            continue
        rest = body[match.end() :]
        word = match.group(1)
        if kind == "relative":
            return today + timedelta(days=0 if word == "today" else 1), rest
        if kind == "iso_date":
            try:
                return date.fromisoformat(word), rest
            except ValueError:
                raise AvailabilityError(part.text, f"no such date {word}", EXAMPLE_DATE) from None
        if kind == "slash_date":
            raise AvailabilityError(
                part.text,
                f"{word} could be day/month or month/day; write the month's name",
                EXAMPLE_DATE,
            )
        if kind in ("month_day", "day_month"):
            return _month_day(part, word, today), rest
        if word in WEEKDAY_NAMES:
            target = weekday(WEEKDAY_NAMES[word])
            if kind == "next_weekday":
                return today + relativedelta(days=1, weekday=target(+1)), rest
            return today + relativedelta(weekday=target(+1)), rest
    raise AvailabilityError(
        part.text, "which day? start with a weekday, a date, today or tomorrow", EXAMPLE_DATE
    )


def _month_day(part: _Part, word: str, today: date) -> date:
    has_year = re.search(r"\d{4}$", word) is not None
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", word)
    try:
        parsed = date_parser.parse(cleaned, default=datetime(today.year, 1, 1)).date()
    except (ValueError, OverflowError):
        raise AvailabilityError(part.text, f"no such date {word!r}", EXAMPLE_DATE) from None
    if not has_year and parsed < today - timedelta(days=30):
        parsed = parsed.replace(year=today.year + 1)
    return parsed


def _read_times(part: _Part, rest: str, day_start: time, day_end: time) -> tuple[time, time]:
    if rest in _NAMED_RANGES:
        return _NAMED_RANGES[rest] or (day_start, day_end)
    if match := _RANGE.match(rest):
        first = _clock(part, match.groups()[:4])
        last = _clock(part, match.groups()[4:])
        return _pair(part, first, last)
    if match := _AFTER.match(rest):
        return _single(part, match.groups()), day_end
    if match := _BEFORE.match(rest):
        return day_start, _single(part, match.groups())
    raise AvailabilityError(
        part.text,
        f"can't read the time {rest!r}; give a range like 2pm-6pm or after 10am",
        EXAMPLE_RANGE,
    )


@dataclass(frozen=True)
class _Clock:
    hour: int
    minute: int
    meridiem: str | None  # "am", "pm" or None for a bare hour
    padded: bool  # written with a leading zero, so clearly 24-hour

    def at(self, meridiem: str | None) -> time:
        hour = self.hour % 12 + (12 if meridiem == "pm" else 0) if meridiem else self.hour
        return time(hour % 24, self.minute)


def _clock(part: _Part, groups) -> _Clock:
    hour_text, minute_text, meridiem, word = groups
    if word == "noon":
        return _Clock(12, 0, "pm", True)
    if word == "midnight":
        return _Clock(0, 0, None, True)
    hour, minute = int(hour_text), int(minute_text or 0)
    side = meridiem[0] + "m" if meridiem else None
    if minute > 59 or hour > 24 or (side and not 1 <= hour <= 12):
        raise AvailabilityError(part.text, f"no such time {hour_text}:{minute:02d}", EXAMPLE_RANGE)
    return _Clock(hour % 24, minute, side, hour_text.startswith("0"))


def _unambiguous(part: _Part, clock: _Clock) -> time:
    if clock.meridiem is None and 1 <= clock.hour <= 6 and not clock.padded:
        raise AvailabilityError(
            part.text,
            f"is {clock.hour} in the morning or the afternoon? add am or pm",
            EXAMPLE_RANGE,
        )
    return clock.at(clock.meridiem)


def _single(part: _Part, groups) -> time:
    return _unambiguous(part, _clock(part, groups))


def _pair(part: _Part, first: _Clock, last: _Clock) -> tuple[time, time]:
    def forward(start: time, end: time) -> bool:
        return end == time(0) or start < end

    if first.meridiem and not last.meridiem and not last.padded:
        for side in (first.meridiem, "pm" if first.meridiem == "am" else "am"):
            if forward(first.at(first.meridiem), last.at(side)):
                return first.at(first.meridiem), last.at(side)
    if last.meridiem and not first.meridiem and not first.padded:
        for side in (last.meridiem, "pm" if last.meridiem == "am" else "am"):
            if forward(first.at(side), last.at(last.meridiem)):
                return first.at(side), last.at(last.meridiem)
    start, end = _unambiguous(part, first), _unambiguous(part, last)
    if not forward(start, end):
        raise AvailabilityError(part.text, "the range ends before it starts", EXAMPLE_RANGE)
    return start, end


def _merge(intervals: list[Interval]) -> list[Interval]:
    ordered = sorted(intervals, key=lambda iv: (iv.start, iv.end))
    merged: list[Interval] = []
    for interval in ordered:
        if merged and interval.start <= merged[-1].end:
            last = merged.pop()
            merged.append(Interval(last.start, max(last.end, interval.end)))
        else:
            merged.append(interval)
    return merged
