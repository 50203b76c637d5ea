"""What the provider stand-ins share: a real HTTP server on 127.0.0.1, port 0, on a thread;
every request recorded whole; faults and latency injected per route.

A stand-in subclass lists its routes (HTTP method, path pattern, route name, handler) and says
how its provider shapes an error body. A handler gets a `Request` and returns a `Reply`, or
raises `Refusal` to answer with the provider's error shape.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    route: str
    method: str
    path: str
    params: dict[str, str]  # query string, last value wins
    headers: dict[str, str]  # lower-cased names
    body: bytes
    match: dict[str, str] = field(default_factory=dict)  # named groups of the path pattern

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}


@dataclass
class Reply:
    status: int = 200
    payload: Any = None  # dict/list -> JSON, str -> text, None -> empty
    headers: dict[str, str] = field(default_factory=dict)


class Refusal(Exception):
    """Raised by a handler: answer `status` with the provider's error body."""

    def __init__(self, status: int, reason: str, message: str, headers: dict | None = None):
        super().__init__(f"{status} {reason}: {message}")
        self.status, self.reason, self.message = status, reason, message
        self.headers = headers or {}


@dataclass
class Call:
    """One request as the stand-in received it and what it answered."""

    route: str
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes
    status: int
    response: Any
    at: float
    faulted: bool = False

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class _Fault:
    status: int
    reason: str
    message: str
    retry_after: int | None
    remaining: int
    after: bool  # True: do the work, then answer with the fault (the reply was "lost")


Handler = Callable[[Request], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    standin: HttpStandin

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a timeout test) leaves a broken pipe behind: that is the point.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, as the providers do
    # Headers and body go out in two writes; without TCP_NODELAY the second waits for the
    # client's delayed ACK (~40 ms a request on Linux).
    disable_nagle_algorithm = True

    def _any(self) -> None:
        self.server.standin._serve(self)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any

    def log_message(self, format: str, *args: Any) -> None:
        return


class HttpStandin(ABC):
    name = "standin"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._routes: list[tuple[str, re.Pattern[str], str, Handler]] = []
        self._calls: list[Call] = []
        self._faults: dict[str, deque[_Fault]] = {}
        self._latency: dict[str | None, float] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ for subclasses

    def route(self, method: str, pattern: str, name: str, handler: Handler) -> None:
        self._routes.append((method, re.compile(pattern + r"\Z"), name, handler))

    @abstractmethod
    def error_body(self, status: int, reason: str, message: str) -> Any:
        """The provider's error body for `status`."""

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> HttpStandin:
        if self._server is None:
            server = _Server(("127.0.0.1", 0), _RequestHandler)
            server.standin = self
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever, name=self.name, kwargs={"poll_interval": 0.05}
            )
            self._thread.daemon = True
            self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError(f"{self.name} is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    # ------------------------------------------------------------------ recorded calls

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, route: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.route == route]

    def forget_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    def wait_for(
        self, route: str, predicate: Callable[[Call], bool] | None = None, timeout: float = 5.0
    ) -> Call:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for call in self._calls:
                    if call.route == route and (predicate is None or predicate(call)):
                        return call
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"no call to {route} within {timeout}s:\n{self.describe()}"
                    )
                self._changed.wait(left)

    def describe(self, limit: int = 40) -> str:
        lines = [
            f"  {c.method} {c.path} -> {c.status}{' (fault)' if c.faulted else ''} [{c.route}]"
            for c in self.calls[-limit:]
        ]
        return "\n".join(lines) or "  (no calls)"

    # ------------------------------------------------------------------ faults and latency

    def fail_next(
        self,
        route: str,
        status: int,
        *,
        reason: str = "",
        message: str = "",
        retry_after: int | None = None,
        times: int = 1,
        after: bool = False,
    ) -> None:
        """The next `times` calls to `route` answer `status` with the provider's error body
        (and a Retry-After header when given). `after=True` does the work first, as when a
        reply is lost on the way back."""
        fault = _Fault(status, reason, message or reason, retry_after, times, after)
        with self._lock:
            self._faults.setdefault(route, deque()).append(fault)

    def set_latency(self, route: str | None, seconds: float) -> None:
        """Delay answers to `route` (every route when None)."""
        with self._lock:
            self._latency[route] = seconds

    def _take_fault(self, route: str) -> _Fault | None:
        with self._lock:
            queue = self._faults.get(route)
            if not queue:
                return None
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.popleft()
            return fault

    # ------------------------------------------------------------------ plumbing

    def _serve(self, http: _RequestHandler) -> None:
        split = urlsplit(http.path)
        length = int(http.headers.get("Content-Length") or 0)
        body = http.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in http.headers.items()}
        params = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        handler: Handler | None = None
        name, match = "unknown", {}
        for method, pattern, route_name, route_handler in self._routes:
            found = pattern.match(split.path)
            if method == http.command and found:
                handler, name, match = route_handler, route_name, found.groupdict()
                break
        request = Request(name, http.command, split.path, params, headers, body, match)
        with self._lock:
            delay = self._latency.get(name, self._latency.get(None, 0.0))
        if delay:
            time.sleep(delay)
        fault = self._take_fault(name)
        if fault is not None and not fault.after:
            reply = self._fault_reply(fault)
        elif handler is None:
            reply = self._refusal_reply(Refusal(404, "notFound", f"no route {split.path}"))
        else:
            try:
                reply = handler(request)
            except Refusal as refusal:
                reply = self._refusal_reply(refusal)
            if fault is not None:
                reply = self._fault_reply(fault)
        self._record(request, reply, faulted=fault is not None)
        self._send(http, reply)

    def _fault_reply(self, fault: _Fault) -> Reply:
        headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
        return Reply(
            fault.status, self.error_body(fault.status, fault.reason, fault.message), headers
        )

    def _refusal_reply(self, refusal: Refusal) -> Reply:
        payload = self.error_body(refusal.status, refusal.reason, refusal.message)
        return Reply(refusal.status, payload, refusal.headers)

    def _record(self, request: Request, reply: Reply, *, faulted: bool) -> None:
        call = Call(
            request.route,
            request.method,
            request.path,
            request.params,
            request.headers,
            request.body,
            reply.status,
            reply.payload,
            time.time(),
            faulted,
        )
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()

    def _send(self, http: _RequestHandler, reply: Reply) -> None:
        if reply.payload is None:
            data, kind = b"", None
        elif isinstance(reply.payload, str):
            data, kind = reply.payload.encode(), "text/plain; charset=utf-8"
        else:
            data, kind = json.dumps(reply.payload).encode(), "application/json; charset=UTF-8"
        http.send_response(reply.status)
        if kind:
            http.send_header("Content-Type", kind)
        for name, value in reply.headers.items():
            http.send_header(name, value)
        http.send_header("Content-Length", str(len(data)))
        http.end_headers()
        if data:
            http.wfile.write(data)


def post(
    url: str, body: bytes = b"", headers: dict[str, str] | None = None, timeout: float = 10.0
) -> tuple[int, str]:
    """POST as a provider's notification sender would: (status, body text), never raising on
    an HTTP error status."""
    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError as error:
        return 0, str(error)
