"""Reading insights' rows through the unit of work, and naming the team or pool asked for."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.errors import InputError
from bot.insights.changes import KINDS
from bot.insights.flow import BOOKED
from bot.insights.report import Insights, compute
from bot.insights.rows import (
    Dataset,
    DecisionRow,
    EventRow,
    FeedbackRow,
    InterviewRow,
    LoopRow,
    Period,
    PersonRow,
    Place,
    Scope,
    StageRow,
)
from bot.planning.templates import TemplateBook
from storage.models import AuditEvent, Loop, Stage
from storage.uow import UnitOfWork

CREATED, PIVOTED = "loop_created", "loop_pivoted"
ACTIONS = (CREATED, PIVOTED, BOOKED, *KINDS)


def gather(
    uow: UnitOfWork,
    templates: TemplateBook,
    period: Period,
    scope: Scope,
    now: datetime,
    *,
    default_tz: str,
    overdue_after: timedelta,
) -> Insights:
    """Every figure for the period and scope, read in a fixed number of queries."""
    data = read_dataset(uow, templates, period, scope, default_tz=default_tz)
    titles = {key: track.title for key, track in templates.tracks.items()}
    return compute(data, period, scope, now, overdue_after, titles)


def resolve_scope(uow: UnitOfWork, templates: TemplateBook, name: str) -> Scope:
    """A pool's key or a team's name (a pool wins a tie); empty means everything."""
    name = name.strip()
    if not name:
        return Scope()
    if name in templates.pools:
        return pool_scope(templates, name)
    return team_scope(uow, templates, name, field="team or pool")


def team_scope(uow: UnitOfWork, templates: TemplateBook, team: str, field: str = "team") -> Scope:
    known = sorted(
        {t for person in uow.interviewers.all(active_only=False) for t in person.teams}
        | {t for pool in templates.pools.values() for t in pool.teams}
    )
    if team not in known:
        choices = [*known, *templates.pools] if field != "team" else known
        raise InputError(field, f"no team called {team!r}", " or ".join(choices) or "payments")
    return Scope(team=team)


def pool_scope(templates: TemplateBook, pool: str) -> Scope:
    if pool not in templates.pools:
        raise InputError("pool", f"no pool called {pool!r}", " or ".join(templates.pools) or "-")
    return Scope(pool=pool, pool_teams=frozenset(templates.pools[pool].teams))


def read_dataset(
    uow: UnitOfWork, templates: TemplateBook, period: Period, scope: Scope, *, default_tz: str
) -> Dataset:
    records = uow.insights.records(
        period.start,
        period.end,
        team=scope.team,
        pool=scope.pool,
        recruiter_id=scope.recruiter_id,
        actions=ACTIONS,
    )
    events_by_loop: dict[int, list[AuditEvent]] = {}
    for event in records.events:
        events_by_loop.setdefault(event.loop_id, []).append(event)
    pool_places = {f"{pool.title} pool": key for key, pool in templates.pools.items()}
    loops = {loop.id: loop for loop in records.loops}
    return Dataset(
        people=tuple(
            PersonRow(
                p.id,
                p.slack_user_id,
                p.name,
                p.tz or default_tz,
                p.weekly_cap,
                tuple(p.teams),
                interviews=bool(p.interview_types),
                active=p.active,
            )
            for p in records.people
        ),
        loops=tuple(
            LoopRow(
                loop.id,
                loop.track,
                loop.level,
                loop.created_at,
                loop.status,
                _places(loop, events_by_loop.get(loop.id, []), pool_places),
                loop.recruiter_id,
                loop.hiring_manager_id,
            )
            for loop in records.loops
        ),
        stages=tuple(_stage(templates, loops[s.loop_id], s) for s in records.stages),
        interviews=tuple(
            InterviewRow(
                i.id,
                i.stage_id,
                loop_id,
                i.interviewer_id,
                i.interview_type,
                i.start_at,
                i.end_at,
                i.status,
            )
            for i, loop_id in records.interviews
        ),
        feedback=tuple(FeedbackRow(*row) for row in records.feedback),
        decisions=tuple(
            DecisionRow(d.loop_id, d.stage_id, d.kind, d.decided_at) for d in records.decisions
        ),
        events=tuple(
            EventRow(e.at, e.action, e.loop_id, e.actor, dict(e.detail)) for e in records.events
        ),
    )


def _places(loop: Loop, events: list[AuditEvent], pool_places: Mapping[str, str]):
    """Where the loop has been: where it was created, each pivot's target, where it is."""
    places: list[Place] = []
    for event in events:
        if event.action == CREATED:
            places.append(
                Place(str(event.detail.get("team", "")), str(event.detail.get("pool", "")))
            )
        elif event.action == PIVOTED:
            places.append(_pivot_target(event.detail, pool_places))
    places.append(Place(loop.team, loop.pool))
    return tuple(dict.fromkeys(places))


def _pivot_target(detail: Mapping, pool_places: Mapping[str, str]) -> Place:
    if "to_team" in detail or "to_pool" in detail:
        return Place(str(detail.get("to_team", "")), str(detail.get("to_pool", "")))
    # Older events name the place as people read it: a team, or "<pool title> pool".
    shown = str(detail.get("to", ""))
    return Place(pool=pool_places[shown]) if shown in pool_places else Place(team=shown)


def _stage(templates: TemplateBook, loop: Loop, stage: Stage) -> StageRow:
    try:
        template = templates.track(loop.track).stages
    except ValueError:  # a track since removed from the templates
        template = ()
    for order, known in enumerate(template):
        if known.key == stage.key:
            return StageRow(
                stage.id, loop.id, stage.key, known.title, order, stage.position, stage.status
            )
    title = stage.key.replace("_", " ").capitalize()
    return StageRow(
        stage.id,
        loop.id,
        stage.key,
        title,
        len(template) + stage.position,
        stage.position,
        stage.status,
    )
