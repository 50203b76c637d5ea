"""Free/busy requests cut to a provider's documented limits, and what their answers can tell.

Both cloud providers cap a free/busy call: Google at 50 calendars (`calendarExpansionMax`),
Graph's getSchedule at 20 schedules over less than 42 days (62 in newer documentation; we keep to
the stricter figure). The adapters split a request into the fewest calls within those caps.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

T = TypeVar("T")

_DAY = timedelta(days=1)
# A whole local day is 23 to 25 hours long around a DST change.
_DST_SLACK = timedelta(hours=1)


def batches(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """`items` without duplicates, in order, `size` at a time."""
    unique = list(dict.fromkeys(items))
    for first in range(0, len(unique), size):
        yield unique[first : first + size]


def spans(
    start: datetime, end: datetime, longest: timedelta
) -> Iterator[tuple[datetime, datetime]]:
    """[start, end) cut into consecutive pieces no longer than `longest`."""
    cursor = start
    while cursor < end:
        piece_end = min(end, cursor + longest)
        yield cursor, piece_end
        cursor = piece_end


def covers_whole_days(start: datetime, end: datetime) -> bool:
    """True for a busy block that is one or more whole days long, give or take a DST hour.

    Free/busy answers carry intervals only, never "this was an all-day event": a block of whole
    days (an all-day event or an out-of-office day, which Google and Exchange both report from the
    owner's midnight to midnight) is the best sign there is. A meeting that runs exactly 24 hours
    would be taken for one, which blocks the same time anyway.
    """
    length = end - start
    if length < _DAY - _DST_SLACK:
        return False
    days = round(length / _DAY)
    return abs(length - days * _DAY) <= _DST_SLACK


def utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(
            f"naive datetime {moment.isoformat()}: the calendar port takes aware times"
        )
    return moment.astimezone(UTC)


def rfc3339(moment: datetime) -> str:
    """UTC with a Z, whole seconds: what both providers accept everywhere."""
    return utc(moment).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
