"""The `scheduled_prompt` table: when each timed prompt is due, one row per (interview, kind).

Plain Core statements on a Connection, written in bulk: a full re-sync at 100,000 prompts is
a handful of statements, not 100,000 transactions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    tuple_,
    update,
)

from storage.models import ScheduledPrompt

Slot = tuple[int, str]  # (interview id, kind)
TABLE = ScheduledPrompt.__table__
BATCH = 500


def lock(connection: Connection) -> None:
    """Serialise writers of the table for this transaction: each re-sync reads the interviews
    and writes their rows as one step, so the last writer always wrote from the newest state
    (SQLite's BEGIN IMMEDIATE already does this for every transaction)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("LOCK TABLE scheduled_prompt IN EXCLUSIVE MODE"))


def stored(
    connection: Connection, interview_ids: Iterable[int] | None = None
) -> dict[Slot, datetime]:
    columns = (TABLE.c.interview_id, TABLE.c.kind, TABLE.c.run_at)
    if interview_ids is None:
        return {(i, k): at for i, k, at in connection.execute(select(*columns))}
    found: dict[Slot, datetime] = {}
    ids = sorted(set(interview_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        query = select(*columns).where(TABLE.c.interview_id.in_(chunk))
        found.update({(i, k): at for i, k, at in connection.execute(query)})
    return found


def write(
    connection: Connection,
    add: Mapping[Slot, datetime],
    move: Mapping[Slot, datetime],
    remove: Iterable[Slot],
) -> None:
    if add:
        rows = [{"interview_id": i, "kind": k, "run_at": at} for (i, k), at in add.items()]
        for start in range(0, len(rows), BATCH * 10):
            connection.execute(insert(TABLE), rows[start : start + BATCH * 10])
    if move:
        connection.execute(
            update(TABLE)
            .where(TABLE.c.interview_id == bindparam("b_id"))
            .where(TABLE.c.kind == bindparam("b_kind"))
            .values(run_at=bindparam("b_at")),
            [{"b_id": i, "b_kind": k, "b_at": at} for (i, k), at in move.items()],
        )
    gone = list(remove)
    for start in range(0, len(gone), BATCH):
        chunk = gone[start : start + BATCH]
        connection.execute(
            delete(TABLE).where(tuple_(TABLE.c.interview_id, TABLE.c.kind).in_(chunk))
        )


def due(
    connection: Connection, now: datetime, limit: int = 1000
) -> list[tuple[int, str, datetime]]:
    query = (
        select(TABLE.c.interview_id, TABLE.c.kind, TABLE.c.run_at)
        .where(TABLE.c.run_at <= now)
        .order_by(TABLE.c.run_at, TABLE.c.interview_id, TABLE.c.kind)
        .limit(limit)
    )
    return [tuple(row) for row in connection.execute(query)]


def one(connection: Connection, slot: Slot) -> datetime | None:
    return connection.execute(
        select(TABLE.c.run_at).where(and_(TABLE.c.interview_id == slot[0], TABLE.c.kind == slot[1]))
    ).scalar_one_or_none()


def next_run_at(connection: Connection) -> datetime | None:
    value = connection.execute(select(func.min(TABLE.c.run_at))).scalar_one_or_none()
    return _aware(value)


def take(connection: Connection, slot: Slot, run_at: datetime | None) -> bool:
    """Remove a row that is about to fire; only at the time it was read (a re-sync that moved
    it meanwhile wins)."""
    query = delete(TABLE).where(TABLE.c.interview_id == slot[0]).where(TABLE.c.kind == slot[1])
    if run_at is not None:
        query = query.where(TABLE.c.run_at == run_at)
    return connection.execute(query).rowcount > 0


def clear(connection: Connection) -> None:
    connection.execute(delete(TABLE))


def _aware(value):
    # min() bypasses the column type: SQLite hands back naive (or text) UTC.
    from storage.repositories import _aware as aware

    return aware(value)
