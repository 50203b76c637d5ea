"""Builders shared by the planning tests."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from bot.planning.model import Interval, Interviewer

NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)  # a Monday


def person(
    pid: int,
    *roles: str,
    types: tuple[str, ...] = (),
    tz: str = "America/New_York",
    teams: tuple[str, ...] = ("core",),
    **extra,
) -> Interviewer:
    return Interviewer(
        id=pid,
        name=f"P{pid}",
        roles=frozenset(roles),
        teams=frozenset(teams),
        interview_types=frozenset(types),
        tz=tz,
        **extra,
    )


def local(tz: str, year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def window(tz: str, year: int, month: int, day: int, start: time, end: time) -> Interval:
    zone = ZoneInfo(tz)
    return Interval(
        datetime.combine(datetime(year, month, day).date(), start, zone).astimezone(UTC),
        datetime.combine(datetime(year, month, day).date(), end, zone).astimezone(UTC),
    )


ROUND_1_TYPES = ("coding", "system_design")


def ic_roster(tz: str = "America/New_York") -> list[Interviewer]:
    """A team able to staff every IC stage: 4 engineers, a hiring manager, a recruiter, round 2."""
    return [
        person(
            1, "engineer", types=ROUND_1_TYPES + ("technical_discussion", "take_home_review"), tz=tz
        ),
        person(2, "engineer", types=ROUND_1_TYPES + ("take_home_review",), tz=tz),
        person(3, "engineer", types=ROUND_1_TYPES, tz=tz),
        person(4, "engineer", types=("coding",), tz=tz),
        person(10, "hiring_manager", types=("manager_screen",), tz=tz),
        person(20, "recruiter", types=("recruiter_screen",), tz=tz),
        person(30, "director", types=("partnership", "dream_team", "people_leadership"), tz=tz),
        person(31, "partner", types=("partnership",), tz=tz),
        person(32, "leader", types=("partnership",), tz=tz),
    ]


FIXED = {"hiring_manager": 10, "recruiter": 20}
