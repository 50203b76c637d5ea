"""Timed prompts: interview reminders, feedback prompts, reminders and escalations.

`wanted` says which prompts an interview still needs and when, from the database
alone; `fire` sends one, at most once (the interview row records when it went out).
The scheduler (bot/scheduler.py) only decides *when* `fire` is called.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.loops.catalog import stage_template
from bot.loops.config import LoopConfig
from bot.loops.thread import refresh_rollup
from bot.loops.views import interview_view, loop_view
from bot.messages.feedback import feedback_overdue, feedback_prompt, feedback_reminder
from bot.messages.interviewer import interview_reminder
from bot.outbox import enqueue
from storage.models import Interview, Loop
from storage.uow import UnitOfWork

INTERVIEW_REMINDER = "interview_reminder"
FEEDBACK_PROMPT = "feedback_prompt"
FEEDBACK_REMINDER = "feedback_reminder"
ESCALATE_RECRUITER = "escalate_recruiter"
ESCALATE_MANAGER = "escalate_manager"

# kind → the interview column that records it was sent
SENT_COLUMN = {
    INTERVIEW_REMINDER: "reminded_at",
    FEEDBACK_PROMPT: "prompted_at",
    FEEDBACK_REMINDER: "feedback_reminded_at",
    ESCALATE_RECRUITER: "escalated_recruiter_at",
    ESCALATE_MANAGER: "escalated_manager_at",
}
FEEDBACK_CHASERS = (FEEDBACK_REMINDER, ESCALATE_RECRUITER, ESCALATE_MANAGER)
LIVE = ("confirmed", "completed")
# A prompt fired this much before its time still goes (clock skew between replicas).
FIRE_EARLY_BY = timedelta(seconds=2)


@dataclass(frozen=True)
class PromptTimes:
    interview_reminder: timedelta
    feedback_reminder: timedelta
    escalate_recruiter: timedelta
    escalate_manager: timedelta


@dataclass(frozen=True)
class PromptFacts:
    """One live interview as its prompts see it (a row of `Loops.prompt_facts`)."""

    interview_id: int
    start_at: datetime
    end_at: datetime
    sent: dict[str, datetime | None]
    stage_key: str
    track: str
    team: str
    technical_format: str
    has_feedback: bool
    trainee: bool = False  # a trainee sitting in: reminded, never escalated

    @classmethod
    def from_row(cls, row) -> PromptFacts:
        (iid, start, end, r, p, fr, er, em, key, track, team, fmt, feedback, mode) = row
        sent = dict(zip(SENT_COLUMN, (r, p, fr, er, em), strict=True))
        return cls(iid, start, end, sent, key, track, team or "", fmt, bool(feedback), bool(mode))


class PromptService:
    def __init__(self, config: LoopConfig, times: PromptTimes):
        self.config = config
        self.times = times
        self._take_home: dict[tuple[str, str, str, str], bool] = {}

    def wanted(self, uow: UnitOfWork, interview: Interview, now: datetime) -> dict[str, datetime]:
        """The prompts this interview still needs, kind → when."""
        rows = uow.loops.prompt_facts([interview.id])
        return self.wanted_from(PromptFacts.from_row(rows[0]), now) if rows else {}

    def wanted_many(
        self, uow: UnitOfWork, interview_ids: Iterable[int] | None, now: datetime
    ) -> dict[tuple[int, str], datetime]:
        """(interview, kind) → when, for every live interview (or the given ones): a few
        queries whatever their number."""
        wanted: dict[tuple[int, str], datetime] = {}
        for row in uow.loops.prompt_facts(interview_ids):
            facts = PromptFacts.from_row(row)
            for kind, when in self.wanted_from(facts, now).items():
                wanted[(facts.interview_id, kind)] = when
        return wanted

    def wanted_from(self, facts: PromptFacts, now: datetime) -> dict[str, datetime]:
        end = facts.end_at
        when = {
            FEEDBACK_PROMPT: end,
            FEEDBACK_REMINDER: end + self.times.feedback_reminder,
            ESCALATE_RECRUITER: end + self.times.escalate_recruiter,
            ESCALATE_MANAGER: end + self.times.escalate_manager,
        }
        # A take-home has a due date, not a meeting to be reminded of; and a reminder whose
        # interview has begun (the bot was down, Slack was out) is no use any more.
        if not self._is_take_home(facts) and now < facts.start_at:
            when[INTERVIEW_REMINDER] = facts.start_at - self.times.interview_reminder
        if facts.has_feedback:
            for kind in FEEDBACK_CHASERS:
                when.pop(kind, None)
        if facts.trainee:
            # Practice feedback counts toward nothing: nobody is chased up the line for it.
            when.pop(ESCALATE_RECRUITER, None)
            when.pop(ESCALATE_MANAGER, None)
        return {k: t for k, t in when.items() if facts.sent[k] is None}

    def _is_take_home(self, facts: PromptFacts) -> bool:
        key = (facts.track, facts.team, facts.technical_format, facts.stage_key)
        if key not in self._take_home:
            loop = Loop(track=facts.track, team=facts.team, technical_format=facts.technical_format)
            kind = stage_template(self.config.templates, loop, facts.stage_key).kind
            self._take_home[key] = kind == "take_home"
        return self._take_home[key]

    def fire(self, uow: UnitOfWork, kind: str, interview_id: int, now: datetime) -> datetime | None:
        """Send one prompt if it is still wanted and due; returns when it was due (None:
        nothing sent). The interview row is locked, so two schedulers firing the same prompt
        (a leader change) send it once."""
        interview = uow.loops.interview(interview_id, lock=True)
        if interview is None:
            return None
        due = self.wanted(uow, interview, now).get(kind)
        if due is None or due > now + FIRE_EARLY_BY:
            return None  # not wanted any more, or moved later (its row is re-synced)
        setattr(interview, SENT_COLUMN[kind], now)
        stage = uow.loops.stage(interview.stage_id)
        loop = uow.loops.get(stage.loop_id)
        template = stage_template(self.config.templates, loop, stage.key)
        view = loop_view(self.config.templates, uow, loop)
        slot = interview_view(uow, interview)
        person = uow.interviewers.get(interview.interviewer_id)
        key = f"interview:{interview.id}:{kind}"
        if kind == INTERVIEW_REMINDER:
            body = interview_reminder(view, template.title, slot, interview.id)
            enqueue(
                uow, key, "chat.postMessage", loop_id=loop.id, channel=person.slack_user_id, **body
            )
        elif kind == FEEDBACK_PROMPT:
            interview.status = "completed"
            body = feedback_prompt(view, template.title, slot, interview.id)
            enqueue(
                uow, key, "chat.postMessage", loop_id=loop.id, channel=person.slack_user_id, **body
            )
        elif kind == FEEDBACK_REMINDER:
            body = feedback_reminder(view, template.title, slot, interview.id)
            enqueue(
                uow, key, "chat.postMessage", loop_id=loop.id, channel=person.slack_user_id, **body
            )
        else:
            watcher_id = loop.recruiter_id if kind == ESCALATE_RECRUITER else loop.hiring_manager_id
            watcher = uow.interviewers.get(watcher_id)
            body = feedback_overdue(view, template.title, slot)
            enqueue(
                uow, key, "chat.postMessage", loop_id=loop.id, channel=watcher.slack_user_id, **body
            )
        uow.session.add(interview)
        uow.audit.record("loopbot", kind, loop.id, interview=interview.id, to=person.slack_user_id)
        refresh_rollup(self.config, uow, loop, stage, now)
        return due
