"""Who may do what, over HTTP: every command and button for someone off the roster, an
engineer and a coordinator of the loop's team (bot/access.py is the one place that decides)."""

from __future__ import annotations

import json

import pytest

from storage.models import Decision, Loop
from tests.scenario.flows import RECRUITER, candidate, rows
from tests.scenario.test_guard import COORDINATOR, with_coordinator

STRANGER, ENGINEER = "U0NOBODY1", "U0PAY02"


@pytest.fixture
def box(make_sandbox):
    box = make_sandbox(roster_csv=with_coordinator())
    box.fake.add_user(STRANGER, "Noor Body", "noor@example.com", "Asia/Tokyo")
    return box


def said_to(box, user, since: int) -> str:
    return " ".join(
        json.dumps(c.params)
        for c in box.fake.calls_to("response_url")[since:]
        if c.meta.get("user_id") in (user, None)
    )


def command(box, name: str, user: str, text: str = "") -> str:
    since = len(box.fake.calls_to("response_url"))
    box.slack.slash_command(name, text, user)
    box.settle()
    return said_to(box, user, since)


def click(box, user: str, action_id: str, value: str) -> str:
    since = len(box.fake.calls_to("response_url"))
    box.slack.block_action(user, action_id, value=value)
    box.settle()
    return said_to(box, user, since)


def forms_opened(box, callback_id: str) -> int:
    return sum(
        c.params["view"].get("callback_id") == callback_id for c in box.fake.calls_to("views.open")
    )


def test_commands_refuse_whoever_is_not_recruiting_staff(box):
    for user in (STRANGER, ENGINEER):
        assert "Starting a loop is for recruiters" in command(box, "/schedule-loop", user)
        assert "hiring pools are for recruiters" in command(box, "/loop-pool", user)
        assert "Insights are for recruiters" in command(box, "/loop-insights", user)
    assert forms_opened(box, "schedule_loop") == 0
    # A coordinator may start a loop and see the pools.
    command(box, "/schedule-loop", COORDINATOR)
    assert forms_opened(box, "schedule_loop") == 1
    answer = command(box, "/loop-pool", COORDINATOR)
    assert answer and "are for recruiters" not in answer


def test_a_forged_schedule_loop_submission_starts_nothing(box):
    form = box.open_schedule_loop(RECRUITER)
    answer = box.submit(ENGINEER, form, candidate()).json()
    assert answer["response_action"] == "errors"
    assert "Starting a loop is for recruiters" in json.dumps(answer)
    assert rows(box, Loop) == []


def test_buttons_refuse_outsiders_and_a_coordinator_runs_their_teams_loop(box):
    box.schedule_loop(COORDINATOR, candidate())
    loop = box.loop(box.loop_id("Ada Lovelace"))
    stage = box.stage(loop.id, "recruiter_screen")
    confirm = f"{stage.id}:{stage.proposal['version']}"
    for user in (STRANGER, ENGINEER):
        assert "Only this loop's recruiter" in click(box, user, "proposal_confirm", confirm)
        assert "Only this loop's recruiter" in click(box, user, "loop_pivot", str(loop.id))
    assert box.stage(loop.id, "recruiter_screen").status == "proposed"

    # The coordinator of payments confirms the proposal of a loop they do not own.
    click(box, COORDINATOR, "proposal_confirm", confirm)
    assert box.stage(loop.id, "recruiter_screen").status == "scheduled"
    box.until_over(stage.id)
    box.feedback_from_all(stage.id)

    for user in (STRANGER, ENGINEER):
        assert "Only this loop's recruiter" in click(box, user, "decision_advance", str(stage.id))
        assert "Only this loop's recruiter" in click(box, user, "decision_decline", str(stage.id))
        assert "Only the panel" in click(box, user, "feedback_view", str(stage.id))
    assert rows(box, Decision) == []
    assert forms_opened(box, "decision_decline_form") == 0

    # Their Home tab lists the loops of their team, like a recruiter's.
    box.slack.app_home_opened(COORDINATOR)
    box.settle()
    home = json.dumps(box.fake.home_view(COORDINATOR))
    assert "Loops you run" in home and "Ada Lovelace" in home
    click(box, COORDINATOR, "decision_advance", str(stage.id))
    assert [d.kind for d in rows(box, Decision)] == ["advance"]
    assert [d.decided_by for d in rows(box, Decision)] == [COORDINATOR]
