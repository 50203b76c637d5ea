"""What the scenario tests share: the candidate they follow and a look at the tables
(the moves people make are Sandbox methods)."""

from __future__ import annotations

from sqlmodel import select

from loopbot.demo.sandbox import WEEKDAYS

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


def rows(box, model) -> list:
    """Every row of a table, as the bot's database holds it now."""
    with box.runtime.uow() as uow:
        return list(uow.session.exec(select(model)))
