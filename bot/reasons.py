"""Why a deliberate decision was taken: a short list per kind of decision plus free text.

Decline, Make offer and Pivot open a form (the confirmation) that asks for one of these and,
for "Other", a few words. The reason's key goes to the audit log (it outlives a candidate's
erasure, so it holds no free text); its label and the free text go to the decision's note and
the thread. An offer also records what PROCESS.md names after it: compensation notes, a start
date and open questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.errors import InputError, InvalidForm

REASONS: dict[str, tuple[tuple[str, str], ...]] = {
    "decline": (
        ("technical_bar", "Below the bar technically"),
        ("collaboration", "Concerns about collaboration or communication"),
        ("level", "Not at this level"),
        ("role_filled", "The role was filled"),
        ("candidate_withdrew", "The candidate withdrew"),
        ("other", "Other"),
    ),
    "offer": (
        ("strong_panel", "Strong signal across the panels"),
        ("strong_with_growth", "Strong, with areas to grow named in the feedback"),
        ("other", "Other"),
    ),
    "pivot": (
        ("candidate_preference", "The candidate's preference"),
        ("better_fit", "A better fit for the other team's work"),
        ("team_needs", "The teams' needs changed"),
        ("other", "Other"),
    ),
    "skip_meeting": (
        ("met_already", "They have met already, outside the loop"),
        ("candidate_declined", "The candidate prefers not to"),
        ("manager_unavailable", "The hiring manager cannot meet in time"),
        ("other", "Other"),
    ),
}

DETAILS_EXAMPLE = {
    "skip_meeting": "They spoke at length at the meetup last week",
    "decline": "Strong coding, but the design round missed failure handling twice",
    "offer": "Unanimous yes; the director wants them on the payments core",
    "pivot": "Candidate prefers the streaming team's problems",
}


@dataclass(frozen=True)
class Reason:
    key: str
    label: str
    details: str

    @property
    def note(self) -> str:
        """What the decision's row and the thread show."""
        return f"{self.label}: {self.details}" if self.details else self.label


@dataclass(frozen=True)
class OfferDetails:
    compensation: str
    start_date: str  # ISO date
    open_questions: str

    def as_dict(self) -> dict[str, str]:
        return {
            "compensation": self.compensation,
            "start_date": self.start_date,
            "open_questions": self.open_questions,
        }


def read_reason(kind: str, form: Mapping[str, str], errors: list[InputError]) -> Reason | None:
    """The reason on a decision's form (fields `why` and `details`), or None with errors."""
    choices = dict(REASONS[kind])
    key = (form.get("why") or "").strip()
    details = (form.get("details") or "").strip()
    if key not in choices:
        errors.append(InputError("why", "choose a reason from the list", REASONS[kind][0][1]))
        return None
    if key == "other" and len(details) < 5:
        errors.append(InputError("details", "say in a few words why", DETAILS_EXAMPLE[kind]))
        return None
    return Reason(key, choices[key], details[:1000])


def parse_reason(kind: str, form: Mapping[str, str]) -> Reason:
    errors: list[InputError] = []
    reason = read_reason(kind, form, errors)
    if reason is None:
        raise InvalidForm(errors)
    return reason


def parse_offer(form: Mapping[str, str], today: date) -> tuple[Reason, OfferDetails]:
    """An offer's form: its reason and the details the recruiter and hiring manager keep."""
    errors: list[InputError] = []
    reason = read_reason("offer", form, errors)
    compensation = (form.get("compensation") or "").strip()
    if len(compensation) < 3:
        errors.append(
            InputError("compensation", "note the package agreed", "Band 5, 10% sign-on, equity")
        )
    raw_start = (form.get("start_date") or "").strip()
    start = None
    try:
        start = date.fromisoformat(raw_start)
    except ValueError:
        errors.append(InputError("start_date", "give the start date as a date", "2027-02-01"))
    if start is not None and start < today:
        errors.append(InputError("start_date", "the start date is in the past", "2027-02-01"))
    if errors or reason is None or start is None:
        raise InvalidForm(errors)
    questions = (form.get("open_questions") or "").strip()[:2000]
    return reason, OfferDetails(compensation[:2000], start.isoformat(), questions)
