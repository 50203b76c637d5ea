"""Interviewer training over HTTP: a trainee sits in on a panel beside the lead, gets the DM,
gives practice feedback that never counts, the lead signs off in one click, and enough
positive sessions move the trainee on and then into the pool, announced to them and the
recruiter."""

from __future__ import annotations

from pathlib import Path

import pytest

from loopbot.demo.sandbox import sample_roster_csv
from storage.models import AuditEvent, Interview, Interviewer, Trainee
from tests.scenario.flows import RECRUITER, candidate, rows

YARA = "U0REC09"
TRAINEE_ROW = (
    f"{YARA},Yara Young,yara@example.com,recruiter,payments,recruiter_interview,"
    "America/New_York,08:00-18:00,Mon-Fri,10,,,,recruiter_screen:shadow\n"
)


@pytest.fixture
def box(make_sandbox, tmp_path: Path):
    templates = tmp_path / "templates.toml"
    templates.write_text("[training]\nshadow = 1\nreverse_shadow = 1\n", encoding="utf-8")
    header, *people = sample_roster_csv().splitlines(keepends=True)
    roster = header.rstrip("\n") + ",daily_cap,trainee\n"
    roster += "".join(line.rstrip("\n") + ",,\n" for line in people) + TRAINEE_ROW
    return make_sandbox(roster_csv=roster, LOOPBOT_TEMPLATES_FILE=str(templates))


def screen_with_trainee(box, name: str, email: str):
    box.schedule_loop(RECRUITER, candidate(candidate_name=name, candidate_email=email))
    loop_id = box.loop_id(name)
    stage = box.stage(loop_id, "recruiter_screen")
    [seat] = stage.proposal["trainees"]
    proposal = box.latest_with(RECRUITER, "proposal_confirm")
    assert "<@U0REC09> shadows <@U0REC01>" in str(proposal) or "reverse-shadows" in str(proposal)
    return loop_id, seat


def run_screen(box, loop_id: int) -> tuple[Interview, Interview]:
    stage = box.book(loop_id, "recruiter_screen")
    with box.runtime.uow() as uow:
        booked = uow.loops.interviews(stage.id)
    [lead] = [i for i in booked if not i.trainee_mode]
    [trainee] = [i for i in booked if i.trainee_mode]
    box.until_over(stage.id)
    return lead, trainee


def test_a_trainee_shadows_then_reverse_shadows_then_graduates(box):
    loop_id, seat = screen_with_trainee(box, "Ada Lovelace", "ada@example.com")
    assert seat["mode"] == "shadow"
    lead, trainee = run_screen(box, loop_id)
    assert (trainee.role, trainee.lead_interview_id) == ("trainee", lead.id)
    # The trainee is booked like anyone else: a DM with the interview and its feedback button.
    assert any("feedback_open" in str(m) or "Can't make it" in str(m) for m in box.dms(YARA))
    # The lead's feedback alone completes the stage: the trainee's never counts.
    box.give_feedback(RECRUITER, lead.id, "yes", "Strong motivation and a clear story.")
    assert box.stage(loop_id, "recruiter_screen").status == "completed"
    practice = box.give_feedback(YARA, trainee.id, "no", "Practice notes from the shadow seat.")
    assert not practice.body
    rollup = [r for root in box.recruiting() for r in root.get("replies", [])]
    assert "Practice notes" not in str(rollup) and "U0REC09" not in str(rollup)
    # The lead signs off in one click; one positive shadow moves Yara on.
    box.press(RECRUITER, "trainee_sign_off_positive", value=str(trainee.id))
    [record] = rows(box, Trainee)
    assert record.mode == "reverse_shadow" and record.graduated_at is None
    assert any("reverse shadow" in m.get("text", "") for m in box.dms(YARA))

    loop_id, seat = screen_with_trainee(box, "Grace Hopper", "grace@example.com")
    assert seat["mode"] == "reverse_shadow"
    lead, trainee = run_screen(box, loop_id)
    box.give_feedback(RECRUITER, lead.id, "yes", "Thoughtful and well prepared.")
    box.press(RECRUITER, "trainee_sign_off_positive", value=str(trainee.id))
    [record] = rows(box, Trainee)
    assert record.mode == "graduated" and record.graduated_at is not None
    yara = next(p for p in rows(box, Interviewer) if p.slack_user_id == YARA)
    assert "recruiter_screen" in yara.interview_types
    assert any("You graduated" in m.get("text", "") for m in box.dms(YARA))
    assert any("graduated and joined" in m.get("text", "") for m in box.dms(RECRUITER))
    actions = [e.action for e in rows(box, AuditEvent)]
    assert actions.count("trainee_signed_off") == 2 and "trainee_progressed" in actions


def test_only_the_lead_signs_off_and_only_once(box):
    loop_id, _ = screen_with_trainee(box, "Ada Lovelace", "ada@example.com")
    lead, trainee = run_screen(box, loop_id)
    box.give_feedback(RECRUITER, lead.id, "yes", "Strong motivation and a clear story.")
    message = box.latest_with(RECRUITER, "trainee_sign_off_not_yet")
    box.click(YARA, message, "trainee_sign_off_positive", value=str(trainee.id))
    box.settle()
    said = [c.params.get("text", "") for c in box.fake.calls_to("response_url")]
    assert any("Only the interviewer the trainee sat in with" in s for s in said)
    box.click(RECRUITER, message, "trainee_sign_off_not_yet", value=str(trainee.id))
    box.settle()
    box.click(RECRUITER, message, "trainee_sign_off_positive", value=str(trainee.id))
    box.settle()
    said = [c.params.get("text", "") for c in box.fake.calls_to("response_url")]
    assert any("already signed off" in s for s in said)
    [record] = rows(box, Trainee)
    assert record.mode == "shadow"
    [session] = [i for i in rows(box, Interview) if i.trainee_mode]
    assert session.sign_off == "not_yet"


def test_a_trainee_is_reminded_of_practice_feedback_but_never_escalated(box):
    from datetime import timedelta

    loop_id, _ = screen_with_trainee(box, "Ada Lovelace", "ada@example.com")
    lead, trainee = run_screen(box, loop_id)
    box.give_feedback(RECRUITER, lead.id, "yes", "Strong motivation and a clear story.")
    box.advance_clock(timedelta(days=4))
    [session] = [i for i in rows(box, Interview) if i.id == trainee.id]
    assert session.prompted_at is not None and session.feedback_reminded_at is not None
    assert session.escalated_recruiter_at is None and session.escalated_manager_at is None
