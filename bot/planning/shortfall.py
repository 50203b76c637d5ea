"""When no full panel fits: what was missing, seat by seat and window by window, and the
nearest alternative on another day."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.planning.model import Alternative, Interval, Shortage

if TYPE_CHECKING:
    from bot.planning.panel_search import PanelSearch


def _candidate_days(
    search: PanelSearch, windows: Sequence[Interval]
) -> list[tuple[date, time, time]]:
    """Each (local day, start, end) piece of the candidate's windows."""
    pieces = []
    for window in windows:
        start = window.start.astimezone(search.zone)
        end = window.end.astimezone(search.zone)
        day = start.date()
        while day <= end.date():
            piece_start = start.time() if day == start.date() else time(0)
            piece_end = end.time() if day == end.date() else time.max
            if piece_end > piece_start:
                pieces.append((day, piece_start, piece_end))
            day += timedelta(days=1)
    return pieces


def another_day(search: PanelSearch) -> Alternative | None:
    """The nearest weekday outside the candidate's availability with a full panel.

    The candidate's own hours of day are reused on that day, so the question to ask them
    is only "could you do Wednesday instead?".
    """
    request, zone = search.request, search.zone
    pieces = _candidate_days(search, search.availability)
    if not pieces:
        return None
    hours = sorted({(s, e) for _, s, e in pieces})
    given = sorted({day for day, _, _ in pieces})
    first = search.earliest.astimezone(zone).date()
    days = [first + timedelta(days=n) for n in range(request.alternative_days + 1)]
    days = [d for d in days if d not in given and d.weekday() < 5]
    days.sort(key=lambda d: (min(abs((d - g).days) for g in given), d))
    for day in days:
        windows = []
        for start, end in hours:
            local_end = (
                datetime.combine(day, end, zone)
                if end != time.max
                else datetime.combine(day + timedelta(days=1), time(0), zone)
            )
            window_start = datetime.combine(day, start, zone).astimezone(UTC)
            window_end = local_end.astimezone(UTC)
            if window_end > window_start:
                windows.append(Interval(window_start, window_end))
        plan = search.find_plan(windows, request.relax_cap, request.allow_repeat)
        if plan is not None:
            span = Interval(plan.slots[0].start, plan.slots[-1].end)
            return Alternative(
                "another_day",
                plan,
                f"Outside the candidate's availability: {search.describe(span)}; "
                "ask the candidate before booking.",
            )
    return None


def shortages(search: PanelSearch) -> list[Shortage]:
    request = search.request
    stage = search.stage
    windows = search.day_windows()
    if not windows:
        return [
            Shortage(
                "panel",
                "*",
                None,
                "all of the candidate's availability is in the past or inside "
                f"the {duration(request.min_notice)} minimum notice",
            )
        ]
    found: list[Shortage] = []
    for seat in stage.seats:
        label = " or ".join(seat.roles)
        people = search.seat_people[seat.key]
        if seat.min == 0:
            continue
        if not people:
            teams = ", ".join(sorted(request.teams)) or "any team"
            found.append(
                Shortage(
                    seat.role,
                    seat.interview_type,
                    None,
                    f"nobody on {teams} is a {label} trained for {seat.interview_type}",
                )
            )
            continue
        length = timedelta(minutes=seat.minutes) + search.block_extra
        for window in windows:
            free = free_people(search, seat, people, window, length)
            if free < seat.min:
                some = f"only {free} of {seat.min} " if free else "no "
                found.append(
                    Shortage(
                        seat.role,
                        seat.interview_type,
                        window,
                        f"{some}{label} free for {seat.interview_type} on "
                        f"{search.describe(window)}",
                    )
                )
    if not found:
        lo, _ = stage.panel_bounds()
        shortest = min(
            (search.blocks(v) for v in search.count_vectors()),
            key=lambda b: b[-1].offset + b[-1].length,
        )
        needed = shortest[-1].offset + shortest[-1].length
        for window in windows:
            if window.end - window.start < needed:
                found.append(
                    Shortage(
                        "panel",
                        "*",
                        window,
                        f"{search.describe(window)} is shorter than the {duration(needed)} "
                        f"the {lo}-interview panel needs",
                    )
                )
    if not found:
        found.append(
            Shortage(
                "panel",
                "*",
                None,
                "everyone needed is free at some point, but never back-to-back in one block "
                "on one day of the candidate's availability",
            )
        )
    return found


def free_people(search: PanelSearch, seat, people, window: Interval, length: timedelta) -> int:
    """How many of `people` could take `seat` at some start in `window`, counted up to the
    seat's minimum (all a shortage needs to say). Each person's free spans are matched
    against the sorted starts, so the cost grows with people, not people × starts."""
    starts = list(search.starts([window], length))
    if not starts:
        return 0
    request, calendar = search.request, search.calendar
    free = 0
    for person, _ in people:
        if free >= seat.min:
            break
        if search.is_repeat(seat, person.id) and not request.allow_repeat:
            continue
        for span_start, span_end in calendar.free_spans(person.id, starts[0], starts[-1] + length):
            first = starts[bisect_left(starts, span_start)] if span_start <= starts[-1] else None
            # Within one span (one local day, so one week) the cap reads the same throughout.
            if (
                first is not None
                and first + length <= span_end
                and (request.relax_cap or not calendar.over_cap(person.id, first))
            ):
                free += 1
                break
    return free


def duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours}h {minutes:02d}m"
    return f"{hours}h" if hours else f"{minutes} min"
