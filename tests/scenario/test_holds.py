"""Proposals hold their times over HTTP: two loops proposed at once get different times,
Confirm books what was held, Pick another time and expiry free it, and a recruiter who takes
held time deliberately is warned and the other proposal's recruiter is told."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from storage.models import AuditEvent, Hold, Interview
from tests.scenario.flows import RECRUITER, candidate, rows

# Rosa (New York, 09:00-17:00) runs every recruiter screen: Tuesday 2pm-6pm in London is her
# morning, and the screens are 30 minutes long.
TUESDAY = "Tue 2pm-6pm"
ADA = candidate(availability=TUESDAY)
GRACE = candidate(candidate_name="Grace Hopper", candidate_email="grace@example.com",
                  availability=TUESDAY)  # fmt: skip


def started(box, fields: dict):
    box.schedule_loop(RECRUITER, fields)
    loop_id = box.loop_id(fields["candidate_name"])
    return box.stage(loop_id, "recruiter_screen")


def span_of(stage) -> tuple[datetime, datetime]:
    [slot] = stage.proposal["slots"]
    return datetime.fromisoformat(slot["start"]), datetime.fromisoformat(slot["end"])


def holds_of(box, stage) -> list[tuple[str, datetime, datetime]]:
    return sorted(
        (h.status, h.start_at, h.end_at) for h in rows(box, Hold) if h.stage_id == stage.id
    )


def said_to(box, user) -> list[str]:
    return [
        c.params.get("text", "")
        for c in box.fake.calls_to("response_url")
        if c.meta.get("user_id") in (user, None)
    ]


def confirm(box, stage) -> None:
    value = f"{stage.id}:{stage.proposal['version']}"
    box.slack.block_action(RECRUITER, "proposal_confirm", value=value)
    box.settle()


def test_two_loops_proposed_at_once_get_different_times_and_both_confirm(sandbox):
    ada = started(sandbox, ADA)
    grace = started(sandbox, GRACE)
    a_start, a_end = span_of(ada)
    g_start, g_end = span_of(grace)
    assert g_start >= a_end or a_start >= g_end, "the second proposal took the first one's time"
    assert not grace.proposal["warnings"]
    # Each proposal holds its own time, and says so.
    assert holds_of(sandbox, ada) == [("held", a_start, a_end)]
    assert holds_of(sandbox, grace) == [("held", g_start, g_end)]
    assert "held for you until" in json.dumps(sandbox.dms(RECRUITER)[-1])

    confirm(sandbox, grace)
    confirm(sandbox, ada)
    for stage, (start, end) in ((ada, (a_start, a_end)), (grace, (g_start, g_end))):
        assert sandbox.stage(stage.loop_id, "recruiter_screen").status == "scheduled"
        # Confirm turned the hold into the booking.
        assert holds_of(sandbox, stage) == [("booked", start, end)]
        [(interview, _)] = sandbox.interviews(stage.id)
        assert (interview.start_at, interview.end_at) == (start, end)


def test_pick_another_time_releases_the_held_time(sandbox):
    ada = started(sandbox, ADA)
    first = span_of(ada)
    sandbox.press(RECRUITER, "proposal_pick_time", value=f"{ada.id}:{ada.proposal['version']}")
    sandbox.submit(RECRUITER, sandbox.last_modal("replan_stage"), {"availability": "Thu 2pm-6pm"})
    sandbox.settle()
    ada = sandbox.stage(ada.loop_id, "recruiter_screen")
    second = span_of(ada)
    assert holds_of(sandbox, ada) == sorted([("released", *first), ("held", *second)])
    # The time Ada's first proposal held is free for the next loop again.
    grace = started(sandbox, GRACE)
    assert span_of(grace) == first and not grace.proposal["warnings"]


def test_a_hold_that_runs_out_frees_the_time_and_marks_the_proposal_expired(make_sandbox):
    box = make_sandbox(LOOPBOT_HOLD_HOURS="2")
    ada = started(box, ADA)
    held = span_of(ada)
    box.advance_clock(timedelta(hours=2, minutes=1))
    assert holds_of(box, ada) == [("expired", *held)]
    expired = box.dms(RECRUITER)[-1]
    text = json.dumps(expired)
    assert expired["text"].startswith("Expired:") and "ran out" in text
    assert "proposal_confirm" not in text and "proposal_pick_time" in text
    assert "proposal expired" in json.dumps(box.recruiting())
    assert [e.action for e in rows(box, AuditEvent)].count("proposal_expired") == 1
    # A stale Confirm (an old copy of the message) is refused and books nothing.
    confirm(box, ada)
    assert any("expired" in t for t in said_to(box, RECRUITER))
    assert not rows(box, Interview)
    # The next loop is offered the time Ada's proposal no longer holds.
    grace = started(box, GRACE)
    assert span_of(grace) == held and not grace.proposal["warnings"]
    # Pick another time gives Ada a fresh, held proposal.
    box.book(ada.loop_id, "recruiter_screen", availability=TUESDAY)
    assert box.stage(ada.loop_id, "recruiter_screen").status == "scheduled"


def test_held_time_taken_on_purpose_is_warned_and_the_other_recruiter_told(sandbox):
    ada = started(sandbox, ADA)
    held = span_of(ada)
    # Grace can only do the half hour Ada's proposal holds.
    only_then = held[0].strftime("Tue %H:%M") + "-" + held[1].strftime("%H:%M UTC")
    grace = started(sandbox, {**GRACE, "availability": only_then})
    assert span_of(grace) == held
    assert grace.proposal["warnings"] == [
        "Rosa Recruiter is held then for another proposal (Ada Lovelace's Recruiter phone "
        "screen): no panel fits without taking held time, so that proposal needs a new time if "
        "this one is confirmed"
    ]
    confirm(sandbox, grace)
    assert holds_of(sandbox, ada) == [("released", *held)]
    assert any(
        "held for your proposal of Ada Lovelace's Recruiter phone screen, was just booked for "
        "Grace Hopper's Recruiter phone screen" in json.dumps(m)
        for m in sandbox.dms(RECRUITER)
    )
    # Ada's proposal can no longer be confirmed at that time.
    confirm(sandbox, ada)
    assert any("booked elsewhere" in t for t in said_to(sandbox, RECRUITER))
    assert sandbox.stage(ada.loop_id, "recruiter_screen").status == "proposed"
