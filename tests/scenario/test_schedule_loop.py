"""/schedule-loop end to end over HTTP: the modal, proposals, confirm, swap, re-plan, decline."""

from __future__ import annotations

import json
import re

import pytest

from storage.models import AuditEvent, Interview, Loop, Stage
from tests.scenario.flows import RECRUITER, candidate, rows

OUTSIDER = "U0STR05"

ADA = candidate(availability="Tue 2pm-6pm, Thu after 10am")

# A track that starts with the round-1 panel, so a full panel is one confirm away.
PANEL_FIRST = """
[tracks.onsite]
title = "Onsite only"

[[tracks.onsite.stages]]
key = "round_1"
title = "Round 1"
focus = "Design and coding problems."
kind = "meeting"
break_minutes = 10
panel_size = [4, 5]

[[tracks.onsite.stages.seats]]
key = "coding"
role = "engineer"
interview_type = "coding"
minutes = 45
min = 1
max = 2

[[tracks.onsite.stages.seats]]
key = "design"
role = "engineer"
interview_type = "system_design"
minutes = 45

[[tracks.onsite.stages.seats]]
key = "hiring_manager"
role = "hiring_manager"
interview_type = "hiring_manager_interview"
minutes = 45

[[tracks.onsite.stages.seats]]
key = "recruiter"
role = "recruiter"
interview_type = "recruiter_interview"
minutes = 45

[[tracks.onsite.stages]]
key = "decision"
title = "Decision & offer"
focus = "Review the feedback."
kind = "decision"
"""


@pytest.fixture
def panel_box(make_sandbox, tmp_path):
    path = tmp_path / "templates.toml"
    path.write_text(PANEL_FIRST)
    return make_sandbox(LOOPBOT_TEMPLATES_FILE=str(path))


def stage_row(box, key: str = "round_1") -> Stage:
    [stage] = [s for s in rows(box, Stage) if s.key == key]
    return stage


def proposal(box, user=RECRUITER) -> dict:
    messages = [m for m in box.dms(user) if "Confirm" in json.dumps(m.get("blocks", []))]
    assert messages, box.fake.describe_calls()
    return messages[-1]


def button_values(message: dict, action_id: str) -> list[str]:
    return [
        element["value"]
        for block in message.get("blocks", [])
        for element in [*block.get("elements", []), block.get("accessory") or {}]
        if isinstance(element, dict) and element.get("action_id") == action_id
    ]


def ephemeral_texts(box, user) -> list[str]:
    return [
        c.params.get("text", "")
        for c in box.fake.calls_to("response_url")
        if c.meta.get("user_id", user) == user
    ]


# --- the modal -----------------------------------------------------------------------------------


def test_command_text_prefills_the_form(sandbox):
    view = sandbox.open_schedule_loop(RECRUITER, "Ada Lovelace L5 payments")
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["candidate_name"]["initial_value"] == "Ada Lovelace"
    assert inputs["level"]["initial_option"]["value"] == "L5"
    assert inputs["team"]["initial_option"]["value"] == "payments"
    assert inputs["recruiter"]["initial_user"] == RECRUITER  # the invoker is a recruiter


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("availability", "Tue 9-5", "9-5"),
        ("availability", "sometime soon", "sometime soon"),
        ("candidate_tz", "Mars/Olympus", "Mars/Olympus"),
        ("candidate_email", "ada-at-example", "not an email"),
        ("hiring_manager", "U0STRHM", "not a hiring manager of payments"),
        ("recruiter", "U0PAY01", "not a recruiter"),
    ],
)
def test_bad_input_is_refused_on_its_field_with_an_example_and_nothing_saved(
    sandbox, field, value, says
):
    response = sandbox.schedule_loop(RECRUITER, {**ADA, field: value})
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert says in answer["errors"][field]
    assert "for example" in answer["errors"][field]
    assert rows(sandbox, Loop) == []
    assert sandbox.fake.calls_to("chat.postMessage") == []


# --- proposal and confirm ------------------------------------------------------------------------


