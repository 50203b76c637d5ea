"""The plain rows insights are computed from, and what to compute them for.

Rows are read once from the database (`bot.insights.read`) or built by hand in tests; the
measures never touch the database or Slack. Times are aware UTC datetimes; zones are IANA
names. Nothing here carries feedback content, notes or accommodations: insights only need to
know *when* feedback came, never what it said.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

LIVE = ("confirmed", "completed")  # interviews that happen (or happened)


@dataclass(frozen=True)
class Period:
    """A half-open span of time, [start, end), stated in `zone` (whose calendar says which
    weeks the period covers)."""

    start: datetime
    end: datetime
    label: str = ""
    zone: str = "UTC"

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a period needs aware datetimes")
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")

    def __contains__(self, when: datetime) -> bool:
        return self.start <= when < self.end

    def weeks(self) -> list[date]:
        """The Mondays of the calendar weeks the period touches, in its own zone."""
        zone = ZoneInfo(self.zone)
        first = monday_of(self.start.astimezone(zone).date())
        last = monday_of((self.end - timedelta(microseconds=1)).astimezone(zone).date())
        return [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Place:
    """Where a loop runs: a team, a pool, or a team of a pool."""

    team: str = ""
    pool: str = ""


@dataclass(frozen=True)
class Scope:
    """A team, a pool (with its teams, from the templates), one recruiter's loops, or
    everything."""

    team: str = ""
    pool: str = ""
    pool_teams: frozenset[str] = frozenset()
    recruiter_id: int = 0

    @property
    def label(self) -> str:
        if self.recruiter_id:
            return "your loops"
        if self.team:
            return f"team {self.team}"
        if self.pool:
            return f"pool {self.pool}"
        return "all teams"

    def covers_loop(self, loop: LoopRow) -> bool:
        """A loop counts for every team and pool it has been in (a pivot moves it on, but
        the stages it ran before the move were still that team's work)."""
        if self.recruiter_id:
            return loop.recruiter_id == self.recruiter_id
        if self.team:
            return any(p.team == self.team for p in loop.places)
        if self.pool:
            return any(p.pool == self.pool for p in loop.places)
        return True

    def covers_person(self, person: PersonRow) -> bool:
        if self.recruiter_id:
            return person.id == self.recruiter_id
        if self.team:
            return self.team in person.teams
        if self.pool:
            return bool(self.pool_teams & set(person.teams))
        return True


@dataclass(frozen=True)
class PersonRow:
    id: int
    slack_user_id: str
    name: str
    tz: str  # IANA; the loader fills in the default zone for people with none
    weekly_cap: int
    teams: tuple[str, ...] = ()
    interviews: bool = True  # trained for at least one interview type
    active: bool = True


@dataclass(frozen=True)
class LoopRow:
    id: int
    track: str
    level: str
    started_at: datetime
    status: str  # open | declined | offer
    # Every place the loop has been in, first to current (more than one after a pivot).
    places: tuple[Place, ...]
    recruiter_id: int = 0
    hiring_manager_id: int = 0


@dataclass(frozen=True)
class StageRow:
    id: int
    loop_id: int
    key: str
    title: str
    # Where the stage sits in its track's template: funnels line stages up by it, since a
    # pivot can renumber a loop's own positions.
    order: int
    position: int
    # pending → proposed → scheduled → completed → decided (or skipped)
    status: str


@dataclass(frozen=True)
class InterviewRow:
    id: int
    stage_id: int
    loop_id: int
    interviewer_id: int
    interview_type: str
    start_at: datetime
    end_at: datetime
    status: str  # confirmed | completed | declined | cancelled


@dataclass(frozen=True)
class FeedbackRow:
    interview_id: int
    interviewer_id: int
    submitted_at: datetime


@dataclass(frozen=True)
class DecisionRow:
    loop_id: int
    stage_id: int
    kind: str  # advance | decline | offer | pivot
    decided_at: datetime


@dataclass(frozen=True)
class EventRow:
    """One audit event; `detail` is the event's own fields (e.g. stage, why, reason)."""

    at: datetime
    action: str
    loop_id: int | None
    actor: str = ""
    detail: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Dataset:
    people: tuple[PersonRow, ...] = ()
    loops: tuple[LoopRow, ...] = ()
    stages: tuple[StageRow, ...] = ()
    # The loops' interviews, and anyone's interviews in the weeks around the period (load
    # counts every interview a person gives, whichever loop it is for).
    interviews: tuple[InterviewRow, ...] = ()
    feedback: tuple[FeedbackRow, ...] = ()
    decisions: tuple[DecisionRow, ...] = ()
    events: tuple[EventRow, ...] = ()

    def within(self, scope: Scope) -> Dataset:
        """The loops in scope and what belongs to them; people and interviews stay whole
        (load is about people, whichever loops they interview for)."""
        loop_ids = {loop.id for loop in self.loops if scope.covers_loop(loop)}
        return replace(
            self,
            loops=_keep(self.loops, lambda r: r.id in loop_ids),
            stages=_keep(self.stages, lambda r: r.loop_id in loop_ids),
            decisions=_keep(self.decisions, lambda r: r.loop_id in loop_ids),
            events=_keep(self.events, lambda r: r.loop_id in loop_ids),
        )


def _keep(rows: Iterable, wanted) -> tuple:
    return tuple(row for row in rows if wanted(row))
