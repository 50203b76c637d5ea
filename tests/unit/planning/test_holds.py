"""Holds: time other proposals hold tentatively is avoided when possible, taken with a warning
when it is the only way."""

from __future__ import annotations

from datetime import time, timedelta

from bot.planning.model import Booking, Hold, NoPlan, Plan
from bot.planning.planner import PlanRequest, plan_stage
from bot.planning.template_loader import load_templates
from bot.planning.templates import SeatTemplate, StageTemplate

from .support import NOW, local, person, window

NY = "America/New_York"
TUESDAY = [window(NY, 2026, 11, 24, time(9), time(17))]
MORNING = [window(NY, 2026, 11, 24, time(9), time(10))]
BOOK = load_templates()


def coding() -> StageTemplate:
    seat = SeatTemplate("coding", ("engineer",), "coding", 45, (45, 45))
    return StageTemplate("chat", "Chat", "", "meeting", seats=(seat,))


def run(roster, availability=TUESDAY, stage=None, **extra) -> Plan | NoPlan:
    values = dict(
        stage=stage or coding(),
        teams=frozenset({"core"}),
        candidate_tz=NY,
        availability=availability,
        roster=roster,
        not_before=NOW,
        alternative_days=0,
    )
    values.update(extra)
    return plan_stage(PlanRequest(**values))


def held(pid: int, hour: int, minutes: int = 60, held_for: str = "") -> Hold:
    start = local(NY, 2026, 11, 24, hour)
    return Hold(pid, start, start + timedelta(minutes=minutes), held_for)


def engineers(*ids: int):
    return [person(pid, "engineer", types=("coding",)) for pid in ids]


def test_a_held_slot_is_avoided_when_a_later_time_fits():
    result = run(engineers(1), holds=[held(1, 9)])
    assert [s.start for s in result.slots] == [local(NY, 2026, 11, 24, 10)]
    assert not result.warnings


def test_a_held_person_is_passed_over_for_someone_free():
    # Person 1 comes first in load-spreading order, but their 9:00 is held.
    result = run(engineers(1, 2), MORNING, holds=[held(1, 9)])
    assert [(s.interviewer_id, s.start) for s in result.slots] == [(2, local(NY, 2026, 11, 24, 9))]
    assert not result.warnings


def test_held_time_is_taken_with_a_warning_when_it_is_the_only_way():
    hold = held(1, 9, held_for="Grace Hopper's Round 1")
    result = run(engineers(1), MORNING, holds=[hold])
    assert [(s.interviewer_id, s.start) for s in result.slots] == [(1, local(NY, 2026, 11, 24, 9))]
    assert result.warnings == (
        "P1 is held then for another proposal (Grace Hopper's Round 1): no panel fits without "
        "taking held time, so that proposal needs a new time if this one is confirmed",
    )


def test_bookings_stay_firm_where_holds_give_way():
    booked = run(engineers(1), MORNING, bookings=[Booking(1, *_span(9))])
    assert isinstance(booked, NoPlan)
    assert isinstance(run(engineers(1), MORNING, holds=[held(1, 9)]), Plan)


def _span(hour: int):
    start = local(NY, 2026, 11, 24, hour)
    return start, start + timedelta(hours=1)


def test_held_time_gives_way_before_the_repeat_rule():
    result = run(engineers(1, 2), MORNING, holds=[held(2, 9)],
                 earlier_panels={1: ("Technical screen",)}, allow_repeat=True)  # fmt: skip
    assert [s.interviewer_id for s in result.slots] == [2]
    assert len(result.warnings) == 1 and result.warnings[0].startswith("P2 is held then")


def test_fewest_held_slots_win_even_over_a_fuller_panel():
    # Round 2 prefers three people; the leader is held all day. Two people and no hold beat
    # three people and one.
    roster = [
        person(30, "director", types=("partnership",)),
        person(31, "partner", types=("partnership",)),
        person(32, "leader", types=("partnership",)),
    ]
    result = run(roster, stage=BOOK.stage("ic", None, "round_2"),
                 holds=[held(32, 9, minutes=8 * 60)])  # fmt: skip
    assert [s.interviewer_id for s in result.slots] == [30, 31] and not result.warnings


def test_interviews_others_hold_count_toward_the_weekly_cap():
    capped = person(1, "engineer", types=("coding",), weekly_cap=2)
    spare = person(2, "engineer", types=("coding",), last_interviewed_at=NOW)
    week = [Booking(1, *_span(8))]
    monday = local(NY, 2026, 11, 23, 10)
    elsewhere = [Hold(1, monday, monday + timedelta(minutes=45), "Ada Lovelace's Round 1")]
    # Person 1 has one booking and one held interview this week: a third would pass the cap
    # once both are confirmed, so the spare engineer takes it.
    result = run([capped, spare], bookings=week, holds=elsewhere)
    assert [s.interviewer_id for s in result.slots] == [2] and not result.warnings
    alone = run([capped], bookings=week, holds=elsewhere)
    assert [s.interviewer_id for s in alone.slots] == [1]
    assert alone.warnings == (
        "P1 reaches their weekly cap of 2 if the interviews other proposals hold for them are "
        "confirmed: no panel fits without them",
    )


def test_a_take_home_reviewer_is_chosen_by_cap_with_holds_counted():
    stage = BOOK.stage("ic", None, "technical_screen").choose("take_home")
    reviewers = [
        person(1, "engineer", types=("take_home_review",), weekly_cap=1),
        person(2, "engineer", types=("take_home_review",), last_interviewed_at=NOW),
    ]
    due = NOW + timedelta(days=7)
    hold = Hold(1, due - timedelta(hours=1), due, "Ada Lovelace's Round 1")
    result = run(reviewers, [], stage=stage, holds=[hold])
    assert [s.interviewer_id for s in result.slots] == [2] and not result.warnings
    # Only the held reviewer: taken, with the warning; the hold's time itself does not matter
    # to an asynchronous review.
    alone = run(reviewers[:1], [], stage=stage, holds=[hold])
    assert [s.interviewer_id for s in alone.slots] == [1]
    assert alone.warnings and "weekly cap of 1" in alone.warnings[0]
