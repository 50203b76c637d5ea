"""Storage on SQLite and PostgreSQL alike (the `database_url` fixture runs each test on both):
schema, UTC times, the unit of work, the append-only audit log and the repositories."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, delete, inspect, text, update
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import SQLModel, select

from storage.db import alembic_config, current_revision, make_engine, upgrade
from storage.models import (
    AuditEvent,
    Candidate,
    Interview,
    Interviewer,
    Loop,
    OutboxMessage,
    ProcessedRequest,
    Stage,
)
from storage.repositories import replace_roster
from storage.uow import UnitOfWork, UnitOfWorkFactory

NEW_YORK = ZoneInfo("America/New_York")
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine) -> UnitOfWorkFactory:
    return UnitOfWorkFactory(engine)


def head_revision(engine: Engine) -> str:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def person(slack_id: str, name: str = "", **fields) -> Interviewer:
    return Interviewer(slack_user_id=slack_id, name=name or slack_id, roles=["engineer"], **fields)


def count(uow: UnitOfWorkFactory, model) -> int:
    with uow() as work:
        return len(work.session.exec(select(model)).all())


def a_stage(work: UnitOfWork) -> tuple[Stage, Interviewer, Interviewer]:
    """A loop with one stage and two people to book into it."""
    ada = work.interviewers.add(person("U0ADA"))
    bob = work.interviewers.add(person("U0BOB"))
    candidate = work.loops.add_candidate(Candidate(name="Cay", email="c@x.org", tz="UTC"))
    loop = work.loops.add(
        Loop(
            candidate_id=candidate.id,
            track="engineering",
            level="L5",
            team="payments",
            recruiter_id=ada.id,
            hiring_manager_id=bob.id,
            created_by="U0ADA",
        )
    )
    stage = work.loops.add_stage(Stage(loop_id=loop.id, key="onsite", position=1))
    return stage, ada, bob


def book(
    work: UnitOfWork,
    stage: Stage,
    who: Interviewer,
    start: datetime,
    minutes: int = 60,
    status: str = "confirmed",
) -> Interview:
    return work.loops.add_interview(
        Interview(
            stage_id=stage.id,
            interviewer_id=who.id,
            role="engineer",
            interview_type="coding",
            start_at=start,
            end_at=start + timedelta(minutes=minutes),
            status=status,
        )
    )


# --------------------------------------------------------------------------- schema


def test_migrations_create_exactly_the_models_schema(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
        tables = set(inspect(connection).get_table_names())
    assert tables == set(SQLModel.metadata.tables) | {"alembic_version"}


def test_a_fresh_database_has_no_revision_until_upgraded(database_url):
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision(engine)
    finally:
        engine.dispose()


def test_upgrade_is_idempotent_and_keeps_data(engine, uow):
    with uow() as work:
        work.interviewers.add(person("U0ADA", "Ada"))
        work.commit()
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    with uow() as work:
        assert [p.name for p in work.interviewers.all()] == ["Ada"]


def test_foreign_keys_are_enforced(uow):
    with uow() as work, pytest.raises(IntegrityError):
        work.session.add(Stage(loop_id=12345, key="onsite", position=1))
        work.flush()


def test_json_lists_round_trip(uow):
    with uow() as work:
        work.interviewers.add(
            Interviewer(
                slack_user_id="U0ADA",
                name="Ada",
                roles=["engineer", "hiring_manager"],
                teams=["payments"],
                interview_types=[],
                work_days=[0, 2, 4],
            )
        )
        work.commit()
    with uow() as work:
        ada = work.interviewers.by_slack_id("U0ADA")
    assert (ada.roles, ada.teams, ada.interview_types, ada.work_days) == (
        ["engineer", "hiring_manager"],
        ["payments"],
        [],
        [0, 2, 4],
    )
    assert ada.active is True and ada.weekly_cap == 5


# --------------------------------------------------------------------------- time


@pytest.mark.parametrize(
    "written",
    [
        datetime(2026, 11, 23, 9, 30, tzinfo=NEW_YORK),  # EST, -05:00
        datetime(2026, 7, 1, 23, 15, 30, 123456, tzinfo=ZoneInfo("Asia/Kolkata")),
        datetime(2026, 3, 29, 1, 0, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
        datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
    ],
)
def test_aware_datetimes_come_back_as_utc(uow, written):
    with uow() as work:
        work.session.add(AuditEvent(at=written, actor="U0ADA", action="test"))
        work.commit()
    with uow() as work:
        [event] = work.audit.events()
    assert event.at == written  # the same instant
    assert event.at.utcoffset() == timedelta(0)
    assert event.at.tzinfo is UTC
    assert event.at.replace(tzinfo=None) == written.astimezone(UTC).replace(tzinfo=None)


def test_naive_datetimes_are_refused(uow):
    with uow() as work:
        work.session.add(AuditEvent(at=datetime(2026, 11, 23, 10, 0), actor="x", action="y"))
        with pytest.raises(StatementError, match="naive datetime"):
            work.flush()
    assert count(uow, AuditEvent) == 0


def test_naive_datetimes_are_refused_in_queries_too(uow):
    with uow() as work, pytest.raises(StatementError, match="naive datetime"):
        work.outbox.due(datetime(2026, 11, 23, 10, 0))


def test_comparisons_use_the_instant_not_the_wall_clock(uow):
    with uow() as work:
        work.outbox.add(
            OutboxMessage(key="k", method="chat.postMessage", next_attempt_at=T0)
        )  # 10:00 UTC
        work.commit()
    with uow() as work:
        # 06:00 in New York is 11:00 UTC (due); 09:30 at +02:00 is 07:30 UTC (not yet).
        assert [m.key for m in work.outbox.due(datetime(2026, 11, 23, 6, 0, tzinfo=NEW_YORK))] == [
            "k"
        ]
        early = datetime(2026, 11, 23, 9, 30, tzinfo=timezone(timedelta(hours=2)))
        assert work.outbox.due(early) == []


# --------------------------------------------------------------------------- unit of work


def test_nothing_is_written_without_commit(uow):
    with uow() as work:
        work.interviewers.add(person("U0ADA"))
        work.audit.record("U0ADA", "did_something")
        work.outbox.add(OutboxMessage(key="k", method="chat.postMessage"))
        work.flush()
        assert len(work.interviewers.all()) == 1  # visible inside the transaction
    assert (count(uow, Interviewer), count(uow, AuditEvent), count(uow, OutboxMessage)) == (0, 0, 0)


def test_an_escaping_exception_rolls_everything_back(uow):
    with uow() as work:
        work.interviewers.add(person("U0KEEP"))
        work.commit()
    with pytest.raises(RuntimeError), uow() as work:
        keep = work.interviewers.by_slack_id("U0KEEP")
        keep.name = "Changed"
        work.session.add(keep)
        work.interviewers.add(person("U0ADA"))
        work.audit.record("U0ADA", "half_done")
        work.outbox.add(OutboxMessage(key="k", method="chat.postMessage"))
        work.flush()
        raise RuntimeError("the service failed half way")
    with uow() as work:
        assert [(p.slack_user_id, p.name) for p in work.interviewers.all()] == [
            ("U0KEEP", "U0KEEP")
        ]
    assert (count(uow, AuditEvent), count(uow, OutboxMessage)) == (0, 0)


def test_work_after_a_commit_is_rolled_back_alone(uow):
    with uow() as work:
        work.interviewers.add(person("U0ONE"))
        work.commit()
        work.interviewers.add(person("U0TWO"))
    with uow() as work:
        assert [p.slack_user_id for p in work.interviewers.all()] == ["U0ONE"]


def test_loaded_objects_stay_readable_after_the_block(uow):
    with uow() as work:
        ada = work.interviewers.add(person("U0ADA", "Ada"))
        work.commit()
    assert (ada.id, ada.name, ada.roles) == (1, "Ada", ["engineer"])


def test_an_integrity_error_leaves_nothing_behind(uow):
    with pytest.raises(IntegrityError), uow() as work:
        work.audit.record("U0ADA", "before_the_error")
        work.interviewers.add(person("U0ADA"))
        work.interviewers.add(person("U0ADA"))  # duplicate slack id
    assert (count(uow, Interviewer), count(uow, AuditEvent)) == (0, 0)


# --------------------------------------------------------------------------- audit


@pytest.fixture
def one_event(uow) -> int:
    with uow() as work:
        work.audit.record("U0ADA", "loop_opened", loop_id=7, candidate="Cay")
        work.commit()
        [event] = work.audit.events()
    return event.id


def test_audit_record_and_filter(uow, one_event):
    with uow() as work:
        work.audit.record("U0BOB", "other", loop_id=8)
        work.commit()
    with uow() as work:
        [event] = work.audit.events(loop_id=7)
        assert (event.actor, event.action, event.detail) == (
            "U0ADA",
            "loop_opened",
            {"candidate": "Cay"},
        )
        assert event.at.tzinfo is UTC
        assert [e.action for e in work.audit.events()] == ["loop_opened", "other"]


def test_audit_events_cannot_be_updated(uow, one_event):
    with uow() as work:
        event = work.session.get(AuditEvent, one_event)
        event.action = "rewritten"
        work.session.add(event)
        with pytest.raises(ValueError, match="append-only"):
            work.commit()
    with uow() as work:
        assert work.session.get(AuditEvent, one_event).action == "loop_opened"


def test_audit_events_cannot_be_deleted(uow, one_event):
    with uow() as work:
        work.session.delete(work.session.get(AuditEvent, one_event))
        with pytest.raises(ValueError, match="append-only"):
            work.commit()
    assert count(uow, AuditEvent) == 1


@pytest.mark.parametrize(
    "statement",
    [
        delete(AuditEvent),
        update(AuditEvent).values(action="rewritten"),
    ],
    ids=["delete", "update"],
)
def test_audit_events_cannot_be_changed_by_bulk_statements(uow, one_event, statement):
    with uow() as work, pytest.raises(ValueError, match="append-only"):
        work.session.exec(statement)
        work.commit()


# --------------------------------------------------------------------------- requests


def test_claim_is_first_wins(uow):
    with uow() as work:
        assert work.requests.claim("event:Ev1") is True
        assert work.requests.claim("event:Ev1") is False
        assert work.requests.claim("event:Ev2") is True
        work.audit.record("U0ADA", "handled")  # the transaction survives a lost claim
        work.commit()
    with uow() as work:
        assert work.requests.claim("event:Ev1") is False
        assert work.requests.claim("event:Ev3") is True
        work.commit()
    assert count(uow, ProcessedRequest) == 3
    assert count(uow, AuditEvent) == 1


def test_a_rolled_back_claim_can_be_claimed_again(uow):
    with pytest.raises(RuntimeError), uow() as work:
        assert work.requests.claim("action:A1") is True
        raise RuntimeError("the action failed")
    with uow() as work:
        assert work.requests.claim("action:A1") is True
        work.commit()
    with uow() as work:
        assert work.requests.claim("action:A1") is False


def test_forget_before(uow):
    with uow() as work:
        work.session.add(ProcessedRequest(key="old", at=T0 - timedelta(days=2)))
        work.session.add(ProcessedRequest(key="new", at=T0))
        work.commit()
    with uow() as work:
        work.requests.forget_before(T0 - timedelta(days=1))
        work.commit()
    with uow() as work:
        assert work.requests.claim("old") is True
        assert work.requests.claim("new") is False


# --------------------------------------------------------------------------- outbox repo


def test_outbox_add_is_idempotent_by_key_and_due_is_in_order(uow):
    with uow() as work:
        assert work.outbox.add(OutboxMessage(key="b", method="m", next_attempt_at=T0))
        assert work.outbox.add(OutboxMessage(key="a", method="m", next_attempt_at=T0))
        assert work.outbox.add(OutboxMessage(key="b", method="other")) is None
        work.outbox.add(
            OutboxMessage(key="later", method="m", next_attempt_at=T0 + timedelta(hours=1))
        )
        work.outbox.add(OutboxMessage(key="done", method="m", next_attempt_at=T0, status="sent"))
        work.commit()
    with uow() as work:
        assert [m.key for m in work.outbox.due(T0)] == ["b", "a"]
        assert work.outbox.pending_count() == 3
        assert work.outbox.add(OutboxMessage(key="a", method="m")) is None


def test_old_one_off_bodies_are_shed_and_their_keys_still_stop_a_repeat(uow):
    big = {"channel": "D1", "file": "x" * 10_000}
    sent = {"status": "sent", "next_attempt_at": T0, "payload": big}
    with uow() as work:
        work.outbox.add(OutboxMessage(key="old", method="m", sent_at=T0, **sent))
        work.outbox.add(OutboxMessage(key="named", method="m", ref="root", sent_at=T0, **sent))
        work.outbox.add(
            OutboxMessage(key="new", method="m", sent_at=T0 + timedelta(days=8), **sent)
        )
        work.outbox.add(OutboxMessage(key="queued", method="m", next_attempt_at=T0, payload=big))
        work.commit()
    cutoff = T0 + timedelta(days=7)
    with uow() as work:
        assert work.outbox.shed_payloads(cutoff) == 1
        work.commit()
    with uow() as work:
        assert work.outbox.shed_payloads(cutoff) == 0  # nothing rewritten twice
        bodies = {m.key: m.payload for m in work.session.exec(select(OutboxMessage))}
        assert bodies == {"old": {"shed": True}, "named": big, "new": big, "queued": big}
        assert work.outbox.add(OutboxMessage(key="old", method="m")) is None


def test_remember_inserts_then_updates(uow):
    with uow() as work:
        assert work.outbox.message("r") is None
        work.outbox.remember("r", "C1", "1.0")
        work.commit()
    with uow() as work:
        work.outbox.remember("r", "C2", "2.0")
        work.commit()
    with uow() as work:
        found = work.outbox.message("r")
        assert (found.channel, found.ts) == ("C2", "2.0")


# --------------------------------------------------------------------------- roster


def test_replace_roster_upserts_and_deactivates(uow):
    with uow() as work:
        assert replace_roster(
            work.session, [person("U0ADA", "Ada"), person("U0BOB", "Bob"), person("U0CAT", "Cat")]
        ) == (3, 0)
        work.commit()
    with uow() as work:
        ids = {p.slack_user_id: p.id for p in work.interviewers.all()}
        second = [
            person("U0ADA", "Ada King", tz="Europe/London", weekly_cap=2, teams=["payments"]),
            person("U0DAN", "Dan"),
            person("U0CAT", "Cat"),
        ]
        assert replace_roster(work.session, second) == (1, 2)
        work.commit()
    with uow() as work:
        active = {p.slack_user_id: p for p in work.interviewers.all()}
        everyone = {p.slack_user_id: p for p in work.interviewers.all(active_only=False)}
    assert set(active) == {"U0ADA", "U0CAT", "U0DAN"}
    assert set(everyone) == {"U0ADA", "U0BOB", "U0CAT", "U0DAN"}
    assert everyone["U0BOB"].active is False  # kept: old interviews still point at Bob
    ada = active["U0ADA"]
    assert ada.id == ids["U0ADA"]  # updated in place, not replaced
    assert (ada.name, ada.tz, ada.weekly_cap, ada.teams) == (
        "Ada King",
        "Europe/London",
        2,
        ["payments"],
    )

    with uow() as work:  # Bob comes back
        assert replace_roster(work.session, [person("U0BOB", "Bob")]) == (0, 1)
        work.commit()
    with uow() as work:
        assert [p.slack_user_id for p in work.interviewers.all()] == ["U0BOB"]
        assert work.interviewers.by_slack_id("U0BOB").id == ids["U0BOB"]


def test_an_empty_roster_deactivates_everyone(uow):
    with uow() as work:
        replace_roster(work.session, [person("U0ADA")])
        work.commit()
    with uow() as work:
        assert replace_roster(work.session, []) == (0, 0)
        work.commit()
    with uow() as work:
        assert work.interviewers.all() == []
        assert len(work.interviewers.all(active_only=False)) == 1


# --------------------------------------------------------------------------- bookings


def test_bookings_between_returns_only_overlapping_live_interviews(uow):
    with uow() as work:
        stage, ada, bob = a_stage(work)
        keys = {
            "inside": book(work, stage, ada, T0 + timedelta(minutes=15), 30),
            "straddles start": book(work, stage, ada, T0 - timedelta(minutes=30)),
            "straddles end": book(work, stage, bob, T0 + timedelta(minutes=30)),
            "covers all": book(work, stage, bob, T0 - timedelta(hours=1), 180),
            "completed": book(work, stage, bob, T0, 60, status="completed"),
            "ends at start": book(work, stage, ada, T0 - timedelta(hours=1)),
            "starts at end": book(work, stage, ada, T0 + timedelta(hours=1)),
            "cancelled": book(work, stage, ada, T0, 60, status="cancelled"),
            "declined": book(work, stage, bob, T0, 60, status="declined"),
            "next day": book(work, stage, ada, T0 + timedelta(days=1)),
        }
        work.commit()
    by_id = {interview.id: key for key, interview in keys.items()}
    # The window [10:00, 11:00) UTC, asked for in New York time.
    start, end = T0.astimezone(NEW_YORK), (T0 + timedelta(hours=1)).astimezone(NEW_YORK)
    with uow() as work:
        found = work.loops.bookings_between(start, end)
    assert sorted(by_id[i.id] for i in found) == sorted(
        ["inside", "straddles start", "straddles end", "covers all", "completed"]
    )
    assert all(i.start_at.tzinfo is UTC for i in found)


def test_interview_stats(uow):
    now = T0 + timedelta(days=7)
    with uow() as work:
        stage, ada, bob = a_stage(work)
        book(work, stage, ada, T0 - timedelta(days=3), status="completed")
        book(work, stage, ada, T0.astimezone(NEW_YORK))  # latest past one, written in NY time
        book(work, stage, ada, T0 - timedelta(days=1), status="cancelled")
        book(work, stage, ada, now + timedelta(days=1))  # future: not yet interviewed
        book(work, stage, bob, now + timedelta(hours=1))
        carol = work.interviewers.add(person("U0CAROL"))
        book(work, stage, carol, now, status="declined")
        book(work, stage, carol, now)  # exactly now counts
        work.commit()
    with uow() as work:
        stats = work.loops.interview_stats(now)
    assert set(stats) == {ada.id, carol.id}
    last, number = stats[ada.id]
    assert number == 2
    assert last == T0
    assert last.tzinfo is not None and last.utcoffset() == timedelta(0)
    assert stats[carol.id] == (now, 1)


def test_interviews_of_a_loop_in_time_order(uow):
    with uow() as work:
        stage, ada, bob = a_stage(work)
        later = book(work, stage, ada, T0 + timedelta(hours=2))
        earlier = book(work, stage, bob, T0)
        work.commit()
        loop_id = stage.loop_id
    with uow() as work:
        assert [i.id for i in work.loops.interviews_of_loop(loop_id)] == [earlier.id, later.id]
        assert [i.id for i in work.loops.interviews(stage.id)] == [earlier.id, later.id]


def test_session_time_zone_does_not_leak_into_results(engine, uow):
    """PostgreSQL hands timestamptz back in the session's zone; the column type makes it UTC."""
    with uow() as work:
        work.audit.record("U0ADA", "x")
        work.commit()
    with uow() as work:
        if engine.dialect.name == "postgresql":
            work.session.exec(text("SET TIME ZONE 'America/New_York'"))
        [event] = work.audit.events()
        assert event.at.tzinfo is UTC


def test_audit_events_are_stamped_by_the_clock_the_unit_of_work_is_given(engine):
    later = T0 + timedelta(days=40)  # a demo or test clock, far from the wall clock
    with UnitOfWorkFactory(engine, now=lambda: later)() as work:
        work.audit.record("U1", "something_done", detail="x")
        work.commit()
    with UnitOfWorkFactory(engine)() as work:
        [event] = work.audit.events()
    assert event.at == later
