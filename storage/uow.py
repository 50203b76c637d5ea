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

from storage.batch import BatchReads
from storage.calendar_channels import CalendarChannels
from storage.calendar_events import CalendarEvents
from storage.db import READ_ONLY
from storage.holds import Holds
from storage.insights import InsightQueries
from storage.models import Feedback, Hold, Interview, utcnow
from storage.outbox_rows import Outbox
from storage.privacy import PrivacyQueries
from storage.repositories import Audit, Interviewers, Loops, Requests
from storage.trainees import Trainees

log = logging.getLogger(__name__)

AfterCommit = Callable[["UnitOfWork"], None]
Now = Callable[[], datetime]


class ReadOnly(RuntimeError):
    """A read-only unit of work was asked to write."""


class UnitOfWork:
    def __init__(
        self,
        engine: Engine,
        after_commit: list[AfterCommit] | None = None,
        now: Now = utcnow,
        *,
        read_only: bool = False,
    ):
        """`now` stamps audit events: the app's clock, so a demo or test that moves its
        clock gets an audit log on the same timeline as everything else. A `read_only` unit
        (checking a form before the ack) never takes SQLite's write lock nor waits for it,
        and refuses to flush or commit anything."""
        self.engine = engine
        self.read_only = read_only
        self.now = now
        self.session: Session | None = None
        self.after_commit = after_commit if after_commit is not None else []
        # Interviews whose times, state or feedback changed: their prompts must follow.
        self.changed_interviews: set[int] = set()
        # Holds placed or ended: their expiry jobs (and a calendar's tentative events) follow.
        self.changed_holds: set[int] = set()

    def __enter__(self) -> UnitOfWork:
        bind = self.engine.execution_options(**{READ_ONLY: True}) if self.read_only else self.engine
        self.session = Session(bind, expire_on_commit=False)
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
        self.batch = BatchReads(self.session)
        self.changed_interviews = set()
        self.changed_holds = set()
        event.listen(self.session, "after_flush", self._note_changes)
        if self.read_only:
            event.listen(self.session, "before_flush", self._refuse_writes)
        return self

    def _refuse_writes(self, session: Session, _context, _instances) -> None:
        if session.new or session.dirty or session.deleted:
            raise ReadOnly("a read-only unit of work may not write")

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
        if self.read_only:
            raise ReadOnly("a read-only unit of work has nothing to commit")
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

    def read(self) -> UnitOfWork:
        """A unit of work for reading only: what a listener checks before its ack."""
        return UnitOfWork(self.engine, self.after_commit, self.now, read_only=True)
