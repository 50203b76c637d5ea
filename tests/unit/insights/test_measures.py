"""Exact figures on the fixed data set (see dataset.py): time to schedule, time in stage,
pass-through per stage and level, feedback turnaround, weekly load across two summer-time
changes, and the changes with their reasons — for everything, a team and a pool."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.insights import Period, Scope, compute
from bot.insights.changes import ChangeCount
from bot.insights.rows import Dataset
from tests.unit.insights.dataset import ADA, BEN, CHEN, DANA, DATA, EVE, NOW, PERIOD, PIVOT_REASON

EVERYTHING = Scope()
PAYMENTS = Scope(team="payments")
STREAMING = Scope(team="streaming")
BACKEND = Scope(pool="backend", pool_teams=frozenset({"payments", "streaming"}))
OCT_19, OCT_26 = date(2026, 10, 19), date(2026, 10, 26)


def figures(scope: Scope = EVERYTHING, data: Dataset = DATA, period: Period = PERIOD):
    return compute(data, period, scope, NOW, overdue_after=timedelta(hours=48))


def timings(rows) -> dict[str, list[float]]:
    return {row.stage: list(row.hours) for row in rows}


def test_time_to_schedule_counts_each_stages_first_booking_made_in_the_period():
    rows = figures().time_to_schedule
    assert [r.stage for r in rows] == [
        "recruiter_screen",
        "manager_screen",
        "technical_screen",
        "round_1",
    ]
    # Loop 30's technical screen was first booked before the period (its re-booking after a
    # drop-out is not a new time to schedule); its round 1 was booked nine days in.
    assert timings(rows) == {
        "recruiter_screen": [3, 6],
        "manager_screen": [54],
        "technical_screen": [76, 120],
        "round_1": [169, 216],
    }
    by_stage = {r.stage: r for r in rows}
    assert (by_stage["recruiter_screen"].median, by_stage["recruiter_screen"].p90) == (
        4.5,
        pytest.approx(5.7),
    )
    assert by_stage["technical_screen"].median == 98
    assert by_stage["technical_screen"].p90 == pytest.approx(115.6)
    assert by_stage["round_1"].p90 == pytest.approx(211.3)
    assert (by_stage["manager_screen"].median, by_stage["manager_screen"].p90) == (54, 54)


def test_time_in_stage_runs_from_the_advance_into_it_to_its_decision():
    rows = figures().time_in_stage
    # The pivoted loop's technical screen counts from the advance out of its recruiter screen
    # (the manager screen it skipped never held it up in the figures), 141 hours in all.
    assert timings(rows) == {
        "recruiter_screen": [26, 48],
        "manager_screen": [54],
        "technical_screen": [102, 141, 141],
        "round_1": [162],
        "decision": [72],
    }
    assert {r.stage: r.title for r in rows}["round_1"] == "Round 1"


def test_pass_through_per_stage_and_level_for_the_loops_started_in_the_period():
    rows = figures().pass_through
    table = {(r.stage, r.level): (r.reached, r.passed, r.declined, r.still_in) for r in rows}
    # Loop 30 started before the period; the pivoted loop's skipped manager screen was never
    # reached in the figures, and a pivot is not a step out of a stage.
    assert table == {
        ("recruiter_screen", "L4"): (1, 1, 0, 0),
        ("recruiter_screen", "L5"): (1, 1, 0, 0),
        ("manager_screen", "L4"): (1, 1, 0, 0),
        ("technical_screen", "L4"): (1, 0, 1, 0),
        ("technical_screen", "L5"): (1, 1, 0, 0),
        ("round_1", "L5"): (1, 0, 0, 1),
    }
    funnel = figures().funnel
    assert [(f.stage, f.reached, f.passed, f.declined, f.rate) for f in funnel] == [
        ("recruiter_screen", 2, 2, 0, 1.0),
        ("manager_screen", 1, 1, 0, 1.0),
        ("technical_screen", 2, 1, 1, 0.5),
        ("round_1", 1, 0, 0, None),
    ]
    assert figures().loops_started == 2


def test_feedback_turnaround_median_p90_and_overdue_per_interviewer():
    rows = {r.person_id: r for r in figures().feedback}
    assert list(rows) == [ADA, BEN, CHEN, DANA, EVE]  # by name
    assert rows[ADA].hours == (1, 1)
    assert (rows[BEN].hours, rows[BEN].median, rows[BEN].p90) == ((1, 24), 12.5, 21.7)
    # Chen: 9 and 10 hours, 72 hours late on loop 10, and loop 40's feedback still missing
    # six days on: two overdue. Declined interviews owe nothing.
    chen = rows[CHEN]
    assert (chen.hours, chen.median, chen.p90) == ((9, 10, 72), 10, pytest.approx(59.6))
    assert (chen.given, chen.overdue, chen.missing) == (3, 2, 1)
    assert (rows[DANA].hours, rows[DANA].median, rows[DANA].p90) == ((1, 1, 2), 1, 1.8)
    assert (rows[DANA].overdue, rows[DANA].missing) == (0, 0)
    # Eve has given nothing: no median, one missing and overdue.
    assert (rows[EVE].given, rows[EVE].median, rows[EVE].overdue, rows[EVE].missing) == (
        0,
        None,
        1,
        1,
    )


def test_feedback_overdue_depends_on_the_threshold_and_on_now():
    relaxed = compute(DATA, PERIOD, EVERYTHING, NOW, overdue_after=timedelta(hours=100))
    assert {r.person_id: r.overdue for r in relaxed.feedback}[CHEN] == 1  # only loop 40's
    early = compute(DATA, PERIOD, EVERYTHING, datetime(2026, 10, 29, 11, tzinfo=UTC))
    # On 29 October at 11:00 Eve's interview had just ended: missing, not overdue.
    eve = {r.person_id: r for r in early.feedback}[EVE]
    assert (eve.missing, eve.overdue) == (1, 0)


def test_weekly_load_counts_weeks_in_each_interviewers_own_zone_across_summer_time_changes():
    load = {(r.name, r.week): (r.interviews, r.cap, r.over_cap) for r in figures().load}
    assert load == {
        ("Ada", OCT_19): (2, 5, False),
        ("Ada", OCT_26): (0, 5, False),
        # Ben's Sunday-night interview in New York (Monday 2 November in UTC) is in his week
        # of 26 October; loop 40 is for another team but still his load.
        ("Ben", OCT_19): (1, 3, False),
        ("Ben", OCT_26): (2, 3, False),
        # Chen: Sunday 23:30 CET is the week of 19 October, Monday 00:30 CET (Sunday in UTC)
        # the week of 26 October; over the cap of 2 that week. Declined interviews don't count.
        ("Chen", OCT_19): (1, 2, False),
        ("Chen", OCT_26): (3, 2, True),
        ("Dana", OCT_19): (1, 4, False),
        ("Dana", OCT_26): (2, 4, False),
        ("Eve", OCT_19): (0, 3, False),
        ("Eve", OCT_26): (1, 3, False),
    }  # Finn left and has nothing in these weeks: not shown


def test_weeks_follow_the_zone_the_period_was_stated_in():
    tokyo = Period(
        datetime(2026, 10, 18, 15, tzinfo=UTC),
        datetime(2026, 11, 1, 15, tzinfo=UTC),
        zone="Asia/Tokyo",
    )
    assert tokyo.weeks() == [OCT_19, OCT_26]
    assert PERIOD.weeks() == [OCT_19, OCT_26]
    utc_view = Period(tokyo.start, tokyo.end)
    assert utc_view.weeks() == [date(2026, 10, 12), OCT_19, OCT_26]


def test_changes_with_their_reasons_in_the_period():
    assert figures().changes == (
        ChangeCount("rescheduled", "a panelist dropped out; re-planning", 1),
        ChangeCount("interviewer declined", "", 1),
        ChangeCount("interviewer declined", "sick", 1),
        ChangeCount("loop declined", "Not enough depth in system design", 1),
        ChangeCount("pivoted", PIVOT_REASON, 1),
    )


def test_a_team_sees_its_loops_including_one_that_pivoted_away_and_its_people():
    payments = figures(PAYMENTS)
    assert payments.loops_started == 2
    assert timings(payments.time_to_schedule) == {
        "recruiter_screen": [3, 6],
        "manager_screen": [54],
        "technical_screen": [76, 120],
        "round_1": [169],
    }
    feedback = {r.name: (r.hours, r.overdue, r.missing) for r in payments.feedback}
    assert feedback == {
        "Ada": ((1, 1), 0, 0),
        "Ben": ((24,), 0, 0),
        "Chen": ((72,), 1, 0),
        "Dana": ((1, 2), 0, 0),
        "Eve": ((), 1, 1),
    }
    # Load is the team's people, with every interview they give.
    assert {(r.name, r.week): r.interviews for r in payments.load} == {
        ("Ada", OCT_19): 2,
        ("Ada", OCT_26): 0,
        ("Ben", OCT_19): 1,
        ("Ben", OCT_26): 2,
        ("Chen", OCT_19): 1,
        ("Chen", OCT_26): 3,
    }
    assert [c.kind for c in payments.changes] == [
        "interviewer declined",
        "loop declined",
        "pivoted",
    ]


def test_the_team_a_loop_pivoted_to_and_a_pool():
    streaming = figures(STREAMING)
    assert streaming.loops_started == 1
    assert [(f.stage, f.reached, f.passed) for f in streaming.funnel] == [
        ("recruiter_screen", 1, 1),
        ("technical_screen", 1, 1),
        ("round_1", 1, 0),
    ]
    assert {r.name for r in streaming.load} == {"Ada", "Dana", "Eve"}
    backend = figures(BACKEND)
    assert backend.loops_started == 1  # loop 20; loop 30 started before the period
    assert timings(backend.time_in_stage)["technical_screen"] == [102, 141]
    assert {r.name for r in backend.load} == {"Ada", "Ben", "Chen", "Dana", "Eve"}
    assert [c.kind for c in backend.changes] == [
        "rescheduled",
        "interviewer declined",
        "interviewer declined",
        "pivoted",
    ]


def test_nothing_in_the_period_gives_empty_figures_not_errors():
    quiet = Period(datetime(2027, 1, 4, tzinfo=UTC), datetime(2027, 1, 11, tzinfo=UTC))
    result = figures(period=quiet)
    assert result.loops_started == 0
    assert result.time_to_schedule == result.time_in_stage == result.pass_through == ()
    assert result.feedback == () and result.changes == ()
    assert {r.interviews for r in result.load} == {0}  # people are still listed, at zero
    assert compute(Dataset(), quiet, EVERYTHING, NOW).load == ()


def test_a_period_must_be_aware_and_not_empty():
    with pytest.raises(ValueError, match="aware"):
        Period(datetime(2026, 10, 1), datetime(2026, 11, 1))
    with pytest.raises(ValueError, match="after"):
        Period(NOW, NOW)
