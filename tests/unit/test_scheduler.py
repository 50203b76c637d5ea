"""PromptScheduler on the REAL APScheduler loop and the wall clock, with its job store in
loopbot's own database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set).

The scenario tests drive a paused scheduler with a movable clock; these prove the real
thing: a job fires once and leaves the store, survives a restart and fires once after it,
and the store only ever holds a module-level function and ids.

Jobs are due 0.2-0.5 s ahead; every wait is bounded (Event/Condition with a timeout)."""

from __future__ import annotations

import pickle
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

import bot.scheduler
from bot.scheduler import MISFIRE_GRACE, PromptScheduler, fire, job_id
from storage.db import make_engine, upgrade

TIMEOUT = 5.0  # generous: "it happened", never "it happened this fast"
QUIET = 0.25  # how long we watch for something that must NOT happen

PROMPT = "feedback_prompt"
REMINDER = "interview_reminder"
CHASER = "feedback_reminder"


class Recorder:
    """A handler that records (kind, interview_id) calls from any thread."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self._changed = threading.Condition()

    def __call__(self, kind: str, interview_id: int) -> None:
        with self._changed:
            self.calls.append((kind, interview_id))
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = TIMEOUT) -> bool:
        """True once at least `count` calls were recorded; False after `timeout`."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.calls) >= count, timeout)


def wait_until(predicate: Callable[[], bool], timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def soon(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def later(hours: int = 1) -> datetime:
    # Whole seconds: the job store keeps next_run_time as a float timestamp.
    return (datetime.now(UTC) + timedelta(hours=hours)).replace(microsecond=0)


def sleep_past(when: datetime, margin: float) -> None:
    """Sleep until `margin` seconds after `when` (bounded: `when` is always near)."""
    time.sleep(max(0.0, (when - datetime.now(UTC)).total_seconds()) + margin)


def stored_ids(engine: Engine) -> list[str]:
    """The job ids in the database itself, not what a scheduler thinks it has."""
    with engine.connect() as connection:
        return list(
            connection.execute(text("SELECT id FROM apscheduler_jobs ORDER BY id")).scalars()
        )


def scheduler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "APScheduler" and t.is_alive()]


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)  # the migrations create apscheduler_jobs
    yield engine
    engine.dispose()


@pytest.fixture
def start(engine) -> Iterator[Callable[..., PromptScheduler]]:
    """Start PromptSchedulers on the test's database; every one is shut down afterwards,
    and the test fails if a handler or a scheduler thread leaked."""
    threads_before = set(scheduler_threads())
    made: list[PromptScheduler] = []

    def start_(handler, *, paused: bool = False, maintain=None) -> PromptScheduler:
        scheduler = PromptScheduler(engine, handler, paused=paused, maintain=maintain)
        made.append(scheduler)
        scheduler.start()
        return scheduler

    try:
        yield start_
    finally:
        for scheduler in reversed(made):
            scheduler.shutdown()
    assert bot.scheduler._handler is None, "a handler stayed bound after shutdown"
    assert set(scheduler_threads()) <= threads_before, "a scheduler thread is still running"


# --- 1. a job fires once on the wall clock ---------------------------------------------


def test_a_job_fires_once_on_the_wall_clock_and_is_then_gone_from_the_store(engine, start):
    recorder = Recorder()
    scheduler = start(recorder)

    scheduler.replace(7, {PROMPT: soon(0.3)})
    assert [jid for jid, _ in scheduler.jobs()] == ["interview:7:feedback_prompt"]
    assert stored_ids(engine) == ["interview:7:feedback_prompt"]

    assert recorder.wait_for(1), "the job never fired"
    assert wait_until(lambda: scheduler.jobs() == []), "the fired job stayed in the store"
    assert stored_ids(engine) == []
    assert not recorder.wait_for(2, timeout=QUIET), "the job fired twice"
    assert recorder.calls == [(PROMPT, 7)]


