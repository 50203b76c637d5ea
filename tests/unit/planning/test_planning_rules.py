"""The planner's working rules as template data: minimum notice, the slot grid, the latest
start and a lunch window; and the `[training]` graduation rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.planning.model import Interval, Interviewer, Plan
from bot.planning.planner import PlanRequest, plan_stage
from bot.planning.planning_rules import PlanningRules
from bot.planning.template_loader import load_templates
from bot.planning.template_source import TemplateError
from bot.planning.templates import SeatTemplate, StageTemplate
from bot.planning.trainees import GraduationRule

MONDAY = datetime(2026, 11, 2, tzinfo=UTC)  # Europe/London is on UTC then


def _request(rules: PlanningRules, **extra) -> PlanRequest:
    person = Interviewer(1, "Ann", frozenset({"engineer"}), frozenset({"core"}),
                         frozenset({"coding"}), "Europe/London", time(8), time(18))  # fmt: skip
    seat = SeatTemplate("coding", ("engineer",), "coding", 45, (45, 45), 1, 2, 2)
    return PlanRequest(
        stage=StageTemplate("r1", "Round 1", "", "meeting", seats=(seat,), break_minutes=0),
        teams=frozenset({"core"}),
        candidate_tz="Europe/London",
        availability=[
            Interval(MONDAY + timedelta(hours=9, minutes=7), MONDAY + timedelta(hours=17))
        ],
        roster=[person, replace(person, id=2, name="Bo")],
        not_before=MONDAY - timedelta(days=3),
        min_notice=rules.min_notice,
        rules=rules,
        **extra,
    )


def _starts(rules: PlanningRules) -> list[datetime]:
    plan = plan_stage(_request(rules))
    assert isinstance(plan, Plan)
    return [slot.start for slot in plan.slots]


def test_todays_rules_are_the_defaults():
    assert PlanningRules().min_notice == timedelta(hours=12)
    assert _starts(PlanningRules())[0] == MONDAY + timedelta(hours=9, minutes=15)


def test_a_finer_grid_starts_sooner():
    assert _starts(PlanningRules(slot_minutes=5))[0] == MONDAY + timedelta(hours=9, minutes=10)


def test_lunch_and_latest_start_keep_blocks_out():
    lunch = PlanningRules(lunch=(time(9, 30), time(13)))
    first, second = _starts(lunch)
    assert first >= MONDAY + timedelta(hours=13)
    # Two blocks cannot both start by 09:15: the smaller panel the seat allows is taken.
    assert _starts(PlanningRules(latest_start=time(9, 15))) == [
        MONDAY + timedelta(hours=9, minutes=15)
    ]


def test_min_notice_rules_out_a_same_day_screen_unless_lowered():
    soon = MONDAY + timedelta(hours=8)
    strict = replace(_request(PlanningRules()), not_before=soon)
    assert not isinstance(plan_stage(strict), Plan)
    short = PlanningRules(min_notice_hours=1)
    relaxed = replace(_request(short), not_before=soon)
    assert isinstance(plan_stage(relaxed), Plan)


def test_bad_rules_are_refused():
    with pytest.raises(ValueError, match="divide an hour"):
        PlanningRules(slot_minutes=7)
    with pytest.raises(ValueError, match="lunch"):
        PlanningRules(lunch=(time(13), time(12)))


def test_templates_carry_planning_and_training_rules(tmp_path: Path):
    book = load_templates()
    assert book.planning == PlanningRules()
    assert book.training.rule_for("coding") == GraduationRule(2, 2)
    extra = tmp_path / "t.toml"
    extra.write_text(
        '[planning]\nmin_notice_hours = 2\nslot_minutes = 30\nlatest_start = "16:00"\n'
        'lunch = ["12:00", "13:00"]\n'
        "[training.interview_types.system_design]\nshadow = 3\n",
        encoding="utf-8",
    )
    book = load_templates(extra)
    assert book.planning == PlanningRules(2, 30, time(16), (time(12), time(13)))
    assert book.training.rule_for("system_design") == GraduationRule(3, 2)
    assert book.training.rule_for("coding") == GraduationRule(2, 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[planning]\nlunch = ["12:00"]\n', "lunch must be a pair"),
        ('[planning]\nlatest_start = "late"\n', "latest_start must be a time"),
        ("[planning]\nslot_minutes = 7\n", "divide an hour"),
        ("[training.interview_types.juggling]\nshadow = 1\n", "unknown key 'juggling'"),
        ("[training]\nshadow = -1\n", "at least 0"),
    ],
)
def test_bad_template_rules_name_the_line(tmp_path: Path, text: str, message: str):
    extra = tmp_path / "t.toml"
    extra.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError, match=message):
        load_templates(extra)
