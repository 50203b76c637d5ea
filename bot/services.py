"""What every listener is handed: settings, the unit of work, the clock, the
loop templates and the services."""

from __future__ import annotations

from dataclasses import dataclass

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
