"""What the request paths ask of the database, on SQLite and PostgreSQL: App Home and a
stage's roll-up issue the same number of statements whatever the number of loops or
panelists, and checking a form before the ack only reads, without waiting for a writer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, event

from bot.home import home_view
from bot.insights.service import InsightsService
from bot.loops.config import LoopConfig
from bot.loops.creation import validate
from bot.loops.thread import refresh_rollup
from bot.planning.template_loader import load_templates
from storage.db import make_engine, upgrade
from storage.models import Candidate, Feedback, Interview, Interviewer, Loop, Stage
from storage.uow import ReadOnly, UnitOfWork, UnitOfWorkFactory

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TEMPLATES = load_templates()
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


def person(work: UnitOfWork, slack_id: str, roles: list[str]) -> Interviewer:
    return work.interviewers.add(
        Interviewer(
            slack_user_id=slack_id,
            name=slack_id,
            roles=roles,
            teams=["payments"],
            interview_types=["coding", "system_design"],
            tz="UTC",
        )
    )


def staff(work: UnitOfWork) -> tuple[Interviewer, Interviewer, list[Interviewer]]:
    recruiter = person(work, "U0REC", ["recruiter"])
    manager = person(work, "U0HM", ["hiring_manager"])
    engineers = [person(work, f"U0ENG{n}", ["engineer"]) for n in range(8)]
    return recruiter, manager, engineers


def a_loop(work: UnitOfWork, recruiter, manager, panel: list[Interviewer], n: int) -> Stage:
    """An open loop at round 1, its interviews over, half of them with feedback (and one
    reminded about it): the rows App Home and the roll-up read."""
    candidate = work.loops.add_candidate(Candidate(name=f"C{n}", email=f"c{n}@x.org", tz="UTC"))
    loop = work.loops.add(
        Loop(
            candidate_id=candidate.id,
            track="ic",
            level="L5",
            team="payments",
            recruiter_id=recruiter.id,
            hiring_manager_id=manager.id,
            created_by="U0REC",
        )
    )
    current = None
    for position, template in enumerate(TEMPLATES.stages_for("ic", "payments", "L5")):
        status = "decided" if template.key != "round_1" and current is None else "pending"
        stage = work.loops.add_stage(
            Stage(loop_id=loop.id, key=template.key, position=position, status=status)
        )
        if template.key == "round_1":
            stage.status, current = "scheduled", stage
    assert current is not None
    for seat, who in enumerate(panel):
        start = NOW - timedelta(days=1) + timedelta(hours=seat)
        interview = work.loops.add_interview(
            Interview(
                stage_id=current.id,
                interviewer_id=who.id,
                role="engineer",
                interview_type="coding",
                start_at=start,
                end_at=start + timedelta(minutes=45),
                status="confirmed",
                feedback_reminded_at=NOW if seat == 1 else None,
            )
        )
        if seat % 2 == 0:
            work.session.add(
                Feedback(
                    interview_id=interview.id,
                    interviewer_id=who.id,
                    signal="yes",
                    ratings={},
                    notes="Clear thinking.",
                    submitted_at=NOW,
                    updated_at=NOW,
                )
            )
    work.session.flush()
    return current


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
