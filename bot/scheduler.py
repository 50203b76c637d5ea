"""APScheduler 3.x for timed prompts, with its job store in loopbot's own database.

Rules the prompts depend on:
- Jobs have deterministic ids (`interview:<id>:<kind>`) and are added with
  `replace_existing=True`, so re-syncing never duplicates a job.
- The job function is module-level and takes ids only, because the job store
  keeps a reference to it, not the object graph.
- `misfire_grace_time` is long and `coalesce=True`: a prompt that fell due
  while the bot was down runs once when it comes back, instead of being dropped
  (APScheduler's default grace of 1 s would silently drop it).
- The database is the source of truth: each prompt records when it was sent, and
  jobs are re-synced from the database at start. A job that fires twice finds the
  prompt already sent and does nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

log = logging.getLogger(__name__)

MISFIRE_GRACE = timedelta(days=14)
Handler = Callable[[str, int], None]

MAINTENANCE_EVERY = timedelta(minutes=10)
MAINTENANCE_JOB = "loopbot:maintenance"

# The one handler of this process (APScheduler's rule: one scheduler per job store).
_handler: Handler | None = None
_maintain: Callable[[], None] | None = None


def fire(kind: str, interview_id: int) -> None:
    """What APScheduler runs: look up this process's handler and hand it the ids."""
    if _handler is None:
        log.warning("prompt %s for interview %s fired with no handler bound", kind, interview_id)
        return
    _handler(kind, interview_id)


def maintain() -> None:
    """The periodic upkeep job (module-level, no arguments, like every stored job)."""
    if _maintain is not None:
        _maintain()


def job_id(interview_id: int, kind: str) -> str:
    return f"interview:{interview_id}:{kind}"


class PromptScheduler:
    def __init__(
        self,
        engine: Engine,
        handler: Handler,
        *,
        paused: bool = False,
        maintain: Callable[[], None] | None = None,
    ):
        """`paused=True` keeps the job store but never fires on the wall clock: the demo
        and the tests move their own clock and call `run_due`."""
        self.handler = handler
        self.paused = paused
        self.maintain = maintain
        self.scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=engine)},
            job_defaults={
                "coalesce": True,
                "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
                "max_instances": 1,
            },
            timezone=UTC,
        )

    def start(self) -> None:
        global _handler, _maintain
        _handler = self.handler
        _maintain = self.maintain
        self.scheduler.start(paused=self.paused)
        if self.maintain is not None and not self.paused:
            # Belt and braces: a prompt whose job was lost (a handler error, a crash between
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
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if _handler is self.handler:
            _handler = None
            _maintain = None

    def replace(self, interview_id: int, wanted: Mapping[str, datetime]) -> None:
        """Make the interview's jobs exactly `wanted` (kind → when)."""
        prefix = f"interview:{interview_id}:"
        for job in self.scheduler.get_jobs():
            if job.id.startswith(prefix) and job.id[len(prefix) :] not in wanted:
                self._remove(job.id)
        for kind, when in wanted.items():
            self.scheduler.add_job(
                fire,
                trigger="date",
                run_date=when,
                args=[kind, interview_id],
                id=job_id(interview_id, kind),
                replace_existing=True,
            )

    def keep_only(self, interview_ids: set[int]) -> None:
        """Drop jobs of interviews that no longer want any (start-up re-sync)."""
        for job in self.scheduler.get_jobs():
            parts = job.id.split(":")
            if parts[0] == "interview" and int(parts[1]) not in interview_ids:
                self._remove(job.id)

    def jobs(self) -> list[tuple[str, datetime]]:
        return [(job.id, job.next_run_time) for job in self.scheduler.get_jobs()]

    def run_due(self, now: datetime) -> int:
        """Run, in time order, every job due at `now` (the demo's and tests' clock)."""
        ran = 0
        while True:
            due = [
                j
                for j in self.scheduler.get_jobs()
                if j.next_run_time is not None and j.next_run_time <= now
            ]
            if not due:
                return ran
            job = min(due, key=lambda j: (j.next_run_time, j.id))
            self._remove(job.id)
            self.handler(*job.args)
            ran += 1

    def _remove(self, job_id_: str) -> None:
        # Already ran or removed: the goal is reached either way.
        with contextlib.suppress(JobLookupError):
            self.scheduler.remove_job(job_id_)
