"""Prompts, feedback and decisions over HTTP, with the clock under the test's control."""

from __future__ import annotations

import json
from datetime import timedelta

from storage.models import AuditEvent, Decision, Feedback
from tests.scenario.flows import PAYMENTS_HM, RECRUITER, candidate, rows

OUTSIDER = "U0STR05"
NOTES = "Strong on design; communicated trade-offs clearly and asked good questions."


def dm_texts(box, user) -> list[str]:
    return [json.dumps(m) for m in box.dms(user)]


def ephemerals(box, user) -> list[str]:
    return [
        c.params.get("text", "")
        for c in box.fake.calls_to("response_url")
        if c.meta.get("user_id") in (user, None)
    ]


def started(box, **overrides):
    box.schedule_loop(RECRUITER, candidate(**overrides))
    return box.loop(box.loop_id(overrides.get("candidate_name", "Ada Lovelace")))


# --- timed prompts ------------------------------------------------------------------------------


def test_interview_reminder_then_feedback_prompt_when_the_interview_ends(sandbox):
    loop = started(sandbox)
    stage = sandbox.book(loop.id, "recruiter_screen")
    [(interview, user)] = sandbox.interviews(stage.id)

    sandbox.advance_clock(interview.start_at - sandbox.now - timedelta(minutes=31))
    assert not any("starts" in t for t in dm_texts(sandbox, user))
    sandbox.advance_clock(timedelta(minutes=2))
    assert sum("Reminder: your" in t for t in dm_texts(sandbox, user)) == 1
    assert not any("feedback_open" in t for t in dm_texts(sandbox, user))

    sandbox.advance_clock(interview.end_at - sandbox.now)
    assert sum("feedback_open" in t for t in dm_texts(sandbox, user)) == 1


def test_feedback_reminder_then_escalation_to_recruiter_then_hiring_manager(make_sandbox):
    box = make_sandbox(
        LOOPBOT_FEEDBACK_REMINDER_HOURS="24",
        LOOPBOT_FEEDBACK_ESCALATION_HOURS="48",
        LOOPBOT_FEEDBACK_MANAGER_ESCALATION_HOURS="72",
    )
    loop = started(box)
    screen = box.run_stage(loop.id, "recruiter_screen")
    box.decide(RECRUITER, "decision_advance", screen.id)
    stage = box.book(loop.id, "manager_screen")
    [(interview, manager)] = box.interviews(stage.id)
    box.until_over(stage.id)
    assert sum("feedback_open" in t for t in dm_texts(box, manager)) == 1

    box.advance_clock(timedelta(hours=24))
    assert sum("still due" in t for t in dm_texts(box, manager)) == 1
    box.advance_clock(timedelta(hours=24))
    assert sum("is overdue" in t for t in dm_texts(box, RECRUITER)) == 1
    box.advance_clock(timedelta(hours=24))
    # The manager is their own escalation: the overdue note lands in their DM too.
    assert sum("is overdue" in t for t in dm_texts(box, PAYMENTS_HM)) == 1
    # Nothing fires twice, however often the clock ticks.
    assert box.advance_clock(timedelta(days=30)) == 0
    rollup = json.dumps(box.recruiting())
    assert "feedback overdue" in rollup


def test_feedback_submitted_in_time_cancels_the_reminder_and_escalations(sandbox):
    loop = started(sandbox)
    stage = sandbox.book(loop.id, "recruiter_screen")
    sandbox.until_over(stage.id)
    sandbox.feedback_from_all(stage.id)
    sandbox.advance_clock(timedelta(days=10))
    assert not any("still due" in t for t in dm_texts(sandbox, RECRUITER))
    assert not any("is overdue" in t for t in dm_texts(sandbox, RECRUITER))
    assert not [
        job
        for job, _ in sandbox.runtime.scheduler.jobs()
        if job.startswith(f"interview:{sandbox.interviews(stage.id)[0][0].id}:")
    ]


def test_a_restart_fires_every_due_prompt_exactly_once(make_sandbox, database_url, clock):
    from loopbot.demo.sandbox import Sandbox

    box = make_sandbox()
    loop = started(box)
    stage = box.book(loop.id, "recruiter_screen")
    [(interview, user)] = box.interviews(stage.id)
    box.close()  # the bot goes down before anything fires

    clock.advance(interview.end_at - clock.now() + timedelta(hours=25))
    with Sandbox(database_url, clock=clock) as again:
        # Started on the same database: prompts were re-synced from it at start. The reminder
        # before an interview that is over is dropped; the feedback prompts still go, once.
        assert again.runtime.run_due_prompts() == 2  # prompt, feedback reminder
        again.settle()
        assert again.runtime.run_due_prompts() == 0
        kinds = [
            e.action for e in rows(again, AuditEvent) if e.detail.get("interview") == interview.id
        ]
        assert sorted(kinds) == ["feedback_prompt", "feedback_reminder"]


