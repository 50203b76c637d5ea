"""App Home for a hiring manager with 100 open loops (and for the recruiter of them, and an
interviewer on their panels): how many SQL statements it takes and how long, on SQLite and,
when TEST_DATABASE_URL is set, on PostgreSQL. Run: `make bench`. Printed, never asserted."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from sqlalchemy import event

from bot.home import home_view
from bot.insights.service import InsightsService
from storage.db import make_engine, upgrade
from storage.uow import UnitOfWorkFactory
from tests.bench.bench_ack import database
from tests.bench.home_seed import NOW, TEMPLATES, a_loop, staff

LOOPS = 100


def main() -> None:
    insights = InsightsService(TEMPLATES, default_tz="UTC", overdue_after=timedelta(hours=48))
    backends = ["sqlite"] + (["postgres"] if os.environ.get("TEST_DATABASE_URL") else [])
    print(f"\nApp Home with {LOOPS} open loops of 4 panelists each")
    for backend in backends:
        with database(backend) as url:
            engine = make_engine(url)
            upgrade(engine)
            uow = UnitOfWorkFactory(engine)
            with uow() as work:
                recruiter, manager, engineers = staff(work)
                for n in range(LOOPS):
                    a_loop(work, recruiter, manager, engineers[n % 4 : n % 4 + 4], n)
                work.commit()
            seen: list[str] = []

            def note(_conn, _cursor, statement, *_args, seen=seen) -> None:
                seen.append(statement)

            event.listen(engine, "before_cursor_execute", note)
            for viewer in ("U0HM", "U0REC", "U0ENG3"):
                seen.clear()
                began = time.perf_counter()
                with uow.read() as work:
                    home_view(work, TEMPLATES, viewer, NOW, insights)
                elapsed = (time.perf_counter() - began) * 1000
                print(f"  {backend:<8} {viewer:<7} {len(seen):4d} statements  {elapsed:7.1f} ms")
            engine.dispose()


if __name__ == "__main__":
    main()
