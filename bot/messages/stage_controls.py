"""A booked stage's controls in the recruiter's DM: Reschedule, Hold and Cancel (each asks
for a reason), Resume for a held stage; and the proposal's warning before its hold lapses."""

from __future__ import annotations

from datetime import datetime

from bot.messages import action_ids
from bot.messages.blocks import button, context, input_block, plain, section, text_input
from bot.slack_text import escape, when

# The kinds of change, in the order the form's metadata numbers them.
KINDS = ("reschedule", "hold", "cancel")
TITLES = {"reschedule": "Reschedule stage", "hold": "Hold stage", "cancel": "Cancel stage"}
EXPLAIN = {
    "reschedule": "Everyone is taken off the schedule and a fresh plan comes to you, keeping "
    "whoever can stay.",
    "hold": "The bookings are released and the stage waits until you press Resume "
    "(the candidate is unavailable for now).",
    "cancel": "The bookings are released and the stage will not run.",
}
PLACEHOLDERS = {
    "reschedule": "The candidate asked to move to next week",
    "hold": "Candidate travelling until the 14th",
    "cancel": "Candidate withdrew",
}


def controls(stage_id: int) -> dict:
    value = str(stage_id)
    return {
        "type": "actions",
        "block_id": f"stage:{stage_id}:controls",
        "elements": [
            button("Reschedule", action_ids.STAGE_RESCHEDULE, value),
            button("Hold", action_ids.STAGE_HOLD, value),
            button("Cancel stage", action_ids.STAGE_CANCEL, value, style="danger"),
        ],
    }


def booked_message(closed: dict, stage_id: int) -> dict:
    """The confirmed proposal, with the stage's controls under it."""
    return {**closed, "blocks": [*closed["blocks"], controls(stage_id)]}


def control_modal(stage_id: int, kind: str, stage_title: str, candidate: str) -> dict:
    return {
        "type": "modal",
        "callback_id": action_ids.STAGE_CONTROL_VIEW,
        "private_metadata": f"{stage_id}:{KINDS.index(kind)}",
        "title": plain(TITLES[kind]),
        "submit": plain(TITLES[kind].split()[0]),
        "close": plain("Back"),
        "blocks": [
            section(f"*{escape(candidate)}* — {escape(stage_title)}\n{EXPLAIN[kind]}"),
            input_block(
                "reason",
                "Reason",
                text_input("reason", "", PLACEHOLDERS[kind]),
                hint="Shown to the panel and kept in the audit.",
            ),
        ],
    }


def changed_message(stage_title: str, candidate: str, kind: str, reason: str, stage_id: int):
    """What the booked stage's message becomes: said what happened, and Resume when held."""
    done = {"reschedule": "rescheduled", "hold": "on hold", "cancel": "cancelled"}[kind]
    text = f"*{escape(stage_title)}* for *{escape(candidate)}* — {done}: {escape(reason)}"
    blocks: list[dict] = [section(text)]
    if kind == "hold":
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    button("Resume", action_ids.STAGE_RESUME, str(stage_id), style="primary")
                ],
            }
        )
    return {"text": text, "blocks": blocks}


def expiry_warning(stage_title: str, candidate: str, until: datetime) -> dict:
    text = (
        f":hourglass: The proposal for *{escape(candidate)}*'s {escape(stage_title)} stops "
        f"holding its times {when(until)}. Confirm it before then, or its people may be "
        "booked elsewhere."
    )
    later = context("Nothing is lost: Pick another time gives a fresh plan later.")
    return {"text": text, "blocks": [section(text), later]}
