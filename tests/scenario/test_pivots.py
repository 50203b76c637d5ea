"""Centralized hiring over HTTP: pool loops, preferences, and pivots that never start over."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest
from sqlmodel import select

from storage.models import AuditEvent, Feedback, Interview
from tests.scenario.flows import PAYMENTS_HM, RECRUITER, candidate, rows

STREAMING_HM = "U0STRHM"
REASON = "Candidate prefers streaming's problems; both teams agree."


@pytest.fixture
def pool_box(make_sandbox):
    sample = files("loopbot").joinpath("sample_templates.toml")
    return make_sandbox(LOOPBOT_TEMPLATES_FILE=str(sample))


def teams_of(box, slack_id) -> set[str]:
    with box.runtime.uow() as uow:
        return set(uow.interviewers.by_slack_id(slack_id).teams)


def pool_loop(box, **overrides) -> int:
    response = box.schedule_loop(RECRUITER, candidate(team="pool:backend", **overrides))
    assert response.body == b"", response.text
    return box.loop_id(overrides.get("candidate_name", "Ada Lovelace"))


def run_to(box, loop_id: int, last: str) -> list[str]:
    """Run and advance every stage before `last`, then run `last` to its decision point."""
    done = []
    for stage in [s for s in _stages(box, loop_id)]:
        finished = box.run_stage(loop_id, stage)
        done.append(stage)
        if stage == last:
            assert finished.status == "completed"
            return done
        box.decide(RECRUITER, "decision_advance", finished.id)
    raise AssertionError(f"{last} never came")


def _stages(box, loop_id):
    with box.runtime.uow() as uow:
        return [s.key for s in uow.loops.stages(loop_id) if s.key != "decision"]


# --- pools ----------------------------------------------------------------------------------------


def test_loop_pool_lists_the_pools_their_teams_and_loops(pool_box):
    pool_loop(pool_box)
    pool_box.slack.slash_command("/loop-pool", "", RECRUITER)
    pool_box.settle()
    [answer] = pool_box.fake.calls_to("response_url")
    text = json.dumps(answer.params)
    assert "Backend engineering" in text and "payments" in text and "streaming" in text
    assert "Ada Lovelace (L5)" in text and "not focused yet" in text


def test_schedule_loop_can_target_a_pool(pool_box):
    view = pool_box.open_schedule_loop(RECRUITER, "Ada Lovelace L5 backend")
    team = next(b for b in view["blocks"] if b.get("block_id") == "team")
    assert team["element"]["initial_option"]["value"] == "pool:backend"
    loop = pool_box.loop(pool_loop(pool_box))
    assert (loop.pool, loop.team) == ("backend", "")


def test_an_unfocused_loop_draws_panels_from_the_whole_pool(pool_box):
    # Only streaming engineers are trained for the technical discussion now.
    with pool_box.runtime.uow() as uow:
        for person in uow.interviewers.all():
            if "payments" in person.teams and "engineer" in person.roles:
                person.interview_types = [
                    t for t in person.interview_types if t != "technical_discussion"
                ]
                uow.session.add(person)
        uow.commit()
    loop_id = pool_loop(pool_box)
    run_to(pool_box, loop_id, "manager_screen")
    pool_box.decide(RECRUITER, "decision_advance", pool_box.stage(loop_id, "manager_screen").id)
    stage = pool_box.book(loop_id, "technical_screen")
    [(interview, engineer)] = pool_box.interviews(stage.id)
    assert "streaming" in teams_of(pool_box, engineer)


def test_the_recruiter_screen_records_the_teams_the_candidate_leans_toward(pool_box):
    loop_id = pool_loop(pool_box)
    stage = pool_box.book(loop_id, "recruiter_screen")
    pool_box.until_over(stage.id)
    [(interview, user)] = pool_box.interviews(stage.id)
    pool_box.give_feedback(
        user, interview.id, "yes", "Keen on video delivery at scale.", preferences=["streaming"]
    )
    assert pool_box.loop(loop_id).preferences == ["streaming"]
    assert "Candidate leans toward: streaming" in json.dumps(pool_box.recruiting())
    pool_box.press(RECRUITER, "loop_pivot", value=str(loop_id))
    assert "Leans toward: streaming" in json.dumps(pool_box.last_modal("pivot_loop"))


# --- pivot at every decision point ------------------------------------------------------------


@pytest.mark.parametrize(
    "stage_key", ["recruiter_screen", "technical_screen", "round_1", "round_2"]
)
def test_pivot_carries_finished_stages_over_and_moves_the_hiring_manager(pool_box, stage_key):
    loop_id = pool_loop(pool_box)
    done = run_to(pool_box, loop_id, stage_key)
    feedback_before = {(f.id, f.signal, f.notes) for f in rows(pool_box, Feedback)}

    response = pool_box.pivot(RECRUITER, loop_id, "team:streaming", REASON)
    assert response.body == b"", response.text

    loop = pool_box.loop(loop_id)
    assert (loop.team, loop.pool) == ("streaming", "backend")
    with pool_box.runtime.uow() as uow:
        assert uow.interviewers.get(loop.hiring_manager_id).slack_user_id == STREAMING_HM
        stages = {s.key: s for s in uow.loops.stages(loop_id)}
    # Finished stages and their feedback carry over untouched.
    assert {(f.id, f.signal, f.notes) for f in rows(pool_box, Feedback)} == feedback_before
    for key in done[:-1]:
        assert stages[key].status == "decided"
    assert stages[stage_key].status == "completed"
    # Streaming drops the manager screen: not yet run, it is skipped; never re-run.
    if "manager_screen" not in done:
        assert stages["manager_screen"].status == "skipped"

    # The thread and the audit log record it: from, to, who, why.
    thread = json.dumps(pool_box.recruiting())
    assert "Pivoted" in thread and "streaming" in thread and REASON in thread
    [event] = [e for e in rows(pool_box, AuditEvent) if e.action == "loop_pivoted"]
    assert event.actor == RECRUITER and event.detail["reason"] == "candidate_preference"
    assert event.detail["to"] == "streaming"
    # The new manager gets the whole story; the old one hears they are off it.
    assert any("you're the hiring manager now" in json.dumps(m) for m in pool_box.dms(STREAMING_HM))
    assert any("hiring manager now" in json.dumps(m) for m in pool_box.dms(PAYMENTS_HM))

    # The old manager lost the decision; the new one has it.
    pool_box.decide(PAYMENTS_HM, "decision_advance", stages[stage_key].id)
    assert pool_box.stage(loop_id, stage_key).status == "completed"
    pool_box.decide(STREAMING_HM, "decision_advance", stages[stage_key].id)
    assert pool_box.stage(loop_id, stage_key).status == "decided"

    # Later panels come from the new team; nothing finished is repeated.
    with pool_box.runtime.uow() as uow:
        upcoming = [s for s in uow.loops.stages(loop_id) if s.status == "proposed"]
    for stage in upcoming:
        assert stage.key not in done
        for slot in stage.proposal.get("slots", []):
            with pool_box.runtime.uow() as uow:
                person = uow.interviewers.get(slot["interviewer_id"])
            if slot["role"] != "recruiter":
                assert "streaming" in person.teams, slot
    assert upcoming or stage_key == "round_2"  # after round 2 only the decision is left


def test_a_pivot_that_drops_the_proposed_stage_proposes_the_next_one(pool_box):
    loop_id = pool_loop(pool_box)
    screen = pool_box.run_stage(loop_id, "recruiter_screen")
    pool_box.decide(RECRUITER, "decision_advance", screen.id)
    assert pool_box.stage(loop_id, "manager_screen").status == "proposed"

    response = pool_box.pivot(RECRUITER, loop_id, "team:streaming", REASON)
    assert response.body == b"", response.text

    # Streaming has no manager screen: the loop moves on to the technical screen, not stall.
    assert pool_box.stage(loop_id, "manager_screen").status == "skipped"
    technical = pool_box.stage(loop_id, "technical_screen")
    assert technical.status == "proposed" and technical.proposal["kind"] == "plan"


def test_pivot_keeps_bookings_that_still_fit_and_replaces_the_others(pool_box):
    loop_id = pool_loop(pool_box, level="L6")
    run_to(pool_box, loop_id, "technical_screen")
    pool_box.decide(RECRUITER, "decision_advance", pool_box.stage(loop_id, "technical_screen").id)
    round_1 = pool_box.book(loop_id, "round_1")
    before = {i.id: (i, user) for i, user in pool_box.interviews(round_1.id)}
    jobs_before = {job for job, _ in pool_box.runtime.scheduler.jobs()}

    pool_box.pivot(RECRUITER, loop_id, "team:streaming", REASON)

    after = {i.id: (i, user) for i, user in pool_box.interviews(round_1.id)}
    fits = {
        iid
        for iid, (i, user) in before.items()
        if i.role == "recruiter"
        or (i.role != "hiring_manager" and "streaming" in teams_of(pool_box, user))
    }
    assert fits <= set(after), "bookings that fit the new team are kept"
    for iid in set(before) - fits:
        assert iid not in after  # replaced, in the same slot:
        old = before[iid][0]
        [new] = [i for i, _ in after.values() if i.start_at == old.start_at]
        assert new.role == old.role
    [manager_seat] = [(i, u) for i, u in after.values() if i.role == "hiring_manager"]
    assert manager_seat[1] == STREAMING_HM
    # Prompts moved with the bookings.
    jobs_after = {job for job, _ in pool_box.runtime.scheduler.jobs()}
    for iid in set(before) - set(after):
        assert not {j for j in jobs_after if j.startswith(f"interview:{iid}:")}
    for iid in set(after) - set(before):
        assert f"interview:{iid}:feedback_prompt" in jobs_after
    assert jobs_before != jobs_after
    with pool_box.runtime.uow() as uow:
        cancelled = [i for i in uow.session.exec(select(Interview)) if i.status == "cancelled"]
    assert {i.id for i in cancelled} == set(before) - set(after)


def test_only_the_recruiter_or_hiring_manager_can_pivot(pool_box):
    loop_id = pool_loop(pool_box)
    pool_box.click(
        "U0STR05", pool_box.latest_with(RECRUITER, "loop_pivot"), "loop_pivot", value=str(loop_id)
    )
    pool_box.settle()
    assert not [
        c
        for c in pool_box.fake.calls_to("views.open")
        if c.params["view"].get("callback_id") == "pivot_loop"
    ]
    assert any(
        "Only this loop's recruiter" in c.params.get("text", "")
        for c in pool_box.fake.calls_to("response_url")
    )


def test_pivot_without_a_reason_is_refused_on_the_field(pool_box):
    loop_id = pool_loop(pool_box)
    answer = pool_box.pivot(RECRUITER, loop_id, "team:streaming", "").json()
    assert answer["response_action"] == "errors" and "reason" in answer["errors"]
    assert pool_box.loop(loop_id).team == ""


def test_a_team_loop_can_move_into_a_pool_and_its_live_proposal_is_replanned(pool_box):
    response = pool_box.schedule_loop(RECRUITER, candidate())  # payments only
    assert response.body == b""
    loop_id = pool_box.loop_id("Ada Lovelace")
    before = pool_box.stage(loop_id, "recruiter_screen").proposal
    assert before["kind"] == "plan" and before["version"] == 1

    pool_box.pivot(RECRUITER, loop_id, "pool:backend", "Two teams want to see her.")

    loop = pool_box.loop(loop_id)
    assert (loop.team, loop.pool) == ("", "backend")
    with pool_box.runtime.uow() as uow:  # Priya is a hiring manager in the pool: she stays
        assert uow.interviewers.get(loop.hiring_manager_id).slack_user_id == PAYMENTS_HM
    after = pool_box.stage(loop_id, "recruiter_screen").proposal
    assert after["version"] == 2 and after["ref"] == before["ref"]  # edited in place
    assert "Backend engineering pool" in json.dumps(pool_box.recruiting())


def test_an_unknown_target_is_refused_on_the_field_and_nothing_changes(pool_box):
    loop_id = pool_loop(pool_box)
    answer = pool_box.pivot(RECRUITER, loop_id, "team:nowhere", "Typo").json()
    assert answer["response_action"] == "errors" and "target" in answer["errors"]
    loop = pool_box.loop(loop_id)
    assert (loop.team, loop.pool) == ("", "backend")
    assert not [e for e in rows(pool_box, AuditEvent) if e.action == "loop_pivoted"]


# --- no match with a stranger -------------------------------------------------------------------


def _keys(box, loop_id) -> list[tuple[str, str]]:
    with box.runtime.uow() as uow:
        return [(s.key, s.status) for s in uow.loops.stages(loop_id)]


def test_a_pivot_before_the_decision_adds_a_meeting_with_the_new_manager(pool_box):
    loop_id = pool_loop(pool_box, level="L4")
    done = run_to(pool_box, loop_id, "round_1")
    pool_box.decide(RECRUITER, "decision_advance", pool_box.stage(loop_id, done[-1]).id)
    assert pool_box.stage(loop_id, "decision").status == "completed"  # ready to decide

    pool_box.pivot(RECRUITER, loop_id, "team:streaming", REASON)
    # Nothing left would have the candidate meet streaming's manager: a meeting comes first.
    keys = [k for k, status in _keys(pool_box, loop_id) if status != "skipped"]
    assert keys[-2:] == ["meet_manager", "decision"]
    assert pool_box.stage(loop_id, "decision").status == "pending"
    meeting = pool_box.stage(loop_id, "meet_manager")
    assert meeting.status == "proposed"
    with pool_box.runtime.uow() as uow:
        seats = {s["interviewer_id"] for s in meeting.proposal.get("slots", [])}
        assert {uow.interviewers.get(i).slack_user_id for i in seats} == {STREAMING_HM}
    assert "Meet the new hiring manager" in json.dumps(pool_box.recruiting())

    # Skippable by the recruiter with a reason; an engineer may not.
    pool_box.slack.block_action("U0PAY02", "meeting_skip", value=str(meeting.id))
    pool_box.settle()
    assert pool_box.stage(loop_id, "meet_manager").status == "proposed"
    pool_box.press(RECRUITER, "meeting_skip", value=str(meeting.id))
    form = pool_box.last_modal("meeting_skip_form")
    pool_box.submit(RECRUITER, form, {"why": "met_already", "details": ""})
    pool_box.settle()
    assert pool_box.stage(loop_id, "meet_manager").status == "skipped"
    assert pool_box.stage(loop_id, "decision").status == "completed"
    [event] = [e for e in rows(pool_box, AuditEvent) if e.action == "stage_skipped"]
    assert event.detail == {"stage": "meet_manager", "reason": "met_already"}


def test_no_meeting_is_added_when_a_later_stage_meets_the_new_manager(pool_box):
    loop_id = pool_loop(pool_box)
    run_to(pool_box, loop_id, "recruiter_screen")
    pool_box.pivot(RECRUITER, loop_id, "team:streaming", REASON)
    assert "meet_manager" not in [k for k, _ in _keys(pool_box, loop_id)]
