"""/loop-insights: who may ask, what they asked for, and the answer sent through the outbox.

Charts take about a second to draw, so the figures are read in one short transaction, the
charts drawn outside any (SQLite's write lock is taken at BEGIN), and the upload queued in a
second one. The charts go to the asker's DM with the bot, never to the channel the command
was typed in: load per person is not for everyone in a channel.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.access import Access, Action
from bot.errors import InputError
from bot.insights.charts import all_charts
from bot.insights.period import EXAMPLE, is_period, parse_period
from bot.insights.read import gather, resolve_scope
from bot.insights.report import Insights
from bot.insights.rows import Scope
from bot.insights.summary import period_label, summary_text, weekly_lines
from bot.outbox import attachment, enqueue
from bot.planning.templates import TemplateBook
from storage.models import Interviewer
from storage.uow import UnitOfWork


class InsightsService:
    def __init__(self, templates: TemplateBook, *, default_tz: str, overdue_after: timedelta):
        self.templates = templates
        self.default_tz = default_tz
        self.overdue_after = overdue_after

    def answer(
        self, uow: Callable[[], UnitOfWork], actor: str, text: str, key: str, now: datetime
    ) -> str:
        """Read, draw, queue the DM; returns the asker's ephemeral answer. `key` makes a
        repeated delivery of the same command send once."""
        with uow() as work:
            figures = self.figures(work, actor, text, now)
        charts = all_charts(figures)
        summary = summary_text(figures)
        with uow() as work:
            enqueue(
                work,
                f"insights:{actor}:{key}",
                "loopbot.dm_files",
                user=actor,
                initial_comment=summary,
                files=[attachment(c.filename, c.title, c.png, c.alt) for c in charts],
            )
            work.audit.record(
                actor,
                "insights_sent",
                scope=figures.scope.label,
                period=period_label(figures.period),
            )
            work.commit()
        return f"{summary}\n_The charts are on their way to your DM with loopbot._"

    def figures(self, uow: UnitOfWork, actor: str, text: str, now: datetime) -> Insights:
        person = self.reader(uow, actor)
        zone = person.tz or self.default_tz
        scope, period_text = self._scope_and_period(uow, text)
        period = parse_period(period_text, now, zone)
        return gather(
            uow,
            self.templates,
            period,
            scope,
            now,
            default_tz=self.default_tz,
            overdue_after=self.overdue_after,
        )

    def weekly(self, uow: UnitOfWork, person: Interviewer, now: datetime) -> list[str]:
        """A recruiter's numbers for this week (their zone) on their loops; empty for others."""
        if "recruiter" not in person.roles:
            return []
        period = parse_period("this week", now, person.tz or self.default_tz)
        figures = gather(
            uow,
            self.templates,
            period,
            Scope(recruiter_id=person.id),
            now,
            default_tz=self.default_tz,
            overdue_after=self.overdue_after,
        )
        return weekly_lines(figures)

    @staticmethod
    def reader(uow: UnitOfWork, actor: str) -> Interviewer:
        return Access(uow).require(actor, Action.VIEW_INSIGHTS)

    def _scope_and_period(self, uow: UnitOfWork, text: str) -> tuple[Scope, str]:
        """`[team or pool] [period]`: the first word names a team or pool unless the whole
        text is a period."""
        words = text.split()
        if not words or is_period(text):
            return Scope(), text
        try:
            return resolve_scope(uow, self.templates, words[0]), " ".join(words[1:])
        except InputError as unknown:
            raise InputError(
                "team or pool",
                f"{words[0]!r} is not a team, a pool or a period",
                f"`/loop-insights payments 30d` (teams and pools: {unknown.example}; "
                f"periods: {EXAMPLE})",
            ) from None
