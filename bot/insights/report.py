"""Every figure for one period and one team, pool or the whole organisation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.insights.changes import ChangeCount, changes
from bot.insights.flow import (
    StagePassage,
    StageTiming,
    funnel,
    pass_through,
    time_in_stage,
    time_to_schedule,
)
from bot.insights.people import Turnaround, WeekLoad, feedback_turnaround, weekly_load
from bot.insights.rows import Dataset, Period, Scope


@dataclass(frozen=True)
class Insights:
    period: Period
    scope: Scope
    loops_started: int
    time_to_schedule: tuple[StageTiming, ...]
    time_in_stage: tuple[StageTiming, ...]
    pass_through: tuple[StagePassage, ...]  # per stage and level
    feedback: tuple[Turnaround, ...]
    load: tuple[WeekLoad, ...]
    changes: tuple[ChangeCount, ...]
    track_titles: Mapping[str, str] = field(default_factory=dict)  # e.g. ic → Backend engineer

    @property
    def funnel(self) -> tuple[StagePassage, ...]:
        return funnel(self.pass_through)

    def track_title(self, track: str) -> str:
        return self.track_titles.get(track, track)


def compute(
    data: Dataset,
    period: Period,
    scope: Scope,
    now: datetime,
    overdue_after: timedelta = timedelta(hours=48),
    track_titles: Mapping[str, str] | None = None,
) -> Insights:
    """`overdue_after` is how late feedback may come before it counts as overdue (the
    recruiter's escalation, LOOPBOT_FEEDBACK_ESCALATION_HOURS)."""
    scoped = data.within(scope)
    return Insights(
        period=period,
        scope=scope,
        loops_started=sum(loop.started_at in period for loop in scoped.loops),
        time_to_schedule=time_to_schedule(scoped, period),
        time_in_stage=time_in_stage(scoped, period),
        pass_through=pass_through(scoped, period),
        feedback=feedback_turnaround(scoped, period, now, overdue_after),
        load=weekly_load(scoped, period, scope),
        changes=changes(scoped, period),
        track_titles=dict(track_titles or {}),
    )
