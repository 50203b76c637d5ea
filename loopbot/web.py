"""HTTP: one Request URL for Slack (`/slack/events`) and a health check, served by waitress."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

SLACK_PATH = "/slack/events"


def make_wsgi_app(bolt_app: App, health: Callable[[], dict]):
    slack = SlackRequestHandler(bolt_app, path=SLACK_PATH)

    def application(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            report = health()
            status = "200 OK" if report.get("ok") else "503 Service Unavailable"
            body = json.dumps(report).encode()
            start_response(
                status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            )
            return [body]
        return slack(environ, start_response)

    return application


class HttpServer:
    """waitress on a background thread; port 0 picks a free port (tests, the demo)."""

    def __init__(self, wsgi_app, host: str, port: int, threads: int = 8, loop_timeout: float = 1.0):
        # loop_timeout bounds how long stop() waits for the event loop to notice.
        self.server = create_server(
            wsgi_app,
            host=host,
            port=port,
            threads=threads,
            ident="loopbot",
            asyncore_loop_timeout=loop_timeout,
        )
        self._thread: threading.Thread | None = None
        self._stopping = False

    @property
    def port(self) -> int:
        return int(self.server.effective_port)

    @property
    def url(self) -> str:
        host = self.server.effective_host
        host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        return f"http://{host}:{self.port}"

    def serve_forever(self) -> None:
        self.server.run()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="loopbot-http", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.server.run()
        except OSError:
            # Closing the sockets under the running loop is how it is stopped.
            if not self._stopping:
                raise

    def stop(self) -> None:
        """Stop accepting, close open connections, let running requests finish."""
        self._stopping = True
        socket_map = self.server._map
        while socket_map:
            for channel in list(socket_map.values()):
                channel.close()
        self.server.task_dispatcher.shutdown()
        if self._thread is not None:
            self._thread.join(5)
