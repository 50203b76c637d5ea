"""Properties of plan_stage, checked against an independent model of the rules and an
exhaustive search over every panel (tests/unit/planning/rules_model.py)."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings

from bot.planning.model import NoPlan, Plan
from bot.planning.planner import PlanRequest, plan_stage

from .rules_model import check_plan, least_relaxing, plan_cost, rank
from .strategies import requests

SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


@SETTINGS
@given(requests())
def test_planner_finds_a_plan_exactly_when_brute_force_does(request):
    result = plan_stage(request)
    least = least_relaxing(request)
    event("plan found" if least is not None else "no plan")
    if isinstance(result, Plan):
        check_plan(result, request)
        assert least is not None, "the planner found a plan the brute force missed"
        assert rank(plan_cost(result, request)) == least, "a panel relaxing less exists"
    else:
        assert isinstance(result, NoPlan) and result.shortages
        assert least is None, "brute force found a plan the planner missed"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests(relaxed=True))
def test_every_plan_satisfies_every_rule_even_when_relaxed(request):
    result = plan_stage(request)
    if isinstance(result, Plan):
        check_plan(result, request)
        assert rank(plan_cost(result, request)) == least_relaxing(request)
        assert plan_stage(request) == result  # deterministic
        if not request.relax_cap and not request.allow_repeat and not request.holds:
            assert not result.warnings
    for alternative in getattr(result, "alternatives", ()):
        if alternative.kind != "relaxed_cap":
            continue
        relaxed = PlanRequest(**{**request.__dict__, "relax_cap": True})
        check_plan(alternative.plan, relaxed)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests(relaxed=True))
def test_the_shortfall_counts_free_people_as_trying_every_start_would(request):
    """free_people matches free spans against the starts; trying every start for every
    person (what it replaced) must count the same, up to the seat's minimum."""
    from datetime import timedelta

    from bot.planning.panel_search import PanelSearch
    from bot.planning.shortfall import free_people

    search = PanelSearch(request)
    for seat in search.stage.seats:
        people = search.seat_people[seat.key]
        length = timedelta(minutes=seat.minutes) + search.block_extra
        for window in search.day_windows():
            every = {
                person.id
                for start in search.starts([window], length)
                for person, _ in people
                if search.may_sit(seat, person.id, start, start + length)
            }
            assert free_people(search, seat, people, window, length) == min(len(every), seat.min)
