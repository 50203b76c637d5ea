"""Replicas as real processes on one database, killed with SIGKILL at random moments.

- One replica killed again and again in the middle of sending (Slack answers slowly, so
  kills land before, during and after calls): every message arrives exactly once.
- Two and three replicas serving together, the leader killed mid-run while prompts fall due
  and messages are queued: another takes over within seconds; every message and every
  prompt goes out exactly once.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import text

from bot.outbox import enqueue
from storage.db import make_engine, upgrade
from storage.uow import UnitOfWorkFactory
from tests.bench.seed import seed_interviews
from tests.fault.replicas import (
    BOT_TOKEN,
    SEED_USER,
    Replica,
    fake_slack,
    outbox_rows,
    post_roots,
    posts_by_outbox_id,
    sent_prompts,
    wait_for,
)

FAST = {
    "LOOPBOT_SLACK_TIMEOUT_SECONDS": "0.5",
    "LOOPBOT_OUTBOX_BACKOFF_CAP_SECONDS": "0.3",
    "LOOPBOT_LEADER_LEASE_SECONDS": "1",
}


@pytest.fixture
def fake():
    server = fake_slack()
    yield server
    server.stop()


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def queue_messages(engine, count: int, prefix: str) -> None:
    uow = UnitOfWorkFactory(engine)
    with uow() as work:
        for n in range(count):
            enqueue(
                work, f"{prefix}:{n}", "chat.postMessage", channel=SEED_USER, text=f"{prefix} {n}"
            )
        work.commit()


def assert_each_row_landed_once(engine, fake) -> None:
    rows = outbox_rows(engine)
    assert {r["status"] for r in rows} == {"sent"}, [(r["key"], r["status"]) for r in rows]
    landed = posts_by_outbox_id(fake)
    duplicated = {i: n for i, n in landed.items() if n > 1}
    assert duplicated == {}, f"posted more than once: {duplicated}"
    assert set(landed) >= {r["id"] for r in rows if r["method"] == "chat.postMessage"}


def test_a_replica_killed_at_random_moments_of_sending_sends_each_message_once(
    one_database, fake, tmp_path
):
    engine = make_engine(one_database)
    upgrade(engine)
    database_url = one_database
    chance = random.Random(9)
    fake.set_latency("chat.postMessage", 0.12)  # Slack posts at once, answers a bit later
    queue_messages(engine, 24, "dm")
    kills = 0
    while kills < 4:
        before = len(fake.calls_to("chat.postMessage"))
        replica = Replica(f"r{kills}", database_url, fake, tmp_path, **FAST).start()
        replica.wait_serving()

        wait_for(
            lambda: len(fake.calls_to("chat.postMessage")) > before,  # noqa: B023
            20,
            "this replica's first send",
            every=0.02,
        )
        time.sleep(chance.uniform(0.0, 0.4))
        replica.kill()
        kills += 1
    survivor = Replica("last", database_url, fake, tmp_path, **FAST).start()
    try:
        wait_for(
            lambda: all(r["status"] == "sent" for r in outbox_rows(engine)),
            60,
            "every row sent",
        )
    finally:
        survivor.kill()
    assert_each_row_landed_once(engine, fake)
    assert fake.calls_to("conversations.history"), "no kill landed mid-send: proves nothing"
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("replicas", [2, 3])
def test_the_leader_killed_mid_run_loses_and_repeats_nothing(
    replicas, database_url, engine, fake, tmp_path
):
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes on one database: the PostgreSQL case")
    now = datetime.now(UTC)
    # Interviews that end over the next seconds: each wants its feedback prompt then.
    ids = seed_interviews(engine, 16, now - timedelta(hours=1), spread=timedelta(hours=1))
    with engine.begin() as connection:
        for n, interview_id in enumerate(ids):
            end = now + timedelta(seconds=4 + n * 0.4)
            connection.execute(
                text("UPDATE interview SET start_at = :s, end_at = :e WHERE id = :i"),
                {"s": end - timedelta(hours=1), "e": end, "i": interview_id},
            )
    post_roots(engine, fake, WebClient(base_url=fake.base_url, token=BOT_TOKEN))
    fake.set_latency("chat.postMessage", 0.05)
    group = [
        Replica(f"r{n}", database_url, fake, tmp_path, **FAST).start() for n in range(replicas)
    ]
    try:
        for replica in group:
            replica.wait_serving()
        leader = wait_for(lambda: next((r for r in group if r.leads), None), 20, "a leader")
        queue_messages(engine, 10, "before")
        time.sleep(2.5)
        leader.kill()  # mid-run: messages queued, prompts about to fall due
        queue_messages(engine, 10, "after")
        survivors = [r for r in group if r is not leader]
        took_over = wait_for(lambda: next((r for r in survivors if r.leads), None), 10, "takeover")
        assert took_over.alive()
        wait_for(
            lambda: (
                all(sent_prompts(engine)[i] is not None for i in ids)
                and all(r["status"] == "sent" for r in outbox_rows(engine))
            ),
            60,
            "every prompt and message out",
        )
        assert sum(r.leads for r in survivors) == 1
    finally:
        for replica in group:
            replica.kill()
    assert_each_row_landed_once(engine, fake)
    prompt_keys = [r["key"] for r in outbox_rows(engine) if r["key"].endswith(":feedback_prompt")]
    assert sorted(prompt_keys) == sorted(f"interview:{i}:feedback_prompt" for i in ids)
    to_seed = [
        c
        for c in fake.calls_to("chat.postMessage")
        if c.ok and "Submit feedback" in str(c.params.get("blocks"))
    ]
    assert len(to_seed) == len(ids)  # each prompt reached its interviewer once
