"""How fast loopbot answers Slack, while Slack itself is slow.

Slack gives an app 3 seconds to acknowledge a request. This drives the served app
(SQLite, the fake Slack with 2 s of latency on every Web API call) and times the
HTTP answer to signed slash commands, button clicks and modal submissions.
Run: `make bench` (or `python -m tests.bench.bench_ack`). Not part of `make test`:
speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import ManualClock
from loopbot.demo.sandbox import WEEKDAYS, Sandbox

ROUNDS = 30
SLACK_LATENCY = 2.0


def timed(action) -> float:
    start = time.perf_counter()
    response = action()
    elapsed = time.perf_counter() - start
    assert response.status == 200, response.text
    return elapsed * 1000


def report(name: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(
        f"{name:<42} n={len(samples):<3} p50={statistics.median(samples):7.1f} ms  "
        f"p95={p95:7.1f} ms  max={samples[-1]:7.1f} ms"
    )


def main() -> None:
    clock = ManualClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    with (
        tempfile.TemporaryDirectory() as tmp,
        Sandbox(f"sqlite:///{Path(tmp) / 'bench.db'}", clock=clock) as box,
    ):
        box.import_roster()
        box.fake.set_latency(None, SLACK_LATENCY)
        print(
            f"Slack Web API latency: {SLACK_LATENCY:.1f} s on every call; Slack's limit "
            "for an answer: 3000 ms\n"
        )

        report(
            "/schedule-loop (slash command)",
            [
                timed(
                    lambda: box.slack.slash_command("/schedule-loop", "Ada L5 payments", "U0REC01")
                )
                for _ in range(ROUNDS)
            ],
        )
        form = (
            box.fake.calls_to("views.open")[-1].response["view"]
            if box.fake.calls_to("views.open")
            else None
        )
        box.settle(timeout=600)

        fields = {
            "candidate_name": "Ada Lovelace",
            "candidate_email": "ada@example.com",
            "track": "ic",
            "level": "L5",
            "team": "payments",
            "recruiter": "U0REC01",
            "hiring_manager": "U0PAYHM",
            "candidate_tz": "Europe/London",
            "availability": WEEKDAYS,
            "technical_format": "discussion",
        }
        assert form is not None
        submits = []
        for n in range(ROUNDS):
            view = {**form, "id": f"VBENCH{n:04d}"}
            submits.append(timed(lambda v=view: box.submit("U0REC01", v, fields)))
        report("modal submission (validate, then ack)", submits)
        box.settle(timeout=600)

        proposal = box.latest_with("U0REC01", "proposal_swap")
        report(
            "button click (Swap)",
            [
                timed(
                    lambda: box.slack.block_action(
                        "U0REC01", "proposal_swap", value="1:99:0", message=proposal
                    )
                )
                for _ in range(ROUNDS)
            ],
        )
        box.settle(timeout=600)


if __name__ == "__main__":
    main()