# --- the feedback form ----------------------------------------------------------------------


def test_only_the_assigned_interviewer_can_open_the_feedback_form(sandbox):
    loop = started(sandbox)
    stage = sandbox.book(loop.id, "recruiter_screen")
    sandbox.until_over(stage.id)
    [(interview, user)] = sandbox.interviews(stage.id)
    message = sandbox.latest_with(user, "feedback_open")
    sandbox.click(OUTSIDER, message, "feedback_open", value=str(interview.id))
    sandbox.settle()
    assert not [
        c
        for c in sandbox.fake.calls_to("views.open")
        if c.params["view"].get("callback_id") == "feedback"
    ]
    assert any("Only the interviewer assigned" in t for t in ephemerals(sandbox, OUTSIDER))


def test_feedback_form_names_each_wrong_field(sandbox):
    loop = started(sandbox)
    stage = sandbox.book(loop.id, "recruiter_screen")
    sandbox.until_over(stage.id)
    [(interview, user)] = sandbox.interviews(stage.id)
    sandbox.give_feedback(user, interview.id, "yes", NOTES)  # opens the form once
    sandbox.click(
        user, sandbox.latest_with(user, "feedback_open"), "feedback_open", value=str(interview.id)
    )
    sandbox.settle()
    form = sandbox.last_modal("feedback")
    answer = sandbox.submit(user, form, {"signal": "", "notes": "ok"}).json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) >= {"signal", "notes"}
    assert any(key.startswith("rating:") for key in answer["errors"])


def test_feedback_is_editable_until_the_stage_is_decided(sandbox):
    loop = started(sandbox)
    stage = sandbox.run_stage(loop.id, "recruiter_screen", signal="no")
    [(interview, user)] = sandbox.interviews(stage.id)
    sandbox.give_feedback(user, interview.id, "strong_yes", NOTES)
    [feedback] = rows(sandbox, Feedback)
    assert feedback.signal == "strong_yes"
    sandbox.decide(RECRUITER, "decision_advance", stage.id)
    refused = sandbox.give_feedback(user, interview.id, "strong_no", NOTES)
    assert refused.status == 200
    [feedback] = rows(sandbox, Feedback)
    assert feedback.signal == "strong_yes"


# --- the bias guard -------------------------------------------------------------------------------


def _round_one(box):
    loop = started(box)
    for key in ("recruiter_screen", "manager_screen", "technical_screen"):
        stage = box.run_stage(loop.id, key)
        box.decide(RECRUITER, "decision_advance", stage.id)
    stage = box.book(loop.id, "round_1")
    box.until_over(stage.id)
    return loop, stage


def test_panelists_see_the_panels_feedback_only_after_giving_their_own(sandbox):
    loop, stage = _round_one(sandbox)
    panel = sandbox.interviews(stage.id)
    (first, first_user), (second, second_user) = [
        p for p in panel if p[1] not in (RECRUITER, PAYMENTS_HM)
    ][:2]
    sandbox.give_feedback(first_user, first.id, "strong_yes", "A secret first opinion, honest.")

    # The second panelist has not submitted: the panel's feedback stays closed to them.
    sandbox.click(
        second_user,
        sandbox.latest_with(first_user, "feedback_view"),
        "feedback_view",
        value=str(stage.id),
    )
    sandbox.settle()
    assert any("Submit your own feedback first" in t for t in ephemerals(sandbox, second_user))
    assert not [
        c
        for c in sandbox.fake.calls_to("views.open")
        if "A secret first opinion" in json.dumps(c.params)
    ]

    # The hiring manager sits on this panel: the guard binds them too.
    sandbox.click(
        PAYMENTS_HM,
        sandbox.latest_with(first_user, "feedback_view"),
        "feedback_view",
        value=str(stage.id),
    )
    sandbox.settle()
    assert any("Submit your own feedback first" in t for t in ephemerals(sandbox, PAYMENTS_HM))

    sandbox.give_feedback(second_user, second.id, "yes", NOTES)
    sandbox.press(second_user, "feedback_view", value=str(stage.id))
    assert "A secret first opinion" in json.dumps(sandbox.fake.calls_to("views.open")[-1].params)


