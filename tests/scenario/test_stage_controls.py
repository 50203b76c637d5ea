"""A booked stage's controls over HTTP: Reschedule keeps whoever can stay, Hold releases the
bookings until Resume, Cancel ends the stage; each asks for a reason, tells the panel and is
kept in the audit. A reason left blank is a field error on the form."""

from __future__ import annotations

import json

from storage.models import AuditEvent, Interview
from tests.scenario.flows import RECRUITER, candidate, rows


def booked_round_1(box):
    box.schedule_loop(RECRUITER, candidate(level="L4"))
    loop_id = box.loop_id("Ada Lovelace")
    for key in ("recruiter_screen", "manager_screen", "technical_screen"):
        stage = box.run_stage(loop_id, key)
        box.decide(RECRUITER, "decision_advance", stage.id)
    return loop_id, box.book(loop_id, "round_1")


def control(box, stage, action_id: str, reason: str):
    box.press(RECRUITER, action_id, value=str(stage.id))
    form = box.last_modal("stage_control")
    answer = box.submit(RECRUITER, form, {"reason": reason})
    box.settle()
    return answer


def panel(box, stage_id: int) -> set[int]:
    return {i.interviewer_id for i in rows(box, Interview)
            if i.stage_id == stage_id and i.status == "confirmed"}  # fmt: skip


def test_reschedule_cancels_the_bookings_and_proposes_again_keeping_the_panel(sandbox):
    loop_id, stage = booked_round_1(sandbox)
    before = panel(sandbox, stage.id)
    answer = control(sandbox, stage, "stage_reschedule", "The candidate asked to move")
    assert not answer.body
    stage = sandbox.stage(loop_id, "round_1")
    assert stage.status == "proposed" and panel(sandbox, stage.id) == set()
    proposed = {s["interviewer_id"] for s in stage.proposal["slots"]}
    assert proposed == before, "everyone who could stay was kept"
    cancelled = [c for c in sandbox.fake.calls_to("chat.postMessage")
                 if "rescheduled: The candidate asked to move" in json.dumps(c.params)]  # fmt: skip
    assert len(cancelled) >= len(before)  # each panelist heard why, and the thread too
    [event] = [e for e in rows(sandbox, AuditEvent) if e.action == "stage_reschedule"]
    assert event.detail == {"stage": "round_1", "reason": "The candidate asked to move"}
    sandbox.book(loop_id, "round_1")
    assert panel(sandbox, stage.id) == before


def test_hold_releases_the_bookings_until_resume(sandbox):
    loop_id, stage = booked_round_1(sandbox)
    control(sandbox, stage, "stage_hold", "Candidate travelling until the 14th")
    held = sandbox.stage(loop_id, "round_1")
    assert held.status == "on_hold" and panel(sandbox, stage.id) == set()
    root = json.dumps(sandbox.recruiting())
    assert "on hold" in root
    sandbox.press(RECRUITER, "stage_resume", value=str(stage.id))
    resumed = sandbox.stage(loop_id, "round_1")
    assert resumed.status == "proposed" and resumed.proposal["kind"] == "plan"
    actions = [e.action for e in rows(sandbox, AuditEvent)]
    assert "stage_hold" in actions and "stage_resumed" in actions


def test_cancel_needs_a_reason_and_ends_the_stage(sandbox):
    loop_id, stage = booked_round_1(sandbox)
    refused = control(sandbox, stage, "stage_cancel", "   ")
    assert refused.json()["errors"]["reason"].startswith("say why")
    assert sandbox.stage(loop_id, "round_1").status == "scheduled"
    control(sandbox, stage, "stage_cancel", "Candidate withdrew")
    assert sandbox.stage(loop_id, "round_1").status == "cancelled"
    assert panel(sandbox, stage.id) == set()
    # A cancelled stage cannot be changed again.
    sandbox.slack.block_action(RECRUITER, "stage_hold", value=str(stage.id))
    sandbox.settle()
    said = [c.params.get("text", "") for c in sandbox.fake.calls_to("response_url")]
    assert any("Only a booked stage" in s for s in said)


def test_only_the_loops_recruiter_or_manager_may_change_a_stage(sandbox):
    _, stage = booked_round_1(sandbox)
    sandbox.slack.block_action("U0PAY01", "stage_cancel", value=str(stage.id))
    sandbox.settle()
    said = [c.params.get("text", "") for c in sandbox.fake.calls_to("response_url")]
    assert any("Only this loop's recruiter or hiring manager" in s for s in said)


def test_a_proposal_warns_its_recruiter_once_before_its_hold_lapses(sandbox):
    from datetime import timedelta

    sandbox.schedule_loop(RECRUITER, candidate())
    stage = sandbox.stage(sandbox.loop_id("Ada Lovelace"), "recruiter_screen")
    until = stage.proposal["held_until"]

    def warnings() -> list[str]:
        return [
            m.get("text", "")
            for m in sandbox.dms(RECRUITER)
            if "stops holding" in m.get("text", "")
        ]

    sandbox.advance_clock(timedelta(hours=2))
    assert warnings() == []
    sandbox.advance_clock(timedelta(hours=1, minutes=15))
    assert len(warnings()) == 1
    sandbox.advance_clock(timedelta(minutes=20))
    assert len(warnings()) == 1, "warned once"
    sandbox.advance_clock(timedelta(hours=1))
    assert sandbox.stage(stage.loop_id, "recruiter_screen").proposal["expired"]
    assert until


def test_swap_with_lists_qualified_people_and_their_load_and_swaps_the_one_picked(sandbox):
    sandbox.schedule_loop(RECRUITER, candidate())
    loop_id = sandbox.loop_id("Ada Lovelace")
    stage = sandbox.stage(loop_id, "recruiter_screen")
    value = f"{stage.id}:{stage.proposal['version']}"
    sandbox.press(RECRUITER, "proposal_swap_pick", value=value)
    form = sandbox.last_modal("proposal_swap_pick")
    [select] = [b["element"] for b in form["blocks"] if b.get("block_id") == "swap"]
    labels = {o["value"]: o["text"]["text"] for o in select["options"]}
    [ravi] = [v for v, label in labels.items() if "Ravi Recruiter" in label]
    assert labels[ravi] == "Rosa Recruiter → Ravi Recruiter · 0 of 10 that week"
    stale = sandbox.submit(RECRUITER, form, {"swap": "0:999"})
    assert "no longer free" in stale.json()["errors"]["swap"]
    answer = sandbox.submit(RECRUITER, form, {"swap": ravi})
    assert not answer.body
    sandbox.settle()
    swapped = sandbox.stage(loop_id, "recruiter_screen")
    [slot] = swapped.proposal["slots"]
    assert slot["interviewer_id"] == int(ravi.split(":")[1])
    assert swapped.proposal["version"] == stage.proposal["version"] + 1
    assert "proposal_swapped" in [e.action for e in rows(sandbox, AuditEvent)]
