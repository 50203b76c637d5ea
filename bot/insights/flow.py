"""How fast loops move and where they stop: time to schedule, time in stage, pass-through.

- *Time to schedule*: from the loop's start to each stage's first booking, for bookings made
  in the period (a stage re-planned later keeps its first booking time).
- *Time in stage*: from the moment a stage became the loop's current one (the loop's start
  for its first stage, else the advance out of the stage before it) to the decision taken on
  it, for stages decided in the period.
- *Pass-through*: for the loops started in the period (a cohort, so the funnel only ever
  narrows), per stage and level, how many reached the stage, moved on (advance, or the offer
  at the end), were declined there, or are still in it. A pivot is not a step out of a stage:
  the loop stays where it is, and stages the new team's loop does not have are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.insights.rows import Dataset, LoopRow, Period, StageRow
from bot.insights.stats import HoursSpread, hours

BOOKED = "stage_booked"
MOVED_ON = ("advance", "offer")
OUT_OF_STAGE = ("advance", "offer", "decline")
NOT_REACHED = ("pending", "skipped")


@dataclass(frozen=True)
class StageTiming(HoursSpread):
    track: str
    stage: str
    title: str
    order: int
    hours: tuple[float, ...]  # one per observation, sorted

    @property
    def count(self) -> int:
        return len(self.hours)


@dataclass(frozen=True)
class StagePassage:
    track: str
    stage: str
    title: str
    order: int
    level: str  # "" when summed over every level
    reached: int
    passed: int
    declined: int

    @property
    def still_in(self) -> int:
        return self.reached - self.passed - self.declined

    @property
    def rate(self) -> float | None:
        """Of the loops decided at this stage, the share that moved on."""
        decided = self.passed + self.declined
        return self.passed / decided if decided else None


def time_to_schedule(data: Dataset, period: Period) -> tuple[StageTiming, ...]:
    loops = {loop.id: loop for loop in data.loops}
    stages = {(s.loop_id, s.key): s for s in data.stages}
    first_booking: dict[tuple[int, str], datetime] = {}
    for event in sorted(data.events, key=lambda e: e.at):
        if event.action == BOOKED and event.loop_id in loops:
            first_booking.setdefault((event.loop_id, str(event.detail.get("stage", ""))), event.at)
    samples = []
    for (loop_id, key), booked_at in first_booking.items():
        stage = stages.get((loop_id, key))
        if stage is not None and booked_at in period:
            loop = loops[loop_id]
            samples.append((loop, stage, hours(booked_at - loop.started_at)))
    return _timings(samples)


def time_in_stage(data: Dataset, period: Period) -> tuple[StageTiming, ...]:
    loops = {loop.id: loop for loop in data.loops}
    out_of = _decisions_out_of_stages(data)
    samples = []
    for loop_id, stages in _stages_by_loop(data).items():
        loop = loops[loop_id]
        entered_at = loop.started_at
        for stage in stages:
            left = out_of.get(stage.id)
            if left is None:
                break  # the loop is still in this stage: later ones were never entered
            kind, left_at = left
            if left_at in period:
                samples.append((loop, stage, hours(left_at - entered_at)))
            if kind != "advance":
                break
            entered_at = left_at
    return _timings(samples)


def pass_through(data: Dataset, period: Period) -> tuple[StagePassage, ...]:
    cohort = {loop.id: loop for loop in data.loops if loop.started_at in period}
    out_of = _decisions_out_of_stages(data)
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for stage in data.stages:
        loop = cohort.get(stage.loop_id)
        decision = out_of.get(stage.id)
        if loop is None or (stage.status in NOT_REACHED and decision is None):
            continue
        tally = counts[(loop.track, stage.order, stage.key, stage.title, loop.level)]
        tally[0] += 1
        if decision is not None:
            tally[1 if decision[0] in MOVED_ON else 2] += 1
    return tuple(
        StagePassage(track, key, title, order, level, *tally)
        for (track, order, key, title, level), tally in sorted(counts.items())
    )


def funnel(passages: Iterable[StagePassage]) -> tuple[StagePassage, ...]:
    """Pass-through per stage over every level, in the order of the track's template."""
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for p in passages:
        tally = totals[(p.track, p.order, p.stage, p.title)]
        tally[0] += p.reached
        tally[1] += p.passed
        tally[2] += p.declined
    return tuple(
        StagePassage(track, key, title, order, "", *tally)
        for (track, order, key, title), tally in sorted(totals.items())
    )


def _stages_by_loop(data: Dataset) -> dict[int, list[StageRow]]:
    """Each loop's stages as it runs them, skipped ones (never run) left out."""
    by_loop: dict[int, list[StageRow]] = defaultdict(list)
    for stage in sorted(data.stages, key=lambda s: s.position):
        if stage.status != "skipped":
            by_loop[stage.loop_id].append(stage)
    return by_loop


def _decisions_out_of_stages(data: Dataset) -> dict[int, tuple[str, datetime]]:
    """Stage id → (kind, when) of the decision that ended it."""
    ended: dict[int, tuple[str, datetime]] = {}
    for decision in sorted(data.decisions, key=lambda d: d.decided_at):
        if decision.kind in OUT_OF_STAGE:
            ended.setdefault(decision.stage_id, (decision.kind, decision.decided_at))
    return ended


def _timings(samples: Iterable[tuple[LoopRow, StageRow, float]]) -> tuple[StageTiming, ...]:
    grouped: dict[tuple, list[float]] = defaultdict(list)
    for loop, stage, value in samples:
        grouped[(loop.track, stage.order, stage.key, stage.title)].append(value)
    return tuple(
        StageTiming(track, key, title, order, tuple(sorted(values)))
        for (track, order, key, title), values in sorted(grouped.items())
    )
