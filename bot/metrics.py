"""Prometheus metrics, one registry per process (tests run several bots in one process).

Served at GET /metrics by loopbot/web.py. The outbox figures are read from the database at
scrape time, so every replica reports the same backlog; `loopbot_leader` says which one is
sending and scheduling."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

Backlog = Callable[[], tuple[int, float, int]]  # pending, oldest age (s), dead letters

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30)
LAG_BUCKETS = (0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600)


class _BacklogCollector:
    def __init__(self, backlog: Backlog):
        self.backlog = backlog

    def collect(self):
        try:
            pending, oldest, dead = self.backlog()
        except Exception:  # a scrape reports what it can; the database may be down
            return
        yield GaugeMetricFamily(
            "loopbot_outbox_pending", "Outbox rows not yet delivered", value=pending
        )
        yield GaugeMetricFamily(
            "loopbot_outbox_oldest_pending_seconds",
            "Age of the oldest undelivered outbox row",
            value=oldest,
        )
        yield GaugeMetricFamily(
            "loopbot_outbox_dead_letters", "Outbox rows refused for good", value=dead
        )


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.send_seconds = Histogram(
            "loopbot_outbox_send_seconds",
            "Time of one outbox delivery attempt",
            ["transport", "outcome"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.slack_rate_limited = Counter(
            "loopbot_slack_rate_limited",
            "Slack Web API answers of HTTP 429 (rate limited)",
            registry=self.registry,
        )
        self.ack_seconds = Histogram(
            "loopbot_ack_seconds",
            "Time to acknowledge a request from Slack, by kind",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.http_responses = Counter(
            "loopbot_http_responses",
            "HTTP responses on /slack/events by status class",
            ["status"],
            registry=self.registry,
        )
        self.scheduler_lag = Histogram(
            "loopbot_scheduler_lag_seconds",
            "How late a timed prompt went out after its time",
            buckets=LAG_BUCKETS,
            registry=self.registry,
        )
        self.leader = Gauge(
            "loopbot_leader",
            "1 while this process runs the scheduler and the outbox sender",
            registry=self.registry,
        )
        self.prompt_resync_seconds = Gauge(
            "loopbot_prompt_resync_seconds",
            "Duration of the last full re-sync of timed prompts",
            registry=self.registry,
        )

    def watch_backlog(self, backlog: Backlog) -> None:
        self.registry.register(_BacklogCollector(backlog))

    def observe_send(self, transport: str, outcome: str, seconds: float) -> None:
        self.send_seconds.labels(transport, outcome).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