def test_someone_off_the_panel_cannot_read_its_feedback(sandbox):
    loop = started(sandbox)
    stage = sandbox.run_stage(loop.id, "recruiter_screen")
    sandbox.click(
        OUTSIDER,
        sandbox.latest_with(RECRUITER, "feedback_view"),
        "feedback_view",
        value=str(stage.id),
    )
    sandbox.settle()
    assert any("Only the panel" in t for t in ephemerals(sandbox, OUTSIDER))


# --- decisions ------------------------------------------------------------------------------------


def test_decision_buttons_refuse_anyone_but_the_recruiter_and_hiring_manager(sandbox):
    loop = started(sandbox)
    stage = sandbox.run_stage(loop.id, "recruiter_screen")
    for action in ("decision_advance", "decision_decline"):
        sandbox.decide(OUTSIDER, action, stage.id)
    assert rows(sandbox, Decision) == []
    assert sandbox.stage(loop.id, "recruiter_screen").status == "completed"
    assert sum("Only this loop's recruiter" in t for t in ephemerals(sandbox, OUTSIDER)) == 2


def test_advance_twice_advances_once(sandbox):
    loop = started(sandbox)
    stage = sandbox.run_stage(loop.id, "recruiter_screen")
    message = sandbox.latest_with(RECRUITER, "decision_advance")
    sandbox.click(RECRUITER, message, "decision_advance", value=str(stage.id))
    sandbox.click(RECRUITER, message, "decision_advance", value=str(stage.id))
    sandbox.settle()
    assert [d.kind for d in rows(sandbox, Decision)] == ["advance"]
    assert sandbox.stage(loop.id, "manager_screen").proposal["version"] == 1
    assert any("already been decided" in t for t in ephemerals(sandbox, RECRUITER))


def test_l4_goes_from_round_1_to_the_decision_and_can_be_declined(sandbox):
    loop = started(sandbox, level="L4")
    for key in ("recruiter_screen", "manager_screen", "technical_screen", "round_1"):
        stage = sandbox.run_stage(loop.id, key)
        sandbox.decide(RECRUITER, "decision_advance", stage.id)
    decision = sandbox.stage(loop.id, "decision")
    assert decision.status == "completed"
    with sandbox.runtime.uow() as uow:
        assert "round_2" not in [s.key for s in uow.loops.stages(loop.id)]
    sandbox.decide(PAYMENTS_HM, "decision_decline", decision.id)
    again = sandbox.last_modal("decision_decline_form")  # the form submitted twice
    sandbox.submit(PAYMENTS_HM, again, {"why": "technical_bar", "details": ""})
    sandbox.settle()
    assert [d.kind for d in rows(sandbox, Decision)][-1] == "decline"
    assert [d.kind for d in rows(sandbox, Decision)].count("decline") == 1
    assert sandbox.loop(sandbox.loop_id("Ada Lovelace")).status == "declined"
    assert "Declined" in json.dumps(sandbox.recruiting())


def test_l5_goes_from_round_1_to_round_2_with_a_director_then_an_offer(sandbox):
    loop, stage = _round_one(sandbox)
    sandbox.feedback_from_all(stage.id)
    sandbox.decide(RECRUITER, "decision_advance", stage.id)
    assert sandbox.stage(loop.id, "round_2").status == "proposed"
    stage = sandbox.book(loop.id, "round_2")
    roles = {interview.role for interview, _ in sandbox.interviews(stage.id)}
    assert {"director", "partner"} <= roles
    sandbox.until_over(stage.id)
    sandbox.feedback_from_all(stage.id)
    sandbox.decide(RECRUITER, "decision_advance", stage.id)
    decision = sandbox.stage(loop.id, "decision")
    sandbox.decide(RECRUITER, "decision_offer", decision.id)
    again = sandbox.last_modal("decision_offer_form")  # the form submitted twice
    sandbox.submit(RECRUITER, again, {"why": "strong_panel", "start_date": "2099-01-04"})
    sandbox.settle()
    assert [d.kind for d in rows(sandbox, Decision)].count("offer") == 1
    assert sandbox.loop(sandbox.loop_id("Ada Lovelace")).status == "offer"
    [recorded] = [d for d in rows(sandbox, Decision) if d.kind == "offer"]
    assert recorded.decided_by == RECRUITER and recorded.decided_at == sandbox.now
    assert any(e.action == "decision_offer" for e in rows(sandbox, AuditEvent))


