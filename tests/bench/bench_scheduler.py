"""The prompt scheduler at 1,000, 10,000 and 100,000 pending prompts.

For each size: a database with that many pending prompts (a fifth as many interviews, five
prompts each, spread over six weeks), then
- full re-sync, cold (an empty prompt table: every row written) and warm (nothing changed);
- one booking's re-sync (a panel of four interviews moved), median of 20;
- restart to healthy: `loopbot serve` started on that database, until /healthz answers 200
  (wall time, and the process's own CPU time: this machine may be shared);
- the served process's peak RSS once its own full re-sync is done.
Targets (issue 9): restart < 5 s, full re-sync < 30 s, one booking < 50 ms, RSS < 300 MB.
Run: `make bench` (or `python -m tests.bench.bench_scheduler [sizes...]`). SQLite by default;
BENCH_DATABASE_URL=postgresql+psycopg://… runs it on PostgreSQL (each size in its own schema).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.clock import SystemClock
from bot.loops.config import LoopConfig
from bot.planning.template_loader import load_templates
from bot.prompt_sync import PromptSync
from bot.prompts import PromptService, PromptTimes
from storage.db import make_engine, upgrade
from storage.uow import UnitOfWorkFactory
from tests.bench.seed import PROMPTS_PER_INTERVIEW, seed_interviews
from tests.fault.replicas import Replica, fake_slack, wait_for

SIZES = (1_000, 10_000, 100_000)
TIMES = PromptTimes(
    interview_reminder=timedelta(minutes=30),
    feedback_reminder=timedelta(hours=24),
    escalate_recruiter=timedelta(hours=48),
    escalate_manager=timedelta(hours=72),
)


@contextmanager
def database(workdir: Path, size: int) -> Iterator[str]:
    """A fresh database for one size: a SQLite file, or a PostgreSQL schema dropped after."""
    base = os.environ.get("BENCH_DATABASE_URL")
    if not base:
        yield f"sqlite:///{workdir / f'bench-{size}.db'}"
        return
    schema = f"bench_{size}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench(size: int, workdir: Path) -> None:
    with database(workdir, size) as url:
        measure(size, url, workdir)


def measure(size: int, url: str, workdir: Path) -> None:
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    ids = seed_interviews(engine, size // PROMPTS_PER_INTERVIEW, now)
    loops = LoopConfig(load_templates(None), "#recruiting", "UTC")
    sync = PromptSync(UnitOfWorkFactory(engine), PromptService(loops, TIMES), SystemClock())

    cold = sync.resync_all()
    warm = sync.resync_all()
    assert cold.added == size and not warm.changed, (cold, warm)

    panel = ids[len(ids) // 2 : len(ids) // 2 + 4]
    samples = []
    for round_ in range(20):
        with engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE interview SET start_at = :s, end_at = :e WHERE id IN "
                    f"({', '.join(map(str, panel))})"
                ),
                {
                    "s": now + timedelta(days=3, minutes=round_),
                    "e": now + timedelta(days=3, hours=1, minutes=round_),
                },
            )
        result = sync.resync(panel)
        samples.append(result.seconds * 1000)
        assert result.moved == 4 * PROMPTS_PER_INTERVIEW, result
    engine.dispose()

    fake = fake_slack()
    replica = Replica(f"bench-{size}", url, fake, workdir)
    started = time.monotonic()
    replica.start()
    try:
        wait_for(lambda: (replica.health() or {}).get("ok"), 60, "healthy", every=0.02)
        healthy = time.monotonic() - started
        healthy_cpu = cpu_seconds(replica.process.pid)
        wait_for(lambda: (replica.health() or {}).get("prompts") == "in sync", 120, "in sync")
        rss = peak_rss_mb(replica.process.pid)
    finally:
        replica.kill()
        fake.stop()

    print(
        f"{size:>7} prompts ({size // PROMPTS_PER_INTERVIEW} interviews): "
        f"full re-sync cold {cold.seconds:6.2f} s, warm {warm.seconds:6.2f} s | "
        f"one booking {statistics.median(samples):6.1f} ms (max {max(samples):.1f}) | "
        f"restart to healthy {healthy:5.2f} s ({healthy_cpu:.2f} s CPU) | "
        f"peak RSS {rss:6.1f} MB"
    )


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or list(SIZES)
    backend = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    print(
        f"prompt scheduler on {backend}; targets at 100,000: restart < 5 s, "
        f"full re-sync < 30 s, one booking < 50 ms, RSS < 300 MB"
    )
    with tempfile.TemporaryDirectory(prefix="loopbot-bench-") as workdir:
        for size in sizes:
            bench(size, Path(workdir))


if __name__ == "__main__":
    main(sys.argv[1:])