def test_a_job_already_due_when_added_fires_at_once(engine, start):
    """A re-sync after downtime adds prompts whose time has passed: they run, once."""
    recorder = Recorder()
    scheduler = start(recorder)

    scheduler.replace(7, {CHASER: datetime.now(UTC) - timedelta(hours=3)})

    assert recorder.wait_for(1), "an overdue job was dropped instead of run"
    assert wait_until(lambda: stored_ids(engine) == [])
    assert not recorder.wait_for(2, timeout=QUIET)
    assert recorder.calls == [(CHASER, 7)]


# --- 2. replace and keep_only ----------------------------------------------------------


def test_replace_with_the_same_id_keeps_one_job_at_the_newer_time(engine, start):
    scheduler = start(Recorder())
    first, second = later(1), later(2)

    scheduler.replace(7, {PROMPT: first})
    scheduler.replace(7, {PROMPT: second})

    assert scheduler.jobs() == [(job_id(7, PROMPT), second)]
    assert stored_ids(engine) == [job_id(7, PROMPT)]


def test_replace_with_a_smaller_wanted_set_removes_the_dropped_kinds(engine, start):
    scheduler = start(Recorder())
    when = later()
    scheduler.replace(7, {REMINDER: when, PROMPT: when, CHASER: when})
    # 70 shares the digits of 7 but is another interview: untouched by replace(7, ...).
    scheduler.replace(70, {CHASER: when})

    scheduler.replace(7, {PROMPT: when})
    assert sorted(jid for jid, _ in scheduler.jobs()) == [
        "interview:70:feedback_reminder",
        "interview:7:feedback_prompt",
    ]

    scheduler.replace(7, {})
    assert stored_ids(engine) == ["interview:70:feedback_reminder"]


def test_keep_only_removes_the_jobs_of_other_interviews(engine, start):
    scheduler = start(Recorder())
    when = later()
    for interview_id in (7, 8, 9):
        scheduler.replace(interview_id, {PROMPT: when, CHASER: when})

    scheduler.keep_only({7, 9})
    assert stored_ids(engine) == [
        "interview:7:feedback_prompt",
        "interview:7:feedback_reminder",
        "interview:9:feedback_prompt",
        "interview:9:feedback_reminder",
    ]

    scheduler.keep_only(set())
    assert stored_ids(engine) == []


# --- 3. restart ------------------------------------------------------------------------


def test_a_job_that_fell_due_while_down_fires_exactly_once_after_a_restart(engine, start):
    before = Recorder()
    first = start(before)
    due = soon(0.4)
    first.replace(7, {PROMPT: due})
    first.shutdown()  # down before it fires
    assert before.calls == [], "the job fired before the shutdown; the test proves nothing"
    assert stored_ids(engine) == ["interview:7:feedback_prompt"]

    # Overdue by more than APScheduler's default grace of 1 s, which would drop it.
    sleep_past(due, 1.1)
    assert before.calls == [], "a shut-down scheduler fired"

    after = Recorder()
    second = start(after)
    assert after.wait_for(1), "the overdue job was dropped at restart"
    assert wait_until(lambda: stored_ids(engine) == [])
    assert not after.wait_for(2, timeout=QUIET), "the overdue job fired twice"
    assert after.calls == [(PROMPT, 7)]
    assert before.calls == []
    second.shutdown()

    again = Recorder()
    third = start(again)
    assert third.jobs() == []
    assert not again.wait_for(1, timeout=QUIET), "a second restart fired the job again"
    assert after.calls == [(PROMPT, 7)]


# --- 4. persistence --------------------------------------------------------------------


def test_jobs_persist_in_the_database_across_schedulers(engine, start):
    first = start(Recorder())
    first.replace(7, {REMINDER: later(1), PROMPT: later(2)})
    first.replace(8, {PROMPT: later(3)})
    listed = sorted(first.jobs())
    first.shutdown()

    second = start(Recorder())
    assert sorted(second.jobs()) == listed
    assert sorted(jid for jid, _ in listed) == [
        "interview:7:feedback_prompt",
        "interview:7:interview_reminder",
        "interview:8:feedback_prompt",
    ]
    # ... and the new scheduler can manage them: they are its jobs now.
    second.keep_only({8})
    assert stored_ids(engine) == ["interview:8:feedback_prompt"]


