"""What every loop use case is configured with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.planning.templates import TemplateBook


@dataclass(frozen=True)
class LoopConfig:
    templates: TemplateBook
    recruiting_channel: str  # where each loop's root message and thread live
    default_tz: str  # for people the roster gives no zone
    hold_lifetime: timedelta = timedelta(hours=4)  # how long a proposal holds its times
    # The candidate's side (bot/candidate/side.CandidateSide) when candidate mail is on: its
    # hooks hear when a stage opens, the itinerary changes or the loop ends. None: off.
    candidate: Any = None
