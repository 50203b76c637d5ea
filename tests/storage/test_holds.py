"""The holds repository on SQLite and PostgreSQL: what still counts, what has run out, when
each stage's holds expire, and the unit of work noting every hold it changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.db import make_engine, upgrade
from storage.models import Hold, Stage
from storage.uow import UnitOfWorkFactory
from tests.storage.test_storage import a_stage

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def uow(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield UnitOfWorkFactory(engine)
    engine.dispose()


def hold(work, stage: Stage, who, *, hours_left: float, status: str = "held") -> Hold:
    return work.holds.add(
        Hold(
            stage_id=stage.id,
            version=1,
            interviewer_id=who.id,
            start_at=T0 + timedelta(days=1),
            end_at=T0 + timedelta(days=1, minutes=45),
            created_at=T0,
            expires_at=T0 + timedelta(hours=hours_left),
            status=status,
        )
    )


def test_live_holds_are_held_unexpired_and_on_a_waiting_proposal(uow):
    with uow() as work:
        stage, ada, bob = a_stage(work)
        stage.status = "proposed"
        left = work.loops.add_stage(Stage(loop_id=stage.loop_id, key="later", position=2))
        keys = {
            "live": hold(work, stage, ada, hours_left=4),
            "expired": hold(work, stage, bob, hours_left=-1),
            "booked": hold(work, stage, bob, hours_left=4, status="booked"),
            "released": hold(work, stage, ada, hours_left=4, status="released"),
            "left behind": hold(work, left, ada, hours_left=4),  # its stage is not proposed
        }
        work.commit()
    names = {h.id: key for key, h in keys.items()}
    with uow() as work:
        assert [names[h.id] for h, _ in work.holds.live(T0)] == ["live"]
        assert [names[h.id] for h in work.holds.overdue(T0)] == ["expired"]
        assert sorted(names[h.id] for h in work.holds.of_stage(stage.id)) == ["expired", "live"]
        expiries = work.holds.expiries()
        assert expiries == {stage.id: T0 - timedelta(hours=1), left.id: T0 + timedelta(hours=4)}
        assert all(when.tzinfo is not None for when in expiries.values())
        assert work.holds.expiries([left.id]) == {left.id: T0 + timedelta(hours=4)}


def test_the_unit_of_work_notes_every_hold_placed_or_ended(uow):
    with uow() as work:
        stage, ada, _ = a_stage(work)
        placed = hold(work, stage, ada, hours_left=4)
        work.flush()
        assert work.changed_holds == {placed.id}
        work.commit()
    with uow() as work:
        assert work.changed_holds == set()
        ended = work.holds.get(placed.id)
        ended.status = "released"
        work.session.add(ended)
        work.flush()
        assert work.changed_holds == {placed.id}
