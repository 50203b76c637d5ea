"""APScheduler 3.x fires the timed prompts; their times live in `scheduled_prompt`.

APScheduler's SQLAlchemyJobStore pickles every job, unpickles the whole table to list it and
writes each job in its own transaction: at 100,000 prompts a re-sync took hours. Here the job
store is `PromptStore`, a small APScheduler job store over one plain row per (interview,
kind). The re-sync (bot/prompt_sync.py) writes those rows in bulk; APScheduler still decides
when to run what (misfire grace, coalescing, its executor), asking the store only for the
rows that are due and for the next due time.

Rules the prompts depend on:
- Job ids are deterministic (`interview:<id>:<kind>`) and the row's key, so a re-sync never
  duplicates one; the job function is module-level and takes ids only.
- A prompt that fell due while the bot was down runs once when it comes back (a long
  `misfire_grace_time`, `coalesce=True`); the database is the source of truth: each prompt
  records when it was sent, so a job that fires twice finds it sent and does nothing.
- Rows may be written by any replica; the store tells APScheduler to look again at least
  every `recheck` seconds, so a prompt another replica just scheduled is not missed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.job import Job
from apscheduler.jobstores.base import BaseJobStore, ConflictingIdError, JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.date import DateTrigger
from sqlalchemy import Engine

from storage import prompt_schedule as table

log = logging.getLogger(__name__)

MISFIRE_GRACE = timedelta(days=14)
# A handler may return False for a prompt it did not send (no longer wanted).
Handler = Callable[[str, int], bool | None]

MAINTENANCE_EVERY = timedelta(minutes=10)
MAINTENANCE_JOB = "loopbot:maintenance"
PROMPTS = "prompts"
FIRE_REF = "bot.scheduler:fire"

# The one handler of this process (only the leader runs a scheduler).
_handler: Handler | None = None
_maintain: Callable[[], None] | None = None


def fire(kind: str, interview_id: int) -> None:
    """What APScheduler runs: look up this process's handler and hand it the ids."""
    if _handler is None:
        log.warning("prompt %s for interview %s fired with no handler bound", kind, interview_id)
        return
    _handler(kind, interview_id)


def maintain() -> None:
    """The periodic upkeep job (module-level, no arguments, like every job)."""
    if _maintain is not None:
        _maintain()


def job_id(interview_id: int, kind: str) -> str:
    return f"interview:{interview_id}:{kind}"


def slot_of(job_id_: str) -> tuple[int, str]:
    _, interview_id, kind = job_id_.split(":", 2)
    return int(interview_id), kind


class PromptStore(BaseJobStore):
    """An APScheduler job store over `scheduled_prompt`: jobs are built from rows on demand."""

    def __init__(self, engine: Engine, recheck: timedelta = timedelta(seconds=1)):
        super().__init__()
        self.engine = engine
        self.recheck = recheck
        # The time each handed-out job was read at: removing it after it fired only
        # removes that row if no re-sync moved it meanwhile.
        self._handed: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def _job(self, interview_id: int, kind: str, run_at: datetime) -> Job:
        job = Job.__new__(Job)
        job.__setstate__(
            {
                "version": 1,
                "id": job_id(interview_id, kind),
                "func": FIRE_REF,
                "trigger": DateTrigger(run_date=run_at, timezone=UTC),
                "executor": "default",
                "args": (kind, interview_id),
                "kwargs": {},
                "name": "fire",
                "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
                "coalesce": True,
                "max_instances": 1,
                "next_run_time": run_at,
            }
        )
        job._scheduler = self._scheduler
        job._jobstore_alias = self._alias
        return job

    def lookup_job(self, job_id_: str) -> Job | None:
        slot = slot_of(job_id_)
        with self.engine.connect() as connection:
            run_at = table.one(connection, slot)
        return None if run_at is None else self._job(*slot, run_at)

    def get_due_jobs(self, now: datetime) -> list[Job]:
        with self.engine.connect() as connection:
            rows = table.due(connection, now)
        with self._lock:
            for interview_id, kind, run_at in rows:
                self._handed[job_id(interview_id, kind)] = run_at
        return [self._job(*row) for row in rows]

    def get_next_run_time(self) -> datetime:
        with self.engine.connect() as connection:
            soonest = table.next_run_at(connection)
        recheck = datetime.now(UTC) + self.recheck
        return recheck if soonest is None else min(soonest, recheck)

    def get_all_jobs(self) -> list[Job]:
        with self.engine.connect() as connection:
            rows = sorted(table.stored(connection).items(), key=lambda item: (item[1], item[0]))
        return [self._job(i, k, at) for (i, k), at in rows]

    def add_job(self, job: Job) -> None:
        slot = slot_of(job.id)
        with self.engine.begin() as connection:
            if table.one(connection, slot) is not None:
                raise ConflictingIdError(job.id)
            table.write(connection, {slot: job.next_run_time}, {}, ())

    def update_job(self, job: Job) -> None:
        slot = slot_of(job.id)
        with self.engine.begin() as connection:
            if table.one(connection, slot) is None:
                raise JobLookupError(job.id)
            table.write(connection, {}, {slot: job.next_run_time}, ())

    def remove_job(self, job_id_: str) -> None:
        with self._lock:
            run_at = self._handed.pop(job_id_, None)
        with self.engine.begin() as connection:
            table.take(connection, slot_of(job_id_), run_at)

    def remove_all_jobs(self) -> None:
        with self.engine.begin() as connection:
            table.clear(connection)


