"""Many live interviews at once, written in bulk (Core inserts): what the scheduler bench
and the re-sync tests start from. Each interview wants five prompts (a reminder, the feedback
prompt, its reminder and two escalations), spread over the coming `spread`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, insert

from storage.models import Candidate, Interview, Interviewer, Loop, Stage

PROMPTS_PER_INTERVIEW = 5
BATCH = 5000


def seed_interviews(
    engine: Engine, count: int, now: datetime, spread: timedelta = timedelta(days=42)
) -> list[int]:
    """`count` confirmed round-1 interviews starting between now + 1 h and now + spread, in
    loops of four; returns their ids (consecutive)."""
    with engine.begin() as connection:
        person = _bulk(
            connection,
            Interviewer,
            [{"slack_user_id": "U0SEED", "name": "Seed Person", "roles": ["recruiter"]}],
        )
        loops = (count + 3) // 4
        first_candidate = _bulk(
            connection,
            Candidate,
            [
                {"name": f"Candidate {n}", "email": f"c{n}@example.com", "tz": "UTC"}
                for n in range(loops)
            ],
        )
        first_loop = _bulk(
            connection,
            Loop,
            [
                {
                    "candidate_id": first_candidate + n,
                    "track": "ic",
                    "level": "L4",
                    "team": "",
                    "recruiter_id": person,
                    "hiring_manager_id": person,
                    "created_by": "U0SEED",
                }
                for n in range(loops)
            ],
        )
        first_stage = _bulk(
            connection,
            Stage,
            [
                {"loop_id": first_loop + n, "key": "round_1", "position": 4, "status": "scheduled"}
                for n in range(loops)
            ],
        )
        step = (spread - timedelta(hours=1)) / max(count, 1)
        first_interview = _bulk(
            connection,
            Interview,
            [
                {
                    "stage_id": first_stage + n // 4,
                    "interviewer_id": person,
                    "role": "engineer",
                    "interview_type": "coding",
                    "start_at": now + timedelta(hours=1) + step * n,
                    "end_at": now + timedelta(hours=2) + step * n,
                    "status": "confirmed",
                }
                for n in range(count)
            ],
        )
    return list(range(first_interview, first_interview + count))


def _bulk(connection, model, rows: list[dict]) -> int:
    """Insert rows in order; returns the first new id (ids are consecutive in one transaction
    with no other writer, which both SQLite and a fresh PostgreSQL schema give us). Rows get
    the model's defaults by going through the model first."""
    table = model.__table__
    rows = [model(**row).model_dump(exclude={"id"}) for row in rows]
    start = connection.execute(
        table.select().with_only_columns(table.c.id).order_by(table.c.id.desc()).limit(1)
    ).scalar()
    for offset in range(0, len(rows), BATCH):
        connection.execute(insert(table), rows[offset : offset + BATCH])
    return (start or 0) + 1
