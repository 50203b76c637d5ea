"""Periods as people type them, in their own zone, across a summer-time change."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.errors import InputError
from bot.insights.period import EXAMPLE, dates, parse_period

# Wednesday 28 October 2026, 10:00 UTC: Berlin has just left summer time.
NOW = datetime(2026, 10, 28, 10, 0, tzinfo=UTC)
BERLIN = "Europe/Berlin"


def utc(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("", utc(9, 28, 22), utc(10, 28, 23), "last 30 days"),
        ("30d", utc(9, 28, 22), utc(10, 28, 23), "last 30 days"),
        ("7 days", utc(10, 21, 22), utc(10, 28, 23), "last 7 days"),
        ("2w", utc(10, 14, 22), utc(10, 28, 23), "last 14 days"),
        # Monday 26 October starts at 00:00 CET, 23:00 UTC the day before.
        ("this week", utc(10, 25, 23), utc(11, 1, 23), "this week (from 26 Oct)"),
        ("Last  Week", utc(10, 18, 22), utc(10, 25, 23), "last week (from 19 Oct)"),
        ("this month", utc(9, 30, 22), utc(10, 31, 23), "this month (October 2026)"),
        ("last month", utc(8, 31, 22), utc(9, 30, 22), "last month (September 2026)"),
        ("this quarter", utc(9, 30, 22), utc(12, 31, 23), "this quarter (Q4 2026)"),
        ("last quarter", utc(6, 30, 22), utc(9, 30, 22), "last quarter (Q3 2026)"),
        (
            "this year",
            datetime(2025, 12, 31, 23, tzinfo=UTC),
            datetime(2026, 12, 31, 23, tzinfo=UTC),
            "this year (2026)",
        ),
        ("2026-10-01..2026-11-30", utc(9, 30, 22), utc(11, 30, 23), "2026-10-01 – 2026-11-30"),
        ("2026-10-01 to 2026-10-01", utc(9, 30, 22), utc(10, 1, 22), "2026-10-01 – 2026-10-01"),
    ],
)
def test_periods_are_whole_days_in_the_askers_zone(text, start, end, label):
    period = parse_period(text, NOW, BERLIN)
    assert (period.start, period.end, period.label, period.zone) == (start, end, label, BERLIN)


def test_the_weeks_of_a_period_are_the_askers_calendar_weeks():
    assert parse_period("this month", NOW, BERLIN).weeks() == [
        date(2026, 9, 28),
        date(2026, 10, 5),
        date(2026, 10, 12),
        date(2026, 10, 19),
        date(2026, 10, 26),
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("yesterday-ish", "can't read 'yesterday-ish' as a period"),
        ("0d", "at least one day"),
        ("2026-11-30..2026-10-01", "ends before it starts"),
        ("2026-02-30..2026-03-01", "2026-02-30 is not a date"),
        ("next quarter", "can't read"),
    ],
)
def test_an_unreadable_period_names_the_problem_and_shows_examples(text, problem):
    with pytest.raises(InputError) as refused:
        parse_period(text, NOW, BERLIN)
    assert problem in refused.value.message
    assert refused.value.field == "period" and refused.value.example == EXAMPLE


def test_dates_include_the_last_day():
    period = dates(date(2026, 10, 19), date(2026, 11, 1))
    assert (period.start, period.end) == (utc(10, 19), utc(11, 2))
