"""Interview load, pure: how many interviews each person has in a week and on a day of their
own, the lines a proposal shows when a cap bites ("Chen is at 4 of 5 this week"), and a
team's load for this week and the next (/loop-load)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.planning.free_busy import FreeBusy
from bot.planning.model import Booking, Interviewer, Plan


def cap_notes(roster: Sequence[Interviewer], bookings: Sequence[Booking], plan: Plan) -> list[str]:
    """One line per panelist whom this plan brings to (or keeps at) a cap: their count with
    this interview, of the cap, this week or that day."""
    calendar = FreeBusy(roster, bookings, ())
    notes = []
    for slot in plan.slots:
        person = calendar.people.get(slot.interviewer_id)
        if person is None:
            continue
        week = calendar.week_count(person.id, slot.start) + 1
        if week >= person.weekly_cap:
            notes.append(f"{person.name} is at {week} of {person.weekly_cap} this week")
        if person.daily_cap is not None:
            day = calendar.day_count(person.id, slot.start) + 1
            if day >= person.daily_cap:
                notes.append(
                    f"{person.name} is at {day} of {person.daily_cap} on "
                    f"{calendar.day_of(person.id, slot.start):%a %d %b}"
                )
    return notes


@dataclass(frozen=True)
class PersonLoad:
    name: str
    slack_user_id: str
    this_week: int
    next_week: int
    weekly_cap: int
    busiest_day: int  # the most on one day this week
    daily_cap: int | None


def team_load(
    roster: Sequence[Interviewer],
    slack_ids: dict[int, str],
    bookings: Sequence[Booking],
    now: datetime,
) -> list[PersonLoad]:
    """Each person's interviews this week and next (weeks and days in their own zone),
    busiest first."""
    calendar = FreeBusy(roster, bookings, ())
    rows = []
    for person in roster:
        this_week = calendar.week_of(person.id, now)
        days = [
            count
            for (pid, day), count in calendar.daily.items()
            if pid == person.id and tuple(day.isocalendar()[:2]) == this_week
        ]
        rows.append(
            PersonLoad(
                person.name,
                slack_ids.get(person.id, ""),
                calendar.week_count(person.id, now),
                calendar.week_count(person.id, now + timedelta(days=7)),
                person.weekly_cap,
                max(days, default=0),
                person.daily_cap,
            )
        )
    return sorted(rows, key=lambda r: (-r.this_week / max(r.weekly_cap, 1), -r.next_week, r.name))
