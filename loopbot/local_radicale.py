"""A Radicale CalDAV server of loopbot's own, for the demo and the tests.

`LocalRadicale` runs the installed `radicale` package in a child process on 127.0.0.1 (a free
port), with a throw-away storage folder and one service account (htpasswd, plain) that a rights
file lets read and write every collection: the account `LOOPBOT_CALDAV_USERNAME` names in
production. People's collections live at `<url><email>/calendar/`, the default naming rule of
`bot.calendars.caldav`.

    with LocalRadicale() as server:
        seed = CalendarSeeder(server.url, server.username, server.password)
        seed.collection("ada@example.com")
        seed.put("ada@example.com", meeting(...))
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

_CONFIG = """\
[server]
hosts = 127.0.0.1:{port}
max_connections = 16
# A 5xx would otherwise make Radicale sleep a second before answering.
delay_on_error = 0.01

[auth]
type = htpasswd
htpasswd_filename = {users}
htpasswd_encryption = plain
# A wrong password in a test should fail fast, not after Radicale's default pause.
delay = 0.01

[rights]
type = from_file
file = {rights}

[storage]
filesystem_folder = {collections}

[web]
type = none

[logging]
level = {log_level}
"""

# Radicale's from_file rights: R/W for calendars and address books, r/w for other collections
# (the principal folders above them). The service account may do everything, everyone else
# nothing, so a test that logs in as somebody else sees a real 403.
_RIGHTS = """\
[service-account]
user: {username}
collection: .*
permissions: RrWw

[root]
user: .+
collection:
permissions: R
"""


class RadicaleError(RuntimeError):
    """The server would not start (or stopped on its own); the message carries its log."""


def free_port() -> int:
    """A port nothing listens on now (the OS picks it; a tiny window for a race remains)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalRadicale:
    """Start with `start()` (or `with`), stop with `stop()`; `url` ends with a slash.

    `folder`: where the collections are kept; a temporary folder (removed on stop) when None.
    `password`: random when None. `log_level`: Radicale's own (`warning` keeps the demo quiet).
    `other_users`: name -> password of accounts that may log in but touch no calendar.
    """

    def __init__(
        self,
        *,
        username: str = "loopbot",
        password: str | None = None,
        folder: str | Path | None = None,
        log_level: str = "warning",
        ready_timeout: float = 20.0,
        other_users: dict[str, str] | None = None,
    ):
        self.username = username
        self.password = password or secrets.token_urlsafe(16)
        # Accounts that may log in but use no collection (a test's 403).
        self.other_users = dict(other_users or {})
        self.log_level = log_level
        self.ready_timeout = ready_timeout
        self._folder = Path(folder) if folder is not None else None
        self._work: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log: Path | None = None
        self.port: int | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise RadicaleError("Radicale is not running")
        return f"http://127.0.0.1:{self.port}/"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> LocalRadicale:
        if self.running:
            return self
        self._work = Path(tempfile.mkdtemp(prefix="loopbot-radicale-"))
        collections = self._folder or self._work / "collections"
        collections.mkdir(parents=True, exist_ok=True)
        users = self._work / "users"
        accounts = {**self.other_users, self.username: self.password}
        users.write_text("".join(f"{name}:{secret}\n" for name, secret in accounts.items()))
        rights = self._work / "rights"
        rights.write_text(_RIGHTS.format(username=_regex_literal(self.username)))
        self._log = self._work / "radicale.log"
        for _attempt in range(3):  # another process may take the free port first
            self.port = free_port()
            config = self._work / "config"
            config.write_text(
                _CONFIG.format(
                    port=self.port,
                    users=users,
                    rights=rights,
                    collections=collections,
                    log_level=self.log_level,
                )
            )
            with self._log.open("wb") as log:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "radicale", "--config", str(config)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env={**os.environ, "PYTHONUNBUFFERED": "1"},
                )
            if self._wait_until_ready():
                return self
            if "in use" not in self._log.read_text(errors="replace"):
                break  # not a port taken meanwhile: another try would fail the same way
        log_text = self._log.read_text(errors="replace")[-2000:]
        self.stop()
        raise RadicaleError(f"Radicale did not start: {log_text}")

    def _wait_until_ready(self) -> bool:
        deadline = time.monotonic() + self.ready_timeout
        assert self._process is not None
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            try:
                urllib.request.urlopen(self.url, timeout=1).close()
                return True
            except urllib.error.HTTPError:
                return True  # 401 and friends: it answers
            except OSError:
                time.sleep(0.05)
        self._terminate()
        return False

    def _terminate(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        self._process = None

    def stop(self) -> None:
        """Stop the server and remove its temporary folder (a `folder` you gave is kept)."""
        self._terminate()
        if self._work is not None:
            # the collections are in here unless a `folder` was given, which is kept
            shutil.rmtree(self._work, ignore_errors=True)
            self._work = None

    def __enter__(self) -> LocalRadicale:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self._terminate()


def _regex_literal(text: str) -> str:
    """The rights file takes regexes with `{}` substitution; match this name exactly."""
    return re.escape(text).replace("{", "{{").replace("}", "}}")
