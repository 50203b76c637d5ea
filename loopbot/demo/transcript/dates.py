"""Slack date tokens (``<!date^epoch^template|fallback>``) as a reader in a zone sees them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

_ORDINALS = {1: "st", 2: "nd", 3: "rd"}


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else _ORDINALS.get(day % 10, "th")
    return f"{day}{suffix}"


def _relative_day(when: datetime, now: datetime) -> str | None:
    delta = (when.date() - now.astimezone(when.tzinfo).date()).days
    return {-1: "yesterday", 0: "today", 1: "tomorrow"}.get(delta)


def _ago(when: datetime, now: datetime) -> str:
    seconds = int((now - when).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            phrase = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {phrase}" if future else f"{phrase} ago"
    return "just now"


def _date_token_part(token: str, when: datetime, now: datetime) -> str | None:
    short = f"{when:%b} {when.day}, {when.year}"
    full = f"{when:%B} {_ordinal(when.day)}, {when.year}"
    long = f"{when:%A}, {full}"
    relative = _relative_day(when, now)
    parts: dict[str, Callable[[], str]] = {
        "date_num": lambda: f"{when:%Y-%m-%d}",
        "date": lambda: full,
        "date_short": lambda: short,
        "date_long": lambda: long,
        "date_pretty": lambda: relative or full,
        "date_short_pretty": lambda: relative or short,
        "date_long_pretty": lambda: relative or long,
        # 24-hour clock: the transcript is read by developers, not localised per person.
        "time": lambda: f"{when:%H:%M}",
        "time_secs": lambda: f"{when:%H:%M:%S}",
        "ago": lambda: _ago(when, now),
    }
    render = parts.get(token)
    return render() if render else None


def format_date_token(
    epoch: int, template: str, reader_tz: str, now: datetime | None = None
) -> str:
    """Render a Slack ``<!date^epoch^template|…>`` template in ``reader_tz``."""
    when = datetime.fromtimestamp(epoch, tz=ZoneInfo(reader_tz))
    now = now or datetime.now(UTC)

    def replace(match: re.Match[str]) -> str:
        rendered = _date_token_part(match.group(1), when, now)
        return match.group(0) if rendered is None else rendered

    return re.sub(r"\{(\w+)\}", replace, template)
