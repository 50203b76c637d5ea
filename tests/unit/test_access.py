"""The rules table, pure: who may take each action, on a loop and off it."""

from __future__ import annotations

from importlib.resources import files

import pytest

from bot.access import RULES, STAFF, Action, loop_teams, panel_complete, permitted, standing
from bot.planning.template_loader import load_templates
from storage.models import Interviewer, Loop, Stage

TEMPLATES = load_templates(files("loopbot").joinpath("sample_templates.toml"))


def person(pid: int, *roles: str, teams=("payments",), active=True) -> Interviewer:
    return Interviewer(
        id=pid,
        slack_user_id=f"U{pid}",
        name=f"P{pid}",
        roles=list(roles),
        teams=list(teams),
        active=active,
    )


RECRUITER = person(1, "recruiter")
MANAGER = person(2, "hiring_manager", "engineering_manager")
ENGINEER = person(3, "engineer")
COORDINATOR = person(4, "coordinator")
OTHER_COORDINATOR = person(5, "coordinator", teams=("streaming",))
ADMIN = person(6, "admin", teams=())
OTHER_RECRUITER = person(7, "recruiter")
LEFT = person(8, "recruiter", active=False)

LOOP = Loop(id=1, candidate_id=1, track="ic", level="L5", team="payments", recruiter_id=1,
            hiring_manager_id=2, created_by="U1")  # fmt: skip
POOL_LOOP = Loop(id=2, candidate_id=2, track="ic", level="L5", team="", pool="backend",
                 recruiter_id=7, hiring_manager_id=2, created_by="U7")  # fmt: skip

LOOP_ACTIONS = [a for a, rule in RULES.items() if rule.standing]
WORKSPACE_ACTIONS = [a for a, rule in RULES.items() if not rule.standing]


def test_every_action_has_a_rule_with_a_refusal():
    assert set(RULES) == set(Action)
    assert all(rule.refusal for rule in RULES.values())


@pytest.mark.parametrize("action", WORKSPACE_ACTIONS)
def test_workspace_actions_are_for_staff_roles_only(action):
    for who in (RECRUITER, MANAGER, COORDINATOR, ADMIN):
        assert permitted(RULES[action], who, None)
    for who in (ENGINEER, LEFT, None):
        assert not permitted(RULES[action], who, None)
    assert RULES[action].roles == STAFF


@pytest.mark.parametrize("action", [Action.SCHEDULE, Action.DECIDE, Action.PIVOT])
def test_the_loop_is_run_by_its_recruiter_manager_team_coordinators_and_admins(action):
    rule = RULES[action]
    for who in (RECRUITER, MANAGER, COORDINATOR, ADMIN):
        assert permitted(rule, who, LOOP, TEMPLATES), who.name
    # Another team's coordinator, another recruiter, an engineer, someone who left: no.
    for who in (OTHER_COORDINATOR, OTHER_RECRUITER, ENGINEER, LEFT, None):
        assert not permitted(rule, who, LOOP, TEMPLATES)


def test_a_coordinator_runs_the_loops_of_any_team_of_a_pool():
    assert loop_teams(POOL_LOOP, TEMPLATES) == set(TEMPLATES.pools["backend"].teams)
    assert "team_coordinator" in standing(OTHER_COORDINATOR, POOL_LOOP, TEMPLATES)
    assert permitted(RULES[Action.DECIDE], OTHER_COORDINATOR, POOL_LOOP, TEMPLATES)


def test_offer_terms_are_for_the_recruiter_and_the_manager_only():
    rule = RULES[Action.RECORD_OFFER]
    assert permitted(rule, RECRUITER, LOOP) and permitted(rule, MANAGER, LOOP)
    assert not permitted(rule, COORDINATOR, LOOP, TEMPLATES)
    assert not permitted(rule, ENGINEER, LOOP)


def test_the_candidate_is_contacted_by_the_recruiting_side_not_the_manager():
    rule = RULES[Action.CONTACT_CANDIDATE]
    assert permitted(rule, RECRUITER, LOOP)
    assert permitted(rule, COORDINATOR, LOOP, TEMPLATES)
    assert not permitted(rule, MANAGER, LOOP)


def test_the_admin_role_is_known_to_the_roster():
    assert {"admin", "coordinator"} <= set(TEMPLATES.roles)


@pytest.mark.parametrize(
    ("stage_status", "loop_status", "complete"),
    [
        ("scheduled", "open", False),  # interviews held or not, feedback still out
        ("proposed", "open", False),
        ("completed", "open", True),  # every interview held, every feedback in
        ("decided", "open", True),
        ("skipped", "open", True),  # the stage closed
        ("scheduled", "declined", True),  # the loop closed
    ],
)
def test_the_channel_sees_a_panels_feedback_only_once_it_is_complete(
    stage_status, loop_status, complete
):
    stage = Stage(id=1, loop_id=1, key="round_1", position=3, status=stage_status)
    loop = Loop(**{**LOOP.model_dump(), "status": loop_status})
    assert panel_complete(stage, loop) is complete
