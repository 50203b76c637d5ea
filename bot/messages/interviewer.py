"""An interviewer's DMs: the booking, its cancellation and the reminder before it."""

from __future__ import annotations

from datetime import datetime

from bot.messages import action_ids
from bot.messages.blocks import button, context, human, section
from bot.messages.values import LoopView, SlotView
from bot.slack_text import escape, mention, span, when


def interview_dm(
    loop: LoopView,
    stage_title: str,
    focus: str,
    slot: SlotView,
    interview_id: int,
    due: datetime | None = None,
    replacing: str | None = None,
) -> dict:
    intro = f"You're on *{escape(loop.candidate)}*'s {stage_title}"
    if replacing:
        intro += f", taking over from {replacing}"
    time_line = (
        f"*Review due:* {when(due)}" if due is not None else f"*When:* {span(slot.start, slot.end)}"
    )
    blocks = [
        section(intro + "."),
        section(
            f"{time_line}\n*Your part:* {human(slot.interview_type)} ({human(slot.role)})\n"
            f"*Focus:* {escape(focus)}\n"
            f"*Candidate:* {escape(loop.candidate)} · {loop.level} {loop.level_title} · "
            f"{loop.team}\n*Recruiter:* {mention(loop.recruiter.slack_user_id)}"
        ),
    ]
    if loop.accommodations:
        blocks.append(
            section(f":information_source: *Accommodations:* {escape(loop.accommodations)}")
        )
    blocks.append(
        {
            "type": "actions",
            "block_id": f"interview:{interview_id}",
            "elements": [
                button("Can't make it", action_ids.CANT_MAKE_IT, str(interview_id), "danger")
            ],
        }
    )
    return {"text": f"{stage_title} with {loop.candidate}", "blocks": blocks}


def interview_released_dm(
    loop: LoopView, stage_title: str, slot: SlotView, taken_by: str | None
) -> dict:
    """The decliner's booking DM once they are off it: no live button, and who took over."""
    after = f"{mention(taken_by)} took your slot." if taken_by else "The recruiter is re-planning."
    return {
        "text": f"You're off {stage_title} with {loop.candidate}",
        "blocks": [
            section(
                f"~{escape(loop.candidate)}'s {stage_title}, {span(slot.start, slot.end)}~\n"
                f"You're off this interview. {after} Thanks for saying so early."
            )
        ],
    }


def interview_cancelled_dm(loop: LoopView, stage_title: str, slot: SlotView, why: str) -> dict:
    return {
        "text": f"Cancelled: {stage_title} with {loop.candidate}",
        "blocks": [
            section(
                f"Your {human(slot.interview_type)} with *{escape(loop.candidate)}* on "
                f"{span(slot.start, slot.end)} is *cancelled* — {escape(why)}. Nothing to do."
            )
        ],
    }


def interview_reminder(loop: LoopView, stage_title: str, slot: SlotView, interview_id: int):
    return {
        "text": f"Soon: {stage_title} with {loop.candidate}",
        "blocks": [
            section(
                f"Reminder: your {human(slot.interview_type)} with "
                f"*{escape(loop.candidate)}* starts {when(slot.start, '{time}')} "
                f"({when(slot.start, '{ago}')})."
            ),
            *(
                [context(f"Accommodations: {escape(loop.accommodations)}")]
                if loop.accommodations
                else []
            ),
            {
                "type": "actions",
                "block_id": f"reminder:{interview_id}",
                "elements": [
                    button("Can't make it", action_ids.CANT_MAKE_IT, str(interview_id), "danger")
                ],
            },
        ],
    }
