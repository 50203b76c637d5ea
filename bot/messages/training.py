"""Interviewer training: the lead's one-click sign-off on a trainee's session, and the notes
a sign-off and a graduation send."""

from __future__ import annotations

from bot.messages import action_ids
from bot.messages.blocks import button, context, section
from bot.slack_text import escape, mention

MODE_TITLES = {"shadow": "shadow", "reverse_shadow": "reverse shadow"}


def sign_off_request(
    trainee_user: str, mode: str, interview_type: str, stage_title: str, candidate: str,
    trainee_interview_id: int,
) -> dict:  # fmt: skip
    """To the lead, once their own feedback is in: was the trainee's session positive?"""
    kind = interview_type.replace("_", " ")
    text = (
        f"{mention(trainee_user)} sat in on your {kind} interview ({escape(stage_title)}, "
        f"{escape(candidate)}) as a {MODE_TITLES[mode]}. How did it go?"
    )
    value = str(trainee_interview_id)
    return {
        "text": text,
        "blocks": [
            section(text),
            {
                "type": "actions",
                "elements": [
                    button("Positive", action_ids.TRAINEE_POSITIVE, value, style="primary"),
                    button("Not yet", action_ids.TRAINEE_NOT_YET, value),
                ],
            },
            context("Their feedback is practice: it never counts toward the decision."),
        ],
    }


def signed_off(trainee_user: str, mode: str, verdict: str) -> dict:
    """What the sign-off request becomes once answered."""
    said = "positive" if verdict == "positive" else "not yet"
    text = f"You signed off {mention(trainee_user)}'s {MODE_TITLES[mode]} session as *{said}*."
    return {"text": text, "blocks": [section(text)]}


def progress_note(interview_type: str, stage: str, rule_text: str) -> dict:
    """To the trainee when a sign-off moves them on (shadow to reverse shadow)."""
    kind = interview_type.replace("_", " ")
    text = (
        f"Your {kind} training moves on: you now sit in as a *{MODE_TITLES[stage]}* "
        f"(graduation takes {rule_text})."
    )
    return {"text": text, "blocks": [section(text)]}


def graduation_note(trainee_user: str, interview_type: str, for_trainee: bool) -> dict:
    kind = interview_type.replace("_", " ")
    text = (
        f":mortar_board: You graduated: you are now in the pool for *{kind}* interviews."
        if for_trainee
        else f":mortar_board: {mention(trainee_user)} graduated and joined the *{kind}* pool."
    )
    return {"text": text, "blocks": [section(text)]}
