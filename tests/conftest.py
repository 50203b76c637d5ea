"""Shared fixtures: a database per test (SQLite, and PostgreSQL when TEST_DATABASE_URL is
set) and the served bot on a fake Slack."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.clock import ManualClock

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _postgres_schema_url() -> Iterator[str]:
    """A fresh schema on the PostgreSQL server for one test, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set (PostgreSQL tests skip)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
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


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'loopbot.db'}"
    else:
        yield from _postgres_schema_url()


# Monday 23 November 2026, 08:00 UTC: a working week ahead for every zone in the sample org.
SCENARIO_START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(SCENARIO_START)


@pytest.fixture
def make_sandbox(database_url, clock):
    """Build a sandbox with extra settings (e.g. a templates file) and, when given, its own
    roster instead of the sample organisation's; closed after the test."""
    from loopbot.demo.sandbox import Sandbox

    made = []

    def make(roster_csv: str | None = None, **env: str):
        box = Sandbox(database_url, clock=clock, roster_csv=roster_csv, env=env)
        made.append(box)
        box.import_roster()
        return box

    yield make
    for box in made:
        box.close()


@pytest.fixture
def sandbox(make_sandbox):
    return make_sandbox()
