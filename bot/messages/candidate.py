"""What the recruiter sees of the candidate's side: the Send to candidate offer, its form,
and the note form (an offer-call invite, a decline) they edit before anything is sent."""

from __future__ import annotations

from bot.messages import action_ids
from bot.messages.blocks import button, input_block, option, plain, section, text_input

MODES = (
    ("self_schedule", "Let them pick a time where the whole panel fits"),
    ("availability", "Ask for their availability; loopbot plans around it"),
)


def send_offer(candidate: str, stage_title: str, stage_id: int, sent: str = "") -> dict:
    """The recruiter's DM when a stage opens: send the candidate a link (or say it went)."""
    text = (
        f"*{candidate}*'s {stage_title}: {sent}"
        if sent
        else f"*{candidate}*'s {stage_title}: let {candidate.split()[0]} choose the time?"
    )
    return {
        "text": text,
        "blocks": [
            section(
                text,
                button(
                    "Send again" if sent else "Send to candidate",
                    action_ids.CANDIDATE_SEND,
                    str(stage_id),
                    None if sent else "primary",
                ),
            )
        ],
    }


def send_modal(stage_id: int, candidate: str, stage_title: str, email: str) -> dict:
    return {
        "type": "modal",
        "callback_id": action_ids.CANDIDATE_SEND_VIEW,
        "private_metadata": str(stage_id),
        "title": plain("Send to candidate"),
        "submit": plain("Send"),
        "close": plain("Cancel"),
        "blocks": [
            section(f"An email to *{candidate}* ({email}) with a link for the {stage_title}."),
            input_block(
                "mode",
                "What should they do?",
                {
                    "type": "radio_buttons",
                    "action_id": "mode",
                    "options": [option(v, label) for v, label in MODES],
                    "initial_option": option(*MODES[0]),
                },
            ),
        ],
    }


def note_offer(candidate: str, loop_id: int, kind: str, what: str) -> dict:
    """After a decision: the recruiter writes to the candidate (nothing goes unless they do)."""
    text = f"*{candidate}*: {what}. Write to {candidate.split()[0]} when you are ready."
    return {
        "text": text,
        "blocks": [
            section(text, button("Email candidate", action_ids.CANDIDATE_NOTE, f"{loop_id}:{kind}"))
        ],
    }


def note_modal(loop_id: int, kind: str, email: str, subject: str, body: str) -> dict:
    return {
        "type": "modal",
        "callback_id": action_ids.CANDIDATE_NOTE_VIEW,
        "private_metadata": f"{loop_id}:{kind}",
        "title": plain("Email candidate"),
        "submit": plain("Send"),
        "close": plain("Cancel"),
        "blocks": [
            section(f"To {email}. Edit it as you like; it goes when you press Send."),
            input_block("subject", "Subject", text_input("subject", subject)),
            input_block("body", "Message", text_input("body", body, multiline=True)),
        ],
    }
