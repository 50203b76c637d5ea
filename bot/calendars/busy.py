"""Free/busy for plans, read outside any database transaction.

A use case runs inside one unit of work, and calendars are outside calls: they must not
happen while a transaction holds its locks, nor before Slack has its ack. So a plan asks
`BusySource.lookup` for the busy time of the people it may use; when this action has not read
those calendars yet, `lookup` raises `NeedBusy`, the runner (`BusySource.run`) lets the unit of
work roll back, reads them all in one batched `free_busy` call, and runs the action again,
which now finds them in the action's cache. Nothing the first try wrote survives: it was
never committed.

Days off (public holidays by the person's country or `LOOPBOT_HOLIDAYS`, and the company's
`[holidays] dates`) are computed here without any outside call, for every provider, `none`
included.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from bot.calendars.holidays import DaysOff, Locality
from bot.calendars.port import Busy, CalendarError, CalendarPort

log = logging.getLogger("loopbot.calendar")
T = TypeVar("T")
ROUNDS = 4  # reads per action: a plan, a re-check at Confirm, a replacement, a re-plan


@dataclass(frozen=True)
class Person:
    """Whose calendar to read: its name (the roster's `calendar`, or the email), the owner's
    zone and country (for all-day events and days off)."""

    calendar: str | None
    zone: str
    country: str | None = None


class NeedBusy(Exception):
    """A plan needs calendars this action has not read: roll back, read them, run again."""

    def __init__(self, calendars: Mapping[str, str], start: datetime, end: datetime):
        super().__init__(f"free/busy needed for {len(calendars)} calendars")
        self.calendars = dict(calendars)  # calendar -> owner's zone
        self.start, self.end = start, end


@dataclass
class _Read:
    start: datetime
    end: datetime
    busy: tuple[Busy, ...] = ()
    unreadable: str | None = None


@dataclass
class _Session:
    reads: dict[str, _Read] = field(default_factory=dict)
    calls: int = 0


class BusySource:
    def __init__(self, port: CalendarPort | None = None, days_off: DaysOff | None = None):
        self.port = port
        self.days_off = days_off or DaysOff()
        self._session: ContextVar[_Session | None] = ContextVar("busy_session", default=None)
        self.calls = 0  # batched free/busy calls made, for the benchmark and tests

    @property
    def remote(self) -> bool:
        """A calendar provider to read (not `none`)."""
        return self.port is not None and self.port.name != "none"

    # --- inside a use case -------------------------------------------------------------

    def lookup(
        self, people: Mapping[int, Person], start: datetime, end: datetime
    ) -> tuple[dict[int, tuple[Busy, ...]], dict[int, str]]:
        """Busy time per person id between `start` and `end` (their days off included), and
        the people whose calendar could not be read (with why). Raises `NeedBusy` when this
        action has not read some of these calendars over this window yet."""
        busy = {
            pid: self.days_off.busy(Locality(p.country, p.zone), start, end)
            for pid, p in people.items()
        }
        unreadable: dict[int, str] = {}
        if not self.remote:
            return busy, unreadable
        session = self._session.get()
        reads = session.reads if session is not None else {}
        missing = {
            p.calendar: p.zone
            for p in people.values()
            if p.calendar
            and (
                p.calendar not in reads
                or reads[p.calendar].start > start
                or reads[p.calendar].end < end
            )
        }
        if missing:
            raise NeedBusy(missing, start, end)
        for pid, person in people.items():
            if not person.calendar:
                unreadable[pid] = "no calendar or email on the roster"
                continue
            read = reads[person.calendar]
            if read.unreadable is not None:
                unreadable[pid] = read.unreadable
                continue
            found = tuple(b for b in read.busy if b.start < end and start < b.end)
            busy[pid] = tuple(sorted((*busy[pid], *found), key=lambda b: (b.start, b.end)))
        return busy, unreadable

    # --- the runner, outside any transaction -------------------------------------------

    @contextmanager
    def session(self) -> Iterator[None]:
        """One action's cache of what its plans read (nested sessions share the outer one)."""
        if self._session.get() is not None:
            yield
            return
        token = self._session.set(_Session())
        try:
            yield
        finally:
            self._session.reset(token)

    def fetch(self, need: NeedBusy) -> None:
        """Read every calendar `need` names in one batched call; a calendar that cannot be
        read is remembered as such (with the provider's reason), never taken as free."""
        session = self._session.get()
        if session is None or self.port is None:
            raise RuntimeError("BusySource.fetch runs inside BusySource.session()")
        names = sorted(need.calendars)
        start, end = need.start, need.end
        for name in names:  # widen to what this action already read, so one read serves both
            earlier = session.reads.get(name)
            if earlier is not None:
                start, end = min(start, earlier.start), max(end, earlier.end)
        self.calls += 1
        session.calls += 1
        try:
            answer = self.port.free_busy(names, start, end, zones=need.calendars)
        except CalendarError as error:
            log.warning("free/busy for %d calendars failed: %s", len(names), error)
            for name in names:
                session.reads[name] = _Read(start, end, unreadable=_reason(error))
            return
        for name in names:
            if name in answer.unreadable:
                session.reads[name] = _Read(start, end, unreadable=answer.unreadable[name])
            else:
                session.reads[name] = _Read(start, end, tuple(answer.busy.get(name, ())))

    def run(self, attempt: Callable[[], T], first: NeedBusy | None = None) -> T:
        """Run `attempt` (one whole unit of work, committed inside) until its plans find the
        calendars they need read; `first`: a need an earlier try already raised."""
        with self.session():
            if first is not None:
                self.fetch(first)
            for _ in range(ROUNDS):
                try:
                    return attempt()
                except NeedBusy as need:
                    self.fetch(need)
            return attempt()


def _reason(error: CalendarError) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."
