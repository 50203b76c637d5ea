"""When each interviewer is free, in UTC: their working hours on each local day minus their
bookings and what their own calendar shows busy (meetings, out of office, days off), and how
many interviews they already have each week and each of their days (bookings only: a meeting
is not an interview).

Bookings are firm: a booked person is never offered for that time. Holds are tentative (another
proposal is waiting for its Confirm), so they are kept beside the free time rather than cut out
of it: the planner asks about them separately, avoids them when it can and says so when it
cannot. Both count toward the weekly cap, bookings firmly and holds tentatively.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.planning.model import Booking, BusyTime, Hold, Interval, Interviewer

Week = tuple[int, int]  # ISO year and week, in the interviewer's own zone


class FreeBusy:
    def __init__(
        self,
        roster: Sequence[Interviewer],
        bookings: Sequence[Booking],
        holds: Sequence[Hold],
        busy_times: Sequence[BusyTime] = (),
    ) -> None:
        self.people = {person.id: person for person in roster}
        self.zones = {person.id: ZoneInfo(person.tz) for person in roster}
        # (zone, instant) → its local day and week: people share a handful of zones, so the
        # search asks the same conversion thousands of times for each start it tries.
        self._local: dict[tuple[ZoneInfo, datetime], tuple[date, Week]] = {}
        # Only people with bookings, busy time or holds get entries: the roster may be
        # thousands.
        busy: dict[int, list[tuple[datetime, datetime]]] = {}
        self.weekly: Counter[tuple[int, Week]] = Counter()
        self.daily: Counter[tuple[int, date]] = Counter()
        for booking in bookings:
            pid = booking.interviewer_id
            if pid in self.people:
                start, end = booking.start.astimezone(UTC), booking.end.astimezone(UTC)
                busy.setdefault(pid, []).append((start, end))
                self.weekly[pid, self.week_of(pid, start)] += 1
                self.daily[pid, self.day_of(pid, start)] += 1
        for taken in busy_times:
            if taken.interviewer_id in self.people:
                busy.setdefault(taken.interviewer_id, []).append(
                    (taken.start.astimezone(UTC), taken.end.astimezone(UTC))
                )
        self.busy = {pid: sorted(spans) for pid, spans in busy.items()}
        self.holds: dict[int, list[Hold]] = {}
        self.held_weekly: Counter[tuple[int, Week]] = Counter()
        self.held_daily: Counter[tuple[int, date]] = Counter()
        for hold in holds:
            pid = hold.interviewer_id
            if pid in self.people:
                self.holds.setdefault(pid, []).append(hold)
                self.held_weekly[pid, self.week_of(pid, hold.start)] += 1
                self.held_daily[pid, self.day_of(pid, hold.start)] += 1
        self._free: dict[tuple[int, date], tuple[list[datetime], list[datetime]]] = {}

    def local(self, pid: int, when: datetime) -> tuple[date, Week]:
        key = (self.zones[pid], when)
        found = self._local.get(key)
        if found is None:
            day = when.astimezone(key[0]).date()
            year, week, _ = day.isocalendar()
            found = self._local[key] = (day, (year, week))
        return found

    def week_of(self, pid: int, when: datetime) -> Week:
        return self.local(pid, when)[1]

    def day_of(self, pid: int, when: datetime) -> date:
        """The person's own local day: a daily cap counts their day, not the candidate's."""
        return self.local(pid, when)[0]

    def _free_on(self, pid: int, day: date) -> tuple[list[datetime], list[datetime]]:
        """The person's free spans on one local working day, as sorted starts and ends."""
        key = (pid, day)
        if key not in self._free:
            person, zone = self.people[pid], self.zones[pid]
            starts: list[datetime] = []
            ends: list[datetime] = []
            if day.weekday() in person.work_days:
                cursor = datetime.combine(day, person.work_start, zone).astimezone(UTC)
                close = datetime.combine(day, person.work_end, zone).astimezone(UTC)
                for b_start, b_end in self.busy.get(pid, ()):
                    if b_end <= cursor or b_start >= close:
                        continue
                    if b_start > cursor:
                        starts.append(cursor)
                        ends.append(b_start)
                    cursor = max(cursor, b_end)
                if cursor < close:
                    starts.append(cursor)
                    ends.append(close)
            self._free[key] = (starts, ends)
        return self._free[key]

    def is_free(self, pid: int, start: datetime, end: datetime) -> bool:
        """Inside working hours and clear of every booking (holds aside)."""
        starts, ends = self._free_on(pid, self.local(pid, start)[0])
        index = bisect_right(starts, start) - 1
        return index >= 0 and ends[index] >= end

    def free_spans(
        self, pid: int, start: datetime, end: datetime
    ) -> list[tuple[datetime, datetime]]:
        """The person's free spans (working hours minus bookings, each inside one of their
        local days) that overlap [start, end), earliest first."""
        zone = self.zones[pid]
        day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
        spans = []
        while day <= last:
            starts, ends = self._free_on(pid, day)
            spans += [(s, e) for s, e in zip(starts, ends, strict=True) if s < end and start < e]
            day += timedelta(days=1)
        return spans

    def holds_over(self, pid: int, start: datetime, end: datetime) -> list[Hold]:
        return [h for h in self.holds.get(pid, ()) if h.start < end and start < h.end]

    def week_count(self, pid: int, when: datetime) -> int:
        return self.weekly[pid, self.week_of(pid, when)]

    def day_count(self, pid: int, when: datetime) -> int:
        return self.daily[pid, self.day_of(pid, when)]

    def over_daily_cap(self, pid: int, when: datetime) -> bool:
        cap = self.people[pid].daily_cap
        return cap is not None and self.day_count(pid, when) >= cap

    def over_weekly_cap(self, pid: int, when: datetime) -> bool:
        return self.week_count(pid, when) >= self.people[pid].weekly_cap

    def over_cap(self, pid: int, when: datetime) -> bool:
        """At or over the weekly or the daily cap with booked interviews alone."""
        return self.over_weekly_cap(pid, when) or self.over_daily_cap(pid, when)

    def over_cap_when_held(self, pid: int, when: datetime) -> bool:
        """At or over a cap once the interviews others hold are confirmed too."""
        person = self.people[pid]
        held = self.held_weekly[pid, self.week_of(pid, when)]
        if self.week_count(pid, when) + held >= person.weekly_cap:
            return True
        held_today = self.held_daily[pid, self.day_of(pid, when)]
        return person.daily_cap is not None and (
            self.day_count(pid, when) + held_today >= person.daily_cap
        )


def merge_intervals(intervals: Sequence[Interval]) -> list[Interval]:
    spans = sorted((iv.start.astimezone(UTC), iv.end.astimezone(UTC)) for iv in intervals)
    merged: list[list[datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Interval(start, end) for start, end in merged]
