"""The App Home tab: an interviewer's feedback to give and upcoming interviews; the loops a
recruiter or hiring manager runs, by stage, with overdue feedback called out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.messages import action_ids
from bot.messages.blocks import section
from bot.slack_text import escape, mention, span, when


@dataclass(frozen=True)
class HomeInterview:
    interview_id: int
    candidate: str
    stage_title: str
    interview_type: str
    start: datetime
    end: datetime
    feedback_overdue: bool = False  # its feedback reminder has gone out


@dataclass(frozen=True)
class HomeLoop:
    candidate: str
    level: str
    place: str
    stage_title: str | None  # the stage it is at; None when every stage is decided or skipped
    stage_status: str = ""
    overdue_from: tuple[str, ...] = ()  # Slack ids of panelists whose feedback is overdue


def off_roster_home() -> dict:
    return {
        "type": "home",
        "blocks": [
            _header("loopbot"),
            section(
                "You're not on the interviewer roster yet. A recruiter can add "
                "you with `loopbot roster import`."
            ),
        ],
    }


def home_tab(
    owed: Sequence[HomeInterview],
    upcoming: Sequence[HomeInterview],
    running: Sequence[HomeLoop],
    week: Sequence[str] = (),
) -> dict:
    """`week`: a recruiter's numbers for this week (mrkdwn lines), shown last and small."""
    blocks: list[dict] = [_header("loopbot")]
    blocks += _feedback_to_give(owed)
    blocks += _upcoming(upcoming)
    blocks += _loops_run(running)
    if week:
        blocks += [
            _header("Your week in numbers"),
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "\n".join(week)}]},
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": "Charts and more: `/loop-insights [team] [period]`"}
                ],
            },
        ]
    return {"type": "home", "blocks": blocks}


def _describe(interview: HomeInterview) -> str:
    kind = interview.interview_type.replace("_", " ")
    return f"*{escape(interview.candidate)}* · {interview.stage_title} ({kind})"


def _feedback_to_give(owed: Sequence[HomeInterview]) -> list[dict]:
    if not owed:
        return []
    blocks = [_header("Feedback to give")]
    for interview in owed:
        mark = ":warning: *overdue* · " if interview.feedback_overdue else ""
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"{mark}{_describe(interview)}\n"
                    f"interviewed {when(interview.end, '{ago}')}",
                },
                "accessory": {
                    "type": "button",
                    "action_id": action_ids.FEEDBACK_OPEN,
                    "value": str(interview.interview_id),
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Submit feedback"},
                },
            }
        )
    return blocks


def _upcoming(upcoming: Sequence[HomeInterview]) -> list[dict]:
    lines = [f"• {span(i.start, i.end)} — {_describe(i)}" for i in upcoming]
    return [
        _header("Your upcoming interviews"),
        section("\n".join(lines) or "Nothing booked. Enjoy the quiet."),
    ]


def _loops_run(running: Sequence[HomeLoop]) -> list[dict]:
    if not running:
        return []
    by_stage: dict[str, list[str]] = defaultdict(list)
    for loop in running:
        if loop.stage_title is None:
            continue
        line = (
            f"• *{escape(loop.candidate)}* ({loop.level}, {loop.place}) — "
            f"{loop.stage_status.replace('_', ' ')}"
        )
        if loop.overdue_from:
            names = ", ".join(mention(slack_id) for slack_id in loop.overdue_from)
            line += f" · :warning: *feedback overdue* from {names}"
        elif loop.stage_status == "completed":
            line += " · ready for your decision"
        by_stage[loop.stage_title].append(line)
    blocks = [_header("Loops you run")]
    for title, lines in by_stage.items():
        blocks.append(section(f"*{title}*\n" + "\n".join(lines)))
    return blocks


def _header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}
