"""Whether anyone who may take a seat is free for a block at all: a per-seat, per-day index
of everyone's free spans, so a start at which nobody is free fails in one look-up instead of
one check per person (a seat of 500 directors booked solid, tried at a thousand starts).
A day's index is built only once a seat has come up empty on that day: where the first start
tried finds people, building it would cost more than it saves.

Being free is a hard rule (the soft rules only narrow the choice further), so when the index
says nobody is free the search loses nothing by skipping the start."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from bot.planning.free_busy import FreeBusy

DAY = timedelta(days=1)


class SeatCover:
    def __init__(self, calendar: FreeBusy) -> None:
        self.calendar = calendar
        # (seat key, UTC day) → span starts (sorted) and the latest end among spans so far.
        self._index: dict[tuple[str, date], tuple[list[datetime], list[datetime]]] = {}
        self._empty: set[tuple[str, date]] = set()  # a seat found nobody there once

    def came_up_empty(self, seat: str, start: datetime) -> None:
        self._empty.add((seat, start.date()))

    def anyone_free(self, seat: str, people: Sequence[int], start: datetime, end: datetime) -> bool:
        """Could someone in `people` (the seat's eligible people) have a free span holding
        [start, end)? True without looking until the seat came up empty that day."""
        if (seat, start.date()) not in self._empty:
            return True
        starts, reach = self._spans(seat, people, start.date())
        index = bisect_right(starts, start) - 1
        return index >= 0 and reach[index] >= end

    def _spans(self, seat: str, people: Sequence[int], day: date):
        key = (seat, day)
        found = self._index.get(key)
        if found is None:
            # A span holding a start on this UTC day overlaps the day.
            low = datetime.combine(day, time(0), UTC)
            spans = sorted(
                span for pid in people for span in self.calendar.free_spans(pid, low, low + DAY)
            )
            starts, reach, furthest = [], [], None
            for span_start, span_end in spans:
                furthest = span_end if furthest is None else max(furthest, span_end)
                starts.append(span_start)
                reach.append(furthest)
            found = self._index[key] = (starts, reach)
        return found
