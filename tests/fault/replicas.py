"""Real `loopbot serve` processes for the fault tests: started on free ports against one
database and the test's fake Slack, killed with SIGKILL when the test says so."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select

from loopbot.demo.fake_slack import FakeSlack
from storage.models import Interview, OutboxMessage, SlackMessage, Stage

BOT_TOKEN = "xoxb-fault-test"
SIGNING_SECRET = "fault-signing-secret"
SEED_USER = "U0SEED"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Replica:
    def __init__(self, name: str, database_url: str, fake: FakeSlack, workdir: Path, **env: str):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"{name}.log"
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.base_url,
            "DATABASE_URL": database_url,
            "PORT": str(self.port),
            "LOOPBOT_RECRUITING_CHANNEL": "C0RECRUIT",
            **env,
        }
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    def start(self) -> Replica:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "loopbot.cli", "serve", "--host", "127.0.0.1"],
                env=self.env,
                cwd=self.workdir,  # no .env file there
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def health(self) -> dict | None:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return json.loads(error.read())
        except OSError:
            return None

    def wait_serving(self, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            report = self.health()
            if report is not None:
                return report
            if self.process is not None and self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{self.name} never served /healthz:\n{self.log.read_text()[-3000:]}")

    @property
    def leads(self) -> bool:
        report = self.health()
        return bool(report and report.get("leader"))

    def kill(self) -> None:
        """SIGKILL: no cleanup, no goodbye; its connections just drop."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def wait_for(predicate, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def fake_slack() -> FakeSlack:
    fake = FakeSlack(token=BOT_TOKEN).start()
    fake.add_channel("C0RECRUIT", "recruiting")
    fake.add_user(SEED_USER, "Seed Person", "seed@example.com", "UTC")
    return fake


def post_roots(engine: Engine, fake: FakeSlack, client) -> None:
    """Each seeded loop's decision thread exists (its root was posted long ago)."""
    with engine.begin() as connection:
        loops = connection.execute(select(Stage.loop_id).distinct()).scalars().all()
        for loop_id in loops:
            ts = client.chat_postMessage(channel="C0RECRUIT", text=f"loop {loop_id}")["ts"]
            connection.execute(
                SlackMessage.__table__.insert().values(
                    ref=f"loop:{loop_id}:root", channel="C0RECRUIT", ts=ts
                )
            )


def outbox_rows(engine: Engine) -> list[OutboxMessage]:
    with engine.connect() as connection:
        return list(connection.execute(select(OutboxMessage.__table__)).mappings())


def sent_prompts(engine: Engine) -> dict[int, datetime | None]:
    with engine.connect() as connection:
        return dict(connection.execute(select(Interview.id, Interview.prompted_at)).all())


def posts_by_outbox_id(fake: FakeSlack) -> dict[int, int]:
    """How many messages Slack holds for each outbox row (by the metadata every post carries)."""
    counts: dict[int, int] = {}
    for call in fake.calls_to("chat.postMessage"):
        if not call.ok:
            continue
        metadata = call.params.get("metadata") or {}
        outbox_id = (metadata.get("event_payload") or {}).get("outbox_id")
        if outbox_id is not None:
            counts[outbox_id] = counts.get(outbox_id, 0) + 1
    return counts