def test_submitting_creates_the_loop_posts_the_thread_and_proposes_the_first_stage(sandbox):
    response = sandbox.schedule_loop(RECRUITER, ADA)
    assert response.status == 200 and response.body == b""
    [loop] = rows(sandbox, Loop)
    assert [s.key for s in sorted(rows(sandbox, Stage), key=lambda s: s.position)] == [
        "recruiter_screen",
        "manager_screen",
        "technical_screen",
        "round_1",
        "round_2",
        "decision",
    ]
    [root] = sandbox.recruiting()
    assert "Ada Lovelace" in root["text"]
    message = proposal(sandbox)
    assert "Recruiter phone screen" in json.dumps(message["blocks"])
    assert re.search(r"<!date\^\d+\^", json.dumps(message["blocks"]))
    assert any(e.action == "loop_created" for e in rows(sandbox, AuditEvent))
    assert loop.created_by == RECRUITER


def test_confirm_books_the_panel_and_dms_each_interviewer_with_their_own_time(panel_box):
    panel_box.schedule_loop(RECRUITER, {**ADA, "track": "onsite"})
    message = proposal(panel_box)
    panel_box.click(RECRUITER, message, "proposal_confirm")
    panel_box.settle()

    interviews = rows(panel_box, Interview)
    assert 4 <= len(interviews) <= 5
    assert len({i.interviewer_id for i in interviews}) == len(interviews)
    with panel_box.runtime.uow() as uow:
        people = {i.id: uow.interviewers.get(i.interviewer_id).slack_user_id for i in interviews}
    for interview in interviews:
        dm = panel_box.dms(people[interview.id])
        texts = json.dumps([m.get("blocks") for m in dm])
        # A Slack date token: every reader sees the time in their own zone.
        assert f"<!date^{int(interview.start_at.timestamp())}^" in texts
        assert "Can't make it" in texts
    uploads = panel_box.fake.calls_to("files.completeUploadExternal")
    assert len(uploads) == len(interviews)
    root = panel_box.recruiting()[0]
    assert any("Round 1" in r.get("text", "") for r in root["replies"])


def test_confirm_twice_books_once(panel_box):
    panel_box.schedule_loop(RECRUITER, {**ADA, "track": "onsite"})
    message = proposal(panel_box)
    panel_box.click(RECRUITER, message, "proposal_confirm")
    panel_box.click(RECRUITER, message, "proposal_confirm")
    panel_box.settle()
    interviews = rows(panel_box, Interview)
    assert 4 <= len(interviews) <= 5
    assert len(panel_box.fake.calls_to("files.completeUploadExternal")) == len(interviews)
    assert any("already acted on" in t for t in ephemeral_texts(panel_box, RECRUITER))


def test_only_the_recruiter_or_hiring_manager_can_confirm(panel_box):
    panel_box.schedule_loop(RECRUITER, {**ADA, "track": "onsite"})
    panel_box.click(OUTSIDER, proposal(panel_box), "proposal_confirm")
    panel_box.settle()
    assert rows(panel_box, Interview) == []
    assert any(
        "Only this loop's recruiter or hiring manager" in t
        for t in ephemeral_texts(panel_box, OUTSIDER)
    )


def test_accommodations_reach_the_panel_but_never_the_channel(panel_box):
    note = "Uses a screen reader; share documents in advance"
    panel_box.schedule_loop(
        RECRUITER, {**ADA, "track": "onsite", "accommodations": note, "extra_break": "15"}
    )
    panel_box.click(RECRUITER, proposal(panel_box), "proposal_confirm")
    panel_box.settle()
    channel = json.dumps(panel_box.recruiting())
    assert "screen reader" not in channel
    interviews = sorted(rows(panel_box, Interview), key=lambda i: i.start_at)
    with panel_box.runtime.uow() as uow:
        for interview in interviews:
            user = uow.interviewers.get(interview.interviewer_id).slack_user_id
            assert "screen reader" in json.dumps(panel_box.dms(user))
    # The extra break is in the plan: 10 minutes of template break + 15 of accommodation.
    gaps = {
        (b.start_at - a.end_at).total_seconds() / 60
        for a, b in zip(interviews, interviews[1:], strict=False)
    }
    assert gaps == {25.0}


# --- swap, pick another time -------------------------------------------------------------------


