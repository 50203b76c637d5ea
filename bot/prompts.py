"""Timed prompts: interview reminders, feedback prompts, reminders and escalations.

`wanted` says which prompts an interview still needs and when, from the database
alone; `fire` sends one, at most once (the interview row records when it went out).
The scheduler (bot/scheduler.py) only decides *when* `fire` is called.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import messages
from bot.loops import LoopService
from bot.outbox import enqueue
from storage.models import Interview
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


@dataclass(frozen=True)
class PromptTimes:
    interview_reminder: timedelta
    feedback_reminder: timedelta
    escalate_recruiter: timedelta
    escalate_manager: timedelta


class PromptService:
    def __init__(self, loops: LoopService, times: PromptTimes):
        self.loops = loops
        self.times = times

    def wanted(self, uow: UnitOfWork, interview: Interview) -> dict[str, datetime]:
        """The prompts this interview still needs, kind → when."""
        if interview.status not in LIVE:
            return {}
        stage = uow.loops.stage(interview.stage_id)
        if stage.status in ("decided", "skipped"):
            return {}
        loop = uow.loops.get(stage.loop_id)
        take_home = self.loops.stage_template(loop, stage.key).kind == "take_home"
        end = interview.end_at
        when = {
            FEEDBACK_PROMPT: end,
            FEEDBACK_REMINDER: end + self.times.feedback_reminder,
            ESCALATE_RECRUITER: end + self.times.escalate_recruiter,
            ESCALATE_MANAGER: end + self.times.escalate_manager,
        }
        if not take_home:  # a take-home has a due date, not a meeting to be reminded of
            when[INTERVIEW_REMINDER] = interview.start_at - self.times.interview_reminder
        if uow.loops.feedback_for(interview.id) is not None:
            for kind in FEEDBACK_CHASERS:
                when.pop(kind, None)
        return {k: t for k, t in when.items() if getattr(interview, SENT_COLUMN[k]) is None}

    def fire(self, uow: UnitOfWork, kind: str, interview_id: int, now: datetime) -> bool:
        """Send one prompt if it is still wanted; True when it was sent."""
        interview = uow.loops.interview(interview_id, lock=True)
        if interview is None or kind not in self.wanted(uow, interview):
            return False
        setattr(interview, SENT_COLUMN[kind], now)
        stage = uow.loops.stage(interview.stage_id)
        loop = uow.loops.get(stage.loop_id)
        template = self.loops.stage_template(loop, stage.key)
        view = self.loops.view(uow, loop)
        slot = self.loops.interview_view(uow, interview)
        person = uow.interviewers.get(interview.interviewer_id)
        key = f"interview:{interview.id}:{kind}"
        if kind == INTERVIEW_REMINDER:
            body = messages.interview_reminder(view, template.title, slot, interview.id)
            enqueue(uow, key, "chat.postMessage", channel=person.slack_user_id, **body)
        elif kind == FEEDBACK_PROMPT:
            interview.status = "completed"
            body = messages.feedback_prompt(view, template.title, slot, interview.id)
            enqueue(uow, key, "chat.postMessage", channel=person.slack_user_id, **body)
        elif kind == FEEDBACK_REMINDER:
            body = messages.feedback_reminder(view, template.title, slot, interview.id)
            enqueue(uow, key, "chat.postMessage", channel=person.slack_user_id, **body)
        else:
            watcher_id = loop.recruiter_id if kind == ESCALATE_RECRUITER else loop.hiring_manager_id
            watcher = uow.interviewers.get(watcher_id)
            body = messages.feedback_overdue(view, template.title, slot)
            enqueue(uow, key, "chat.postMessage", channel=watcher.slack_user_id, **body)
        uow.session.add(interview)
        uow.audit.record("loopbot", kind, loop.id, interview=interview.id, to=person.slack_user_id)
        self.loops.refresh_rollup(uow, loop, stage, now)
        return True
