"""Periods as people say them: `30d`, `8w`, `this quarter`, `last month`,
`2026-10-01..2026-11-30`. Whole days in the asker's zone; the last day named is included."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import InputError
from bot.insights.rows import Period, monday_of

DEFAULT_DAYS = 30
EXAMPLE = "30d, 8w, this quarter, last month or 2026-10-01..2026-11-30"
SPANS = ("week", "month", "quarter", "year")
_COUNT = re.compile(r"^(\d{1,4})\s*(d|days?|w|weeks?)$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|to|–|—)\s*(\d{4}-\d{2}-\d{2})$")
_RELATIVE = re.compile(rf"^(this|last)\s+({'|'.join(SPANS)})$")


def parse_period(text: str, now: datetime, zone: str = "UTC") -> Period:
    """Read a period; an empty text is the last 30 days. Raises InputError with an example."""
    today = now.astimezone(ZoneInfo(zone)).date()
    spoken = " ".join(text.lower().split())
    if not spoken:
        return days_until(today, DEFAULT_DAYS, zone)
    if match := _COUNT.match(spoken):
        count = int(match.group(1))
        days = count * (7 if match.group(2).startswith("w") else 1)
        if count == 0:
            raise InputError("period", "a period needs at least one day", EXAMPLE)
        return days_until(today, days, zone, label=f"last {days} days")
    if match := _RANGE.match(spoken):
        first, last = (_date(value) for value in match.groups())
        if last < first:
            raise InputError("period", "the period ends before it starts", EXAMPLE)
        return dates(first, last, zone)
    if match := _RELATIVE.match(spoken):
        which, span = match.groups()
        first = _span_start(today, span)
        if which == "last":
            first = _span_start(first - timedelta(days=1), span)
        following = _span_start(_span_end_hint(first, span), span)
        return _period(first, following, zone, f"{which} {span} ({_span_name(first, span)})")
    raise InputError("period", f"can't read {text.strip()!r} as a period", EXAMPLE)


def is_period(text: str) -> bool:
    """Whether `text` has the shape of a period (it may still name an impossible date)."""
    spoken = " ".join(text.lower().split())
    return any(pattern.match(spoken) for pattern in (_COUNT, _RANGE, _RELATIVE))


def dates(first: date, last: date, zone: str = "UTC", label: str = "") -> Period:
    """From the start of `first` to the end of `last`, in `zone`."""
    return _period(first, last + timedelta(days=1), zone, label or f"{first} – {last}")


def days_until(last: date, days: int, zone: str = "UTC", label: str = "") -> Period:
    """The `days` days ending with `last` (included)."""
    first = last - timedelta(days=days - 1)
    return _period(first, last + timedelta(days=1), zone, label or f"last {days} days")


def _period(first: date, following: date, zone: str, label: str) -> Period:
    tz = ZoneInfo(zone)
    return Period(
        datetime.combine(first, time(), tzinfo=tz).astimezone(UTC),
        datetime.combine(following, time(), tzinfo=tz).astimezone(UTC),
        label=label,
        zone=zone,
    )


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError("period", f"{value} is not a date", EXAMPLE) from None


def _span_start(day: date, span: str) -> date:
    if span == "week":
        return monday_of(day)
    if span == "month":
        return day.replace(day=1)
    if span == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def _span_end_hint(first: date, span: str) -> date:
    """A day inside the span after the one starting at `first`."""
    return first + timedelta(days={"week": 7, "month": 32, "quarter": 95, "year": 370}[span])


def _span_name(first: date, span: str) -> str:
    if span == "week":
        return f"from {first:%-d %b}"
    if span == "month":
        return f"{first:%B %Y}"
    if span == "quarter":
        return f"Q{(first.month - 1) // 3 + 1} {first.year}"
    return str(first.year)
