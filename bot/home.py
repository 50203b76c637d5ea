"""App Home: what a person has coming up, and the loops they run."""

from __future__ import annotations

from datetime import datetime

from bot.loops import BOOKING_HORIZON, LoopService
from bot.slack_text import escape, span
from storage.uow import UnitOfWork


def home_view(uow: UnitOfWork, loops: LoopService, slack_user_id: str, now: datetime) -> dict:
    person = uow.interviewers.by_slack_id(slack_user_id)
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": "loopbot"}}]
    if person is None:
        blocks.append(
            _section(
                "You're not on the interviewer roster yet. A recruiter can add "
                "you with `loopbot roster import`."
            )
        )
        return {"type": "home", "blocks": blocks}
    upcoming = [
        i
        for i in uow.loops.bookings_between(now, now + BOOKING_HORIZON)
        if i.interviewer_id == person.id and i.status == "confirmed"
    ]
    lines = []
    for interview in upcoming:
        stage = uow.loops.stage(interview.stage_id)
        loop = uow.loops.get(stage.loop_id)
        candidate = uow.loops.candidate(loop.candidate_id)
        title = loops.stage_template(loop, stage.key).title
        kind = interview.interview_type.replace("_", " ")
        lines.append(
            f"• {span(interview.start_at, interview.end_at)} — "
            f"{escape(candidate.name)}, {title} ({kind})"
        )
    blocks.append(_section("*Your upcoming interviews*\n" + ("\n".join(lines) or "None booked.")))
    running = [
        loop
        for loop in uow.loops.open_loops()
        if person.id in (loop.recruiter_id, loop.hiring_manager_id)
    ]
    if running:
        rows = []
        for loop in running:
            candidate = uow.loops.candidate(loop.candidate_id)
            current = next(
                (s for s in uow.loops.stages(loop.id) if s.status not in ("decided", "skipped")),
                None,
            )
            state = (
                (f"{loops.stage_template(loop, current.key).title}: {current.status}")
                if current
                else "done"
            )
            rows.append(f"• *{escape(candidate.name)}* ({loop.level}, {loop.team}) — {state}")
        blocks.append(_section("*Loops you run*\n" + "\n".join(rows)))
    return {"type": "home", "blocks": blocks}


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
