"""One test per rule of PROCESS.md, named after the rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

import pytest

from bot.planning.model import Accommodation, NoPlan, Plan
from bot.planning.planner import PlanRequest, plan_stage
from bot.planning.template_loader import load_templates

from .support import FIXED, NOW, ROUND_1_TYPES, ic_roster, person, window

BOOK = load_templates()
TUESDAY = [window("America/New_York", 2026, 11, 24, time(9), time(17))]


def keys(stages):
    return [stage.key for stage in stages]


def request(stage, roster=None, **extra) -> PlanRequest:
    values = dict(
        stage=stage,
        teams=frozenset({"core"}),
        candidate_tz="America/New_York",
        availability=TUESDAY,
        roster=roster if roster is not None else ic_roster(),
        not_before=NOW,
        fixed=FIXED,
    )
    values.update(extra)
    return PlanRequest(**values)


def plan(stage, roster=None, **extra) -> Plan:
    result = plan_stage(request(stage, roster, **extra))
    assert isinstance(result, Plan), result
    return result


def test_levels_l3_to_l7_have_their_titles():
    assert [key for key, _ in BOOK.levels] == ["L3", "L4", "L5", "L6", "L7"]
    assert BOOK.level_title("L3") == "Software Engineer (new-grad program)"
    assert BOOK.level_title("L4") == "Software Engineer II"
    assert BOOK.level_title("L5") == "Senior Software Engineer"
    assert BOOK.level_title("L6") == "Staff Software Engineer"
    assert BOOK.level_title("L7") == "Principal Software Engineer"


def test_ic_stages_run_in_process_order():
    assert keys(BOOK.stages_for("ic", None, "L5")) == [
        "recruiter_screen", "manager_screen", "technical_screen", "round_1", "round_2",
        "decision",
    ]  # fmt: skip


def test_recruiter_screen_is_one_recruiter_30_to_45_minutes():
    stage = BOOK.stage("ic", None, "recruiter_screen")
    (seat,) = stage.seats
    assert seat.roles == ("recruiter",) and (seat.min, seat.max) == (1, 1)
    assert seat.minutes_range == (30, 45) and seat.minutes == 30
    result = plan(stage)
    assert [(s.role, s.end - s.start) for s in result.slots] == [
        ("recruiter", timedelta(minutes=30))
    ]


def test_manager_screen_is_one_hiring_manager_45_minutes_and_optional():
    stage = BOOK.stage("ic", None, "manager_screen")
    assert stage.optional
    result = plan(stage)
    assert [(s.interviewer_id, s.role, s.end - s.start) for s in result.slots] == [
        (10, "hiring_manager", timedelta(minutes=45))
    ]


def test_team_may_drop_manager_screen(tmp_path):
    extra = tmp_path / "teams.toml"
    extra.write_text('[teams.payments.ic]\ndrop = ["manager_screen"]\n')
    book = load_templates(extra)
    assert "manager_screen" not in keys(book.stages_for("ic", "payments", "L4"))
    assert "manager_screen" in keys(book.stages_for("ic", "search", "L4"))


def test_technical_screen_candidate_chooses_take_home_or_discussion():
    stage = BOOK.stage("ic", None, "technical_screen")
    assert stage.kind == "choice" and stage.format_keys() == ("take_home", "discussion")
    with pytest.raises(ValueError, match="pick a format"):
        plan_stage(request(stage))
    discussion = plan(stage.choose("discussion"))
    (slot,) = discussion.slots
    assert slot.role == "engineer" and slot.interview_type == "technical_discussion"
    assert slot.end - slot.start == timedelta(hours=1)


def test_take_home_is_2_to_4_hours_asynchronous_with_a_due_date():
    stage = BOOK.stage("ic", None, "technical_screen").choose("take_home")
    assert stage.kind == "take_home" and stage.work_hours == (2, 4) and stage.due_days == 7
    (slot,) = plan(stage).slots
    assert slot.start == NOW and slot.end == NOW + timedelta(days=7)
    assert slot.interview_type == "take_home_review" and slot.role == "engineer"


def test_round_1_panel_is_4_or_5_people_45_minutes_each():
    stage = BOOK.stage("ic", None, "round_1")
    assert stage.panel_bounds() == (4, 5)
    result = plan(stage)
    assert 4 <= len(result.slots) <= 5
    assert len({s.interviewer_id for s in result.slots}) == len(result.slots)
    assert all(s.end - s.start == timedelta(minutes=45) for s in result.slots)


def test_round_1_has_2_to_3_engineers_the_hiring_manager_and_a_recruiter():
    stage = BOOK.stage("ic", None, "round_1")
    engineers = [s for s in stage.seats if s.roles == ("engineer",)]
    assert (sum(s.min for s in engineers), sum(s.max for s in engineers)) == (2, 3)
    result = plan(stage)
    roles = sorted(s.role for s in result.slots)
    assert roles.count("engineer") in (2, 3)
    assert roles.count("hiring_manager") == 1 and roles.count("recruiter") == 1
    assert {s.interview_type for s in result.slots} >= {"coding", "system_design"}


def test_round_1_falls_back_to_three_engineers_only_within_4_or_5():
    # With just two engineers the panel is 2 + manager + recruiter = 4, still allowed.
    roster = [p for p in ic_roster() if p.id not in (3, 4)]
    assert len(plan(BOOK.stage("ic", None, "round_1"), roster).slots) == 4


def test_round_2_only_for_l5_and_above():
    for level in ("L3", "L4"):
        assert "round_2" not in keys(BOOK.stages_for("ic", None, level))
    for level in ("L5", "L6", "L7"):
        assert "round_2" in keys(BOOK.stages_for("ic", None, level))


def test_l4_goes_from_round_1_to_decision():
    assert BOOK.next_stage("ic", None, "L4", "round_1").key == "decision"
    assert BOOK.next_stage("ic", None, "L5", "round_1").key == "round_2"
    assert BOOK.next_stage("ic", None, "L5", "round_2").key == "decision"
    assert BOOK.next_stage("ic", None, "L5", "decision") is None


def test_round_2_has_director_partner_and_another_leader():
    stage = BOOK.stage("ic", None, "round_2")
    assert stage.panel_bounds() == (2, 3)
    result = plan(stage)
    assert [s.role for s in result.slots] == ["director", "partner", "leader"]
    assert all(s.end - s.start == timedelta(minutes=45) for s in result.slots)


def test_round_2_can_run_with_2_people_when_no_leader_is_free():
    roster = [p for p in ic_roster() if p.id != 32]
    result = plan(BOOK.stage("ic", None, "round_2"), roster)
    assert [s.role for s in result.slots] == ["director", "partner"]


def test_decision_needs_no_meeting():
    result = plan_stage(request(BOOK.stage("ic", None, "decision")))
    assert result == Plan("decision", ())


def test_nobody_sits_on_two_panels_unless_no_one_else_and_bot_says_so():
    stage = BOOK.stage("ic", None, "round_1")
    first = plan(stage)
    used = {s.interviewer_id: ("Technical screen",) for s in first.slots if s.role == "engineer"}
    # With the first panel's engineers and engineer 3 already on the loop only engineer 4 is
    # new, and engineer 4 does no system design: no full panel without a repeat.
    roster = ic_roster()
    earlier = {**used, 3: ("Technical screen",)}
    refused = plan_stage(request(stage, roster, earlier_panels=earlier))
    assert isinstance(refused, NoPlan)
    allowed = plan(stage, roster, earlier_panels=earlier, allow_repeat=True)
    repeats = {s.interviewer_id for s in allowed.slots} & set(earlier)
    # One repeat is the least that works: the coding seat goes to engineer 4.
    assert len(repeats) == 1
    (repeat,) = repeats
    assert allowed.warnings == (
        f"P{repeat} also sat on Technical screen: everyone else on core who can run a "
        "system-design interview has sat on this loop already",
    )
    # When someone else can be found, the people already on the loop are not used at all.
    fresh = plan(stage, roster, earlier_panels={1: ("Technical screen",)}, allow_repeat=True)
    assert 1 not in {s.interviewer_id for s in fresh.slots} and not fresh.warnings


def test_hiring_manager_and_recruiter_of_the_loop_sit_every_stage_they_own():
    earlier = {10: ("Manager phone screen",), 20: ("Recruiter phone screen",)}
    result = plan(BOOK.stage("ic", None, "round_1"), earlier_panels=earlier)
    assert {10, 20} <= {s.interviewer_id for s in result.slots} and not result.warnings


def test_the_loops_own_hiring_manager_and_recruiter_are_never_repeats():
    # The hiring manager is also an engineering manager and may take part B's behavioural
    # seat after running the manager screen: only they and the recruiter recur freely.
    roster = [
        person(10, "hiring_manager", "engineering_manager", types=("behavioural",)),
        person(30, "director", types=("dream_team",)),
        person(40, "engineering_manager", types=("behavioural", "people_leadership")),
    ]
    earlier = {10: ("Hiring-manager phone screen",), 40: ("Onsite part A (technical)",)}
    result = plan(BOOK.stage("em", None, "onsite_b"), roster, earlier_panels=earlier,
                  allow_repeat=True)  # fmt: skip
    assert [(s.interviewer_id, s.interview_type) for s in result.slots] == [
        (10, "behavioural"), (30, "dream_team"),
    ]  # fmt: skip
    assert not result.warnings


def test_a_recurring_seat_is_outside_the_repeat_rule():
    # A team's bar raiser sits on every panel: their seat is marked recurring.
    stage = BOOK.stage("ic", None, "round_2")
    seats = tuple(replace(s, recurring=s.key == "leader") for s in stage.seats)
    roster = ic_roster()
    earlier = {30: ("Round 1",), 32: ("Round 1",)}
    result = plan(replace(stage, seats=seats), roster, earlier_panels=earlier, allow_repeat=True)
    assert [s.interviewer_id for s in result.slots] == [30, 31, 32]
    assert [w.split(" ")[0] for w in result.warnings] == ["P30"]  # the director: a repeat


def em_part_b_people():
    return [
        person(10, "hiring_manager", types=("manager_screen",)),
        person(30, "director", types=("manager_screen", "dream_team", "behavioural")),
        person(40, "engineering_manager", types=("system_design", "behavioural")),
    ]


def test_em_part_b_drops_an_optional_seat_before_repeating_a_part_a_interviewer():
    # The loop: the director ran the manager screen (the hiring manager was busy) and
    # the engineering manager sat on part A. The director must run the dream team, a repeat
    # no one else can spare; the behavioural seat is optional, so it is dropped rather than
    # given to the part A interviewer.
    earlier = {30: ("Hiring-manager phone screen",), 40: ("Onsite part A (technical)",)}
    result = plan(BOOK.stage("em", None, "onsite_b"), em_part_b_people(), earlier_panels=earlier,
                  allow_repeat=True)  # fmt: skip
    assert [(s.interviewer_id, s.interview_type) for s in result.slots] == [(30, "dream_team")]
    assert result.warnings == (
        "P30 also sat on Hiring-manager phone screen: no one else on core can run a "
        "dream-team interview",
    )


def test_em_part_b_fills_the_optional_seat_with_someone_new_when_it_can():
    roster = [*em_part_b_people(), person(41, "engineering_manager", types=("behavioural",))]
    earlier = {30: ("Hiring-manager phone screen",), 40: ("Onsite part A (technical)",)}
    result = plan(BOOK.stage("em", None, "onsite_b"), roster, earlier_panels=earlier,
                  allow_repeat=True)  # fmt: skip
    assert [(s.interviewer_id, s.interview_type) for s in result.slots] == [
        (41, "behavioural"), (30, "dream_team"),
    ]  # fmt: skip
    assert len(result.warnings) == 1 and result.warnings[0].startswith("P30 also sat on")


def test_a_repeat_no_one_else_can_take_names_the_earlier_stages():
    roster = em_part_b_people()
    earlier = {30: ("Hiring-manager phone screen", "Onsite part A (technical)")}
    result = plan(BOOK.stage("em", None, "onsite_b"), roster, earlier_panels=earlier,
                  allow_repeat=True)  # fmt: skip
    assert [s.interviewer_id for s in result.slots] == [40, 30]
    assert result.warnings == (
        "P30 also sat on Hiring-manager phone screen and Onsite part A (technical): no one "
        "else on core can run a dream-team interview",
    )


def test_em_stages_run_in_process_order():
    assert keys(BOOK.stages_for("em", None, "L6")) == [
        "recruiter_screen", "manager_screen", "onsite_a", "onsite_b", "decision",
    ]  # fmt: skip
    recruiter = BOOK.stage("em", None, "recruiter_screen").seats[0]
    assert recruiter.minutes == 45


def test_em_manager_screen_is_hiring_manager_or_director():
    (seat,) = BOOK.stage("em", None, "manager_screen").seats
    assert seat.roles == ("hiring_manager", "director") and seat.minutes == 45
    roster = [person(30, "director", types=("manager_screen",))]
    (slot,) = plan(BOOK.stage("em", None, "manager_screen"), roster, fixed={}).slots
    assert slot.role == "director"


def test_em_part_a_is_two_interviews_by_senior_engineers_or_ems_one_system_design():
    stage = BOOK.stage("em", None, "onsite_a")
    roster = [
        person(1, "senior_engineer", types=("system_design", "technical_discussion")),
        person(2, "engineering_manager", types=("technical_discussion",)),
        person(3, "engineer", types=("system_design", "technical_discussion")),
    ]
    result = plan(stage, roster)
    assert [(s.interviewer_id, s.interview_type) for s in result.slots] == [
        (1, "system_design"), (2, "technical_discussion"),
    ]  # fmt: skip


def test_em_part_b_only_after_positive_part_a():
    after_a = BOOK.next_stage("em", None, "L6", "onsite_a")
    assert after_a.key == "onsite_b" and after_a.gate == "positive_feedback"
    assert all(s.gate is None for s in BOOK.stages_for("em", None, "L6") if s.key != "onsite_b")


def test_em_part_b_is_up_to_three_interviews_behavioural_leadership_dream_team():
    stage = BOOK.stage("em", None, "onsite_b")
    assert stage.panel_bounds() == (1, 3)
    assert [s.interview_type for s in stage.seats] == [
        "behavioural", "people_leadership", "dream_team",
    ]  # fmt: skip


def test_dream_team_runs_45_to_60_minutes():
    seat = next(s for s in BOOK.stage("em", None, "onsite_b").seats if s.key == "dream_team")
    assert seat.roles == ("director",) and seat.minutes_range == (45, 60)
    roster = [person(30, "director", types=("dream_team",))]
    (slot,) = plan(BOOK.stage("em", None, "onsite_b"), roster).slots
    assert timedelta(minutes=45) <= slot.end - slot.start <= timedelta(minutes=60)


def test_accommodations_lengthen_slots_and_breaks():
    stage = BOOK.stage("ic", None, "round_1")
    plain = plan(stage)
    longer = plan(stage, accommodation=Accommodation(15, 20))
    for slot in longer.slots:
        assert slot.end - slot.start == timedelta(minutes=60)
    gaps = [b.start - a.end for a, b in zip(longer.slots, longer.slots[1:], strict=False)]
    assert gaps and all(g == timedelta(minutes=stage.break_minutes + 20) for g in gaps)
    assert plain.slots[0].end - plain.slots[0].start == timedelta(minutes=45)


def test_accommodations_are_limited_by_the_template():
    BOOK.check_accommodation(Accommodation(30, 30))
    with pytest.raises(ValueError, match="extra minutes"):
        BOOK.check_accommodation(Accommodation(31, 0))


def test_centralized_hiring_draws_panels_from_every_team_of_the_loop():
    search = [
        person(40, "engineer", types=ROUND_1_TYPES, teams=("search",)),
        person(41, "engineer", types=ROUND_1_TYPES, teams=("search",)),
    ]
    core_people = [p for p in ic_roster() if p.id not in (3, 4)]
    stage = BOOK.stage("ic", None, "round_1")
    both = plan(
        stage, core_people + search, teams=frozenset({"core", "search"}), exclude_ids=frozenset({1})
    )
    assert {s.interviewer_id for s in both.slots} & {40, 41}
    # After a pivot to "search", later panels come from search's people (plus the loop's
    # own hiring manager and recruiter, who are not bound to a team).
    pivot = plan(stage, core_people + search, teams=frozenset({"search"}))
    engineers = {s.interviewer_id for s in pivot.slots if s.role == "engineer"}
    assert engineers == {40, 41}


def test_a_take_home_reviewer_is_busy_for_the_review_not_the_whole_exercise():
    from types import SimpleNamespace

    from bot.loops.plan_requests import booking_of
    from bot.planning.model import Booking

    assert BOOK.offline_reviews() == {"take_home_review": 60}
    assigned = NOW + timedelta(days=7)  # the Monday before TUESDAY; due a week later
    review = SimpleNamespace(
        interviewer_id=1,
        interview_type="take_home_review",
        start_at=assigned,
        end_at=assigned + timedelta(days=7),
    )
    busy = booking_of(review, BOOK.offline_reviews())
    assert (busy.start, busy.end) == (review.end_at - timedelta(hours=1), review.end_at)
    # Round 1 on the Tuesday of the exercise week may use the reviewer...
    stage = BOOK.stage("ic", None, "round_1")
    assert 1 in {s.interviewer_id for s in plan(stage, bookings=[busy]).slots}
    # ...which the whole-week span stored on the interview would have forbidden.
    whole_week = plan_stage(request(stage, bookings=[Booking(1, review.start_at, review.end_at)]))
    assert not isinstance(whole_week, Plan) or 1 not in {s.interviewer_id for s in whole_week.slots}