# --- 5. paused: never on the wall clock, run_due in time order --------------------------


def test_a_paused_scheduler_never_fires_and_run_due_runs_due_jobs_in_time_order(engine, start):
    recorder = Recorder()
    scheduler = start(recorder, paused=True)
    last_due = soon(0.3)
    # Added out of time order, and time order is not id order.
    scheduler.replace(9, {CHASER: last_due})
    scheduler.replace(3, {PROMPT: last_due - timedelta(milliseconds=100)})
    scheduler.replace(5, {REMINDER: last_due - timedelta(milliseconds=200), PROMPT: later(1)})

    sleep_past(last_due, QUIET)
    assert recorder.calls == [], "a paused scheduler fired on the wall clock"
    assert len(stored_ids(engine)) == 4

    now = datetime.now(UTC)
    assert scheduler.run_due(now) == 3
    assert recorder.calls == [(REMINDER, 5), (PROMPT, 3), (CHASER, 9)]
    assert scheduler.run_due(now) == 0, "run_due ran a job twice"
    assert recorder.calls == [(REMINDER, 5), (PROMPT, 3), (CHASER, 9)]
    assert stored_ids(engine) == ["interview:5:feedback_prompt"]  # not due yet: kept


# --- 6. what the store keeps -----------------------------------------------------------


def test_the_stored_job_is_the_module_level_fire_with_ids_only(engine, start):
    first = start(Recorder())
    first.replace(7, {PROMPT: later()})
    first.shutdown()

    # Loaded back from the database by a scheduler that never saw the job object.
    second = start(Recorder())
    job = second.scheduler.get_job(job_id(7, PROMPT))
    assert job is not None
    assert job.func is bot.scheduler.fire
    assert job.func is fire
    assert job.func_ref == "bot.scheduler:fire"
    assert list(job.args) == [PROMPT, 7]
    assert [type(arg) for arg in job.args] == [str, int]
    assert job.kwargs == {}
    assert job.coalesce is True
    assert job.max_instances == 1
    assert job.misfire_grace_time == MISFIRE_GRACE.total_seconds()

    # The raw row: a textual function reference and ids, no handler or object graph.
    with engine.connect() as connection:
        blob = connection.execute(
            text("SELECT job_state FROM apscheduler_jobs WHERE id = :id"),
            {"id": job_id(7, PROMPT)},
        ).scalar_one()
    state = pickle.loads(blob)
    assert state["func"] == "bot.scheduler:fire"
    assert list(state["args"]) == [PROMPT, 7]
    assert state["kwargs"] == {}
    assert b"Recorder" not in bytes(blob)


def test_fire_goes_to_the_bound_handler_and_is_a_no_op_with_none(engine, start, caplog):
    assert bot.scheduler._handler is None
    fire(PROMPT, 7)  # nothing bound: logged, not raised
    assert "no handler bound" in caplog.text

    recorder = Recorder()
    scheduler = start(recorder)
    fire(PROMPT, 7)
    assert recorder.calls == [(PROMPT, 7)]

    scheduler.shutdown()
    assert bot.scheduler._handler is None
    fire(PROMPT, 8)
    assert recorder.calls == [(PROMPT, 7)]


# --- 8. periodic upkeep -------------------------------------------------------------------


def test_a_running_scheduler_keeps_an_upkeep_job_that_resync_never_removes(engine, start):
    ran = threading.Event()
    scheduler = start(Recorder(), maintain=ran.set)
    jobs = dict(scheduler.jobs())
    assert "loopbot:maintenance" in jobs
    scheduler.keep_only(set())
    assert "loopbot:maintenance" in dict(scheduler.jobs())
    bot.scheduler.maintain()  # what the stored job calls
    assert ran.is_set()


def test_a_paused_scheduler_has_no_upkeep_job(engine, start):
    scheduler = start(Recorder(), paused=True, maintain=lambda: None)
    assert "loopbot:maintenance" not in dict(scheduler.jobs())