def test_swap_replaces_one_interviewer_in_the_same_slot(panel_box):
    # Tuesday afternoon in London: both Berlin and New York engineers are at work.
    panel_box.schedule_loop(RECRUITER, {**ADA, "track": "onsite", "availability": "Tue 2pm-7pm"})
    before = proposal(panel_box)
    swap_value = button_values(before, "proposal_swap")[0]
    stage_before = stage_row(panel_box).proposal
    panel_box.click(RECRUITER, before, "proposal_swap", value=swap_value)
    panel_box.settle()
    stage_after = stage_row(panel_box).proposal
    old, new = stage_before["slots"][0], stage_after["slots"][0]
    assert new["interviewer_id"] != old["interviewer_id"]
    assert (new["start"], new["end"], new["role"]) == (old["start"], old["end"], old["role"])
    assert stage_after["slots"][1:] == stage_before["slots"][1:]
    assert any("Swapped" in t for t in ephemeral_texts(panel_box, RECRUITER))
    assert new["interviewer_id"] not in {s["interviewer_id"] for s in stage_before["slots"]}
    # The proposal message was edited in place, not posted again.
    assert len([m for m in panel_box.dms(RECRUITER) if "Confirm" in json.dumps(m)]) == 1


def test_swap_with_nobody_else_free_says_so_and_changes_nothing(panel_box):
    # Thursday 10:45 London: the only payments engineers at work are already on the panel.
    panel_box.schedule_loop(
        RECRUITER, {**ADA, "track": "onsite", "availability": "Thu 10:45am-4pm"}
    )
    before = stage_row(panel_box).proposal
    message = proposal(panel_box)
    panel_box.click(
        RECRUITER, message, "proposal_swap", value=button_values(message, "proposal_swap")[0]
    )
    panel_box.settle()
    assert stage_row(panel_box).proposal == before
    assert any("No one else qualified is free" in t for t in ephemeral_texts(panel_box, RECRUITER))


def test_pick_another_time_replans_with_the_new_availability(panel_box):
    panel_box.schedule_loop(RECRUITER, {**ADA, "track": "onsite"})
    message = proposal(panel_box)
    panel_box.click(RECRUITER, message, "proposal_pick_time")
    modal = panel_box.fake.wait_for(
        "views.open", lambda c: c.params["view"]["callback_id"] == "replan_stage"
    ).response["view"]
    response = panel_box.submit(RECRUITER, modal, {"availability": "Fri 1pm-6pm"})
    assert response.status == 200
    panel_box.settle()
    slots = stage_row(panel_box).proposal["slots"]
    assert all(s["start"].startswith("2026-11-27") for s in slots)


def test_pick_another_time_with_bad_text_is_refused_on_the_field(panel_box):
    panel_box.schedule_loop(RECRUITER, {**ADA, "track": "onsite"})
    panel_box.click(RECRUITER, proposal(panel_box), "proposal_pick_time")
    modal = panel_box.fake.wait_for(
        "views.open", lambda c: c.params["view"]["callback_id"] == "replan_stage"
    ).response["view"]
    answer = panel_box.submit(RECRUITER, modal, {"availability": "whenever"}).json()
    assert answer["response_action"] == "errors" and "whenever" in answer["errors"]["availability"]


# --- an interviewer can't make it ----------------------------------------------------------------


def _book_panel(box) -> list[Interview]:
    # Tuesday afternoon in London: plenty of engineers at work to step in.
    box.schedule_loop(RECRUITER, {**ADA, "track": "onsite", "availability": "Tue 2pm-7pm"})
    box.click(RECRUITER, proposal(box), "proposal_confirm")
    box.settle()
    return rows(box, Interview)


def _engineer_interview(box, interviews):
    with box.runtime.uow() as uow:
        for interview in interviews:
            person = uow.interviewers.get(interview.interviewer_id)
            if interview.role == "engineer":
                return interview, person.slack_user_id
    raise AssertionError("no engineer on the panel")


def test_declining_interviewer_is_replaced_in_the_same_slot_and_the_recruiter_told(panel_box):
    interviews = _book_panel(panel_box)
    declined, engineer = _engineer_interview(panel_box, interviews)
    dm = next(m for m in panel_box.dms(engineer) if "Can't make it" in json.dumps(m))
    panel_box.click(engineer, dm, "interview_decline")
    panel_box.settle()
    after = {i.id: i for i in rows(panel_box, Interview)}
    assert after[declined.id].status == "declined"
    [replacement] = [i for i in after.values() if i.id not in {x.id for x in interviews}]
    assert (replacement.start_at, replacement.end_at, replacement.role) == (
        declined.start_at,
        declined.end_at,
        declined.role,
    )
    assert replacement.interviewer_id not in {i.interviewer_id for i in interviews}
    assert any("takes the same slot" in json.dumps(m) for m in panel_box.dms(RECRUITER))
    # The decliner's calendar drops the event: the same UID, METHOD:CANCEL.
    uploads = [c.body.decode() for c in panel_box.fake.calls_to("file_upload")]
    uid = f"UID:loopbot-interview-{declined.id}@loopbot"
    assert any(uid in body and "METHOD:CANCEL" in body for body in uploads)
    assert any(
        f"UID:loopbot-interview-{replacement.id}@loopbot" in body and "METHOD:REQUEST" in body
        for body in uploads
    )


