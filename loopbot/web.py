"""HTTP: one Request URL for Slack (`/slack/events`), `/healthz`, `/metrics` and, when
`LOOPBOT_PUBLIC_URL` is set with Google or Microsoft calendars, the provider's push
notifications (`/calendar/google`, `/calendar/microsoft`), and the candidate's page (`/c/…`)
when candidate mail is on, served by waitress.

A body Bolt cannot even parse (not JSON where JSON is due, a `payload` that is not an object)
is answered 400 here; Bolt's own failures on malformed bodies are turned into 400 by the
app's error handler (bot/app.py). Every answer on /slack/events is timed by kind for the
`loopbot_ack_seconds` metric."""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections.abc import Callable
from urllib.parse import parse_qsl

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from waitress.server import create_server

from bot.app import malformed
from bot.metrics import Metrics
from loopbot.calendar_push import CalendarPush
from loopbot.calendar_routes import CalendarChanged, calendar_route

SLACK_PATH = "/slack/events"
CANDIDATE_PATH = "/c/"  # the candidate's page (handlers/candidate_page.py)
MAX_BODY = 1 << 20  # Slack's payloads are far smaller; anything bigger is not from Slack
log = logging.getLogger("loopbot.web")


def parse_body(body: bytes, content_type: str = "") -> dict | None:
    """The body the way Bolt reads it (slack_bolt.request.internals.parse_body), or None
    when Bolt could not."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text:
        return {}
    try:
        if content_type == "application/json" or text.startswith("{"):
            parsed = json.loads(text)
        else:
            fields = dict(parse_qsl(text, keep_blank_values=True))
            if "payload" in text:
                payload = fields.get("payload")
                parsed = json.loads(payload) if payload is not None else {}
            else:
                parsed = fields
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


KINDS = {
    "block_actions",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
    "block_suggestion",
    "url_verification",
}


def request_kind(body: dict) -> str:
    """What a Slack request is, for the ack metric: a small fixed set of labels."""
    if "command" in body:
        return "command"
    kind = body.get("type")
    if kind == "event_callback":
        return "event"
    return kind if kind in KINDS else "other"


def make_wsgi_app(
    bolt_app: App,
    health: Callable[[], dict],
    metrics: Metrics | None = None,
    signing_secret: str | None = None,
    *,
    calendar_push: CalendarPush | None = None,
    calendar_changed: CalendarChanged | None = None,
    candidate_page: Callable | None = None,
) -> Callable:
    """`calendar_push`: the channel whose notifications to accept (None: no such route);
    `calendar_changed` is called for each verified change (Runtime.calendar_changed)."""
    slack = SlackRequestHandler(bolt_app, path=SLACK_PATH)
    verifier = SignatureVerifier(signing_secret) if signing_secret else None
    calendar = (
        calendar_route(calendar_push, calendar_changed)
        if calendar_push is not None and calendar_changed is not None
        else None
    )

    def respond(start_response, status: str, body: bytes, content_type: str):
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]

    def application(environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD")
        if calendar is not None and path == calendar_push.path:
            return calendar(environ, start_response)
        if candidate_page is not None and path.startswith(CANDIDATE_PATH):
            return candidate_page(environ, start_response)
        if path == "/healthz" and method in ("GET", "HEAD"):
            report = health()
            status = "200 OK" if report.get("ok") else "503 Service Unavailable"
            return respond(start_response, status, json.dumps(report).encode(), "application/json")
        if path == "/metrics" and method == "GET" and metrics is not None:
            return respond(start_response, "200 OK", metrics.render(), metrics.content_type)
        if path != SLACK_PATH or method != "POST":
            return slack(environ, start_response)
        return slack_request(environ, start_response)

    def slack_request(environ, start_response):
        began = time.perf_counter()
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            return respond(start_response, "400 Bad Request", b"bad length", "text/plain")
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        if verifier is not None and not _signed(verifier, body, environ):
            return slack(environ, start_response)  # Bolt answers it: 401, as Slack expects
        parsed = parse_body(body, environ.get("CONTENT_TYPE", ""))
        problem = "not a body Bolt can read" if parsed is None else malformed(parsed)
        if problem:
            # Checked before Bolt's own middleware, which would trip over it.
            log.warning("refused a malformed request: %s", problem)
            _count(metrics, 400)
            return respond(start_response, "400 Bad Request", b"malformed request", "text/plain")
        kind = request_kind(parsed)
        seen: dict[str, int] = {}

        def timed_start_response(status, headers, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            if metrics is not None:
                metrics.ack_seconds.labels(kind).observe(time.perf_counter() - began)
            return start_response(status, headers, exc_info)

        try:
            answer = slack(environ, timed_start_response)
        except Exception as error:  # Bolt could not build a request from this body
            log.warning("malformed %s request: %s", kind, type(error).__name__)
            _count(metrics, 400)
            return respond(start_response, "400 Bad Request", b"malformed request", "text/plain")
        _count(metrics, seen.get("status", 0))
        return answer

    return application


def _signed(verifier: SignatureVerifier, body: bytes, environ) -> bool:
    try:
        return verifier.is_valid(
            body,
            environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
            environ.get("HTTP_X_SLACK_SIGNATURE", ""),
        )
    except ValueError:  # a timestamp that is not a number
        return False


def _count(metrics: Metrics | None, status: int) -> None:
    if metrics is not None:
        metrics.http_responses.labels(f"{status // 100}xx").inc()


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
