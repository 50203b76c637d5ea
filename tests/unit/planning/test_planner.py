from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from bot.planning.model import Booking, Interval, Interviewer, NoPlan, Plan
from bot.planning.planner import PlanRequest, plan_stage
from bot.planning.template_loader import load_templates
from bot.planning.templates import SeatTemplate, StageTemplate

from .support import NOW, local, person, window

BOOK = load_templates()
NY, LA, BERLIN = "America/New_York", "America/Los_Angeles", "Europe/Berlin"


def one_seat(minutes: int = 45, interview_type: str = "coding", role: str = "engineer"):
    seat = SeatTemplate(interview_type, (role,), interview_type, minutes, (minutes, minutes))
    return StageTemplate("chat", "Chat", "", "meeting", seats=(seat,))


def two_seats(break_minutes: int = 0) -> StageTemplate:
    seats = (
        SeatTemplate("coding", ("engineer",), "coding", 45, (45, 45)),
        SeatTemplate("system_design", ("engineer",), "system_design", 45, (45, 45)),
    )
    return StageTemplate("pair", "Pair", "", "meeting", seats=seats, break_minutes=break_minutes)


def run(stage, roster, availability, candidate_tz=NY, **extra):
    values = dict(
        stage=stage,
        teams=frozenset({"core"}),
        candidate_tz=candidate_tz,
        availability=availability,
        roster=roster,
        not_before=datetime(2026, 10, 1, tzinfo=UTC),
    )
    values.update(extra)
    return plan_stage(PlanRequest(**values))


def starts(result):
    assert isinstance(result, Plan), result
    return [slot.start for slot in result.slots]


# --- time zones -------------------------------------------------------------------------------


def test_eu_dst_end_moves_a_berlin_interviewer_later_for_a_new_york_candidate():
    # Berlin 17:00 is 11:00 in New York until 25 Oct 2026, then 12:00 for a week (the US
    # changes on 1 Nov). A 45-minute slot starting 10:30 New York fits only after the EU change.
    berlin = [person(1, "engineer", types=("coding",), tz=BERLIN)]
    before = run(one_seat(), berlin, [window(NY, 2026, 10, 20, time(10, 30), time(12))])
    after = run(one_seat(), berlin, [window(NY, 2026, 10, 27, time(10, 30), time(12))])
    assert isinstance(before, NoPlan)
    assert starts(after) == [local(NY, 2026, 10, 27, 10, 30)]
    assert starts(after) == [local(BERLIN, 2026, 10, 27, 15, 30)]


def test_us_dst_end_moves_a_new_york_interviewer_later_for_a_berlin_candidate():
    # New York 09:00 is 14:00 in Berlin in the week between the two changes, 15:00 after 1 Nov.
    new_york = [person(1, "engineer", types=("coding",), tz=NY)]
    between = run(one_seat(), new_york, [window(BERLIN, 2026, 10, 27, time(14), time(15))],
                  candidate_tz=BERLIN)  # fmt: skip
    after = run(one_seat(), new_york, [window(BERLIN, 2026, 11, 3, time(14), time(15))],
                candidate_tz=BERLIN)  # fmt: skip
    assert starts(between) == [local(NY, 2026, 10, 27, 9)]
    assert isinstance(after, NoPlan)
    later = run(one_seat(), new_york, [window(BERLIN, 2026, 11, 3, time(14), time(16))],
                candidate_tz=BERLIN)  # fmt: skip
    assert starts(later) == [local(NY, 2026, 11, 3, 9)] == [local(BERLIN, 2026, 11, 3, 15)]


def test_candidate_in_india_with_a_panel_in_california_on_the_quarter_hour_grid():
    panel = [
        person(1, "engineer", types=("coding",), tz=LA),
        person(2, "engineer", types=("system_design",), tz=LA),
    ]
    # Tue 24 Nov, 21:10-23:59 in Kolkata; LA's day starts at 22:30 Kolkata time, and the
    # two-interview panel must end by midnight in Kolkata.
    availability = [window("Asia/Kolkata", 2026, 11, 24, time(21, 10), time(23, 59))]
    result = run(one_seat(), panel, availability, candidate_tz="Asia/Kolkata")
    assert starts(result) == [local(LA, 2026, 11, 24, 9)]
    assert starts(result) == [local("Asia/Kolkata", 2026, 11, 24, 22, 30)]
    both = run(two_seats(), panel, availability, candidate_tz="Asia/Kolkata",
                     alternative_days=0)  # fmt: skip
    assert isinstance(both, NoPlan)  # 22:30 + 90 minutes runs past midnight in Kolkata


