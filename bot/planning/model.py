"""Plain value types shared by the planning core and the rest of the app.

Everything here is a frozen dataclass with no Slack or database dependency, so services can
build them from rows and tests can build them by hand. Datetimes are aware and in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = frozenset({0, 1, 2, 3, 4})


def require_utc(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value!r}")


def require_zone(name: str, what: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{what}: unknown time zone {name!r}") from exc


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        require_utc(self.start, "Interval.start")
        require_utc(self.end, "Interval.end")
        if self.end <= self.start:
            raise ValueError(f"Interval ends ({self.end}) before it starts ({self.start})")

    def utc(self) -> Interval:
        return Interval(self.start.astimezone(UTC), self.end.astimezone(UTC))

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class Interviewer:
    id: int
    name: str
    roles: frozenset[str]
    teams: frozenset[str]
    interview_types: frozenset[str]
    tz: str
    work_start: time = time(9, 0)
    work_end: time = time(17, 0)
    work_days: frozenset[int] = WEEKDAYS
    weekly_cap: int = 5
    last_interviewed_at: datetime | None = None
    interviews_total: int = 0
    # At most this many interviews on one of their own local days; None: no daily cap.
    daily_cap: int | None = None

    def __post_init__(self) -> None:
        require_zone(self.tz, f"Interviewer {self.id}")
        # Overnight working windows would make "the working day" of a slot ambiguous; nobody on
        # an interview roster works them, so refuse rather than guess.
        if self.work_end <= self.work_start:
            raise ValueError(f"Interviewer {self.id}: work_end must be after work_start")
        if not self.work_days <= frozenset(range(7)):
            raise ValueError(f"Interviewer {self.id}: work_days are 0 (Mon) to 6 (Sun)")
        if self.weekly_cap < 0:
            raise ValueError(f"Interviewer {self.id}: weekly_cap must be >= 0")
        if self.daily_cap is not None and self.daily_cap < 0:
            raise ValueError(f"Interviewer {self.id}: daily_cap must be >= 0")
        if self.last_interviewed_at is not None:
            require_utc(self.last_interviewed_at, f"Interviewer {self.id}.last_interviewed_at")


@dataclass(frozen=True)
class Booking:
    interviewer_id: int
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        require_utc(self.start, "Booking.start")
        require_utc(self.end, "Booking.end")
        if self.end <= self.start:
            raise ValueError("Booking ends before it starts")


@dataclass(frozen=True)
class BusyTime:
    """Time someone's own calendar shows busy (a meeting, out of office, a day off): never
    offered, but, unlike a booking, not an interview, so it does not count toward the cap."""

    interviewer_id: int
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        require_utc(self.start, "BusyTime.start")
        require_utc(self.end, "BusyTime.end")
        if self.end <= self.start:
            raise ValueError("BusyTime ends before it starts")


@dataclass(frozen=True)
class Hold:
    """Time tentatively held for an interviewer by another proposal that awaits Confirm.

    ``held_for`` says what holds it, in words the recruiter reads in a warning
    ("Ada Lovelace's Round 1"); empty when the caller would rather not say.
    """

    interviewer_id: int
    start: datetime
    end: datetime
    held_for: str = ""

    def __post_init__(self) -> None:
        require_utc(self.start, "Hold.start")
        require_utc(self.end, "Hold.end")
        if self.end <= self.start:
            raise ValueError("Hold ends before it starts")


@dataclass(frozen=True)
class Accommodation:
    """What a candidate's accommodation changes in the plan (both in minutes)."""

    extra_minutes_per_interview: int = 0
    extra_break_minutes: int = 0

    def __post_init__(self) -> None:
        if self.extra_minutes_per_interview < 0 or self.extra_break_minutes < 0:
            raise ValueError("accommodation minutes cannot be negative")


@dataclass(frozen=True)
class Slot:
    interviewer_id: int
    role: str
    interview_type: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Plan:
    stage_key: str
    slots: tuple[Slot, ...]
    warnings: tuple[str, ...] = ()
    # Trainees sitting in beside the panel (bot/planning/trainees.py): extra, never needed.
    trainees: tuple = ()


@dataclass(frozen=True)
class Shortage:
    role: str
    interview_type: str
    window: Interval | None
    detail: str


@dataclass(frozen=True)
class Alternative:
    kind: Literal["another_day", "relaxed_cap"]
    plan: Plan
    warning: str


@dataclass(frozen=True)
class NoPlan:
    stage_key: str
    shortages: tuple[Shortage, ...]
    alternatives: tuple[Alternative, ...] = field(default=())