class _Scheduler(BackgroundScheduler):
    def _process_jobs(self):
        try:
            return super()._process_jobs()
        except JobLookupError:
            # Shut down in the middle of a pass (the leader stepping down): APScheduler then
            # looks for the fired job among its pending ones and fails. The row stays and the
            # next leader fires it; the prompt's sent-at column keeps that to once.
            if self.state == STATE_STOPPED:
                return None
            raise


class PromptScheduler:
    def __init__(
        self,
        engine: Engine,
        handler: Handler,
        *,
        paused: bool = False,
        maintain: Callable[[], None] | None = None,
        recheck: timedelta = timedelta(seconds=1),
    ):
        """`paused=True` never fires on the wall clock: the demo and the tests move their
        own clock and call `run_due`."""
        self.engine = engine
        self.handler = handler
        self.paused = paused
        self.maintain = maintain
        self.recheck = recheck
        self.scheduler: _Scheduler | None = None

    @property
    def running(self) -> bool:
        return self.scheduler is not None and self.scheduler.running

    def start(self) -> None:
        global _handler, _maintain
        _handler = self.handler
        _maintain = self.maintain
        if self.paused:
            return
        # A new APScheduler each time: the leader may lose and regain its role.
        self.scheduler = _Scheduler(
            jobstores={
                "default": MemoryJobStore(),
                PROMPTS: PromptStore(self.engine, self.recheck),
            },
            job_defaults={
                "coalesce": True,
                "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
                "max_instances": 1,
            },
            timezone=UTC,
        )
        self.scheduler.start()
        if self.maintain is not None:
            # Belt and braces: a prompt whose row was lost (a handler error, a crash between
            # commit and sync) is found again from the database within MAINTENANCE_EVERY.
            self.scheduler.add_job(
                maintain,
                trigger="interval",
                seconds=int(MAINTENANCE_EVERY.total_seconds()),
                id=MAINTENANCE_JOB,
                replace_existing=True,
            )

    def shutdown(self) -> None:
        global _handler, _maintain
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.scheduler = None
        if _handler is self.handler:
            _handler = None
            _maintain = None

    def wakeup(self) -> None:
        """Look at the rows again now (after this process wrote some)."""
        if self.running:
            self.scheduler.wakeup()

    def jobs(self) -> list[tuple[str, datetime]]:
        """The prompt jobs, from the database itself, in time order."""
        with self.engine.connect() as connection:
            rows = table.stored(connection)
        ordered = sorted(rows.items(), key=lambda item: (item[1], item[0]))
        return [(job_id(i, k), at) for (i, k), at in ordered]

    def run_due(self, now: datetime) -> int:
        """Run, in time order, every prompt due at `now` (the demo's and tests' clock); returns
        how many were sent (a stale row that a re-sync had not yet removed does not count)."""
        ran = 0
        while True:
            with self.engine.connect() as connection:
                due = table.due(connection, now, limit=1)
            if not due:
                return ran
            interview_id, kind, run_at = due[0]
            with self.engine.begin() as connection:
                taken = table.take(connection, (interview_id, kind), run_at)
            if taken and self.handler(kind, interview_id) is not False:
                ran += 1
