"""Keeping `scheduled_prompt` equal to what the interviews want, in one pass.

A re-sync reads what is wanted (a few batched queries over the interviews), reads what is
stored (one query), and writes only the difference by (interview, kind): nothing at all when
nothing changed. The full re-sync runs on the leader at start and on upkeep; after a commit,
whichever replica committed re-syncs just the interviews that changed, on its own thread
(`SyncWorker`) so no request waits for it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.clock import Clock
from bot.prompts import PromptService
from storage import prompt_schedule as table
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncResult:
    wanted: int
    added: int
    moved: int
    removed: int
    seconds: float

    @property
    def changed(self) -> bool:
        return bool(self.added or self.moved or self.removed)


class PromptSync:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        prompts: PromptService,
        clock: Clock,
        on_change: Callable[[], None] | None = None,
    ):
        self.uow = uow
        self.prompts = prompts
        self.clock = clock
        self.on_change = on_change

    def resync_all(self) -> SyncResult:
        return self._sync(None)

    def resync(self, interview_ids: Iterable[int]) -> SyncResult:
        ids = set(interview_ids)
        if not ids:
            return SyncResult(0, 0, 0, 0, 0.0)
        return self._sync(ids)

    def _sync(self, ids: set[int] | None) -> SyncResult:
        began = time.perf_counter()
        with self.uow() as uow:
            connection = uow.session.connection()
            # Lock first, then read: the last of two concurrent re-syncs reads the newest state.
            table.lock(connection)
            wanted = self.prompts.wanted_many(uow, ids, self.clock.now())
            stored = table.stored(connection, ids)
            add = {slot: at for slot, at in wanted.items() if slot not in stored}
            move = {
                slot: at for slot, at in wanted.items() if slot in stored and stored[slot] != at
            }
            remove = [slot for slot in stored if slot not in wanted]
            table.write(connection, add, move, remove)
            uow.session.commit()
        result = SyncResult(
            len(wanted), len(add), len(move), len(remove), time.perf_counter() - began
        )
        if result.changed and self.on_change is not None:
            self.on_change()
        return result


class SyncWorker:
    """Runs incremental re-syncs on one background thread, coalescing what piles up."""

    def __init__(self, sync: PromptSync):
        self.sync = sync
        self._pending: set[int] = set()
        self._busy = False
        self._changed = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="loopbot-prompt-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.flush(timeout)
        with self._changed:
            self._stop = True
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def request(self, interview_ids: Iterable[int]) -> None:
        ids = set(interview_ids)
        if not ids:
            return
        with self._changed:
            self._pending |= ids
            self._changed.notify_all()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every requested re-sync has been written."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._pending or self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._thread is None or not self._thread.is_alive():
                    return not (self._pending or self._busy)
                self._changed.wait(remaining)
        return True

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._pending and not self._stop:
                    self._changed.wait()
                if self._stop:
                    return
                ids, self._pending = self._pending, set()
                self._busy = True
            try:
                self.sync.resync(ids)
            except Exception:  # keep the ids: the next request (or the upkeep) retries them
                log.exception("re-syncing prompts of %d interviews failed", len(ids))
                with self._changed:
                    self._pending |= ids
                time.sleep(1.0)
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()
