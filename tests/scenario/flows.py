"""Moves through a loop the way its people would, for the feedback and decision scenarios."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from storage.models import Interview, Loop, Stage

RECRUITER, PAYMENTS_HM = "U0REC01", "U0PAYHM"
WIDE_OPEN = "Tue 9am-6pm, Wed 9am-6pm, Thu 9am-6pm, Fri 9am-6pm"


def candidate(**overrides) -> dict:
    return {
        "candidate_name": "Ada Lovelace",
        "candidate_email": "ada@example.com",
        "track": "ic",
        "level": "L5",
        "team": "payments",
        "recruiter": RECRUITER,
        "hiring_manager": PAYMENTS_HM,
        "candidate_tz": "Europe/London",
        "availability": WIDE_OPEN,
        "technical_format": "discussion",
        **overrides,
    }


def loop_of(box, name: str = "Ada Lovelace") -> Loop:
    with box.runtime.uow() as uow:
        for loop in uow.session.exec(select(Loop)):
            if uow.loops.candidate(loop.candidate_id).name == name:
                return loop
    raise AssertionError(f"no loop for {name}")


def stage_of(box, loop_id: int, key: str) -> Stage:
    with box.runtime.uow() as uow:
        return next(s for s in uow.loops.stages(loop_id) if s.key == key)


def interviews_of(box, stage_id: int) -> list[tuple[Interview, str]]:
    """The stage's live interviews with their interviewer's Slack id."""
    with box.runtime.uow() as uow:
        return [
            (i, uow.interviewers.get(i.interviewer_id).slack_user_id)
            for i in uow.loops.interviews(stage_id)
            if i.status in ("confirmed", "completed")
        ]


def book(
    box,
    loop_id: int,
    key: str,
    availability: str = "Mon 9am-6pm, Tue 9am-6pm, Wed 9am-6pm, Thu 9am-6pm, Fri 9am-6pm",
) -> Stage:
    """Confirm the stage's proposal; when no panel fits, give new times first."""
    stage = stage_of(box, loop_id, key)
    if stage.proposal.get("kind") != "plan":
        box.press(RECRUITER, "proposal_pick_time", value=f"{stage.id}:{stage.proposal['version']}")
        box.submit(RECRUITER, box.last_modal("replan_stage"), {"availability": availability})
        box.settle()
        stage = stage_of(box, loop_id, key)
    assert stage.proposal.get("kind") == "plan", stage.proposal
    box.press(RECRUITER, "proposal_confirm", value=f"{stage.id}:{stage.proposal['version']}")
    stage = stage_of(box, loop_id, key)
    assert stage.status == "scheduled", stage.status
    return stage


def after(box, stage_id: int, extra: timedelta = timedelta(minutes=1)) -> int:
    """Move the clock past the stage's last interview; returns the prompts fired."""
    end = max(i.end_at for i, _ in interviews_of(box, stage_id))
    return box.advance_clock(max(end - box.now, timedelta(0)) + extra)


def feedback_all(box, stage_id: int, signal: str = "yes") -> None:
    for interview, user in interviews_of(box, stage_id):
        response = box.give_feedback(
            user, interview.id, signal, "Clear thinking, good trade-offs; asked sharp questions."
        )
        assert response.body == b"", response.text


def run_stage(box, loop_id: int, key: str, signal: str = "yes") -> Stage:
    """Book a stage, let its interviews happen and collect everyone's feedback."""
    stage = book(box, loop_id, key)
    after(box, stage.id)
    feedback_all(box, stage.id, signal)
    return stage_of(box, loop_id, key)


def decide(box, user: str, action_id: str, stage_id: int) -> None:
    box.press(user, action_id, value=str(stage_id))
