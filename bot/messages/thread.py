"""The loop in the recruiting channel: its root message and one reply per stage (the
roll-up), both edited in place as bookings, feedback and decisions land.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.messages import action_ids
from bot.messages.blocks import button, context, human, plain, section
from bot.messages.feedback import SIGNAL_MARKS, SIGNALS
from bot.messages.values import Decided, DecisionChoice, FeedbackView, LoopView, SlotView, StageView
from bot.slack_text import escape, mention, when

# How a template's gate reads in the decision thread.
GATES = {"positive_feedback": "only after positive feedback on the stage before"}

STATE_MARKS = {
    "pending": "○",
    "proposed": "◐",
    "scheduled": "◑",
    "completed": "●",
    "decided": "✔",
    "skipped": "–",
    "on_hold": "⏸",
    "cancelled": "✕",
}

LOOP_OUTCOMES = {"offer": ":tada: *Offer made*", "declined": "*Declined*"}


def decision_root(loop: LoopView, stages: Sequence[StageView]) -> dict:
    """The one message per loop in the recruiting channel, kept current with chat.update.
    Accommodations never appear here: the channel is wider than the people who need them."""
    states = "\n".join(
        f"{STATE_MARKS.get(s.state, '○')} {s.title} — {human(s.state)}"
        + (f" · {s.summary}" if s.summary else "")
        for s in stages
    )
    return {
        "text": f"Loop: {loop.candidate} ({loop.level}, {loop.team})",
        "blocks": [
            {"type": "header", "text": plain(f"{loop.candidate} · {loop.level} · {loop.team}")},
            section(
                f"*{loop.track_title}* · {loop.level} {loop.level_title}\n"
                f"Recruiter {mention(loop.recruiter.slack_user_id)} · hiring manager "
                f"{mention(loop.hiring_manager.slack_user_id)}"
            ),
            section(states),
            *([section(LOOP_OUTCOMES[loop.status])] if loop.status in LOOP_OUTCOMES else []),
            context(f"Loop #{loop.loop_id} · stage updates and decisions in the thread"),
            # Centralized hiring: the loop can pivot at any stage, not only at decisions.
            *(
                [
                    {
                        "type": "actions",
                        "block_id": f"loop:{loop.loop_id}",
                        "elements": [button("Pivot", action_ids.PIVOT, str(loop.loop_id))],
                    }
                ]
                if loop.status == "open"
                else []
            ),
        ],
    }


DECISION_WORDS = {
    "advance": "Advanced",
    "decline": "Declined",
    "offer": "Offer made",
    "pivot": "Pivoted",
    "skip": "Skipped",
}


def stage_rollup(
    stage_title: str,
    entries: Sequence[FeedbackView],
    slots: Sequence[SlotView],
    choice: DecisionChoice | None,
    decided: Decided | None,
    take_home_due: datetime | None = None,
    summary_lines: Sequence[str] = (),
    reveal: bool = True,
    stage_id: int | None = None,
) -> dict:
    """One thread reply per stage, edited in place as bookings, feedback and decisions land.

    Until `reveal` (the panel is complete) it shows progress only — who has submitted, who is
    due or overdue — and a button whose modal is checked per viewer."""
    if take_home_due is not None and slots:
        head = (
            f"*{stage_title}* — take-home due {when(take_home_due)}, reviewed by "
            f"{mention(slots[0].person.slack_user_id)}"
        )
    elif slots:
        head = f"*{stage_title}* — " + when(slots[0].start, "{date_long_pretty}")
    else:
        head = f"*{stage_title}*"
    blocks = [section(head)]
    marks = {"submitted": "✅", "waiting": "🕒", "due": "⏳", "overdue": "⚠️"}
    lines = []
    for entry, slot in zip(entries, slots, strict=False):
        line = (
            f"{marks[entry.state]} {mention(entry.person.slack_user_id)} · "
            f"{human(entry.interview_type)} · {when(slot.start, '{time}')}"
        )
        if entry.state == "submitted" and not reveal:
            line += " — feedback in"
        elif entry.state == "submitted":
            line += f" — {SIGNAL_MARKS[entry.signal]} {dict(SIGNALS)[entry.signal]}"
            if entry.summary:
                line += f": {escape(entry.summary)}"
        elif entry.state == "overdue":
            line += " — *feedback overdue*"
        elif entry.state == "due":
            line += " — feedback due"
        lines.append(line)
    lines.extend(summary_lines)
    if lines:
        blocks.append(section("\n".join(lines)))
    submitted = [e.signal for e in entries if e.state == "submitted"]
    if entries and not reveal:
        blocks.append(context(f"{len(submitted)} of {len(entries)} in"))
        if submitted and stage_id is not None:
            blocks.append(
                {
                    "type": "actions",
                    "block_id": f"read:{stage_id}",
                    "elements": [
                        button("Read feedback so far", action_ids.FEEDBACK_VIEW, str(stage_id))
                    ],
                }
            )
    elif entries:
        tally = " · ".join(f"{SIGNAL_MARKS[v]} {submitted.count(v)}" for v, _ in SIGNALS)
        blocks.append(context(f"{len(submitted)} of {len(entries)} submitted · {tally}"))
    if decided is not None:
        blocks.append(
            context(
                f"{DECISION_WORDS.get(decided.kind, decided.kind)} by {mention(decided.by)} "
                f"{when(decided.at)}" + (f" — {escape(decided.note)}" if decided.note else "")
            )
        )
    elif choice is not None:
        value = str(choice.stage_id)
        buttons = []
        if choice.next_title is None:
            buttons.append(button("Make offer", action_ids.OFFER, value, "primary"))
        elif not choice.gate_note:
            buttons.append(
                button(f"Advance to {choice.next_title}", action_ids.ADVANCE, value, "primary")
            )
        buttons.append(button("Decline", action_ids.DECLINE, value, "danger"))
        if choice.loop_id:
            buttons.append(button("Pivot", action_ids.PIVOT, str(choice.loop_id)))
        if choice.preferences:
            blocks.append(context(f"Candidate leans toward: {', '.join(choice.preferences)}"))
        if choice.gate_note:
            blocks.append(context(f":lock: {escape(choice.gate_note)}"))
        blocks.append({"type": "actions", "block_id": f"decide:{value}", "elements": buttons})
    return {"text": f"{stage_title}: feedback", "blocks": blocks}
