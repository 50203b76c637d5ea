"""App Home: an interviewer's upcoming interviews and feedback to give; a recruiter's or
hiring manager's open loops by stage, with overdue feedback called out."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from bot import messages
from bot.loops import BOOKING_HORIZON, LoopService
from bot.slack_text import escape, mention, span, when
from storage.models import Interview, Interviewer
from storage.uow import UnitOfWork


def home_view(uow: UnitOfWork, loops: LoopService, slack_user_id: str, now: datetime) -> dict:
    person = uow.interviewers.by_slack_id(slack_user_id)
    blocks: list[dict] = [_header("loopbot")]
    if person is None:
        blocks.append(
            _section(
                "You're not on the interviewer roster yet. A recruiter can add "
                "you with `loopbot roster import`."
            )
        )
        return {"type": "home", "blocks": blocks}
    blocks += _feedback_to_give(uow, loops, person, now)
    blocks += _upcoming(uow, loops, person, now)
    blocks += _loops_run(uow, loops, person, now)
    return {"type": "home", "blocks": blocks}


def _describe(uow: UnitOfWork, loops: LoopService, interview: Interview) -> str:
    stage = uow.loops.stage(interview.stage_id)
    loop = uow.loops.get(stage.loop_id)
    candidate = uow.loops.candidate(loop.candidate_id)
    title = loops.stage_template(loop, stage.key).title
    kind = interview.interview_type.replace("_", " ")
    return f"*{escape(candidate.name)}* · {title} ({kind})"


def _feedback_to_give(uow, loops: LoopService, person: Interviewer, now: datetime) -> list[dict]:
    owed = [
        i
        for i in uow.loops.interviews_with_status(("confirmed", "completed"), person.id)
        if i.end_at <= now
        and uow.loops.feedback_for(i.id) is None
        and uow.loops.stage(i.stage_id).status not in ("decided", "skipped")
    ]
    if not owed:
        return []
    blocks = [_header("Feedback to give")]
    for interview in owed:
        overdue = interview.feedback_reminded_at is not None
        mark = ":warning: *overdue* · " if overdue else ""
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"{mark}{_describe(uow, loops, interview)}\n"
                    f"interviewed {when(interview.end_at, '{ago}')}",
                },
                "accessory": {
                    "type": "button",
                    "action_id": messages.FEEDBACK_OPEN,
                    "value": str(interview.id),
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Submit feedback"},
                },
            }
        )
    return blocks


def _upcoming(uow, loops: LoopService, person: Interviewer, now: datetime) -> list[dict]:
    upcoming = [
        i
        for i in uow.loops.bookings_between(now, now + BOOKING_HORIZON, person.id)
        if i.status == "confirmed" and i.start_at > now
    ]
    lines = [f"• {span(i.start_at, i.end_at)} — {_describe(uow, loops, i)}" for i in upcoming]
    return [
        _header("Your upcoming interviews"),
        _section("\n".join(lines) or "Nothing booked. Enjoy the quiet."),
    ]


def _loops_run(uow, loops: LoopService, person: Interviewer, now: datetime) -> list[dict]:
    running = [
        loop
        for loop in uow.loops.open_loops()
        if person.id in (loop.recruiter_id, loop.hiring_manager_id)
    ]
    if not running:
        return []
    by_stage: dict[str, list[str]] = defaultdict(list)
    for loop in running:
        candidate = uow.loops.candidate(loop.candidate_id)
        current = next(
            (s for s in uow.loops.stages(loop.id) if s.status not in ("decided", "skipped")), None
        )
        if current is None:
            continue
        title = loops.stage_template(loop, current.key).title
        views = loops.feedback_views(uow, current, now)
        overdue = [v for v in views if v.state == "overdue"]
        line = (
            f"• *{escape(candidate.name)}* ({loop.level}, {loops.place(loop)}) — "
            f"{current.status.replace('_', ' ')}"
        )
        if overdue:
            names = ", ".join(mention(v.person.slack_user_id) for v in overdue)
            line += f" · :warning: *feedback overdue* from {names}"
        elif current.status == "completed":
            line += " · ready for your decision"
        by_stage[title].append(line)
    blocks = [_header("Loops you run")]
    for title, lines in by_stage.items():
        blocks.append(_section(f"*{title}*\n" + "\n".join(lines)))
    return blocks


def _header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
