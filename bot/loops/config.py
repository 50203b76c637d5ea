"""What every loop use case is configured with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.candidate.config import CandidateConfig
from bot.planning.templates import TemplateBook


class CandidateHooks(Protocol):
    """What the loop use cases tell the candidate's side (bot/candidate/side.CandidateSide),
    inside their own transaction."""

    settings: CandidateConfig

    def stage_opened(self, config, uow, loop, stage, now: datetime, actor: str) -> None: ...

    def itinerary_changed(
        self, config, uow, loop, stage, now: datetime, why: str, withdrawn: Sequence[Any] = ()
    ) -> None: ...

    def loop_closed(self, config, uow, loop, kind: str, now: datetime) -> None: ...


@dataclass(frozen=True)
class LoopConfig:
    templates: TemplateBook
    recruiting_channel: str  # where each loop's root message and thread live
    default_tz: str  # for people the roster gives no zone
    hold_lifetime: timedelta = timedelta(hours=4)  # how long a proposal holds its times
    # The candidate's side when candidate mail is on: its hooks hear when a stage opens, the
    # itinerary changes or the loop ends. None: off.
    candidate: CandidateHooks | None = None
