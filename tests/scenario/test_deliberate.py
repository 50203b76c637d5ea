"""Deliberate decisions, private calendars and the data lifecycle, over HTTP: Decline and Make
offer ask why in a form, an offer's terms are seen by the recruiter and HM only, no .ics holds
an accommodation, the decliner's DM loses its button, and a closed loop can be forgotten."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.audit_export import to_csv, to_json
from bot.erasure import forget
from bot.errors import Conflict
from storage.models import AuditEvent, Candidate, Decision, OutboxMessage
from tests.scenario.flows import PAYMENTS_HM, RECRUITER, candidate, rows

ENGINEER = "U0PAY02"
ACCOMMODATION = "Uses a screen reader; please share code as text"
NOTES = "Clear reasoning about the ledger; missed idempotency at first."


def started(box, **overrides):
    box.schedule_loop(RECRUITER, candidate(**overrides))
    return box.loop(box.loop_id(overrides.get("candidate_name", "Ada Lovelace")))


def decline_form(box, stage):
    box.press(RECRUITER, "decision_decline", value=str(stage.id))
    return box.last_modal("decision_decline_form")


def test_decline_asks_why_records_it_and_the_audit_keeps_the_key_only(sandbox):
    loop = started(sandbox)
    stage = sandbox.run_stage(loop.id, "recruiter_screen")
    form = decline_form(sandbox, stage)
    assert rows(sandbox, Decision) == []  # the click alone decides nothing

    answer = sandbox.submit(RECRUITER, form, {"why": "other", "details": ""}).json()
    assert answer["response_action"] == "errors" and "details" in answer["errors"]
    answer = sandbox.submit(RECRUITER, form, {"details": "x"}).json()
    assert "why" in answer["errors"]
    assert sandbox.loop(loop.id).status == "open"

    sandbox.submit(
        RECRUITER, form, {"why": "level", "details": "Strong, but an L4 today, not an L5."}
    )
    sandbox.settle()
    assert sandbox.loop(loop.id).status == "declined"
    [decision] = rows(sandbox, Decision)
    assert decision.note == "Not at this level: Strong, but an L4 today, not an L5."
    assert "Not at this level" in json.dumps(sandbox.recruiting())
    [event] = [e for e in rows(sandbox, AuditEvent) if e.action == "decision_decline"]
    assert event.detail["reason"] == "level" and "L4 today" not in json.dumps(event.detail)


def test_an_offer_records_its_terms_for_the_recruiter_and_manager_and_tracks_the_answer(sandbox):
    loop = started(sandbox, level="L4")
    for key in ("recruiter_screen", "manager_screen", "technical_screen", "round_1"):
        stage = sandbox.run_stage(loop.id, key)
        sandbox.decide(RECRUITER, "decision_advance", stage.id)
    decision = sandbox.stage(loop.id, "decision")
    sandbox.press(PAYMENTS_HM, "decision_offer", value=str(decision.id))
    form = sandbox.last_modal("decision_offer_form")
    answer = sandbox.submit(
        PAYMENTS_HM,
        form,
        {"why": "strong_panel", "compensation": "Band 4, 5% sign-on", "start_date": "2001-01-01"},
    ).json()
    assert "start_date" in answer["errors"]
    sandbox.submit(
        PAYMENTS_HM,
        form,
        {
            "why": "strong_panel",
            "compensation": "Band 4, 5% sign-on",
            "start_date": "2099-03-02",
            "open_questions": "Visa timing",
        },
    )
    sandbox.settle()
    offered = sandbox.loop(loop.id)
    assert offered.status == "offer"
    assert offered.offer == {
        "compensation": "Band 4, 5% sign-on",
        "start_date": "2099-03-02",
        "open_questions": "Visa timing",
    }
    assert "Band 4" not in json.dumps(sandbox.recruiting())  # the terms stay out of the channel

    # The terms: the recruiter and the hiring manager only.
    sandbox.slack.block_action(ENGINEER, "offer_details", value=str(loop.id))
    sandbox.settle()
    assert not any("Band 4" in json.dumps(c.params) for c in sandbox.fake.calls_to("views.open"))
    sandbox.press(RECRUITER, "offer_details", value=str(loop.id))
    assert "Band 4" in json.dumps(sandbox.fake.calls_to("views.open")[-1].params)

    sandbox.slack.block_action(ENGINEER, "offer_accepted", value=str(loop.id))
    sandbox.settle()
    assert "outcome" not in sandbox.loop(loop.id).offer
    sandbox.press(RECRUITER, "offer_accepted", value=str(loop.id))
    sandbox.press(PAYMENTS_HM, "offer_declined", value=str(loop.id))  # too late: answered
    assert sandbox.loop(loop.id).offer["outcome"] == "accepted"
    assert "accepted the offer" in json.dumps(sandbox.recruiting())
    assert [e.action for e in rows(sandbox, AuditEvent)].count("offer_accepted") == 1


def test_no_calendar_file_holds_an_accommodation_but_the_panels_dm_does(sandbox):
    loop = started(sandbox, accommodations=ACCOMMODATION)
    stage = sandbox.book(loop.id, "recruiter_screen")
    [(_, user)] = sandbox.interviews(stage.id)
    files = [m for m in rows(sandbox, OutboxMessage) if m.method == "loopbot.dm_file"]
    assert files and all(f.payload["filename"].endswith(".ics") for f in files)
    assert not any(ACCOMMODATION in json.dumps(f.payload) for f in files)
    assert "Explain the process" in files[0].payload["content"]  # what it is about stays
    assert ACCOMMODATION in json.dumps(sandbox.dms(user))
    assert ACCOMMODATION not in json.dumps(sandbox.recruiting())


def test_the_decliners_dm_says_who_took_the_slot_and_loses_its_button(sandbox):
    loop = started(sandbox)
    stage = sandbox.book(loop.id, "recruiter_screen")
    [(interview, user)] = sandbox.interviews(stage.id)
    sandbox.press(user, "interview_decline", value=str(interview.id))
    [(_, replacement)] = sandbox.interviews(stage.id)
    booking = [m for m in sandbox.dms(user) if "You're off this interview" in json.dumps(m)]
    assert booking, "the booking DM was not edited"
    assert f"<@{replacement}> took your slot" in json.dumps(booking[-1])
    assert not any(
        el.get("action_id") == "interview_decline"
        for block in booking[-1].get("blocks", [])
        for el in block.get("elements", [])
    )


def _declined(box):
    loop = started(box, accommodations=ACCOMMODATION)
    stage = box.run_stage(loop.id, "recruiter_screen")
    box.submit(RECRUITER, decline_form(box, stage), {"why": "level", "details": "Ada is L4."})
    box.settle()
    return loop


def _assert_erased(box, loop_id):
    loop = box.loop(loop_id)
    [person] = [c for c in rows(box, Candidate) if c.id == loop.candidate_id]
    assert person.name.startswith("Erased candidate") and person.email == ""
    assert loop.accommodations == "" and loop.availability_text == ""
    with box.runtime.uow() as uow:
        feedback = uow.privacy.feedback_of(loop_id)
    assert feedback and all(f.notes == "" and f.signal for f in feedback)  # counts stay
    assert all(d.note == "" for d in rows(box, Decision) if d.loop_id == loop_id)
    everything = json.dumps([m.payload for m in rows(box, OutboxMessage) if m.status == "sent"])
    assert "Ada Lovelace" not in everything and ACCOMMODATION not in everything
    assert "Ada Lovelace" not in to_csv(rows(box, AuditEvent))
    assert "Ada Lovelace" not in json.dumps(box.recruiting())  # the channel's messages edited


def test_candidate_forget_erases_a_closed_loop_and_keeps_counts_and_the_audit(sandbox):
    loop = _declined(sandbox)
    config = sandbox.runtime.config
    still_open = started(sandbox, candidate_name="Grace Hopper")
    with sandbox.runtime.uow() as uow, pytest.raises(Conflict, match="still open"):
        forget(config, uow, still_open.id, "cli", sandbox.now)
    with sandbox.runtime.uow() as uow:
        forget(config, uow, loop.id, "cli", sandbox.now)
        uow.commit()
    sandbox.settle()
    _assert_erased(sandbox, loop.id)
    actions = [e.action for e in rows(sandbox, AuditEvent)]
    assert "candidate_erased" in actions and "decision_decline" in actions
    exported = json.loads(to_json(rows(sandbox, AuditEvent)))
    assert [e["action"] for e in exported] == actions


def test_retention_erases_loops_closed_longer_than_the_setting(make_sandbox):
    box = make_sandbox(LOOPBOT_RETENTION_DAYS="30")
    loop = _declined(box)
    assert box.runtime.forget_expired() == []
    box.advance_clock(timedelta(days=31))
    assert box.runtime.forget_expired() == [loop.id]
    box.settle()
    _assert_erased(box, loop.id)
    assert box.runtime.forget_expired() == []