def test_candidate_in_sydney_and_panel_in_berlin_across_the_date_line():
    panel = [person(1, "engineer", types=("coding",), tz=BERLIN)]
    # Wed 25 Nov 19:00-23:00 in Sydney is Wed 09:00-13:00 in Berlin.
    availability = [window("Australia/Sydney", 2026, 11, 25, time(19), time(23))]
    result = run(one_seat(), panel, availability, candidate_tz="Australia/Sydney")
    assert starts(result) == [local(BERLIN, 2026, 11, 25, 9)]


def test_working_hours_and_days_are_read_in_the_interviewers_own_zone():
    tokyo = [person(1, "engineer", types=("coding",), tz="Asia/Tokyo",
                    work_start=time(10), work_end=time(12), work_days=frozenset({2}))]  # fmt: skip
    # Candidate in New York, Tue 24 Nov 18:00-23:00 = Wed 25 Nov 08:00-13:00 in Tokyo.
    availability = [window(NY, 2026, 11, 24, time(18), time(23))]
    assert starts(run(one_seat(), tokyo, availability)) == [local("Asia/Tokyo", 2026, 11, 25, 10)]
    thursday_only = [p.__class__(**{**p.__dict__, "work_days": frozenset({3})}) for p in tokyo]
    assert isinstance(run(one_seat(), thursday_only, availability), NoPlan)


def test_start_times_snap_to_the_candidates_quarter_hours():
    roster = [person(1, "engineer", types=("coding",))]
    availability = [window(NY, 2026, 11, 24, time(9, 7), time(12))]
    assert starts(run(one_seat(), roster, availability)) == [local(NY, 2026, 11, 24, 9, 15)]


def test_nothing_before_not_before_plus_minimum_notice():
    roster = [person(1, "engineer", types=("coding",))]
    availability = [window(NY, 2026, 11, 24, time(9), time(17))]
    now = local(NY, 2026, 11, 24, 8)
    result = run(one_seat(), roster, availability, not_before=now, min_notice=timedelta(hours=3))
    assert starts(result) == [local(NY, 2026, 11, 24, 11)]


# --- bookings and caps ------------------------------------------------------------------------


def test_no_double_booking_with_existing_busy_time():
    roster = [person(1, "engineer", types=("coding",))]
    availability = [window(NY, 2026, 11, 24, time(9), time(17))]
    busy = [Booking(1, local(NY, 2026, 11, 24, 9), local(NY, 2026, 11, 24, 10, 10))]
    assert starts(run(one_seat(), roster, availability, bookings=busy)) == [
        local(NY, 2026, 11, 24, 10, 15)
    ]


def test_the_panel_never_uses_one_person_twice():
    roster = [person(1, "engineer", types=("coding", "system_design"))]
    assert isinstance(run(two_seats(), roster, [window(NY, 2026, 11, 24, time(9), time(17))]),
                      NoPlan)  # fmt: skip


def test_weekly_cap_counts_bookings_in_the_interviewers_local_iso_week():
    capped = person(1, "engineer", types=("coding",), tz=LA, weekly_cap=2)
    spare = person(2, "engineer", types=("coding",), tz=LA, last_interviewed_at=NOW)
    availability = [window(LA, 2026, 11, 24, time(9), time(17))]
    # Sunday 22 Nov 23:00 in LA is already Monday in UTC, but it is last week in LA.
    last_week = [Booking(1, local(LA, 2026, 11, 22, 23), local(LA, 2026, 11, 22, 23, 30)),
                 Booking(1, local(LA, 2026, 11, 20, 10), local(LA, 2026, 11, 20, 11))]  # fmt: skip
    chosen = run(one_seat(), [capped, spare], availability, candidate_tz=LA, bookings=last_week)
    assert chosen.slots[0].interviewer_id == 1
    this_week = [Booking(1, local(LA, 2026, 11, 23, 10), local(LA, 2026, 11, 23, 11)),
                 Booking(1, local(LA, 2026, 11, 23, 12), local(LA, 2026, 11, 23, 13))]  # fmt: skip
    chosen = run(one_seat(), [capped, spare], availability, candidate_tz=LA, bookings=this_week)
    assert chosen.slots[0].interviewer_id == 2 and not chosen.warnings


