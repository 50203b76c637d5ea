"""The loop's forms: /schedule-loop and picking another time for a stage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.messages import action_ids
from bot.messages.blocks import input_block, option, plain, section, static_select, text_input
from bot.slack_text import escape


@dataclass(frozen=True)
class ModalChoices:
    tracks: Sequence[tuple[str, str]]  # (key, title)
    levels: Sequence[tuple[str, str]]
    places: Sequence[tuple[str, str]]  # (value, label): teams, then pools as "pool:<key>"
    formats: Sequence[tuple[str, str]]
    max_extra_minutes: int
    max_extra_break: int


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
        input_block(
            "candidate_name",
            "Candidate name",
            text_input("candidate_name", prefill.get("candidate_name", ""), "Ada Lovelace"),
        ),
        input_block(
            "candidate_email",
            "Candidate email",
            text_input("candidate_email", prefill.get("candidate_email", ""), "ada@example.com"),
        ),
        input_block("track", "Track", static_select("track", choices.tracks, prefill.get("track"))),
        input_block("level", "Level", static_select("level", choices.levels, prefill.get("level"))),
        input_block(
            "team",
            "Team or hiring pool",
            static_select("team", choices.places, prefill.get("team")),
        ),
        input_block("recruiter", "Recruiter", users["recruiter"]),
        input_block("hiring_manager", "Hiring manager", users["hiring_manager"]),
        input_block(
            "candidate_tz",
            "Candidate time zone",
            text_input("candidate_tz", prefill.get("candidate_tz", ""), "Europe/London"),
            hint="An IANA zone name, e.g. America/New_York, Europe/Berlin, Asia/Kolkata.",
        ),
        input_block(
            "availability",
            "Candidate availability",
            text_input(
                "availability",
                prefill.get("availability", ""),
                "Tue 2pm-6pm, Thu after 10am",
                multiline=True,
            ),
            hint="In the candidate's zone unless you name one: "
            "'Tue 2pm-6pm, Thu after 10am PT' or 'next Monday 9-12 Europe/Berlin'.",
        ),
        input_block(
            "technical_format",
            "Technical screen (the candidate's choice)",
            {
                "type": "radio_buttons",
                "action_id": "technical_format",
                "options": [option(k, t) for k, t in choices.formats],
                "initial_option": option(
                    *next(
                        (f for f in choices.formats if f[0] == prefill.get("technical_format")),
                        choices.formats[-1],
                    )
                ),
            },
        ),
        input_block(
            "accommodations",
            "Accommodations",
            text_input(
                "accommodations",
                prefill.get("accommodations", ""),
                "e.g. screen reader; captions; longer breaks",
                multiline=True,
            ),
            optional=True,
            hint="Shown only to the recruiter, the hiring manager and the panel.",
        ),
        input_block(
            "extra_minutes",
            "Extra minutes per interview",
            static_select(
                "extra_minutes",
                _minutes(choices.max_extra_minutes),
                prefill.get("extra_minutes", "0"),
            ),
            optional=True,
        ),
        input_block(
            "extra_break",
            "Extra break between interviews",
            static_select(
                "extra_break", _minutes(choices.max_extra_break), prefill.get("extra_break", "0")
            ),
            optional=True,
        ),
    ]
    return {
        "type": "modal",
        "callback_id": action_ids.SCHEDULE_LOOP_VIEW,
        "title": plain("Schedule a loop"),
        "submit": plain("Plan it"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }


def replan_modal(stage_id: int, version: int, stage_title: str, candidate: str) -> dict:
    return {
        "type": "modal",
        "callback_id": action_ids.REPLAN_VIEW,
        "private_metadata": f"{stage_id}:{version}",
        "title": plain("Pick another time"),
        "submit": plain("Re-plan"),
        "close": plain("Cancel"),
        "blocks": [
            section(f"*{escape(candidate)}* — {stage_title}"),
            input_block(
                "availability",
                "New candidate availability",
                text_input("availability", "", "Wed 1pm-5pm, Fri 9am-12pm", multiline=True),
                hint="In the candidate's zone unless you name one.",
            ),
        ],
    }
