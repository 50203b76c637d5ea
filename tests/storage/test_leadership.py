"""Leader election through the database: one holder at a time, handed over when the holder
goes (its lease runs out on SQLite; its session ends on PostgreSQL), and schema migrations
that wait for each other."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from alembic.script import ScriptDirectory

from storage.db import alembic_config, current_revision, make_engine, upgrade
from storage.leadership import Leadership


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def test_one_holder_at_a_time_and_a_clean_hand_over(engine):
    first = Leadership(engine, "first", lease_seconds=30)
    second = Leadership(engine, "second", lease_seconds=30)
    try:
        assert first.hold() is True
        assert second.hold() is False
        assert first.hold() is True  # renewing / re-checking keeps it
        first.release()
        assert second.hold() is True
        assert first.hold() is False
    finally:
        first.close()
        second.close()


def test_a_holder_that_vanishes_is_replaced_within_seconds(engine):
    gone = Leadership(engine, "gone", lease_seconds=0.5)
    heir = Leadership(engine, "heir", lease_seconds=0.5)
    try:
        assert gone.hold() is True
        assert heir.hold() is False
        if engine.dialect.name == "postgresql":
            gone._connection.invalidate()  # its session ends, as when the process dies
            gone._connection = None
        began = time.monotonic()
        while not heir.hold():
            assert time.monotonic() - began < 3, "nobody took over"
            time.sleep(0.05)
    finally:
        gone.close()
        heir.close()


def test_replicas_starting_together_migrate_one_at_a_time(database_url, tmp_path):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-migrate",
        "SLACK_SIGNING_SECRET": "migrate",
    }
    command = [sys.executable, "-m", "loopbot.cli", "db", "upgrade"]
    starts = [
        subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    failures = [p.stderr.read() for p in starts if p.wait(120) != 0]
    assert failures == []
    engine = make_engine(database_url)
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert current_revision(engine) == head
    engine.dispose()