def test_relaxed_cap_plans_over_the_cap_with_a_warning():
    capped = person(1, "engineer", types=("coding",), weekly_cap=1)
    busy = [Booking(1, local(NY, 2026, 11, 23, 10), local(NY, 2026, 11, 23, 11))]
    availability = [window(NY, 2026, 11, 24, time(9), time(17))]
    refused = run(one_seat(), [capped], availability, bookings=busy)
    assert isinstance(refused, NoPlan)
    relaxed = run(one_seat(), [capped], availability, bookings=busy, relax_cap=True)
    assert relaxed.slots[0].interviewer_id == 1
    assert relaxed.warnings == (
        "P1 goes over their weekly cap: interview 2 of 1 allowed in week 48 of 2026",
    )


# --- choosing people --------------------------------------------------------------------------


def test_load_spreads_to_least_recent_then_least_often_then_lowest_id():
    availability = [window(NY, 2026, 11, 24, time(9), time(17))]
    recent = datetime(2026, 11, 10, tzinfo=UTC)
    older = datetime(2026, 10, 1, tzinfo=UTC)
    roster = [
        person(1, "engineer", types=("coding",), last_interviewed_at=recent),
        person(2, "engineer", types=("coding",), last_interviewed_at=older, interviews_total=9),
        person(3, "engineer", types=("coding",), last_interviewed_at=older, interviews_total=4),
        person(4, "engineer", types=("coding",), last_interviewed_at=older, interviews_total=4),
    ]
    assert run(one_seat(), roster, availability).slots[0].interviewer_id == 3
    never = [*roster, person(9, "engineer", types=("coding",))]
    assert run(one_seat(), never, availability).slots[0].interviewer_id == 9


def test_only_trained_people_of_the_requested_teams_sit():
    availability = [window(NY, 2026, 11, 24, time(9), time(17))]
    roster = [
        person(1, "engineer", types=("system_design",)),
        person(2, "engineer", types=("coding",), teams=("search",)),
        person(3, "engineer", types=("coding",), teams=("core", "search")),
    ]
    assert run(one_seat(), roster, availability).slots[0].interviewer_id == 3


def test_same_input_same_answer_whatever_the_roster_order():
    stage = BOOK.stage("ic", None, "round_1")
    roster = [person(i, "engineer", types=("coding", "system_design")) for i in range(1, 9)]
    roster += [person(10, "hiring_manager"), person(20, "recruiter")]
    availability = [window(NY, 2026, 11, 24, time(9), time(17))]
    fixed = {"hiring_manager": 10, "recruiter": 20}
    first = run(stage, roster, availability, fixed=fixed)
    shuffled = list(roster)
    random.Random(7).shuffle(shuffled)
    assert run(stage, shuffled, availability, fixed=fixed) == first
    assert run(stage, list(reversed(roster)), availability, fixed=fixed) == first


# --- when nothing fits ------------------------------------------------------------------------


def round_2_people():
    return [
        person(30, "director", types=("partnership",), tz=LA),
        person(31, "partner", types=("partnership",), tz=LA),
        person(32, "leader", types=("partnership",), tz=LA),
    ]


def test_shortage_says_which_role_had_nobody_free_and_when():
    stage = BOOK.stage("ic", None, "round_2")
    availability = [window(LA, 2026, 11, 24, time(14), time(17))]
    busy = [Booking(30, local(LA, 2026, 11, 24, 9), local(LA, 2026, 11, 24, 17))]
    result = run(stage, round_2_people(), availability, candidate_tz=LA, bookings=busy)
    assert isinstance(result, NoPlan)
    (shortage,) = result.shortages
    assert (shortage.role, shortage.interview_type) == ("director", "partnership")
    assert shortage.window == availability[0]
    assert shortage.detail == (
        "no director free for partnership on Tue 24 Nov 14:00–17:00 (America/Los_Angeles)"
    )


def test_shortage_when_nobody_is_trained_at_all():
    stage = BOOK.stage("ic", None, "round_2")
    roster = round_2_people()[1:]
    result = run(stage, roster, [window(LA, 2026, 11, 24, time(9), time(17))], candidate_tz=LA)
    assert [(s.role, s.window, s.detail) for s in result.shortages] == [
        ("director", None, "nobody on core is a director trained for partnership")
    ]


