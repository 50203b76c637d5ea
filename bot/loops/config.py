"""What every loop use case is configured with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import quote

from bot.calendars.busy import BusySource
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
class EventSettings:
    """How interviews become calendar events: the provider (`none`: an `.ics` file in a DM),
    the mailbox that organises them, and the video link template (`{key}`: the event's key;
    None: the provider's own Meet or Teams link, or none)."""

    provider: str = "none"
    organizer: str | None = None
    video_url_template: str | None = None

    @property
    def on_calendars(self) -> bool:
        return self.provider != "none"

    def video_url(self, key: str) -> str | None:
        if self.video_url_template is None:
            return None
        return self.video_url_template.format(key=quote(key, safe=""))


@dataclass(frozen=True)
class LoopConfig:
    templates: TemplateBook
    recruiting_channel: str  # where each loop's root message and thread live
    default_tz: str  # for people the roster gives no zone
    hold_lifetime: timedelta = timedelta(hours=4)  # how long a proposal holds its times
    # The candidate's side when candidate mail is on: its hooks hear when a stage opens, the
    # itinerary changes or the loop ends. None: off.
    candidate: CandidateHooks | None = None
    # People's calendars and days off, read for plans (see bot.calendars.busy).
    busy: BusySource = field(default_factory=BusySource)
    events: EventSettings = EventSettings()
