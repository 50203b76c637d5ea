"""Centralized hiring: the pivot form, the summary the new hiring manager gets, and
/loop-pool's overview of the pools.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages import action_ids
from bot.messages.blocks import (
    context,
    human,
    input_block,
    plain,
    section,
    static_select,
    text_input,
)
from bot.messages.thread import STATE_MARKS
from bot.messages.values import LoopView, StageView
from bot.reasons import REASONS
from bot.slack_text import escape


def pivot_modal(
    loop_id: int,
    candidate: str,
    place: str,
    preferences: Sequence[str],
    targets: Sequence[tuple[str, str]],
) -> dict:
    leans = ", ".join(preferences) if preferences else "not recorded yet"
    return {
        "type": "modal",
        "callback_id": action_ids.PIVOT_VIEW,
        "private_metadata": str(loop_id),
        "title": plain("Pivot the loop"),
        "submit": plain("Pivot"),
        "close": plain("Cancel"),
        "blocks": [
            section(
                f"*{escape(candidate)}* — now in {escape(place)}\nLeans toward: {escape(leans)}"
            ),
            context(
                "Finished stages and their feedback carry over; booked interviews stay "
                "when their interviewers fit the new team."
            ),
            input_block("target", "Where to", static_select("target", targets, None)),
            input_block(
                "hiring_manager",
                "Hiring manager from now on",
                {"type": "users_select", "action_id": "hiring_manager"},
                optional=True,
                hint="Leave empty for the new team's own hiring manager.",
            ),
            input_block("why", "Why", static_select("why", REASONS["pivot"], None)),
            input_block(
                "reason",
                "In your words",
                text_input(
                    "reason", "", "Candidate prefers the streaming team's problems", multiline=True
                ),
            ),
        ],
    }


def pivot_summary(
    loop: LoopView,
    before: str,
    after: str,
    reason: str,
    stages: Sequence[StageView],
    tallies: Sequence[str],
    preferences: Sequence[str],
) -> dict:
    """What the new hiring manager gets: everything so far, in one message."""
    states = "\n".join(
        f"{STATE_MARKS.get(s.state, '○')} {s.title} — {human(s.state)}" for s in stages
    )
    return {
        "text": f"You're now the hiring manager for {loop.candidate}",
        "blocks": [
            section(
                f"*{escape(loop.candidate)}* ({loop.level} {loop.level_title}) moved from "
                f"{escape(before)} to {escape(after)} — you're the hiring manager now.\n"
                f"_Why:_ {escape(reason)}"
            ),
            section(states),
            *([section("*Feedback so far*\n" + "\n".join(tallies))] if tallies else []),
            context("Leans toward: " + (", ".join(preferences) if preferences else "not recorded")),
            context(
                "Finished stages carry over; decide in the loop's thread in the recruiting channel."
            ),
        ],
    }


def pools_message(pools: Sequence[tuple[str, str, Sequence[str], str]]) -> dict:
    """/loop-pool: each pool with its teams and the loops running in it."""
    if not pools:
        return {
            "text": "No hiring pools are configured.",
            "blocks": [
                section(
                    "No hiring pools are configured. Add `[pools.<name>]` with `teams = [...]` to "
                    "your templates file (LOOPBOT_TEMPLATES_FILE)."
                )
            ],
        }
    blocks = [{"type": "header", "text": plain("Hiring pools")}]
    for title, details, teams, loops in pools:
        blocks.append(section(f"*{escape(title)}* — {', '.join(teams)}\n{details}\n{loops}"))
    return {"text": "Hiring pools", "blocks": blocks}
