"""Unit of work: one database transaction per user action.

Everything an action changes — state, audit events, queued Slack calls — is
written in one transaction, which is rolled back unless `commit()` is called.
Work that must only happen once the data is durable (waking the outbox sender,
moving scheduler jobs) hangs off `after_commit` hooks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, event
from sqlmodel import Session

from storage.calendar_channels import CalendarChannels
from storage.calendar_events import CalendarEvents
from storage.holds import Holds
from storage.insights import InsightQueries
from storage.models import Feedback, Hold, Interview, utcnow
from storage.privacy import PrivacyQueries
from storage.repositories import Audit, Interviewers, Loops, Outbox, Requests
from storage.trainees import Trainees

log = logging.getLogger(__name__)

AfterCommit = Callable[["UnitOfWork"], None]
Now = Callable[[], datetime]


class UnitOfWork:
    def __init__(
        self, engine: Engine, after_commit: list[AfterCommit] | None = None, now: Now = utcnow
    ):
        """`now` stamps audit events: the app's clock, so a demo or test that moves its
        clock gets an audit log on the same timeline as everything else."""
        self.engine = engine
        self.now = now
        self.session: Session | None = None
        self.after_commit = after_commit if after_commit is not None else []
        # Interviews whose times, state or feedback changed: their prompts must follow.
        self.changed_interviews: set[int] = set()
        # Holds placed or ended: their expiry jobs (and a calendar's tentative events) follow.
        self.changed_holds: set[int] = set()

    def __enter__(self) -> UnitOfWork:
        self.session = Session(self.engine, expire_on_commit=False)
        self.interviewers = Interviewers(self.session)
        self.loops = Loops(self.session)
        self.outbox = Outbox(self.session)
        self.audit = Audit(self.session, self.now)
        self.requests = Requests(self.session)
        self.holds = Holds(self.session)
        self.calendar_channels = CalendarChannels(self.session)
        self.calendar_events = CalendarEvents(self.session)
        self.insights = InsightQueries(self.session)
        self.privacy = PrivacyQueries(self.session)
        self.trainees = Trainees(self.session)
        self.changed_interviews = set()
        self.changed_holds = set()
        event.listen(self.session, "after_flush", self._note_changes)
        return self

    def _note_changes(self, session: Session, _context) -> None:
        for instance in (*session.new, *session.dirty):
            if isinstance(instance, Interview) and instance.id is not None:
                self.changed_interviews.add(instance.id)
            elif isinstance(instance, Feedback):  # feedback in: its chasers are not wanted
                self.changed_interviews.add(instance.interview_id)
            elif isinstance(instance, Hold) and instance.id is not None:
                self.changed_holds.add(instance.id)

    def __exit__(self, *exc_info) -> None:
        assert self.session is not None
        # close() rolls back whatever was not committed — nothing half-written — and,
        # unlike rollback(), leaves loaded objects readable after the block.
        self.session.close()

    def commit(self) -> None:
        assert self.session is not None
        self.session.commit()
        for hook in self.after_commit:
            try:
                hook(self)
            except Exception:  # the data is committed; a hook failing must not undo the action
                log.exception("after-commit hook %r failed", hook)

    def flush(self) -> None:
        assert self.session is not None
        self.session.flush()


class UnitOfWorkFactory:
    def __init__(self, engine: Engine, now: Now = utcnow):
        self.engine = engine
        self.now = now
        self.after_commit: list[AfterCommit] = []

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.after_commit, self.now)
