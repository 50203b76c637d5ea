"""Self-scheduling: the times where the whole panel fits, computed by the planner on live
data (bookings, other proposals' holds, calendars' free/busy through the roster), offered in
the candidate's zone on working days, and checked again when the candidate picks one."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.loops.catalog import stage_template
from bot.loops.config import LoopConfig
from bot.loops.plan_requests import stage_request
from bot.planning.model import Interval, Plan
from bot.planning.planner import plan_stage
from storage.models import Loop, Stage
from storage.uow import UnitOfWork

# Parts of the candidate's day offered, in their own zone.
PARTS = ((time(9), time(13)), (time(13), time(18)))
DAYS_AHEAD = 14
MAX_OPTIONS = 6


@dataclass(frozen=True)
class Option:
    start: datetime
    end: datetime
    window_end: datetime  # the end of the part of the day it was found in

    @property
    def value(self) -> str:
        return self.start.isoformat()


def _windows(zone: str, now: datetime) -> list[Interval]:
    tz = ZoneInfo(zone)
    first = now.astimezone(tz).date() + timedelta(days=1)
    windows = []
    for offset in range(DAYS_AHEAD):
        day = first + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for start, end in PARTS:
            windows.append(
                Interval(
                    datetime.combine(day, start, tz).astimezone(ZoneInfo("UTC")),
                    datetime.combine(day, end, tz).astimezone(ZoneInfo("UTC")),
                )
            )
    return windows


def options(
    config: LoopConfig, uow: UnitOfWork, loop: Loop, stage: Stage, now: datetime
) -> list[Option]:
    """Up to MAX_OPTIONS times (one per part of a day) where the whole panel fits."""
    template = stage_template(config.templates, loop, stage.key)
    if template.kind != "meeting":
        return []
    zone = uow.loops.candidate(loop.candidate_id).tz
    base = stage_request(config, uow, loop, stage, template, [], now)
    found: list[Option] = []
    for window in _windows(zone, now):
        result = plan_stage(replace(base, availability=[window], alternative_days=0))
        if isinstance(result, Plan) and result.slots:
            found.append(_option(result, window.end))
            if len(found) == MAX_OPTIONS:
                break
    return found


def recheck(
    config: LoopConfig, uow: UnitOfWork, loop: Loop, stage: Stage, start: datetime, now: datetime
) -> Option | None:
    """The option starting at `start` if the whole panel still fits then, else None."""
    zone = uow.loops.candidate(loop.candidate_id).tz
    window = next((w for w in _windows(zone, now) if w.start <= start < w.end), None)
    if window is None:
        return None
    template = stage_template(config.templates, loop, stage.key)
    request = stage_request(config, uow, loop, stage, template, [Interval(start, window.end)], now)
    result = plan_stage(replace(request, alternative_days=0))
    if not isinstance(result, Plan) or not result.slots:
        return None
    option = _option(result, window.end)
    return option if option.start == start else None


def _option(plan: Plan, window_end: datetime) -> Option:
    return Option(min(s.start for s in plan.slots), max(s.end for s in plan.slots), window_end)
