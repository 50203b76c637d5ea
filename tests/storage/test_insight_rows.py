"""Insights read from the database (SQLite and PostgreSQL): the fixed data set stored as the
services store it gives the same figures as the rows built by hand, a team's query skips
other teams' loops but keeps every interview its people give, and the number of queries does
not grow with the data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, event

from bot.errors import InputError
from bot.insights import compute
from bot.insights.read import gather, read_dataset, resolve_scope
from bot.insights.rows import Period, Scope
from bot.planning.template_loader import load_templates
from storage.db import make_engine, upgrade
from storage.uow import UnitOfWork
from tests.storage.insight_store import store
from tests.unit.insights import dataset as fixed
from tests.unit.insights.test_measures import BACKEND, EVERYTHING, PAYMENTS, STREAMING

SAMPLE_TEMPLATES = "loopbot/sample_templates.toml"
DAY = timedelta(days=1)


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def templates():
    return load_templates(SAMPLE_TEMPLATES)


def figures(result):
    """Every figure, titles aside (the database's come from the templates)."""
    return (
        result.loops_started,
        [(t.track, t.stage, t.hours) for t in result.time_to_schedule],
        [(t.track, t.stage, t.hours) for t in result.time_in_stage],
        [(p.stage, p.level, p.reached, p.passed, p.declined) for p in result.pass_through],
        result.feedback,
        result.load,
        result.changes,
    )


@pytest.mark.parametrize(
    "scope",
    [EVERYTHING, PAYMENTS, STREAMING, BACKEND, Scope(recruiter_id=fixed.ADA)],
    ids=["all", "team", "pivoted", "pool", "recruiter"],
)
def test_stored_rows_give_the_same_figures_as_the_fixed_data_set(engine, templates, scope):
    store(engine)
    with UnitOfWork(engine) as uow:
        stored = gather(
            uow,
            templates,
            fixed.PERIOD,
            scope,
            fixed.NOW,
            default_tz="UTC",
            overdue_after=timedelta(hours=48),
        )
    expected = compute(fixed.DATA, fixed.PERIOD, scope, fixed.NOW, timedelta(hours=48))
    assert figures(stored) == figures(expected)
    assert {t.stage: t.title for t in stored.time_in_stage}["recruiter_screen"] == (
        "Recruiter phone screen"
    )


def test_a_team_reads_its_own_and_pivoted_loops_but_every_interview_of_the_weeks(engine, templates):
    store(engine)
    with UnitOfWork(engine) as uow:
        data = read_dataset(uow, templates, fixed.PERIOD, PAYMENTS, default_tz="UTC")
    assert [loop.id for loop in data.loops] == [10, 20]  # 30 (pool) and 40 (search) left out
    pivoted = data.loops[1]
    assert pivoted.places[0].team == "payments" and pivoted.places[-1].team == "streaming"
    assert {i.id for i in data.interviews} >= {3005, 3006, 4001, 4002}  # Chen's and Ben's load
    assert {f.interview_id for f in data.feedback} == {1001, 1002, 1003, 2001, 2003, 2004}


def test_a_loop_closed_before_the_period_is_not_read(engine, templates):
    store(engine)
    with UnitOfWork(engine) as uow:
        later = Period(fixed.NOW + 30 * DAY, fixed.NOW + 60 * DAY)
        data = read_dataset(uow, templates, later, EVERYTHING, default_tz="UTC")
    assert [loop.id for loop in data.loops] == [20, 40]  # the open ones
    assert {s.loop_id for s in data.stages} == {20, 40}
    assert {d.loop_id for d in data.decisions} == {20}
    assert {e.loop_id for e in data.events} == {20, 40}
    assert {f.interview_id for f in data.feedback} == {2001, 2003, 2004}


def test_the_number_of_queries_does_not_grow_with_the_data(engine, templates):
    store(engine)

    def queries() -> int:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            with UnitOfWork(engine) as uow:
                read_dataset(uow, templates, fixed.PERIOD, EVERYTHING, default_tz="UTC")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    small = queries()
    for copy in range(1, 4):
        store(engine, first_id=copy * 10_000)
    assert queries() == small == 7


def test_a_name_is_a_pool_or_a_team(engine, templates):
    store(engine)
    with UnitOfWork(engine) as uow:
        assert resolve_scope(uow, templates, "") == Scope()
        assert resolve_scope(uow, templates, "backend") == BACKEND
        assert resolve_scope(uow, templates, "streaming") == STREAMING
        with pytest.raises(InputError, match="no team called 'ads'") as refused:
            resolve_scope(uow, templates, "ads")
    assert "payments" in refused.value.example and "backend" in refused.value.example
