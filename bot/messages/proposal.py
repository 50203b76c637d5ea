"""What the recruiter is sent to confirm a stage: the proposed panel, or why no full
panel fits and the nearest alternatives; and what the message becomes once acted on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.messages import action_ids
from bot.messages.blocks import button, context, human, section
from bot.messages.values import LoopView, SlotView
from bot.slack_text import escape, mention, span, when


def _slot_lines(slots: Sequence[SlotView]) -> list[str]:
    return [
        f"{span(s.start, s.end)}  {mention(s.person.slack_user_id)} · {human(s.role)}"
        f" ({human(s.interview_type)})"
        for s in slots
    ]


def proposal_message(
    loop: LoopView,
    stage_title: str,
    stage_id: int,
    version: int,
    slots: Sequence[SlotView],
    warnings: Sequence[str],
    take_home_due: datetime | None = None,
    held_until: datetime | None = None,
    expired: bool = False,
    trainees: Sequence[str] = (),
    load: Sequence[str] = (),
) -> dict:
    """The proposed panel with Confirm, Swap and Pick another time. While its times are held
    it says until when; once the hold has run out it is marked expired and only Pick another
    time is left."""
    value = f"{stage_id}:{version}"
    header = f"*{stage_title}* for *{escape(loop.candidate)}* ({loop.level}, {loop.team})"
    blocks: list[dict] = [section(f"{'Expired' if expired else 'Proposed'}: {header}")]
    if take_home_due is not None:
        reviewer = slots[0]
        blocks.append(
            section(
                f"Take-home sent on confirm, due {when(take_home_due)}; reviewer "
                f"{mention(reviewer.person.slack_user_id)}",
                button("Swap", action_ids.SWAP, f"{value}:0"),
            )
        )
    else:
        for index, line in enumerate(_slot_lines(slots)):
            swap = None if expired else button("Swap", action_ids.SWAP, f"{value}:{index}")
            blocks.append(section(line, swap))
    for line in trainees:
        blocks.append(context(f":seedling: {line}"))
    if load:
        blocks.append(context(f":bar_chart: {escape('; '.join(load))}"))
    for warning in warnings:
        blocks.append(context(f":warning: {escape(warning)}"))
    if loop.accommodations:
        blocks.append(context(f"Accommodations: {escape(loop.accommodations)}"))
    if expired and held_until is not None:
        blocks.append(
            context(
                f"The hold on these times ran out {when(held_until)}; others may have them "
                "now. Pick another time for a fresh plan."
            )
        )
    elif held_until is not None:
        blocks.append(context(f"These times are held for you until {when(held_until)}."))
    buttons = [button("Pick another time", action_ids.PICK_TIME, value, "primary")]
    if not expired:
        buttons = [
            button("Confirm", action_ids.CONFIRM, value, "primary"),
            button("Pick another time", action_ids.PICK_TIME, value),
        ]
        if take_home_due is None:
            buttons.append(button("Swap with…", action_ids.SWAP_PICK, value))
    blocks.append({"type": "actions", "block_id": f"proposal:{value}", "elements": buttons})
    status = "Expired" if expired else "Proposed"
    return {"text": f"{status}: {stage_title} for {loop.candidate}", "blocks": blocks}


def no_plan_message(
    loop: LoopView,
    stage_title: str,
    stage_id: int,
    version: int,
    shortages: Sequence[str],
    alternatives: Sequence[tuple[str, Sequence[SlotView], str]],
) -> dict:
    """No full panel fits: say who was missing when, and offer the nearest alternatives."""
    value = f"{stage_id}:{version}"
    blocks: list[dict] = [
        section(
            f"*No full panel fits* for {stage_title} of *{escape(loop.candidate)}*."
            " Nothing was booked."
        ),
        section("\n".join(f"• {escape(s)}" for s in shortages) or "• no one is free"),
    ]
    buttons = [button("Pick another time", action_ids.PICK_TIME, value, "primary")]
    for index, (kind, slots, warning) in enumerate(alternatives):
        label = "another day" if kind == "another_day" else "a relaxed weekly cap"
        first = slots[0].start if slots else None
        lines = "\n".join(_slot_lines(slots))
        blocks.append(
            section(
                f"*Alternative with {label}*"
                + (f" — {when(first, '{date_long_pretty}')}" if first else "")
                + f"\n{lines}"
            )
        )
        if warning:
            blocks.append(context(f":warning: {escape(warning)}"))
        buttons.append(button(f"Use {label}", action_ids.USE_ALTERNATIVE, f"{value}:{index}"))
    blocks.append({"type": "actions", "block_id": f"noplan:{value}", "elements": buttons})
    return {"text": f"No full panel fits for {stage_title} of {loop.candidate}", "blocks": blocks}


def proposal_closed(loop: LoopView, stage_title: str, outcome: str) -> dict:
    """What the proposal message becomes once acted on (no live buttons left behind)."""
    return {
        "text": f"{stage_title} for {loop.candidate}: {outcome}",
        "blocks": [section(f"*{stage_title}* for *{escape(loop.candidate)}* — {outcome}")],
    }
