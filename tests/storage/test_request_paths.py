"""What the request paths ask of the database, on SQLite and PostgreSQL: App Home and a
stage's roll-up issue the same number of statements whatever the number of loops or
panelists, and checking a form before the ack only reads, without waiting for a writer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import Engine, event

from bot.home import home_view
from bot.insights.service import InsightsService
from bot.loops.config import LoopConfig
from bot.loops.creation import validate
from bot.loops.thread import refresh_rollup
from storage.db import make_engine, upgrade
from storage.models import Interviewer
from storage.uow import ReadOnly, UnitOfWorkFactory
from tests.bench.home_seed import NOW, TEMPLATES, a_loop, staff

CONFIG = LoopConfig(TEMPLATES, "C0RECRUIT", "UTC")
INSIGHTS = InsightsService(TEMPLATES, default_tz="UTC", overdue_after=timedelta(hours=48))


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine) -> UnitOfWorkFactory:
    return UnitOfWorkFactory(engine)


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine runs inside the block."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def writes(seen: list[str]) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [s for s in seen if s.lstrip().upper().startswith(verbs)]


def home_statements(engine: Engine, uow: UnitOfWorkFactory, loops: int, viewer: str) -> int:
    with uow() as work:
        recruiter, manager, engineers = staff(work)
        for n in range(loops):
            a_loop(work, recruiter, manager, engineers[:4], n)
        work.commit()
    with uow.read() as work, statements(engine) as seen:
        view = home_view(work, TEMPLATES, viewer, NOW, INSIGHTS)
    assert view["type"] == "home"
    return len(seen)


@pytest.mark.parametrize("viewer", ["U0HM", "U0REC", "U0ENG0"])
def test_app_home_reads_the_same_number_of_statements_for_2_or_12_loops(database_url, viewer):
    counts = []
    for loops in (2, 12):
        engine = make_engine(database_url)
        try:
            upgrade(engine)
            counts.append(home_statements(engine, UnitOfWorkFactory(engine), loops, viewer))
        finally:
            _empty(engine)
            engine.dispose()
    assert counts[0] == counts[1], counts


def _empty(engine: Engine) -> None:
    from sqlmodel import SQLModel

    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name != "alembic_version":
                connection.execute(table.delete())


def test_the_rollup_issues_the_same_statements_for_a_panel_of_2_or_8(engine, uow):
    with uow() as work:
        recruiter, manager, engineers = staff(work)
        small = a_loop(work, recruiter, manager, engineers[:2], 1)
        large = a_loop(work, recruiter, manager, engineers, 2)
        work.commit()
    counts = []
    for stage in (small, large):
        with uow() as work, statements(engine) as seen:
            loop = work.loops.get(stage.loop_id)
            refresh_rollup(CONFIG, work, loop, work.loops.stage(stage.id), NOW)
            work.commit()
        counts.append(len(seen))
    assert counts[0] == counts[1], counts


FORM = {
    "candidate_name": "Ada Lovelace",
    "candidate_email": "ada@example.com",
    "track": "ic",
    "level": "L5",
    "team": "payments",
    "recruiter": "U0REC",
    "hiring_manager": "U0HM",
    "candidate_tz": "Europe/London",
    "availability": "Tue 2pm-6pm",
    "technical_format": "discussion",
}


def test_checking_a_form_reads_only_and_does_not_wait_for_a_writer(engine, uow):
    with uow() as work:
        staff(work)
        work.commit()
    checked: list[object] = []

    def check() -> None:
        with uow.read() as work, statements(engine) as seen:
            checked.append(validate(TEMPLATES, work, FORM, NOW))
            checked.append(writes(seen))

    with uow() as writer:  # a write transaction left open, as a slow listener's would be
        writer.interviewers.add(
            Interviewer(slack_user_id="U0NEW", name="New", roles=["engineer"], teams=["payments"])
        )
        thread = threading.Thread(target=check)
        thread.start()
        thread.join(10)
        assert not thread.is_alive(), "checking the form waited for the writer"
    new_loop, written = checked
    assert new_loop.candidate_name == "Ada Lovelace" and new_loop.team == "payments"
    assert written == []


def test_a_read_only_unit_of_work_refuses_to_write(uow):
    with uow.read() as work, pytest.raises(ReadOnly):
        work.interviewers.add(Interviewer(slack_user_id="U0X", name="X", roles=["engineer"]))
    with uow.read() as work, pytest.raises(ReadOnly):
        work.commit()


def sample_org(uow: UnitOfWorkFactory) -> None:
    from bot.people import import_roster
    from bot.roster import parse_roster
    from loopbot.demo.sandbox import sample_roster_csv

    entries = parse_roster(
        sample_roster_csv(),
        known_roles=TEMPLATES.roles,
        known_interview_types=TEMPLATES.interview_types,
    )
    with uow() as work:
        import_roster(work, entries, actor="test")
        work.commit()


SAMPLE_FORM = {
    **FORM,
    "recruiter": "U0REC01",
    "hiring_manager": "U0PAYHM",
    "availability": "next Monday 9am-6pm, next Tuesday 9am-6pm, next Wednesday 9am-6pm",
}


@pytest.mark.parametrize("changed_between", [False, True])
def test_a_loop_is_written_with_the_plan_made_ahead_unless_its_inputs_changed(
    uow, monkeypatch, changed_between
):
    """Planning happens before the write transaction; the writer plans again only when the
    roster, bookings or holds changed in between (a version check on the plan's inputs)."""
    from bot.loops import creation, proposals

    sample_org(uow)
    with uow.read() as work:
        new = validate(TEMPLATES, work, SAMPLE_FORM, NOW)
        planned = creation.plan_first_stage(CONFIG, work, new, NOW)
    if changed_between:
        with uow() as work:
            work.interviewers.add(
                Interviewer(slack_user_id="U0LATE", name="Late", roles=["recruiter"])
            )
            work.commit()
    calls = []
    real = proposals.plan_stage
    monkeypatch.setattr(proposals, "plan_stage", lambda request: calls.append(1) or real(request))
    with uow() as work:
        loop_id = creation.create(CONFIG, work, new, "U0REC01", NOW, planned)
        work.commit()
    with uow.read() as work:
        stage = work.loops.stages(loop_id)[0]
        assert stage.status == "proposed" and stage.proposal["kind"] in ("plan", "none")
    assert len(calls) == (1 if changed_between else 0)


def test_has_team_matches_whole_team_names_only(uow):
    with uow() as work:
        for slack_id, teams in [("U0A", ["pay_ments"]), ("U0B", ['str"eam', "100%"])]:
            work.interviewers.add(
                Interviewer(slack_user_id=slack_id, name=slack_id, roles=["x"], teams=teams)
            )
        work.commit()
    with uow.read() as work:
        found = {t: work.interviewers.has_team(t) for t in ("pay_ments", 'str"eam', "100%")}
        missed = {t: work.interviewers.has_team(t) for t in ("payments", "pay", "str", "100")}
    assert all(found.values()) and not any(missed.values()), (found, missed)