def test_only_the_booked_interviewer_can_decline(panel_box):
    interviews = _book_panel(panel_box)
    declined, engineer = _engineer_interview(panel_box, interviews)
    dm = next(m for m in panel_box.dms(engineer) if "Can't make it" in json.dumps(m))
    panel_box.click(OUTSIDER, dm, "interview_decline")
    panel_box.settle()
    assert {i.status for i in rows(panel_box, Interview)} == {"confirmed"}
    assert any("Only the interviewer" in t for t in ephemeral_texts(panel_box, OUTSIDER))


def test_decline_with_nobody_free_replans_the_stage(make_sandbox, tmp_path):
    # A roster where the one engineer trained for design has no understudy.
    from loopbot.demo.sandbox import sample_roster_csv

    path = tmp_path / "templates.toml"
    path.write_text(PANEL_FIRST)
    box = make_sandbox(LOOPBOT_TEMPLATES_FILE=str(path))
    interviews = _book_panel(box)
    designer = next(i for i in interviews if i.interview_type == "system_design")
    with box.runtime.uow() as uow:
        # Everyone else trained for design becomes busy: take them off the roster.
        for person in uow.interviewers.all():
            if "system_design" in person.interview_types and person.id != designer.interviewer_id:
                person.interview_types = [t for t in person.interview_types if t != "system_design"]
                uow.session.add(person)
        slack_id = uow.interviewers.get(designer.interviewer_id).slack_user_id
        uow.commit()
    assert sample_roster_csv()  # the sample org is unchanged on disk
    dm = next(m for m in box.dms(slack_id) if "Can't make it" in json.dumps(m))
    box.click(slack_id, dm, "interview_decline")
    box.settle()
    statuses = {i.id: i.status for i in rows(box, Interview)}
    assert statuses[designer.id] == "declined"
    assert {s for i, s in statuses.items() if i != designer.id} == {"cancelled"}
    stage = stage_row(box)
    assert stage.status == "proposed" and stage.proposal["version"] == 2
    assert any("fresh plan" in json.dumps(m) for m in box.dms(RECRUITER))


# --- Slack being Slack ---------------------------------------------------------------------------


def test_slack_errors_are_retried_and_the_message_still_arrives_once(sandbox):
    sandbox.fake.fail_next("chat.postMessage", status=500, times=3)
    sandbox.schedule_loop(RECRUITER, ADA)
    for _ in range(4):  # each 500 costs one attempt; the next one looks before re-posting
        for outbox_row in _outbox(sandbox):
            if outbox_row.status == "pending":
                _make_due(sandbox, outbox_row.id)
        sandbox.settle()
    assert len(sandbox.recruiting()) == 1
    assert len([m for m in sandbox.dms(RECRUITER) if "Confirm" in json.dumps(m)]) == 1


def _outbox(box):
    from storage.models import OutboxMessage

    return rows(box, OutboxMessage)


def _make_due(box, message_id):
    from datetime import UTC, datetime

    with box.runtime.uow() as uow:
        message = uow.outbox.get(message_id)
        message.next_attempt_at = datetime.now(UTC)
        uow.session.add(message)
        uow.commit()


def test_a_panelist_late_in_the_panel_is_replaced_in_their_exact_slot(panel_box):
    # Blocks after the first start wherever the breaks put them, off the quarter-hour grid.
    interviews = sorted(_book_panel(panel_box), key=lambda i: i.start_at)
    late = next(i for i in interviews[1:] if i.role == "engineer" and i.start_at.minute % 15)
    with panel_box.runtime.uow() as uow:
        user = uow.interviewers.get(late.interviewer_id).slack_user_id
    dm = next(m for m in panel_box.dms(user) if "Can't make it" in json.dumps(m))
    panel_box.click(user, dm, "interview_decline")
    panel_box.settle()
    [replacement] = [
        i for i in rows(panel_box, Interview) if i.id not in {x.id for x in interviews}
    ]
    assert (replacement.start_at, replacement.end_at) == (late.start_at, late.end_at)
