"""The calendar sync: reads what became of booked interviews' events (answers, moves,
deletions) and acts on it. Runs on the leader every `LOOPBOT_CALENDAR_SYNC_SECONDS`, and at
once when a provider's push notification says something changed.

The provider is read outside any transaction; each change is then one unit of work of its
own (a decline plans a replacement, which may read free/busy between tries)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.calendars.busy import BusySource
from bot.calendars.port import CalendarError, CalendarPort
from bot.clock import Clock
from bot.loops import calendar_answers
from bot.loops.config import LoopConfig
from storage.uow import UnitOfWorkFactory

log = logging.getLogger("loopbot.calendar")


@dataclass(frozen=True)
class _Watched:
    interview_id: int
    calendar: str
    key: str
    email: str | None
    start: datetime
    end: datetime


@dataclass
class SyncResult:
    watched: int = 0
    declined: int = 0
    moved: int = 0
    gone: int = 0


class CalendarSync:
    def __init__(
        self,
        config: LoopConfig,
        uow: UnitOfWorkFactory,
        port: CalendarPort,
        clock: Clock,
        busy: BusySource,
    ):
        self.config, self.uow, self.port, self.clock, self.busy = config, uow, port, clock, busy
        self._lock = threading.Lock()  # one pass at a time

    def run_once(self) -> SyncResult:
        with self._lock:
            return self._run()

    def _run(self) -> SyncResult:
        result = SyncResult()
        with self.uow() as uow:
            watched = [
                _Watched(
                    i.id,
                    i.event_calendar or "",
                    i.event_key or "",
                    uow.interviewers.get(i.interviewer_id).email,
                    i.start_at,
                    i.end_at,
                )
                for i in uow.calendar_events.watched(self.clock.now())
            ]
        result.watched = len(watched)
        if not watched:
            return result
        try:
            states = self.port.event_states([(w.calendar, w.key) for w in watched])
        except CalendarError as error:
            log.warning("calendar sync could not read %d events: %s", len(watched), error)
            return result
        for item in watched:
            state = states.get(item.key)
            if state is None:
                continue  # the provider cannot tell: never read as a deletion
            change = calendar_answers.change_of(state, item.email, item.start, item.end)
            if change is None:
                continue
            if self._apply(item.interview_id, change, state):
                setattr(result, change, getattr(result, change) + 1)
        if result.declined or result.moved or result.gone:
            log.info(
                "calendar sync: %d declined, %d moved, %d deleted of %d watched",
                result.declined,
                result.moved,
                result.gone,
                result.watched,
            )
        return result

    def _apply(self, interview_id: int, change, state) -> bool:
        def attempt() -> bool:
            with self.uow() as uow:
                done = calendar_answers.apply(
                    self.config, uow, interview_id, change, state, self.clock.now()
                )
                uow.commit()
            return done

        return self.busy.run(attempt)


class SyncLoop:
    """Runs `sync` every `seconds` on its own thread, and soon after `wake()`."""

    def __init__(self, sync: Callable[[], object], seconds: float):
        self.sync, self.seconds = sync, seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._loop, name="loopbot-calendar-sync", daemon=True
        )
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.seconds)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.sync()
            except Exception:
                log.exception("calendar sync failed; it runs again in %ss", self.seconds)
