"""Which replica leads: runs the scheduler and the outbox sender.

PostgreSQL: a session-level advisory lock held on a connection of its own (outside the pool).
The server releases it the moment that session ends, so a replica that dies hands over at
once; the holder re-checks its connection on every `hold()`.

SQLite: a row in `leader_lease` with an expiry, renewed on every `hold()`; a replica that
dies hands over when its lease runs out.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import Connection, Engine, create_engine, select, text
from sqlalchemy.pool import NullPool

from storage.db import lock_key
from storage.models import LeaderLease, utcnow

log = logging.getLogger(__name__)

LEASE = LeaderLease.__table__


class Leadership:
    def __init__(self, engine: Engine, holder: str, lease_seconds: float, name: str = "leader"):
        self.engine = engine
        self.holder = holder
        self.lease = timedelta(seconds=lease_seconds)
        self.name = name
        self._connection: Connection | None = None
        self._lock_engine: Engine | None = None

    @property
    def postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def hold(self) -> bool:
        """Take or keep the lead; False when another replica has it (or the database is
        unreachable, in which case nobody can lead from here)."""
        try:
            return self._hold_lock() if self.postgres else self._hold_lease()
        except Exception as error:  # a lost connection means a lost lock
            log.warning("leadership check failed: %s", str(error).splitlines()[0])
            self._drop_connection()
            return False

    def release(self) -> None:
        try:
            if self.postgres:
                self._drop_connection()
            else:
                with self.engine.begin() as connection:
                    connection.execute(
                        LEASE.delete()
                        .where(LEASE.c.name == self.name)
                        .where(LEASE.c.holder == self.holder)
                    )
        except Exception as error:
            log.warning("releasing leadership failed: %s", str(error).splitlines()[0])

    # -- PostgreSQL ---------------------------------------------------------------------------
    def _hold_lock(self) -> bool:
        if self._connection is not None:
            # Locks live as long as the session: a live session still holds it.
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
            return True
        if self._lock_engine is None:
            self._lock_engine = create_engine(
                self.engine.url,
                poolclass=NullPool,
                # Notice a dead server (or a partition) within seconds, not hours.
                connect_args={
                    "connect_timeout": 5,
                    "keepalives": 1,
                    "keepalives_idle": 5,
                    "keepalives_interval": 2,
                    "keepalives_count": 2,
                },
            )
        connection = self._lock_engine.connect()
        key = lock_key(connection, self.name)
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
        connection.commit()
        if got:
            self._connection = connection
            return True
        connection.close()
        return False

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # already broken: closing it is all that was left to do
                log.debug("closing the leadership connection failed", exc_info=True)

    def close(self) -> None:
        self.release()
        if self._lock_engine is not None:
            self._lock_engine.dispose()

    # -- SQLite ---------------------------------------------------------------------------
    def _hold_lease(self) -> bool:
        now = utcnow()
        with self.engine.begin() as connection:  # BEGIN IMMEDIATE: one replica at a time
            row = connection.execute(
                select(LEASE.c.holder, LEASE.c.expires_at).where(LEASE.c.name == self.name)
            ).first()
            values = {"holder": self.holder, "expires_at": now + self.lease}
            if row is None:
                connection.execute(LEASE.insert().values(name=self.name, **values))
                return True
            holder, expires_at = row
            if holder != self.holder and expires_at > now:
                return False
            connection.execute(LEASE.update().where(LEASE.c.name == self.name).values(**values))
            return True
