""" "Swap with…": a form listing, for each seat of a proposal, the qualified people free then,
with their load, so the recruiter can pick a named person."""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages import action_ids
from bot.messages.blocks import input_block, plain, section, static_select
from bot.slack_text import escape


def swap_picker_modal(
    stage_id: int, version: int, stage_title: str, candidate: str,
    choices: Sequence[tuple[str, str]],
) -> dict:  # fmt: skip
    """`choices`: (value "slot index:person id", "Ada Byrne → Chen Wei · 3 of 4 this week")."""
    return {
        "type": "modal",
        "callback_id": action_ids.SWAP_PICK_VIEW,
        "private_metadata": f"{stage_id}:{version}",
        "title": plain("Swap with…"),
        "submit": plain("Swap"),
        "close": plain("Back"),
        "blocks": [
            section(f"*{escape(candidate)}* — {escape(stage_title)}"),
            input_block(
                "swap",
                "Who takes whose seat",
                static_select("swap", choices[:100], None),
                hint="Everyone listed is qualified and free at that seat's time; "
                "the load is theirs, in their own week.",
            ),
        ],
    }
