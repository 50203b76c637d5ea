"""What the candidate's side is configured with (from the settings)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.candidate.links import CandidateLinks

REMIND_AFTER = timedelta(hours=48)


@dataclass(frozen=True)
class CandidateConfig:
    mail_from: str
    links: CandidateLinks
    scheduling: str = "off"  # what the bot sends when a stage opens: availability | self_schedule
    auto_confirm: bool = False  # book the candidate's answer at once, or the recruiter reviews
    video_url: Callable[[str], str | None] = lambda key: None
    remind_after: timedelta = REMIND_AFTER
    signature: str = "The hiring team"