def test_em_part_b_only_after_positive_part_a(sandbox):
    loop = started(
        sandbox,
        candidate_name="Katherine Johnson",
        track="em",
        level="L6",
        team="streaming",
        hiring_manager="U0STRHM",
        candidate_tz="Europe/Berlin",
    )
    for key in ("recruiter_screen", "manager_screen"):
        stage = sandbox.run_stage(loop.id, key)
        sandbox.decide(RECRUITER, "decision_advance", stage.id)
    part_a = sandbox.book(loop.id, "onsite_a")
    sandbox.until_over(part_a.id)
    first, second = sandbox.interviews(part_a.id)
    sandbox.give_feedback(first[1], first[0].id, "yes", NOTES)
    sandbox.give_feedback(second[1], second[0].id, "no", NOTES)
    rollup = json.dumps(sandbox.recruiting())
    assert "needs positive feedback" in rollup
    assert "Advance to Onsite part B" not in rollup
    # Pressing a stale Advance (or forging one) is refused by the service too.
    decide_value = str(part_a.id)
    sandbox.slack.block_action(RECRUITER, "decision_advance", value=decide_value)
    sandbox.settle()
    assert sandbox.stage(loop.id, "onsite_b").status == "pending"
    # With part A positive after all (feedback edited before the decision), the gate opens.
    sandbox.give_feedback(second[1], second[0].id, "yes", NOTES)
    sandbox.decide(RECRUITER, "decision_advance", part_a.id)
    assert sandbox.stage(loop.id, "onsite_b").status == "proposed"


# --- App Home -------------------------------------------------------------------------------------


def home_of(box, user) -> str:
    box.slack.app_home_opened(user)
    box.settle()
    return json.dumps(box.fake.home_view(user))


def test_app_home_shows_an_interviewer_their_interviews_and_feedback_to_give(sandbox):
    loop = started(sandbox)
    stage = sandbox.book(loop.id, "recruiter_screen")
    [(interview, user)] = sandbox.interviews(stage.id)
    home = home_of(sandbox, user)
    assert "Ada Lovelace" in home and f"<!date^{int(interview.start_at.timestamp())}^" in home
    assert "Feedback to give" not in home

    sandbox.until_over(stage.id, extra=timedelta(hours=25))  # past the feedback reminder
    home = home_of(sandbox, user)
    assert "Feedback to give" in home and "overdue" in home
    assert f'"value": "{interview.id}"' in home  # the Submit feedback button


def test_app_home_shows_a_hiring_manager_their_loops_with_overdue_feedback(sandbox):
    loop = started(sandbox)
    stage = sandbox.book(loop.id, "recruiter_screen")
    sandbox.until_over(stage.id, extra=timedelta(hours=25))
    home = home_of(sandbox, PAYMENTS_HM)
    assert "Loops you run" in home and "Recruiter phone screen" in home
    assert "feedback overdue" in home


def test_app_home_for_someone_off_the_roster_says_how_to_get_on_it(sandbox):
    sandbox.fake.add_user("U0NOBODY1", "Noor Body", "noor@example.com", "Asia/Tokyo")
    assert "not on the interviewer roster" in home_of(sandbox, "U0NOBODY1")


def test_prompts_move_with_a_replaced_interviewer(sandbox):
    loop = started(sandbox)
    stage = sandbox.book(loop.id, "recruiter_screen")
    [(interview, user)] = sandbox.interviews(stage.id)
    jobs = [job for job, _ in sandbox.runtime.scheduler.jobs()]
    assert f"interview:{interview.id}:feedback_prompt" in jobs

    sandbox.press(user, "interview_decline", value=str(interview.id))
    [(replacement, replacement_user)] = sandbox.interviews(stage.id)
    assert replacement_user != user
    jobs = [job for job, _ in sandbox.runtime.scheduler.jobs()]
    assert not [job for job in jobs if job.startswith(f"interview:{interview.id}:")]
    assert f"interview:{replacement.id}:feedback_prompt" in jobs
    sandbox.until_over(stage.id)
    assert not any("feedback_open" in t for t in dm_texts(sandbox, user))
    assert sum("feedback_open" in t for t in dm_texts(sandbox, replacement_user)) == 1
