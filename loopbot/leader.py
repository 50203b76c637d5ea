"""Leader election: every replica serves HTTP; the one holding the lead runs the scheduler
and the outbox sender. A thread re-checks the lead every `every` seconds and starts or stops
the leader's work when it changes hands."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from storage.leadership import Leadership

log = logging.getLogger("loopbot.leader")


class LeaderElection:
    def __init__(
        self,
        leadership: Leadership,
        on_elected: Callable[[], None],
        on_deposed: Callable[[], None],
        every: float,
    ):
        self.leadership = leadership
        self.on_elected = on_elected
        self.on_deposed = on_deposed
        self.every = every
        self.is_leader = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        self.check()  # the first decision is made before start() returns
        self._thread = threading.Thread(target=self._run, name="loopbot-leader", daemon=True)
        self._thread.start()

    def check(self) -> bool:
        with self._lock:
            held = self.leadership.hold()
            if held and not self.is_leader:
                log.info("this replica now leads (scheduler and outbox sender)")
                self.is_leader = True
                self.on_elected()
            elif not held and self.is_leader:
                log.warning("this replica lost the lead; stopping its scheduler and sender")
                self.is_leader = False
                self.on_deposed()
            return held

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.check()
            except Exception:  # the election thread outlives a failing start or stop
                log.exception("leader election step failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        with self._lock:
            if self.is_leader:
                self.is_leader = False
                self.on_deposed()
            self.leadership.close()
