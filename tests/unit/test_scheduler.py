"""PromptScheduler on the REAL APScheduler loop and the wall clock, with its job store (
`PromptStore`, over `scheduled_prompt`) in loopbot's own database (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set).

The scenario tests drive a paused scheduler with a movable clock; these prove the real
thing: a job fires once and leaves the store, survives a restart and fires once after it,
a row another replica writes is noticed without being told, and a row moved by a re-sync
after it was read is not lost.

Jobs are due 0.2-0.5 s ahead; every wait is bounded (Event/Condition with a timeout)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

import bot.scheduler
from bot.scheduler import MISFIRE_GRACE, PromptScheduler, PromptStore, fire, job_id
from storage import prompt_schedule
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
    return (datetime.now(UTC) + timedelta(hours=hours)).replace(microsecond=0)


def sleep_past(when: datetime, margin: float) -> None:
    """Sleep until `margin` seconds after `when` (bounded: `when` is always near)."""
    time.sleep(max(0.0, (when - datetime.now(UTC)).total_seconds()) + margin)


def stored_ids(engine: Engine) -> list[str]:
    """The job ids in the database itself, not what a scheduler thinks it has."""
    with engine.connect() as connection:
        return list(
            f"interview:{i}:{k}"
            for i, k in connection.execute(
                text("SELECT interview_id, kind FROM scheduled_prompt ORDER BY interview_id, kind")
            )
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
        scheduler = PromptScheduler(
            engine, handler, paused=paused, maintain=maintain, recheck=timedelta(seconds=0.2)
        )
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


def put(engine: Engine, interview_id: int, wanted: dict[str, datetime]) -> None:
    """Write rows the way a re-sync does (any replica, no scheduler involved)."""
    with engine.begin() as connection:
        stored = prompt_schedule.stored(connection, [interview_id])
        add = {(interview_id, k): at for k, at in wanted.items() if (interview_id, k) not in stored}
        move = {(interview_id, k): at for k, at in wanted.items() if (interview_id, k) in stored}
        gone = [slot for slot in stored if slot[1] not in wanted]
        prompt_schedule.write(connection, add, move, gone)


# --- 1. a job fires once on the wall clock ---------------------------------------------


def test_a_row_fires_once_on_the_wall_clock_and_is_then_gone(engine, start):
    recorder = Recorder()
    scheduler = start(recorder)

    put(engine, 7, {PROMPT: soon(0.3)})
    scheduler.wakeup()
    assert [jid for jid, _ in scheduler.jobs()] == ["interview:7:feedback_prompt"]

    assert recorder.wait_for(1), "the job never fired"
    assert wait_until(lambda: stored_ids(engine) == []), "the fired row stayed"
    assert not recorder.wait_for(2, timeout=QUIET), "the job fired twice"
    assert recorder.calls == [(PROMPT, 7)]


def test_a_row_already_due_when_written_fires_at_once(engine, start):
    """A re-sync after downtime writes prompts whose time has passed: they run, once."""
    recorder = Recorder()
    start(recorder)
    put(engine, 7, {CHASER: datetime.now(UTC) - timedelta(hours=3)})
    assert recorder.wait_for(1), "an overdue job was dropped instead of run"
    assert wait_until(lambda: stored_ids(engine) == [])
    assert not recorder.wait_for(2, timeout=QUIET)
    assert recorder.calls == [(CHASER, 7)]


def test_a_row_written_by_another_replica_is_noticed_without_a_wakeup(engine, start):
    recorder = Recorder()
    scheduler = start(recorder)
    put(engine, 8, {PROMPT: later(5)})  # the scheduler now sleeps towards this one...
    scheduler.wakeup()
    time.sleep(0.3)
    put(engine, 9, {PROMPT: soon(0.2)})  # ...and another replica adds an earlier one
    assert recorder.wait_for(1, timeout=3), "a row written elsewhere was never noticed"
    assert recorder.calls == [(PROMPT, 9)]


# --- 2. the store -----------------------------------------------------------------------


def test_a_row_moved_after_it_was_read_is_kept(engine):
    store = PromptStore(engine)
    store._scheduler, store._alias = None, "prompts"
    due = datetime.now(UTC) - timedelta(seconds=1)
    put(engine, 7, {PROMPT: due})
    [job] = store.get_due_jobs(datetime.now(UTC))
    put(engine, 7, {PROMPT: later(2)})  # a re-sync moved it meanwhile (the interview moved)
    store.remove_job(job.id)  # what APScheduler does once it submitted the job
    assert stored_ids(engine) == ["interview:7:feedback_prompt"]


def test_jobs_are_the_module_level_fire_with_ids_only(engine):
    store = PromptStore(engine)
    store._scheduler, store._alias = None, "prompts"
    put(engine, 7, {PROMPT: later()})
    job = store.lookup_job(job_id(7, PROMPT))
    assert job.func is bot.scheduler.fire and job.func_ref == "bot.scheduler:fire"
    assert list(job.args) == [PROMPT, 7] and job.kwargs == {}
    assert job.coalesce is True and job.max_instances == 1
    assert job.misfire_grace_time == MISFIRE_GRACE.total_seconds()
    assert store.lookup_job(job_id(8, PROMPT)) is None
    assert [j.id for j in store.get_all_jobs()] == [job_id(7, PROMPT)]


# --- 3. restart ------------------------------------------------------------------------


def test_a_row_that_fell_due_while_down_fires_exactly_once_after_a_restart(engine, start):
    before = Recorder()
    first = start(before)
    due = soon(0.4)
    first.shutdown()  # down before it fires
    put(engine, 7, {PROMPT: due})
    sleep_past(due, 1.1)  # overdue by more than APScheduler's default grace of 1 s
    assert before.calls == [], "a shut-down scheduler fired"

    after = Recorder()
    second = start(after)
    assert after.wait_for(1), "the overdue job was dropped at restart"
    assert wait_until(lambda: stored_ids(engine) == [])
    assert not after.wait_for(2, timeout=QUIET), "the overdue job fired twice"
    second.shutdown()

    again = Recorder()
    third = start(again)
    assert third.jobs() == []
    assert not again.wait_for(1, timeout=QUIET), "a second restart fired the job again"


# --- 4. paused: never on the wall clock, run_due in time order --------------------------


def test_a_paused_scheduler_never_fires_and_run_due_runs_due_jobs_in_time_order(engine, start):
    recorder = Recorder()
    scheduler = start(recorder, paused=True)
    last_due = soon(0.3)
    put(engine, 9, {CHASER: last_due})
    put(engine, 3, {PROMPT: last_due - timedelta(milliseconds=100)})
    put(engine, 5, {REMINDER: last_due - timedelta(milliseconds=200), PROMPT: later(1)})

    sleep_past(last_due, QUIET)
    assert recorder.calls == [], "a paused scheduler fired on the wall clock"
    now = datetime.now(UTC)
    assert scheduler.run_due(now) == 3
    assert recorder.calls == [(REMINDER, 5), (PROMPT, 3), (CHASER, 9)]
    assert scheduler.run_due(now) == 0, "run_due ran a job twice"
    assert stored_ids(engine) == ["interview:5:feedback_prompt"]  # not due yet: kept


def test_run_due_counts_only_the_prompts_the_handler_sent(engine, start):
    sent = []

    def handler(kind: str, interview_id: int) -> bool:
        sent.append(interview_id)
        return interview_id != 4  # interview 4's row was stale: taken, but nothing sent

    scheduler = start(handler, paused=True)
    now = datetime.now(UTC)
    put(engine, 4, {REMINDER: now - timedelta(seconds=2)})
    put(engine, 6, {PROMPT: now - timedelta(seconds=1)})
    assert scheduler.run_due(now) == 1
    assert sent == [4, 6]
    assert scheduler.run_due(now) == 0


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


# --- 5. periodic upkeep -------------------------------------------------------------------


def test_a_running_scheduler_keeps_an_upkeep_job_outside_the_prompt_table(engine, start):
    ran = threading.Event()
    scheduler = start(Recorder(), maintain=ran.set)
    assert scheduler.scheduler.get_job("loopbot:maintenance") is not None
    assert stored_ids(engine) == []
    bot.scheduler.maintain()  # what the job calls
    assert ran.is_set()


def test_a_paused_scheduler_has_no_upkeep_job(engine, start):
    scheduler = start(Recorder(), paused=True, maintain=lambda: None)
    assert scheduler.scheduler is None
