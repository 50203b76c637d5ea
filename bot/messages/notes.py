"""One-line notes: a DM to a recruiter or hiring manager, a reply in a loop's thread."""

from __future__ import annotations

from bot.messages.blocks import context, section


def recruiter_note(text: str) -> dict:
    return {"text": text, "blocks": [section(text)]}


def thread_note(text: str) -> dict:
    return {"text": text, "blocks": [context(text)]}
