"""The planner's working rules as data (the `[planning]` table of the templates): how much
notice a candidate gets, the grid start times sit on, the latest an interview may start and a
lunch window no interview runs through. Today's behaviour is the default."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta


@dataclass(frozen=True)
class PlanningRules:
    min_notice_hours: int = 12
    slot_minutes: int = 15
    # The latest local time (the candidate's zone) an interview block may start; None: any.
    latest_start: time | None = None
    # A local window (the candidate's zone) no interview block may overlap; None: no lunch.
    lunch: tuple[time, time] | None = None
    # The daily interview cap for people the roster gives none; None: no daily cap.
    daily_cap: int | None = None

    def __post_init__(self) -> None:
        if self.min_notice_hours < 0:
            raise ValueError("min_notice_hours cannot be negative")
        if not 0 < self.slot_minutes <= 60 or 60 % self.slot_minutes:
            raise ValueError("slot_minutes must divide an hour: 5, 10, 15, 20, 30 or 60")
        if self.daily_cap is not None and self.daily_cap < 0:
            raise ValueError("daily_cap cannot be negative")
        if self.lunch is not None and self.lunch[1] <= self.lunch[0]:
            raise ValueError("the lunch window must end after it starts")

    @property
    def min_notice(self) -> timedelta:
        return timedelta(hours=self.min_notice_hours)

    @property
    def grid(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)

    def allows_block(self, start: datetime, end: datetime) -> bool:
        """May a block run from `start` to `end` (both in the candidate's zone)?"""
        if self.latest_start is not None and start.time() > self.latest_start:
            return False
        if self.lunch is not None and start.date() == end.date():
            lunch_start = start.replace(hour=self.lunch[0].hour, minute=self.lunch[0].minute)
            lunch_end = start.replace(hour=self.lunch[1].hour, minute=self.lunch[1].minute)
            if start < lunch_end and lunch_start < end:
                return False
        return True
