"""Trainee seats in the planner: extra seats that never cost a panel (properties over random
requests, tests/unit/planning/strategies.py), and the graduation rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.planning.free_busy import FreeBusy
from bot.planning.model import Interval, Interviewer, Plan
from bot.planning.planner import PlanRequest, plan_stage
from bot.planning.templates import SeatTemplate, StageTemplate
from bot.planning.trainees import MODES, GraduationRule, Trainee

from .strategies import TYPES, ZONES, requests

SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


@st.composite
def with_trainees(draw, relaxed: bool = False) -> PlanRequest:
    request = draw(requests(relaxed=relaxed))
    # Trainees are mostly people who interview nothing yet: add a few, free most of the day.
    extra = [
        Interviewer(pid, f"T{pid}", frozenset({"engineer"}), frozenset({"core"}), frozenset(),
                    draw(st.sampled_from(ZONES)), time(0), time(23, 45), frozenset(range(7)),
                    weekly_cap=draw(st.integers(0, 2)))
        for pid in range(100, 100 + draw(st.integers(1, 3)))
    ]  # fmt: skip
    request = replace(request, roster=[*request.roster, *extra])
    ids = [p.id for p in request.roster]
    trainees = draw(
        st.lists(
            st.builds(
                Trainee,
                st.sampled_from(ids) | st.sampled_from([p.id for p in extra]),
                st.sampled_from(TYPES),
                st.sampled_from(MODES),
            ),
            max_size=6,
        )
    )
    return replace(request, trainees=tuple(trainees))


@SETTINGS
@given(with_trainees(relaxed=True))
def test_a_trainee_seat_never_makes_a_feasible_panel_infeasible(request):
    with_seats = plan_stage(request)
    without = plan_stage(replace(request, trainees=()))
    assert isinstance(with_seats, Plan) == isinstance(without, Plan)
    if isinstance(without, Plan):
        # The panel itself is exactly what it would have been with no trainees at all.
        assert with_seats.slots == without.slots
        assert with_seats.warnings == without.warnings


@SETTINGS
@given(with_trainees())
def test_trainee_seats_keep_every_training_rule(request):
    result = plan_stage(request)
    if not isinstance(result, Plan):
        return
    event("trainee seated" if result.trainees else "no trainee seated")
    panel = {slot.interviewer_id for slot in result.slots}
    per_interview: dict[tuple, int] = {}
    seen: set[int] = set()
    calendar = FreeBusy(request.roster, request.bookings, request.holds)
    training = {(t.interviewer_id, t.interview_type, t.mode) for t in request.trainees}
    for seat in result.trainees:
        key = (seat.lead_id, seat.start)
        per_interview[key] = per_interview.get(key, 0) + 1
        assert per_interview[key] == 1, "two trainees on one interview"
        assert seat.interviewer_id not in seen, "a trainee sits in twice on one plan"
        seen.add(seat.interviewer_id)
        assert seat.interviewer_id not in panel
        assert seat.interviewer_id not in request.exclude_ids
        assert (seat.interviewer_id, seat.interview_type, seat.mode) in training
        lead = next(s for s in result.slots if (s.interviewer_id, s.start) == key)
        assert (lead.interview_type, lead.end) == (seat.interview_type, seat.end)
        assert calendar.is_free(seat.interviewer_id, seat.start, seat.end)
        assert not calendar.over_cap(seat.interviewer_id, seat.start)


def _person(pid: int, types: set[str], **extra) -> Interviewer:
    return Interviewer(pid, f"P{pid}", frozenset({"engineer"}), frozenset({"core"}),
                       frozenset(types), "Europe/Berlin", **extra)  # fmt: skip


def _request(roster, trainees, bookings=()) -> PlanRequest:
    seat = SeatTemplate("coding", ("engineer",), "coding", 45, (45, 45))
    start = datetime(2026, 11, 3, 9, tzinfo=UTC)
    return PlanRequest(
        stage=StageTemplate("r1", "Round 1", "", "meeting", seats=(seat,)),
        teams=frozenset({"core"}),
        candidate_tz="Europe/Berlin",
        availability=[Interval(start, start + timedelta(hours=3))],
        roster=roster,
        not_before=start - timedelta(days=2),
        bookings=bookings,
        trainees=trainees,
    )


def test_a_free_trainee_shadows_the_panelist_of_their_type():
    request = _request([_person(1, {"coding"}), _person(2, set())], (Trainee(2, "coding"),))
    plan = plan_stage(request)
    assert isinstance(plan, Plan)
    [seat] = plan.trainees
    assert (seat.interviewer_id, seat.lead_id, seat.mode) == (2, 1, "shadow")
    assert (seat.start, seat.end) == (plan.slots[0].start, plan.slots[0].end)


def test_a_trainee_of_another_type_or_at_their_cap_gets_no_seat():
    other_type = _request([_person(1, {"coding"}), _person(2, set())], (Trainee(2, "design"),))
    assert plan_stage(other_type).trainees == ()
    capped = _request(
        [_person(1, {"coding"}), _person(2, set(), weekly_cap=0)], (Trainee(2, "coding"),)
    )
    assert plan_stage(capped).trainees == ()


def test_no_trainee_means_the_plan_still_stands():
    request = _request([_person(1, {"coding"}), _person(2, set(), work_start=time(16))],
                       (Trainee(2, "coding", "reverse_shadow"),))  # fmt: skip
    plan = plan_stage(request)
    assert isinstance(plan, Plan) and plan.slots and plan.trainees == ()


def test_graduation_moves_from_shadow_to_reverse_shadow_to_graduated():
    rule = GraduationRule(shadow=2, reverse_shadow=1)
    assert rule.stage_of({}) == "shadow"
    assert rule.stage_of({"shadow": 1}) == "shadow"
    assert rule.stage_of({"shadow": 2}) == "reverse_shadow"
    assert rule.stage_of({"shadow": 2, "reverse_shadow": 1}) == "graduated"
    assert GraduationRule(0, 0).stage_of({}) == "graduated"


def test_bad_modes_and_rules_are_refused():
    with pytest.raises(ValueError, match="trainee mode"):
        Trainee(1, "coding", "lead")
    with pytest.raises(ValueError, match="negative"):
        GraduationRule(-1, 2)
