"""What a plan that relaxes a rule says about it: one sentence per person and rule, naming who
and why (the repeat rule, the weekly cap, another proposal's held time)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from bot.planning.templates import SeatTemplate

if TYPE_CHECKING:
    from bot.planning.costs import Option
    from bot.planning.panel_search import PanelSearch


def _listed(items: list[str] | tuple[str, ...]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _kind(seat: SeatTemplate) -> str:
    return seat.interview_type.replace("_", "-")


def slot_warnings(
    search: PanelSearch,
    seat: SeatTemplate,
    option: Option,
    start: datetime,
    end: datetime,
    panel: frozenset[int],
) -> Iterator[str]:
    """One sentence per rule that putting `option` on this seat relaxes."""
    person = option.person
    calendar = search.calendar
    unread = search.request.unreadable.get(person.id)
    if unread is not None:
        yield (
            f"{person.name} may be busy then: couldn't read their calendar ({unread}), "
            "so this slot is planned on their working hours only"
        )
    if option.over and calendar.over_weekly_cap(person.id, start):
        count = calendar.week_count(person.id, start)
        week = start.astimezone(calendar.zones[person.id]).isocalendar()
        yield (
            f"{person.name} goes over their weekly cap: interview {count + 1} of "
            f"{person.weekly_cap} allowed in week {week[1]} of {week[0]}"
        )
    elif option.over:
        count = calendar.day_count(person.id, start)
        day = calendar.day_of(person.id, start)
        yield (
            f"{person.name} goes over their daily cap: interview {count + 1} of "
            f"{person.daily_cap} allowed on {day:%a %d %b} (their day)"
        )
    if option.repeat:
        stages = _listed(search.request.earlier_panels.get(person.id, ()))
        yield (
            f"{person.name} also sat on {stages or 'an earlier panel of this loop'}: "
            f"{_why_repeat(search, seat, person.id, start, end, panel)}"
        )
    if option.holds:
        labels = sorted({hold.held_for for hold in option.holds if hold.held_for})
        what = f"another proposal ({'; '.join(labels)})" if labels else "another proposal"
        yield (
            f"{person.name} is held then for {what}: no panel fits without taking held time, "
            "so that proposal needs a new time if this one is confirmed"
        )
    elif option.held_cap:
        held_today = calendar.held_daily[person.id, calendar.day_of(person.id, start)]
        daily = person.daily_cap is not None and (
            calendar.day_count(person.id, start) + held_today >= person.daily_cap
        )
        which = (
            f"daily cap of {person.daily_cap}" if daily else f"weekly cap of {person.weekly_cap}"
        )
        yield (
            f"{person.name} reaches their {which} if the interviews "
            "other proposals hold for them are confirmed: no panel fits without them"
        )


def _why_repeat(
    search: PanelSearch,
    seat: SeatTemplate,
    pid: int,
    start: datetime,
    end: datetime,
    panel: frozenset[int],
) -> str:
    """Why nobody new could take this seat (the plan has as few repeats as any can)."""
    qualified = [person for person, _ in search.seat_people[seat.key] if person.id != pid]
    teams = ", ".join(sorted(search.request.teams)) or "the roster"
    if not qualified:
        return f"no one else on {teams} can run a {_kind(seat)} interview"
    others = [person for person in qualified if not search.is_repeat(seat, person.id)]
    if not others:
        return (
            f"everyone else on {teams} who can run a {_kind(seat)} interview has sat on "
            "this loop already"
        )
    meeting = search.stage.kind == "meeting"
    away = [p for p in others if p.id not in panel]
    free = [p for p in away if not meeting or search.calendar.is_free(p.id, start, end)]
    if free:
        reason = (
            f"every other qualified {_kind(seat)} interviewer free then is at their weekly cap"
            if meeting
            else f"every other qualified {_kind(seat)} reviewer is at their weekly cap"
        )
    else:
        reason = f"no other qualified {_kind(seat)} interviewer is free then"
    seated = [p.name for p in others if p.id in panel]
    if seated:
        verb = "is" if len(seated) == 1 else "are"
        reason += f" ({_listed(seated)} {verb} on another seat of this panel)"
    return reason
