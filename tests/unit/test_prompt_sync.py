"""The one-pass prompt re-sync: it writes only the difference, an incremental re-sync touches
only the interviews it is given, and a reminder whose interview has begun is dropped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from bot.clock import ManualClock
from bot.loops.config import LoopConfig
from bot.planning.template_loader import load_templates
from bot.prompt_sync import PromptSync
from bot.prompts import PromptService, PromptTimes
from storage import prompt_schedule
from storage.db import make_engine, upgrade
from storage.uow import UnitOfWorkFactory
from tests.bench.seed import seed_interviews

NOW = datetime(2031, 5, 5, 9, 0, tzinfo=UTC)
TIMES = PromptTimes(
    interview_reminder=timedelta(minutes=30),
    feedback_reminder=timedelta(hours=24),
    escalate_recruiter=timedelta(hours=48),
    escalate_manager=timedelta(hours=72),
)


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def sync(engine, clock) -> PromptSync:
    loops = LoopConfig(load_templates(None), "#recruiting", "UTC")
    return PromptSync(UnitOfWorkFactory(engine), PromptService(loops, TIMES), clock)


def stored(engine):
    with engine.connect() as connection:
        return prompt_schedule.stored(connection)


def test_a_full_resync_writes_the_difference_and_then_nothing(engine, sync):
    ids = seed_interviews(engine, 40, NOW)
    first = sync.resync_all()
    assert (first.wanted, first.added, first.moved, first.removed) == (200, 200, 0, 0)
    rows = stored(engine)
    assert rows[(ids[0], "interview_reminder")] == NOW + timedelta(minutes=30)
    assert rows[(ids[0], "feedback_prompt")] == NOW + timedelta(hours=2)
    again = sync.resync_all()
    assert not again.changed and again.wanted == 200


def test_an_incremental_resync_touches_only_the_interviews_it_is_given(engine, sync):
    ids = seed_interviews(engine, 8, NOW)
    sync.resync_all()
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE interview SET status = 'cancelled' WHERE id IN (:a, :b)"),
            {"a": ids[0], "b": ids[1]},
        )
    result = sync.resync({ids[0]})
    assert (result.added, result.moved, result.removed) == (0, 0, 5)
    kept = {slot[0] for slot in stored(engine)}
    assert ids[0] not in kept and ids[1] in kept  # not asked about: left for later
    assert sync.resync_all().removed == 5


def test_moved_interviews_move_their_prompts_and_begun_ones_lose_the_reminder(engine, sync, clock):
    [only] = seed_interviews(engine, 1, NOW)
    sync.resync_all()
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE interview SET start_at = :s, end_at = :e WHERE id = :i"),
            {"s": NOW + timedelta(days=1), "e": NOW + timedelta(days=1, hours=1), "i": only},
        )
    assert sync.resync({only}).moved == 5
    clock.advance(timedelta(days=1, minutes=5))  # the interview has begun (the bot was down)
    result = sync.resync_all()
    assert result.removed == 1
    assert (only, "interview_reminder") not in stored(engine)
    assert (only, "feedback_prompt") in stored(engine)
