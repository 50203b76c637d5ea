"""The plain values the builders are given (services build them from the database)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


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


@dataclass(frozen=True)
class FeedbackView:
    person: Person
    interview_type: str
    state: str  # submitted | waiting (not over yet) | due | overdue
    signal: str = ""
    summary: str = ""
    ratings: Mapping[str, int] | None = None
    notes: str = ""


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
