"""loopbot's side of push notifications in tests: an HTTP endpoint on port 0 that answers as
the coordinator's routes will, through the adapters' verification functions.

POST /google: `verify_google_notification` -> 200, or 403 when rejected.
POST /graph: the validationToken handshake (200 text/plain, the token) or
`verify_graph_notifications` -> 202, or 403 when rejected.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bot.calendars.google_push import (
    GoogleNotification,
    WatchChannel,
    verify_google_notification,
)
from bot.calendars.microsoft_push import (
    GraphChange,
    Subscription,
    graph_validation_token,
    verify_graph_notifications,
)
from bot.calendars.push import NotificationRejected
from tests.standins.http_standin import HttpStandin, Reply, Request


class NotificationReceiver(HttpStandin):
    name = "notification-receiver"

    def __init__(self) -> None:
        super().__init__()
        self.channels: list[WatchChannel] = []
        self.subscriptions: list[Subscription] = []
        self.google: list[GoogleNotification] = []
        self.graph: list[GraphChange] = []
        self.echo_validation = True
        self.route("POST", r"/google", "google", self._google)
        self.route("POST", r"/graph", "graph", self._graph)

    def error_body(self, status: int, reason: str, message: str) -> str:
        return message

    @property
    def google_url(self) -> str:
        return self.url + "google"

    @property
    def graph_url(self) -> str:
        return self.url + "graph"

    def _google(self, request: Request) -> Reply:
        try:
            notification = verify_google_notification(request.headers, list(self.channels))
        except NotificationRejected as rejected:
            return Reply(403, str(rejected))
        with self._lock:
            self.google.append(notification)
        return Reply(200)

    def _graph(self, request: Request) -> Reply:
        token = graph_validation_token(request.params)
        if token is not None:
            return Reply(200, token if self.echo_validation else "something else")
        try:
            changes = verify_graph_notifications(request.body, list(self.subscriptions))
        except NotificationRejected as rejected:
            return Reply(403, str(rejected))
        with self._lock:
            self.graph.extend(changes)
        return Reply(202)

    def wait(self, found: Callable[[], Any], timeout: float = 5.0) -> Any:
        """The first truthy `found()`, polling while notifications arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                value = found()
            if value:
                return value
            time.sleep(0.01)
        raise AssertionError(f"nothing arrived within {timeout}s:\n{self.describe()}")