def test_alternatives_offer_the_nearest_other_day_and_a_relaxed_cap():
    stage = BOOK.stage("ic", None, "round_2")
    availability = [window(LA, 2026, 11, 24, time(14), time(17))]
    busy = [Booking(30, local(LA, 2026, 11, 24, 9), local(LA, 2026, 11, 24, 17))]
    result = run(stage, round_2_people(), availability, candidate_tz=LA, bookings=busy,
                 not_before=NOW)  # fmt: skip
    (other_day,) = result.alternatives
    assert other_day.kind == "another_day"
    # Monday 23 and Wednesday 25 are both one day away; the earlier one wins.
    assert other_day.plan.slots[0].start == local(LA, 2026, 11, 23, 14)
    assert "Outside the candidate's availability: Mon 23 Nov 14:00–16:35" in other_day.warning

    capped = [p.__class__(**{**p.__dict__, "weekly_cap": 1}) for p in round_2_people()]
    week = [Booking(30, local(LA, 2026, 11, 16, 9), local(LA, 2026, 11, 16, 10)),
            Booking(30, local(LA, 2026, 11, 23, 9), local(LA, 2026, 11, 23, 10))]  # fmt: skip
    result = run(stage, capped, availability, candidate_tz=LA, bookings=week, not_before=NOW)
    assert isinstance(result, NoPlan)
    kinds = {alt.kind: alt for alt in result.alternatives}
    relaxed = kinds["relaxed_cap"]
    assert relaxed.plan.slots[0].interviewer_id == 30
    assert "weekly cap" in relaxed.warning and relaxed.plan.warnings
    # Next week is the nearest other day where the director is under the cap.
    assert (
        kinds["another_day"].plan.slots[0].start.astimezone(UTC).date()
        >= datetime(2026, 11, 30, tzinfo=UTC).date()
    )


def test_window_too_short_for_the_whole_panel_is_said_so():
    stage = BOOK.stage("ic", None, "round_2")
    availability = [window(LA, 2026, 11, 24, time(9), time(10, 30))]
    result = run(stage, round_2_people(), availability, candidate_tz=LA, alternative_days=0)
    assert [s.detail for s in result.shortages] == [
        "Tue 24 Nov 09:00–10:30 (America/Los_Angeles) is shorter than the 1h 40m "
        "the 2-interview panel needs"
    ]


def test_availability_already_past_is_a_shortage():
    result = run(one_seat(), [person(1, "engineer", types=("coding",))],
                 [window(NY, 2026, 11, 24, time(9), time(17))],
                 not_before=local(NY, 2026, 11, 25, 9), alternative_days=0)  # fmt: skip
    assert isinstance(result, NoPlan)
    assert "in the past" in result.shortages[0].detail


def test_take_home_without_a_reviewer_is_a_no_plan():
    stage = BOOK.stage("ic", None, "technical_screen").choose("take_home")
    result = run(stage, [person(1, "engineer", types=("coding",))], [], not_before=NOW)
    assert isinstance(result, NoPlan)
    assert result.shortages[0].interview_type == "take_home_review"
    assert result.shortages[0].window == Interval(NOW, NOW + timedelta(days=7))


def test_exact_start_fills_a_seat_off_the_quarter_hour_grid():
    from dataclasses import replace as with_changes

    from bot.planning.model import Interval as Window

    stage = load_templates().stage("ic", None, "recruiter_screen")
    person = Interviewer(
        id=1,
        name="R",
        roles=frozenset({"recruiter"}),
        teams=frozenset({"t"}),
        interview_types=frozenset({"recruiter_screen"}),
        tz="UTC",
    )
    start = datetime(2026, 11, 24, 13, 35, tzinfo=UTC)
    request = PlanRequest(
        stage=stage,
        teams=frozenset({"t"}),
        candidate_tz="UTC",
        availability=[Window(start, start + timedelta(minutes=30))],
        roster=[person],
        not_before=start - timedelta(days=1),
        alternative_days=0,
    )
    assert isinstance(plan_stage(request), NoPlan)  # 13:35 is off the grid
    plan = plan_stage(with_changes(request, exact_start=True))
    assert plan.slots[0].start == start
