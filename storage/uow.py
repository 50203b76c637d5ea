"""Unit of work: one database transaction per user action.

Everything an action changes — state, audit events, queued Slack calls — is
written in one transaction, which is rolled back unless `commit()` is called.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from storage.repositories import Audit, Interviewers, Loops, Outbox, Requests


class UnitOfWork:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.session: Session | None = None

    def __enter__(self) -> UnitOfWork:
        self.session = Session(self.engine, expire_on_commit=False)
        self.interviewers = Interviewers(self.session)
        self.loops = Loops(self.session)
        self.outbox = Outbox(self.session)
        self.audit = Audit(self.session)
        self.requests = Requests(self.session)
        return self

    def __exit__(self, *exc_info) -> None:
        assert self.session is not None
        # close() rolls back whatever was not committed — nothing half-written — and,
        # unlike rollback(), leaves loaded objects readable after the block.
        self.session.close()

    def commit(self) -> None:
        assert self.session is not None
        self.session.commit()

    def flush(self) -> None:
        assert self.session is not None
        self.session.flush()


class UnitOfWorkFactory:
    def __init__(self, engine: Engine):
        self.engine = engine

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.engine)
