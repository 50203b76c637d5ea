"""The forms a deliberate decision opens (its confirmation, asking why), an offer's details,
and the note the recruiter and hiring manager get once an offer is made."""

from __future__ import annotations

from collections.abc import Mapping

from bot.messages import action_ids
from bot.messages.blocks import (
    button,
    context,
    input_block,
    plain,
    section,
    static_select,
    text_input,
)
from bot.reasons import DETAILS_EXAMPLE, REASONS
from bot.slack_text import escape

WORDS = {
    "decline": ("Decline the candidate", "Decline", action_ids.DECLINE_VIEW),
    "offer": ("Make an offer", "Make offer", action_ids.OFFER_VIEW),
}


def reason_blocks(kind: str) -> list[dict]:
    """The reason's two fields: a short list and free text (needed for "Other")."""
    return [
        input_block("why", "Why", static_select("why", REASONS[kind], None)),
        input_block(
            "details",
            "In your words",
            text_input("details", "", DETAILS_EXAMPLE[kind], multiline=True),
            optional=True,
            hint="Shown in the loop's thread and kept with the decision. Needed for Other.",
        ),
    ]


def decision_modal(kind: str, stage_id: int, candidate: str, stage_title: str) -> dict:
    title, submit, callback = WORDS[kind]
    blocks = [
        section(f"*{escape(candidate)}* · {escape(stage_title)}"),
        context(
            "This closes the loop: later interviews are cancelled and the panel is told."
            if kind == "decline"
            else "The recruiter then shares it with the candidate; the loop tracks the answer."
        ),
        *reason_blocks(kind),
    ]
    if kind == "offer":
        blocks += [
            input_block(
                "compensation",
                "Compensation notes",
                text_input("compensation", "", "Band 5, 10% sign-on, standard equity"),
                hint="Seen by the recruiter and the hiring manager only.",
            ),
            input_block(
                "start_date",
                "Start date",
                {"type": "datepicker", "action_id": "start_date"},
            ),
            input_block(
                "open_questions",
                "Open questions",
                text_input("open_questions", "", "Relocation timing; team for Q2", multiline=True),
                optional=True,
            ),
        ]
    return {
        "type": "modal",
        "callback_id": callback,
        "private_metadata": str(stage_id),
        "title": plain(title),
        "submit": plain(submit),
        "close": plain("Cancel"),
        "blocks": blocks,
    }


def skip_modal(stage_id: int, candidate: str, stage_title: str) -> dict:
    return {
        "type": "modal",
        "callback_id": action_ids.SKIP_MEETING_VIEW,
        "private_metadata": str(stage_id),
        "title": plain("Skip the meeting"),
        "submit": plain("Skip it"),
        "close": plain("Cancel"),
        "blocks": [
            section(f"*{escape(candidate)}* · {escape(stage_title)}"),
            context("The loop goes on to the decision without it."),
            *reason_blocks("skip_meeting"),
        ],
    }


def offer_note(candidate: str, actor: str, loop_id: int) -> dict:
    """To the recruiter and the hiring manager: what comes next, and the answer's buttons."""
    value = str(loop_id)
    return {
        "text": f"Offer approved for {candidate}",
        "blocks": [
            section(
                f"Offer approved for *{escape(candidate)}* by <@{actor}>. Next: share it with "
                "the candidate, then record their answer here."
            ),
            {
                "type": "actions",
                "block_id": f"offer:{value}",
                "elements": [
                    button("Offer details", action_ids.OFFER_DETAILS, value),
                    button("Accepted", action_ids.OFFER_ACCEPTED, value, "primary"),
                    button("Declined", action_ids.OFFER_DECLINED, value, "danger"),
                ],
            },
        ],
    }


def offer_details_modal(candidate: str, offer: Mapping[str, str]) -> dict:
    lines = [
        f"*Compensation:* {escape(offer.get('compensation', ''))}",
        f"*Start date:* {escape(offer.get('start_date', ''))}",
        f"*Open questions:* {escape(offer.get('open_questions', '') or 'none')}",
    ]
    if offer.get("outcome"):
        lines.append(f"*Candidate's answer:* {escape(offer['outcome'])}")
    return {
        "type": "modal",
        "title": plain("Offer details"),
        "close": plain("Close"),
        "blocks": [section(f"*{escape(candidate)}*"), section("\n".join(lines))],
    }
