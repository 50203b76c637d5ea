"""What every listener is handed: settings, the unit of work, the clock, the
loop templates and the services."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from bot.calendars.busy import BusySource, NeedBusy
from bot.candidate.service import CandidateService
from bot.clock import Clock
from bot.decisions import DecisionService
from bot.feedback import FeedbackService
from bot.insights.service import InsightsService
from bot.loops.service import LoopService
from bot.pivot_meeting import MeetingService
from bot.pivots import PivotService
from bot.planning.templates import TemplateBook
from bot.settings import Settings
from storage.uow import UnitOfWorkFactory

T = TypeVar("T")


@dataclass
class Services:
    settings: Settings
    uow: UnitOfWorkFactory
    clock: Clock
    templates: TemplateBook
    loops: LoopService
    feedback: FeedbackService
    decisions: DecisionService
    pivots: PivotService
    insights: InsightsService
    meetings: MeetingService
    candidate: CandidateService | None = None
    # People's calendars as plans read them, outside any transaction (bot.calendars.busy).
    busy: BusySource = field(default_factory=BusySource)

    def run(self, attempt: Callable[[], T], first: NeedBusy | None = None) -> T:
        """Run `attempt` (a whole unit of work) reading the calendars its plans need between
        tries, never inside its transaction."""
        return self.busy.run(attempt, first)

    # Work after an ack (creating and planning a loop, a click's change) runs one listener at
    # a time. Python runs one thread's bytecode at a time, so twenty CPU-heavy plans running
    # together would only slow every ack waiting for its turn on the interpreter; and a plan
    # made ahead is then rarely stale when written (no other listener booked in between).
    after_ack: threading.Semaphore = field(default_factory=lambda: threading.BoundedSemaphore(1))
