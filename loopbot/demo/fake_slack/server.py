"""The fake Slack's HTTP core: a local server that records every request in order, can
fail or slow down on demand, and hands each request to the Web API under one lock.

It serves three kinds of URL, as Slack does: Web API methods (``/api/<method>``), an
interaction's ``response_url`` and the upload URLs that files.getUploadURLExternal hands out.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

# Fields that slack_sdk JSON-encodes when it sends a form body; decoded so that tests see the
# same structure whichever encoding the client chose.
_JSON_FIELDS = frozenset({"blocks", "attachments", "view", "files", "metadata", "user_auth_blocks"})

# Methods that are not Web API methods but requests to other URLs the fake serves.
RESPONSE_URL = "response_url"
FILE_UPLOAD = "file_upload"


@dataclass
class Call:
    """One request the fake received, in arrival-processing order."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]  # keys lower-cased
    body: bytes
    at: float
    status: int
    response: Any = None  # the decoded JSON the fake answered with, when it was JSON
    path: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the call took effect (HTTP 200 and not ``ok: false``)."""
        if self.status != 200:
            return False
        return not (isinstance(self.response, dict) and self.response.get("ok") is False)


@dataclass
class _Fault:
    status: int
    error: str
    retry_after: int | None
    remaining: int


@dataclass
class Reply:
    status: int
    payload: Any  # dict → JSON body, str → text body
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[bytes, str]:
        if isinstance(self.payload, str):
            return self.payload.encode(), "text/plain; charset=utf-8"
        return json.dumps(self.payload).encode(), "application/json; charset=utf-8"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 makes bursts of concurrent clients wait for a SYN retry (~1 s).
    request_queue_size = 128
    fake: RecordingServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self.server.fake._serve(self)

    def do_GET(self) -> None:
        self.server.fake._serve(self)

    def log_message(self, format: str, *args: Any) -> None:
        # The default writes every request to stderr, which drowns test output.
        return


def _decode_fields(params: dict[str, Any]) -> dict[str, Any]:
    for key in _JSON_FIELDS & params.keys():
        value = params[key]
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params


def _parse_form(raw: str) -> dict[str, Any]:
    return {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def parse_params(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """Query string, form or JSON body merged into one dict, JSON-encoded fields decoded."""
    params: dict[str, Any] = _parse_form(query) if query else {}
    if body:
        text = body.decode("utf-8", errors="replace")
        if "json" in content_type:
            try:
                decoded = json.loads(text)
            except ValueError:
                decoded = None
            if isinstance(decoded, dict):
                params.update(decoded)
        else:
            params.update(_parse_form(text))
            # Interactive responses to response_url may arrive as form ``payload=<json>``.
            payload = params.get("payload")
            if isinstance(payload, str) and payload.startswith("{"):
                try:
                    params.update(json.loads(payload))
                    del params["payload"]
                except ValueError:
                    pass
    return _decode_fields(params)


class RecordingServer(ABC):
    """Lifecycle, the record of calls, fault injection and latency; subclasses answer."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._clear_recording()

    def _clear_recording(self) -> None:
        self._calls: list[Call] = []
        self._faults: dict[str, deque[_Fault]] = {}
        self._outage: int | None = None
        self._latency: dict[str | None, float] = {}

    @abstractmethod
    def _response_url_meta(self, key: str) -> dict[str, Any]:
        """Whose interaction the response_url ``key`` belongs to ({} when unknown)."""

    @abstractmethod
    def _route(
        self,
        method: str,
        params: dict[str, Any],
        headers: dict[str, str],
        body: bytes,
        meta: dict[str, Any],
    ) -> Reply:
        """Answer one request; called under the lock, unless an injected fault answered."""

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Self:
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, name="fake-slack", kwargs={"poll_interval": 0.05}
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """Root URL, e.g. ``http://127.0.0.1:PORT/``."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def base_url(self) -> str:
        """What ``WebClient(base_url=...)`` takes; slack_sdk urljoins method names onto it."""
        return f"{self.url}api/"

    # ------------------------------------------------------------------ recorded calls

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
    ) -> Call:
        """The first recorded call to ``method`` matching ``predicate``, waiting if needed."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for call in self._calls:
                    if call.method == method and (predicate is None or predicate(call)):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            summary = self.describe_calls()
        wanted = method if predicate is None else f"{method} matching {predicate!r}"
        raise AssertionError(f"no call to {wanted} within {timeout}s; recorded:\n{summary}")

    def describe_calls(self, limit: int = 50) -> str:
        """One line per recorded call (the last ``limit``), for failure messages."""
        with self._lock:
            calls = list(self._calls)
        if not calls:
            return "  (no calls)"
        lines = []
        start = max(0, len(calls) - limit)
        if start:
            lines.append(f"  … {start} earlier calls")
        for index, call in enumerate(calls[start:], start=start + 1):
            params = json.dumps(call.params, default=str, ensure_ascii=False)
            if len(params) > 160:
                params = params[:157] + "..."
            error = ""
            if isinstance(call.response, dict) and call.response.get("ok") is False:
                error = f" error={call.response.get('error')}"
            lines.append(f"  {index}. {call.method} [{call.status}{error}] {params}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail.

        ``retry_after`` alone → HTTP 429 with that ``Retry-After`` (Slack's rate limit);
        ``status`` 5xx → a server error; ``error`` alone → HTTP 200 ``ok: false``.
        ``method`` may also be ``"response_url"`` or ``"file_upload"``.
        """
        if status is None:
            status = 429 if retry_after is not None else 200
        if status == 200 and error is None:
            raise ValueError("fail_next needs an error, a status or a retry_after")
        if status == 429:
            retry_after = 1 if retry_after is None else retry_after
            error = error or "ratelimited"
        elif status >= 500:
            error = error or "internal_error"
        fault = _Fault(status, error or "invalid_request", retry_after, times)
        with self._lock:
            self._faults.setdefault(method, deque()).append(fault)

    def outage(self, status: int | None = 503) -> None:
        """Answer every Web API call with HTTP `status` until `outage(None)`: Slack is down."""
        with self._lock:
            self._outage = status

    def set_latency(self, method: str | None, seconds: float) -> None:
        """Delay answers to ``method`` (or every request when ``None``) by ``seconds``."""
        with self._lock:
            if seconds <= 0:
                self._latency.pop(method, None)
            else:
                self._latency[method] = seconds

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.popleft()
        return fault

    # ------------------------------------------------------------------ HTTP plumbing

    def _serve(self, request: _Handler) -> None:
        arrived = time.time()
        split = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in request.headers.items()}
        path = split.path

        meta: dict[str, Any] = {}
        if path.startswith("/api/"):
            method = path[len("/api/") :]
            params = parse_params(split.query, headers.get("content-type", ""), body)
        elif path.startswith("/response_url/"):
            method = RESPONSE_URL
            params = parse_params(split.query, headers.get("content-type", ""), body)
            with self._lock:
                meta = self._response_url_meta(path.rsplit("/", 1)[-1])
        elif path.startswith("/upload/v1/"):
            method = FILE_UPLOAD
            params = {"file_id": path.rsplit("/", 1)[-1]}
        else:
            method = path
            params = {}

        with self._lock:
            reply = self._reply(method, params, headers, body, meta)
            call = Call(
                method=method,
                params=params,
                headers=headers,
                body=body,
                at=arrived,
                status=reply.status,
                response=reply.payload if isinstance(reply.payload, dict) else None,
                path=split.path,
                meta=meta,
            )
            self._calls.append(call)
            self._changed.notify_all()
            delay = self._latency.get(method, self._latency.get(None, 0.0))

        if delay:
            time.sleep(delay)
        data, content_type = reply.encode()
        try:
            request.send_response(reply.status)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                request.send_header(name, value)
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (e.g. its timeout was shorter than the injected latency).
            pass

    def _reply(
        self,
        method: str,
        params: dict[str, Any],
        headers: dict[str, str],
        body: bytes,
        meta: dict[str, Any],
    ) -> Reply:
        if self._outage is not None and method not in (RESPONSE_URL, FILE_UPLOAD):
            status = self._outage
            return Reply(status, {"ok": False, "error": "service_unavailable"})
        fault = self._take_fault(method)
        if fault is not None:
            extra = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
            return Reply(fault.status, {"ok": False, "error": fault.error}, extra)
        return self._route(method, params, headers, body, meta)
