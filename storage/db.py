"""Engines and schema upgrades. Nothing here runs at import time."""

from __future__ import annotations

import hashlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).parent / "migrations"


# Execution option of a read-only unit of work: on SQLite its transaction starts deferred,
# so it neither takes the write lock nor waits for one (WAL readers see the last commit).
READ_ONLY = "loopbot_read_only"


def make_engine(url: str, connections: int = 16) -> Engine:
    """An engine that is safe to share between Bolt's listener threads, the
    outbox sender and APScheduler. `connections`: how many may be open at once, at least
    one per thread that may hold one, or a listener waits for another's."""
    # A few kept open, the rest opened for a burst and closed once it has passed.
    pool = {"pool_size": min(connections, 10), "max_overflow": max(connections - 10, 0)}
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            # One connection for an in-memory database, or every thread would see its own.
            **({"poolclass": StaticPool} if in_memory else pool),
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_begin_immediate); pysqlite's own
    # deferred BEGIN would also break SAVEPOINTs.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the sender read while a listener writes; busy_timeout waits instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    """Take SQLite's write lock when a transaction starts, not at its first write.

    Two clicks on one button then run one after the other: the second reads what
    the first committed. With a deferred BEGIN both would read the old state, and
    the second would fail to upgrade its stale snapshot to a writer. A read-only unit of
    work (validation before an ack) begins deferred instead: it never waits for the lock."""
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; a no-op when it is already there.

    Replicas starting together migrate one at a time: on PostgreSQL under an advisory lock
    (the others wait, then find nothing left to do); on SQLite every transaction already
    takes the database's write lock (BEGIN IMMEDIATE), and Alembic runs in one."""
    config = alembic_config(engine)
    if engine.dialect.name != "postgresql":
        with engine.connect() as connection:
            # One transaction for the whole upgrade, begun with SQLite's write lock: a
            # replica starting at the same moment waits, then finds nothing left to do.
            connection.begin()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        return
    with engine.connect() as connection:
        key = lock_key(connection, "migrate")
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        connection.commit()
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        finally:
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()


def lock_key(connection: Connection, purpose: str) -> int:
    """A PostgreSQL advisory lock key for `purpose` in this connection's schema: advisory
    locks are database-wide, and two loopbots may share a database in different schemas."""
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    digest = hashlib.blake2b(f"loopbot:{purpose}:{schema}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
