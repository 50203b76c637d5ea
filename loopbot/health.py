"""/healthz: 200 when the bot can do its job, 503 with the reasons when it cannot (the
database is unreachable, the outbox's oldest undelivered row is older than
LOOPBOT_OUTBOX_MAX_AGE_SECONDS, or a row was dead-lettered)."""

from __future__ import annotations

from sqlalchemy import text

from bot.settings import Settings
from storage.models import utcnow
from storage.uow import UnitOfWorkFactory


class Health:
    def __init__(self, uow: UnitOfWorkFactory, settings: Settings, election):
        self.uow = uow
        self.settings = settings
        self.election = election
        self.prompts = "not leading"  # set by the runtime as the full re-sync runs

    def backlog_figures(self) -> tuple[int, float, int]:
        with self.uow() as uow:
            pending, oldest, dead = uow.outbox.backlog()
        age = max((utcnow() - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
        return pending, age, dead

    def report(self) -> dict:
        try:
            with self.uow() as uow:
                uow.session.exec(text("SELECT 1"))
            pending, age, dead = self.backlog_figures()
        except Exception as error:  # a health check reports, it never raises
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            return {"ok": False, "database": first, "problems": ["the database is unreachable"]}
        problems = []
        limit = self.settings.outbox_max_age_seconds
        if pending and age > limit:
            problems.append(
                f"the oldest undelivered outbox message is {int(age)} s old (limit {limit} s)"
            )
        if dead:
            problems.append(
                f"{dead} outbox message(s) could not be delivered (dead letters: see "
                f"`loopbot outbox list`)"
            )
        return {
            "ok": not problems,
            "database": "ok",
            "outbox_pending": pending,
            "outbox_oldest_seconds": round(age, 1),
            "dead_letters": dead,
            "leader": self.election.is_leader,
            "prompts": self.prompts if self.election.is_leader else "not leading",
            "problems": problems,
        }
