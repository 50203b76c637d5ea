"""The answer's text and the Home tab's weekly lines, on the fixed data set."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.insights import Scope, compute
from bot.insights.changes import ChangeCount
from bot.insights.flow import StagePassage
from bot.insights.summary import summary_text, weekly_lines
from tests.unit.insights.dataset import ADA, DATA, NOW, PERIOD

FIGURES = compute(DATA, PERIOD, Scope(), NOW, timedelta(hours=48))


def test_the_summary_names_the_figures_that_matter():
    assert summary_text(FIGURES).splitlines() == [
        "*Insights · all teams · 19 Oct 2026 – 1 Nov 2026*",
        "*2* loops started · *7* stages booked · median time to schedule *3.2 d*",
        "Pass-through: Recruiter screen 2/2 → Manager screen 1/1 → Technical screen 1/2 → "
        "Round 1 0/1 (1 still in)",
        "Longest in stage: Round 1, median 6.8 d",
        "Feedback: median 1.5 h after the interview · overdue: Chen 2, Eve 1",
        "Over their weekly cap: Chen (week of 26 Oct: 3 of 2)",
        "Changes: 1 stage re-planned (a panelist dropped out; re-planning) · 2 interviewers "
        "dropped out (sick: 1) · 1 loop declined (Not enough depth in system design) · 1 pivot",
    ]


def test_reasons_are_escaped_and_a_pivots_reason_stays_out():
    typed = replace(
        FIGURES,
        changes=(
            ChangeCount("loop declined", "<!channel> no", 2),
            ChangeCount("pivoted", "Candidate's partner works at streaming", 1),
        ),
    )
    assert summary_text(typed).splitlines()[-1] == (
        "Changes: 2 loops declined (&lt;!channel&gt; no) · 1 pivot"
    )


def test_a_quiet_period_says_little():
    nothing = dict.fromkeys(
        ("time_to_schedule", "time_in_stage", "pass_through", "feedback", "load", "changes"), ()
    )
    quiet = replace(
        FIGURES, loops_started=0, period=replace(PERIOD, label="this week (from 2 Nov)"), **nothing
    )
    assert summary_text(quiet).splitlines() == [
        "*Insights · all teams · this week (from 2 Nov)*",
        "*0* loops started · *0* stages booked",
    ]


def test_a_recruiters_week():
    mine = compute(DATA, PERIOD, Scope(recruiter_id=ADA), NOW, timedelta(hours=48))
    assert mine.scope.label == "your loops"
    # Loop 40 is Ben's: Chen's feedback still missing there is not Ada's to chase.
    assert weekly_lines(mine) == [
        "*2* loops started · *7* stages booked · median time to schedule *3.2 d*",
        "Feedback: median 1.5 h after the interview · overdue: Chen 1, Eve 1",
    ]


def test_two_tracks_get_a_pass_through_line_each():
    em = StagePassage("em", "recruiter_screen", "Recruiter phone screen", 0, "L6", 1, 0, 0)
    both = replace(
        FIGURES,
        pass_through=(em, *FIGURES.pass_through),
        track_titles={"ic": "Backend engineer", "em": "Engineering manager"},
    )
    lines = [line for line in summary_text(both).splitlines() if "Pass-through" in line]
    assert lines == [
        "Pass-through (Engineering manager): Recruiter phone screen 0/1 (1 still in)",
        "Pass-through (Backend engineer): Recruiter screen 2/2 → Manager screen 1/1 → "
        "Technical screen 1/2 → Round 1 0/1 (1 still in)",
    ]
