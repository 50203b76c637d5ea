"""Feedback: the prompts and reminders after an interview, the form, the thanks, the
panel's feedback for those allowed to read it, and overdue notices to the loop's owners.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages import action_ids
from bot.messages.blocks import (
    button,
    context,
    human,
    input_block,
    option,
    plain,
    section,
    static_select,
    text_input,
)
from bot.messages.values import FeedbackView, LoopView, SlotView
from bot.slack_text import escape, mention, when

SIGNALS = (
    ("strong_no", "Strong no"),
    ("no", "No"),
    ("yes", "Yes"),
    ("strong_yes", "Strong yes"),
)
SIGNAL_MARKS = {"strong_no": "⛔", "no": "👎", "yes": "👍", "strong_yes": "🌟"}
RATINGS = (
    ("1", "1 — well below the bar"),
    ("2", "2 — below"),
    ("3", "3 — at the bar"),
    ("4", "4 — above the bar"),
)


def _feedback_button(interview_id: int, label: str = "Submit feedback") -> dict:
    return {
        "type": "actions",
        "block_id": f"feedback:{interview_id}",
        "elements": [button(label, action_ids.FEEDBACK_OPEN, str(interview_id), "primary")],
    }


def feedback_prompt(loop: LoopView, stage_title: str, slot: SlotView, interview_id: int):
    return {
        "text": f"Feedback for {loop.candidate}",
        "blocks": [
            section(
                f"How did your {human(slot.interview_type)} with "
                f"*{escape(loop.candidate)}* go? Your feedback for the {stage_title} "
                "takes two minutes."
            ),
            _feedback_button(interview_id),
        ],
    }


def feedback_reminder(loop: LoopView, stage_title: str, slot: SlotView, interview_id: int):
    return {
        "text": f"Feedback still due for {loop.candidate}",
        "blocks": [
            section(
                f"Your feedback on *{escape(loop.candidate)}* ({stage_title}, "
                f"{when(slot.start, '{date_short_pretty}')}) is still due — the panel's "
                "decision waits for it."
            ),
            _feedback_button(interview_id),
        ],
    }


def feedback_overdue(loop: LoopView, stage_title: str, slot: SlotView):
    return {
        "text": f"Overdue feedback: {loop.candidate}",
        "blocks": [
            section(
                f":warning: {mention(slot.person.slack_user_id)}'s feedback on "
                f"*{escape(loop.candidate)}* ({stage_title}, interviewed "
                f"{when(slot.end, '{ago}')}) is overdue."
            )
        ],
    }


def feedback_thanks(loop: LoopView, stage_title: str, stage_id: int, updated: bool):
    verb = "updated" if updated else "submitted"
    return {
        "text": f"Feedback {verb}",
        "blocks": [
            section(
                f"Thanks — your feedback on *{escape(loop.candidate)}* ({stage_title}) is "
                f"{verb}. You can edit it until the stage is decided."
            ),
            {
                "type": "actions",
                "block_id": f"panel:{stage_id}",
                "elements": [
                    button("See the panel's feedback", action_ids.FEEDBACK_VIEW, str(stage_id))
                ],
            },
        ],
    }


def feedback_modal(
    interview_id: int,
    candidate: str,
    stage_title: str,
    competencies: Sequence[str],
    previous: dict | None,
    team_choices: Sequence[str] = (),
    preferences: Sequence[str] = (),
) -> dict:
    previous = previous or {}
    ratings = previous.get("ratings", {})
    signal_element = {
        "type": "radio_buttons",
        "action_id": "signal",
        "options": [option(v, f"{SIGNAL_MARKS[v]} {label}") for v, label in SIGNALS],
    }
    if previous.get("signal"):
        signal_element["initial_option"] = next(
            o for o in signal_element["options"] if o["value"] == previous["signal"]
        )
    blocks = [
        section(f"*{escape(candidate)}* — {stage_title}"),
        input_block("signal", "Overall: hire?", signal_element),
        *[
            input_block(
                f"rating:{name}",
                human(name).capitalize(),
                static_select("rating", RATINGS, ratings.get(name)),
            )
            for name in competencies
        ],
        *([_preferences_input(team_choices, preferences)] if team_choices else []),
        input_block(
            "notes",
            "Written feedback",
            text_input(
                "notes",
                previous.get("notes", ""),
                "What you saw, with examples. The first line is the summary.",
                multiline=True,
            ),
        ),
    ]
    return {
        "type": "modal",
        "callback_id": action_ids.FEEDBACK_VIEW_CALLBACK,
        "private_metadata": str(interview_id),
        "title": plain("Interview feedback"),
        "submit": plain("Update" if previous else "Submit"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }


def _preferences_input(teams: Sequence[str], chosen: Sequence[str]) -> dict:
    element = {
        "type": "checkboxes",
        "action_id": "preferences",
        "options": [option(team, team) for team in teams],
    }
    initial = [o for o in element["options"] if o["value"] in chosen]
    if initial:
        element["initial_options"] = initial
    return input_block(
        "preferences",
        "Teams the candidate leans toward",
        element,
        optional=True,
        hint="Shown to the recruiter and hiring manager at every pivot point.",
    )


def panel_feedback_modal(candidate: str, stage_title: str, entries: Sequence[FeedbackView]):
    blocks = [section(f"*{escape(candidate)}* — {stage_title}")]
    for entry in entries:
        if entry.state != "submitted":
            blocks.append(context(f"{entry.person.name}: not submitted yet"))
            continue
        ratings = ", ".join(f"{human(k)} {v}" for k, v in (entry.ratings or {}).items())
        blocks.append(
            section(
                f"*{escape(entry.person.name)}* · {human(entry.interview_type)} · "
                f"{SIGNAL_MARKS[entry.signal]} {dict(SIGNALS)[entry.signal]}\n"
                + (f"_{ratings}_\n" if ratings else "")
                + escape(entry.notes)
            )
        )
    return {
        "type": "modal",
        "title": plain("Panel feedback"),
        "close": plain("Close"),
        "blocks": blocks,
    }
