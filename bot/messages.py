"""Block Kit builders: pure functions from plain values to Slack payloads.

Times are always Slack date tokens, so every reader sees their own zone.
Action ids are the contract with handlers/actions.py and handlers/views.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.slack_text import escape, mention, span, when

# Action and callback ids (the handlers listen for these).
SCHEDULE_LOOP_VIEW = "schedule_loop"
REPLAN_VIEW = "replan_stage"
CONFIRM = "proposal_confirm"
SWAP = "proposal_swap"
PICK_TIME = "proposal_pick_time"
USE_ALTERNATIVE = "proposal_use_alternative"
CANT_MAKE_IT = "interview_decline"

# How a template's gate reads in the decision thread.
GATES = {"positive_feedback": "only after positive feedback on the stage before"}

STATE_MARKS = {
    "pending": "○",
    "proposed": "◐",
    "scheduled": "◑",
    "completed": "●",
    "decided": "✔",
    "skipped": "–",
}


@dataclass(frozen=True)
class Person:
    slack_user_id: str
    name: str


@dataclass(frozen=True)
class SlotView:
    person: Person
    role: str
    interview_type: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class StageView:
    key: str
    title: str
    state: str
    summary: str = ""


@dataclass(frozen=True)
class LoopView:
    loop_id: int
    candidate: str
    level: str
    level_title: str
    track_title: str
    team: str
    recruiter: Person
    hiring_manager: Person
    accommodations: str = ""
    status: str = "open"


LOOP_OUTCOMES = {"offer": ":tada: *Offer made*", "declined": "*Declined*"}


def _text(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def _plain(text: str) -> dict:
    return {"type": "plain_text", "text": text, "emoji": True}


def _section(text: str, accessory: dict | None = None) -> dict:
    block = {"type": "section", "text": _text(text)}
    if accessory:
        block["accessory"] = accessory
    return block


def _context(text: str) -> dict:
    return {"type": "context", "elements": [_text(text)]}


def _button(label: str, action_id: str, value: str, style: str | None = None) -> dict:
    button = {"type": "button", "text": _plain(label), "action_id": action_id, "value": value}
    if style:
        button["style"] = style
    return button


def _human(key: str) -> str:
    return key.replace("_", " ")


# --- /schedule-loop modal -------------------------------------------------------------------


@dataclass(frozen=True)
class ModalChoices:
    tracks: Sequence[tuple[str, str]]  # (key, title)
    levels: Sequence[tuple[str, str]]
    places: Sequence[tuple[str, str]]  # (value, label): teams, then pools as "pool:<key>"
    formats: Sequence[tuple[str, str]]
    max_extra_minutes: int
    max_extra_break: int


def _option(value: str, label: str) -> dict:
    return {"text": _plain(label[:75]), "value": value}


def _select(action_id: str, options: Sequence[tuple[str, str]], initial: str | None) -> dict:
    element = {
        "type": "static_select",
        "action_id": action_id,
        "options": [_option(v, label) for v, label in options],
    }
    chosen = [o for o in element["options"] if o["value"] == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return element


def _input(block_id: str, label: str, element: dict, *, optional=False, hint: str = "") -> dict:
    block = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint)
    return block


def _text_input(action_id: str, initial: str = "", placeholder: str = "", multiline=False):
    element = {"type": "plain_text_input", "action_id": action_id, "multiline": multiline}
    if initial:
        element["initial_value"] = initial
    if placeholder:
        element["placeholder"] = _plain(placeholder)
    return element


def _minutes(limit: int) -> list[tuple[str, str]]:
    steps = [m for m in (0, 5, 10, 15, 20, 30, 45, 60) if m <= limit]
    return [(str(m), "none" if m == 0 else f"{m} minutes") for m in steps]


def schedule_loop_modal(choices: ModalChoices, prefill: dict[str, str]) -> dict:
    """The /schedule-loop form. `prefill` maps block ids to initial values."""
    users = {}
    for key in ("recruiter", "hiring_manager"):
        element = {"type": "users_select", "action_id": key}
        if prefill.get(key):
            element["initial_user"] = prefill[key]
        users[key] = element
    blocks = [
        _input(
            "candidate_name",
            "Candidate name",
            _text_input("candidate_name", prefill.get("candidate_name", ""), "Ada Lovelace"),
        ),
        _input(
            "candidate_email",
            "Candidate email",
            _text_input("candidate_email", prefill.get("candidate_email", ""), "ada@example.com"),
        ),
        _input("track", "Track", _select("track", choices.tracks, prefill.get("track"))),
        _input("level", "Level", _select("level", choices.levels, prefill.get("level"))),
        _input("team", "Team or hiring pool", _select("team", choices.places, prefill.get("team"))),
        _input("recruiter", "Recruiter", users["recruiter"]),
        _input("hiring_manager", "Hiring manager", users["hiring_manager"]),
        _input(
            "candidate_tz",
            "Candidate time zone",
            _text_input("candidate_tz", prefill.get("candidate_tz", ""), "Europe/London"),
            hint="An IANA zone name, e.g. America/New_York, Europe/Berlin, Asia/Kolkata.",
        ),
        _input(
            "availability",
            "Candidate availability",
            _text_input(
                "availability",
                prefill.get("availability", ""),
                "Tue 2pm-6pm, Thu after 10am",
                multiline=True,
            ),
            hint="In the candidate's zone unless you name one: "
            "'Tue 2pm-6pm, Thu after 10am PT' or 'next Monday 9-12 Europe/Berlin'.",
        ),
        _input(
            "technical_format",
            "Technical screen (the candidate's choice)",
            {
                "type": "radio_buttons",
                "action_id": "technical_format",
                "options": [_option(k, t) for k, t in choices.formats],
                "initial_option": _option(
                    *next(
                        (f for f in choices.formats if f[0] == prefill.get("technical_format")),
                        choices.formats[-1],
                    )
                ),
            },
        ),
        _input(
            "accommodations",
            "Accommodations",
            _text_input(
                "accommodations",
                prefill.get("accommodations", ""),
                "e.g. screen reader; captions; longer breaks",
                multiline=True,
            ),
            optional=True,
            hint="Shown only to the recruiter, the hiring manager and the panel.",
        ),
        _input(
            "extra_minutes",
            "Extra minutes per interview",
            _select(
                "extra_minutes",
                _minutes(choices.max_extra_minutes),
                prefill.get("extra_minutes", "0"),
            ),
            optional=True,
        ),
        _input(
            "extra_break",
            "Extra break between interviews",
            _select(
                "extra_break", _minutes(choices.max_extra_break), prefill.get("extra_break", "0")
            ),
            optional=True,
        ),
    ]
    return {
        "type": "modal",
        "callback_id": SCHEDULE_LOOP_VIEW,
        "title": _plain("Schedule a loop"),
        "submit": _plain("Plan it"),
        "close": _plain("Cancel"),
        "blocks": blocks,
    }


def replan_modal(stage_id: int, version: int, stage_title: str, candidate: str) -> dict:
    return {
        "type": "modal",
        "callback_id": REPLAN_VIEW,
        "private_metadata": f"{stage_id}:{version}",
        "title": _plain("Pick another time"),
        "submit": _plain("Re-plan"),
        "close": _plain("Cancel"),
        "blocks": [
            _section(f"*{escape(candidate)}* — {stage_title}"),
            _input(
                "availability",
                "New candidate availability",
                _text_input("availability", "", "Wed 1pm-5pm, Fri 9am-12pm", multiline=True),
                hint="In the candidate's zone unless you name one.",
            ),
        ],
    }


# --- proposals to the recruiter --------------------------------------------------------------


def _slot_lines(slots: Sequence[SlotView]) -> list[str]:
    return [
        f"{span(s.start, s.end)}  {mention(s.person.slack_user_id)} · {_human(s.role)}"
        f" ({_human(s.interview_type)})"
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
) -> dict:
    value = f"{stage_id}:{version}"
    header = f"*{stage_title}* for *{escape(loop.candidate)}* ({loop.level}, {loop.team})"
    blocks: list[dict] = [_section(f"Proposed: {header}")]
    if take_home_due is not None:
        reviewer = slots[0]
        blocks.append(
            _section(
                f"Take-home sent on confirm, due {when(take_home_due)}; reviewer "
                f"{mention(reviewer.person.slack_user_id)}",
                _button("Swap", SWAP, f"{value}:0"),
            )
        )
    else:
        for index, line in enumerate(_slot_lines(slots)):
            blocks.append(_section(line, _button("Swap", SWAP, f"{value}:{index}")))
    for warning in warnings:
        blocks.append(_context(f":warning: {escape(warning)}"))
    if loop.accommodations:
        blocks.append(_context(f"Accommodations: {escape(loop.accommodations)}"))
    blocks.append(
        {
            "type": "actions",
            "block_id": f"proposal:{value}",
            "elements": [
                _button("Confirm", CONFIRM, value, "primary"),
                _button("Pick another time", PICK_TIME, value),
            ],
        }
    )
    return {"text": f"Proposed: {stage_title} for {loop.candidate}", "blocks": blocks}


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
        _section(
            f"*No full panel fits* for {stage_title} of *{escape(loop.candidate)}*."
            " Nothing was booked."
        ),
        _section("\n".join(f"• {escape(s)}" for s in shortages) or "• no one is free"),
    ]
    buttons = [_button("Pick another time", PICK_TIME, value, "primary")]
    for index, (kind, slots, warning) in enumerate(alternatives):
        label = "another day" if kind == "another_day" else "a relaxed weekly cap"
        first = slots[0].start if slots else None
        lines = "\n".join(_slot_lines(slots))
        blocks.append(
            _section(
                f"*Alternative with {label}*"
                + (f" — {when(first, '{date_long_pretty}')}" if first else "")
                + f"\n{lines}"
            )
        )
        if warning:
            blocks.append(_context(f":warning: {escape(warning)}"))
        buttons.append(_button(f"Use {label}", USE_ALTERNATIVE, f"{value}:{index}"))
    blocks.append({"type": "actions", "block_id": f"noplan:{value}", "elements": buttons})
    return {"text": f"No full panel fits for {stage_title} of {loop.candidate}", "blocks": blocks}


def proposal_closed(loop: LoopView, stage_title: str, outcome: str) -> dict:
    """What the proposal message becomes once acted on (no live buttons left behind)."""
    return {
        "text": f"{stage_title} for {loop.candidate}: {outcome}",
        "blocks": [_section(f"*{stage_title}* for *{escape(loop.candidate)}* — {outcome}")],
    }


# --- interviewers ------------------------------------------------------------------------------


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
        _section(intro + "."),
        _section(
            f"{time_line}\n*Your part:* {_human(slot.interview_type)} ({_human(slot.role)})\n"
            f"*Focus:* {escape(focus)}\n"
            f"*Candidate:* {escape(loop.candidate)} · {loop.level} {loop.level_title} · "
            f"{loop.team}\n*Recruiter:* {mention(loop.recruiter.slack_user_id)}"
        ),
    ]
    if loop.accommodations:
        blocks.append(
            _section(f":information_source: *Accommodations:* {escape(loop.accommodations)}")
        )
    blocks.append(
        {
            "type": "actions",
            "block_id": f"interview:{interview_id}",
            "elements": [_button("Can't make it", CANT_MAKE_IT, str(interview_id), "danger")],
        }
    )
    return {"text": f"{stage_title} with {loop.candidate}", "blocks": blocks}


def interview_cancelled_dm(loop: LoopView, stage_title: str, slot: SlotView, why: str) -> dict:
    return {
        "text": f"Cancelled: {stage_title} with {loop.candidate}",
        "blocks": [
            _section(
                f"Your {_human(slot.interview_type)} with *{escape(loop.candidate)}* on "
                f"{span(slot.start, slot.end)} is *cancelled* — {escape(why)}. Nothing to do."
            )
        ],
    }


def recruiter_note(text: str) -> dict:
    return {"text": text, "blocks": [_section(text)]}


# --- the decision thread -------------------------------------------------------------------------


def decision_root(loop: LoopView, stages: Sequence[StageView]) -> dict:
    """The one message per loop in the recruiting channel, kept current with chat.update.
    Accommodations never appear here: the channel is wider than the people who need them."""
    states = "\n".join(
        f"{STATE_MARKS.get(s.state, '○')} {s.title} — {_human(s.state)}"
        + (f" · {s.summary}" if s.summary else "")
        for s in stages
    )
    return {
        "text": f"Loop: {loop.candidate} ({loop.level}, {loop.team})",
        "blocks": [
            {"type": "header", "text": _plain(f"{loop.candidate} · {loop.level} · {loop.team}")},
            _section(
                f"*{loop.track_title}* · {loop.level} {loop.level_title}\n"
                f"Recruiter {mention(loop.recruiter.slack_user_id)} · hiring manager "
                f"{mention(loop.hiring_manager.slack_user_id)}"
            ),
            _section(states),
            *([_section(LOOP_OUTCOMES[loop.status])] if loop.status in LOOP_OUTCOMES else []),
            _context(f"Loop #{loop.loop_id} · stage updates and decisions in the thread"),
            # Centralized hiring: the loop can pivot at any stage, not only at decisions.
            *(
                [
                    {
                        "type": "actions",
                        "block_id": f"loop:{loop.loop_id}",
                        "elements": [_button("Pivot", PIVOT, str(loop.loop_id))],
                    }
                ]
                if loop.status == "open"
                else []
            ),
        ],
    }


def thread_note(text: str) -> dict:
    return {"text": text, "blocks": [_context(text)]}


# --- timed prompts -------------------------------------------------------------------------------

FEEDBACK_OPEN = "feedback_open"
FEEDBACK_VIEW = "feedback_view"
FEEDBACK_VIEW_CALLBACK = "feedback"
PIVOT = "loop_pivot"
PIVOT_VIEW = "pivot_loop"
ADVANCE = "decision_advance"
DECLINE = "decision_decline"
OFFER = "decision_offer"

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


def interview_reminder(loop: LoopView, stage_title: str, slot: SlotView, interview_id: int):
    return {
        "text": f"Soon: {stage_title} with {loop.candidate}",
        "blocks": [
            _section(
                f"Reminder: your {_human(slot.interview_type)} with "
                f"*{escape(loop.candidate)}* starts {when(slot.start, '{time}')} "
                f"({when(slot.start, '{ago}')})."
            ),
            *(
                [_context(f"Accommodations: {escape(loop.accommodations)}")]
                if loop.accommodations
                else []
            ),
            {
                "type": "actions",
                "block_id": f"reminder:{interview_id}",
                "elements": [_button("Can't make it", CANT_MAKE_IT, str(interview_id), "danger")],
            },
        ],
    }


def _feedback_button(interview_id: int, label: str = "Submit feedback") -> dict:
    return {
        "type": "actions",
        "block_id": f"feedback:{interview_id}",
        "elements": [_button(label, FEEDBACK_OPEN, str(interview_id), "primary")],
    }


def feedback_prompt(loop: LoopView, stage_title: str, slot: SlotView, interview_id: int):
    return {
        "text": f"Feedback for {loop.candidate}",
        "blocks": [
            _section(
                f"How did your {_human(slot.interview_type)} with "
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
            _section(
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
            _section(
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
            _section(
                f"Thanks — your feedback on *{escape(loop.candidate)}* ({stage_title}) is "
                f"{verb}. You can edit it until the stage is decided."
            ),
            {
                "type": "actions",
                "block_id": f"panel:{stage_id}",
                "elements": [_button("See the panel's feedback", FEEDBACK_VIEW, str(stage_id))],
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
        "options": [_option(v, f"{SIGNAL_MARKS[v]} {label}") for v, label in SIGNALS],
    }
    if previous.get("signal"):
        signal_element["initial_option"] = next(
            o for o in signal_element["options"] if o["value"] == previous["signal"]
        )
    blocks = [
        _section(f"*{escape(candidate)}* — {stage_title}"),
        _input("signal", "Overall: hire?", signal_element),
        *[
            _input(
                f"rating:{name}",
                _human(name).capitalize(),
                _select("rating", RATINGS, ratings.get(name)),
            )
            for name in competencies
        ],
        *([_preferences_input(team_choices, preferences)] if team_choices else []),
        _input(
            "notes",
            "Written feedback",
            _text_input(
                "notes",
                previous.get("notes", ""),
                "What you saw, with examples. The first line is the summary.",
                multiline=True,
            ),
        ),
    ]
    return {
        "type": "modal",
        "callback_id": FEEDBACK_VIEW_CALLBACK,
        "private_metadata": str(interview_id),
        "title": _plain("Interview feedback"),
        "submit": _plain("Update" if previous else "Submit"),
        "close": _plain("Cancel"),
        "blocks": blocks,
    }


def _preferences_input(teams: Sequence[str], chosen: Sequence[str]) -> dict:
    element = {
        "type": "checkboxes",
        "action_id": "preferences",
        "options": [_option(team, team) for team in teams],
    }
    initial = [o for o in element["options"] if o["value"] in chosen]
    if initial:
        element["initial_options"] = initial
    return _input(
        "preferences",
        "Teams the candidate leans toward",
        element,
        optional=True,
        hint="Shown to the recruiter and hiring manager at every pivot point.",
    )


@dataclass(frozen=True)
class FeedbackView:
    person: Person
    interview_type: str
    state: str  # submitted | waiting (not over yet) | due | overdue
    signal: str = ""
    summary: str = ""
    ratings: Mapping[str, int] | None = None
    notes: str = ""


def panel_feedback_modal(candidate: str, stage_title: str, entries: Sequence[FeedbackView]):
    blocks = [_section(f"*{escape(candidate)}* — {stage_title}")]
    for entry in entries:
        if entry.state != "submitted":
            blocks.append(_context(f"{entry.person.name}: not submitted yet"))
            continue
        ratings = ", ".join(f"{_human(k)} {v}" for k, v in (entry.ratings or {}).items())
        blocks.append(
            _section(
                f"*{escape(entry.person.name)}* · {_human(entry.interview_type)} · "
                f"{SIGNAL_MARKS[entry.signal]} {dict(SIGNALS)[entry.signal]}\n"
                + (f"_{ratings}_\n" if ratings else "")
                + escape(entry.notes)
            )
        )
    return {
        "type": "modal",
        "title": _plain("Panel feedback"),
        "close": _plain("Close"),
        "blocks": blocks,
    }


@dataclass(frozen=True)
class DecisionChoice:
    """What the decision thread offers once a stage is complete."""

    stage_id: int
    next_title: str | None  # None at the decision stage: Make offer instead of Advance
    gate_note: str = ""  # set when the next stage's gate is closed (no Advance then)
    loop_id: int = 0  # for the Pivot button
    preferences: tuple[str, ...] = ()  # teams the candidate leans toward, shown to decide


@dataclass(frozen=True)
class Decided:
    kind: str
    by: str
    at: datetime
    note: str = ""


DECISION_WORDS = {
    "advance": "Advanced",
    "decline": "Declined",
    "offer": "Offer made",
    "pivot": "Pivoted",
}


def stage_rollup(
    stage_title: str,
    entries: Sequence[FeedbackView],
    slots: Sequence[SlotView],
    choice: DecisionChoice | None,
    decided: Decided | None,
    take_home_due: datetime | None = None,
    summary_lines: Sequence[str] = (),
) -> dict:
    """One thread reply per stage, edited in place as bookings, feedback and decisions land."""
    if take_home_due is not None and slots:
        head = (
            f"*{stage_title}* — take-home due {when(take_home_due)}, reviewed by "
            f"{mention(slots[0].person.slack_user_id)}"
        )
    elif slots:
        head = f"*{stage_title}* — " + when(slots[0].start, "{date_long_pretty}")
    else:
        head = f"*{stage_title}*"
    blocks = [_section(head)]
    marks = {"submitted": "✅", "waiting": "🕒", "due": "⏳", "overdue": "⚠️"}
    lines = []
    for entry, slot in zip(entries, slots, strict=False):
        line = (
            f"{marks[entry.state]} {mention(entry.person.slack_user_id)} · "
            f"{_human(entry.interview_type)} · {when(slot.start, '{time}')}"
        )
        if entry.state == "submitted":
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
        blocks.append(_section("\n".join(lines)))
    submitted = [e.signal for e in entries if e.state == "submitted"]
    if entries:
        tally = " · ".join(f"{SIGNAL_MARKS[v]} {submitted.count(v)}" for v, _ in SIGNALS)
        blocks.append(_context(f"{len(submitted)} of {len(entries)} submitted · {tally}"))
    if decided is not None:
        blocks.append(
            _context(
                f"{DECISION_WORDS.get(decided.kind, decided.kind)} by {mention(decided.by)} "
                f"{when(decided.at)}" + (f" — {escape(decided.note)}" if decided.note else "")
            )
        )
    elif choice is not None:
        value = str(choice.stage_id)
        buttons = []
        if choice.next_title is None:
            buttons.append(_button("Make offer", OFFER, value, "primary"))
        elif not choice.gate_note:
            buttons.append(_button(f"Advance to {choice.next_title}", ADVANCE, value, "primary"))
        buttons.append(_button("Decline", DECLINE, value, "danger"))
        if choice.loop_id:
            buttons.append(_button("Pivot", PIVOT, str(choice.loop_id)))
        if choice.preferences:
            blocks.append(_context(f"Candidate leans toward: {', '.join(choice.preferences)}"))
        if choice.gate_note:
            blocks.append(_context(f":lock: {escape(choice.gate_note)}"))
        blocks.append({"type": "actions", "block_id": f"decide:{value}", "elements": buttons})
    return {"text": f"{stage_title}: feedback", "blocks": blocks}


# --- centralized hiring ------------------------------------------------------------------------


def pivot_modal(
    loop_id: int,
    candidate: str,
    place: str,
    preferences: Sequence[str],
    targets: Sequence[tuple[str, str]],
) -> dict:
    leans = ", ".join(preferences) if preferences else "not recorded yet"
    return {
        "type": "modal",
        "callback_id": PIVOT_VIEW,
        "private_metadata": str(loop_id),
        "title": _plain("Pivot the loop"),
        "submit": _plain("Pivot"),
        "close": _plain("Cancel"),
        "blocks": [
            _section(
                f"*{escape(candidate)}* — now in {escape(place)}\nLeans toward: {escape(leans)}"
            ),
            _context(
                "Finished stages and their feedback carry over; booked interviews stay "
                "when their interviewers fit the new team."
            ),
            _input("target", "Where to", _select("target", targets, None)),
            _input(
                "hiring_manager",
                "Hiring manager from now on",
                {"type": "users_select", "action_id": "hiring_manager"},
                optional=True,
                hint="Leave empty for the new team's own hiring manager.",
            ),
            _input(
                "reason",
                "Why",
                _text_input(
                    "reason", "", "Candidate prefers the streaming team's problems", multiline=True
                ),
            ),
        ],
    }


def pivot_summary(
    loop: LoopView,
    before: str,
    after: str,
    reason: str,
    stages: Sequence[StageView],
    tallies: Sequence[str],
    preferences: Sequence[str],
) -> dict:
    """What the new hiring manager gets: everything so far, in one message."""
    states = "\n".join(
        f"{STATE_MARKS.get(s.state, '○')} {s.title} — {_human(s.state)}" for s in stages
    )
    return {
        "text": f"You're now the hiring manager for {loop.candidate}",
        "blocks": [
            _section(
                f"*{escape(loop.candidate)}* ({loop.level} {loop.level_title}) moved from "
                f"{escape(before)} to {escape(after)} — you're the hiring manager now.\n"
                f"_Why:_ {escape(reason)}"
            ),
            _section(states),
            *([_section("*Feedback so far*\n" + "\n".join(tallies))] if tallies else []),
            _context(
                "Leans toward: " + (", ".join(preferences) if preferences else "not recorded")
            ),
            _context(
                "Finished stages carry over; decide in the loop's thread in the recruiting channel."
            ),
        ],
    }


def pools_message(pools: Sequence[tuple[str, str, Sequence[str], str]]) -> dict:
    """/loop-pool: each pool with its teams and the loops running in it."""
    if not pools:
        return {
            "text": "No hiring pools are configured.",
            "blocks": [
                _section(
                    "No hiring pools are configured. Add `[pools.<name>]` with `teams = [...]` to "
                    "your templates file (LOOPBOT_TEMPLATES_FILE)."
                )
            ],
        }
    blocks = [{"type": "header", "text": _plain("Hiring pools")}]
    for title, details, teams, loops in pools:
        blocks.append(_section(f"*{escape(title)}* — {', '.join(teams)}\n{details}\n{loops}"))
    return {"text": "Hiring pools", "blocks": blocks}
