"""The fault tests run on one backend: PostgreSQL when the suite has it (what CI runs),
else SQLite. They restart processes and wait out outages; once is enough."""

from __future__ import annotations

import os

import pytest

from tests.conftest import _postgres_schema_url


@pytest.fixture
def one_database(tmp_path):
    if os.environ.get("TEST_DATABASE_URL"):
        yield from _postgres_schema_url()
    else:
        yield f"sqlite:///{tmp_path / 'fault.db'}"
