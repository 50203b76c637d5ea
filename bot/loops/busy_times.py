"""People's own calendars in plans: what blocks them (meetings, out of office, days off) as
the planner takes it, and the re-check at Confirm."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime, timedelta

from bot.calendars.busy import Person
from bot.loops.config import LoopConfig
from bot.loops.lookups import as_datetime
from bot.planning.model import BusyTime
from bot.planning.panel_search import PanelSearch
from bot.planning.plan_request import PlanRequest
from storage.uow import UnitOfWork

# Plans may offer another day up to `alternative_days` ahead: read calendars that far.
SLACK = timedelta(days=1)


def calendar_of(person) -> str | None:
    """The roster's `calendar`, else the person's email."""
    return person.calendar or person.email


def people(config: LoopConfig, uow: UnitOfWork, ids: Collection[int]) -> dict[int, Person]:
    found = {}
    for pid in ids:
        row = uow.interviewers.get(pid)
        found[pid] = Person(calendar_of(row), row.tz or config.default_tz, row.country)
    return found


def busy_times(
    config: LoopConfig, uow: UnitOfWork, ids: Collection[int], start: datetime, end: datetime
) -> tuple[list[BusyTime], dict[int, str]]:
    """What blocks these people between `start` and `end` besides loopbot's own bookings and
    holds (whose events on their calendars are left out), and whose calendar was unreadable."""
    by_person, unreadable = config.busy.lookup(people(config, uow, ids), start, end)
    own = uow.calendar_events.own_spans(ids, start, end) if config.busy.remote else set()
    times = [
        BusyTime(pid, b.start, b.end)
        for pid, blocks in by_person.items()
        for b in blocks
        if (pid, b.start, b.end) not in own
    ]
    return times, unreadable


def with_busy(config: LoopConfig, uow: UnitOfWork, request: PlanRequest) -> PlanRequest:
    """`request` with the busy time of everyone who may sit on its seats, over the window
    its plan and its other-day alternatives may use."""
    if request.stage.kind != "meeting":
        return request
    search = PanelSearch(request)
    ids = {person.id for seated in search.seat_people.values() for person, _ in seated}
    if not ids:
        return request
    start = request.not_before
    ends = [window.end for window in request.availability]
    end = max([*ends, start + timedelta(days=request.alternative_days)]) + SLACK
    times, unreadable = busy_times(config, uow, ids, start, end)
    return replace(request, busy=times, unreadable=unreadable)


def first_clash(config: LoopConfig, uow: UnitOfWork, slots: list[dict]) -> int | None:
    """The index of the first slot whose person's calendar is busy then (read afresh)."""
    if not slots:
        return None
    ids = {s["interviewer_id"] for s in slots}
    start = min(as_datetime(s["start"]) for s in slots)
    end = max(as_datetime(s["end"]) for s in slots)
    times, _ = busy_times(config, uow, ids, start, end)
    for index, slot in enumerate(slots):
        s_start, s_end = as_datetime(slot["start"]), as_datetime(slot["end"])
        if any(
            t.interviewer_id == slot["interviewer_id"] and t.start < s_end and s_start < t.end
            for t in times
        ):
            return index
    return None
