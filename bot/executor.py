"""A thread pool that knows when it has nothing in flight.

Bolt runs each listener on this pool after ack(); the demo and the tests wait
for it (and the outbox) to go quiet instead of sleeping for a guessed time."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor


class InFlightExecutor(ThreadPoolExecutor):
    def __init__(self, max_workers: int = 10):
        super().__init__(max_workers=max_workers, thread_name_prefix="loopbot-listener")
        self._in_flight = 0
        self._quiet = threading.Condition()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        with self._quiet:
            self._in_flight += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future) -> None:
        with self._quiet:
            self._in_flight -= 1
            self._quiet.notify_all()

    def wait_quiet(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._quiet:
            while self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._quiet.wait(remaining)
        return True
