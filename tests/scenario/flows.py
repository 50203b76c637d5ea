"""The candidate the feedback and decision scenarios follow (the moves are Sandbox methods)."""

from __future__ import annotations

from loopbot.sandbox import WEEKDAYS

RECRUITER, PAYMENTS_HM = "U0REC01", "U0PAYHM"


def candidate(**overrides) -> dict:
    return {
        "candidate_name": "Ada Lovelace",
        "candidate_email": "ada@example.com",
        "track": "ic",
        "level": "L5",
        "team": "payments",
        "recruiter": RECRUITER,
        "hiring_manager": PAYMENTS_HM,
        "candidate_tz": "Europe/London",
        "availability": WEEKDAYS,
        "technical_format": "discussion",
        **overrides,
    }
