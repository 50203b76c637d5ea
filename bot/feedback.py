"""Feedback: the form, submitting and editing it, and who may read whose.

The bias guard (bot/access.py decides): nobody on a panel — the recruiter and
the hiring manager included — sees anyone else's feedback for that stage until
they have submitted their own; people who may decide and are not on the panel
read it through a modal only they see.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.access import Access
from bot.errors import Conflict, InputError, InvalidForm, NotFound, PermissionDenied
from bot.loops.catalog import pool_teams, stage_template
from bot.loops.config import LoopConfig
from bot.loops.lookups import teams
from bot.loops.thread import maybe_complete, refresh_rollup, refresh_root
from bot.loops.views import feedback_views, loop_view
from bot.messages.feedback import (
    RATINGS,
    SIGNALS,
    feedback_modal,
    feedback_thanks,
    panel_feedback_modal,
)
from bot.outbox import enqueue
from bot.training import ask_sign_off, sign_off
from storage.models import Feedback, Interview
from storage.uow import UnitOfWork

SIGNAL_VALUES = tuple(value for value, _ in SIGNALS)
RATING_VALUES = tuple(value for value, _ in RATINGS)


class FeedbackService:
    def __init__(self, config: LoopConfig):
        self.config = config

    def _own_interview(self, uow: UnitOfWork, interview_id: int, actor: str, *, lock=False):
        interview = uow.loops.interview(interview_id, lock=lock)
        if interview is None or interview.status not in ("confirmed", "completed"):
            raise NotFound("That interview is no longer on the schedule.")
        person = uow.interviewers.get(interview.interviewer_id)
        if person.slack_user_id != actor:
            raise PermissionDenied("Only the interviewer assigned to it can give this feedback.")
        stage = uow.loops.stage(interview.stage_id)
        if stage.status in ("decided", "skipped"):
            raise Conflict("This stage has been decided; its feedback can no longer change.")
        return interview, stage

    def form(self, uow: UnitOfWork, interview_id: int, actor: str, now: datetime) -> dict:
        interview, stage = self._own_interview(uow, interview_id, actor)
        if now < interview.start_at:
            raise Conflict("Feedback opens when the interview starts.")
        loop = uow.loops.get(stage.loop_id)
        template = stage_template(self.config.templates, loop, stage.key)
        candidate = uow.loops.candidate(loop.candidate_id)
        previous = uow.loops.feedback_for(interview.id)
        return feedback_modal(
            interview.id,
            candidate.name,
            template.title,
            template.competencies,
            {"signal": previous.signal, "ratings": previous.ratings, "notes": previous.notes}
            if previous
            else None,
            team_choices=self._team_choices(uow, loop, template),
            preferences=loop.preferences,
        )

    def sign_off(
        self, uow: UnitOfWork, trainee_interview_id: int, verdict: str, actor: str, now: datetime
    ) -> str:
        """The lead's one-click verdict on a trainee's session (bot/training.py)."""
        return sign_off(self.config, uow, trainee_interview_id, verdict, actor, now)

    def check(self, uow: UnitOfWork, interview_id: int, actor: str, form: Mapping[str, str]):
        """The feedback form checked, reading only (before the ack: errors go on the form)."""
        _, stage = self._own_interview(uow, interview_id, actor)
        loop = uow.loops.get(stage.loop_id)
        self._validate(form, stage_template(self.config.templates, loop, stage.key).competencies)

    def submit(
        self,
        uow: UnitOfWork,
        interview_id: int,
        actor: str,
        form: Mapping[str, str],
        now: datetime,
    ) -> None:
        interview, stage = self._own_interview(uow, interview_id, actor, lock=True)
        loop = uow.loops.get(stage.loop_id)
        template = stage_template(self.config.templates, loop, stage.key)
        signal, ratings, notes = self._validate(form, template.competencies)
        # A trainee's practice feedback never speaks for the candidate's preferences.
        choices = () if interview.trainee_mode else self._team_choices(uow, loop, template)
        if choices:
            chosen = [t for t in (form.get("preferences") or "").split(",") if t]
            loop.preferences = [t for t in choices if t in chosen]
            uow.session.add(loop)
        feedback = uow.loops.feedback_for(interview.id)
        updated = feedback is not None
        if feedback is None:
            feedback = Feedback(
                interview_id=interview.id,
                interviewer_id=interview.interviewer_id,
                signal=signal,
                ratings=ratings,
                notes=notes,
                submitted_at=now,
                updated_at=now,
            )
        else:
            feedback.signal, feedback.ratings, feedback.notes = signal, ratings, notes
            feedback.updated_at = now
        uow.session.add(feedback)
        uow.session.flush()
        uow.audit.record(
            actor,
            "feedback_updated" if updated else "feedback_submitted",
            loop.id,
            interview=interview.id,
            stage=stage.key,
            signal=signal,
        )
        maybe_complete(self.config, uow, loop, stage, now)
        ask_sign_off(uow, loop, interview, template.title)
        view = loop_view(self.config.templates, uow, loop)
        enqueue(
            uow,
            f"feedback:{interview.id}:thanks:{int(now.timestamp())}",
            "chat.postMessage",
            loop_id=loop.id,
            channel=actor,
            **feedback_thanks(view, template.title, stage.id, updated),
        )
        refresh_rollup(self.config, uow, loop, stage, now)
        refresh_root(self.config, uow, loop)

    def _team_choices(self, uow: UnitOfWork, loop, template) -> list[str]:
        """The teams a candidate may lean toward, when this stage asks (its template says)."""
        if "team_preferences" not in template.captures:
            return []
        return sorted(pool_teams(self.config.templates, loop.pool)) if loop.pool else teams(uow)

    @staticmethod
    def _validate(form: Mapping[str, str], competencies) -> tuple[str, dict[str, int], str]:
        errors = []
        signal = (form.get("signal") or "").strip()
        if signal not in SIGNAL_VALUES:
            errors.append(InputError("signal", "choose hire or no-hire", "Yes"))
        ratings: dict[str, int] = {}
        for name in competencies:
            raw = (form.get(f"rating:{name}") or "").strip()
            if raw not in RATING_VALUES:
                errors.append(InputError(f"rating:{name}", "rate it from 1 to 4", "3 — at the bar"))
            else:
                ratings[name] = int(raw)
        notes = (form.get("notes") or "").strip()
        if len(notes) < 20:
            errors.append(
                InputError(
                    "notes",
                    "write a few sentences of what you saw",
                    "Designed a clear schema; missed the retry case at first",
                )
            )
        if errors:
            raise InvalidForm(errors)
        return signal, ratings, notes

    def panel(self, uow: UnitOfWork, stage_id: int, actor: str, now: datetime) -> dict:
        """The stage's feedback for someone allowed to read it now (the bias guard:
        `Access.feedback_refusal`)."""
        stage = uow.loops.stage(stage_id)
        if stage is None:
            raise NotFound("That stage no longer exists.")
        loop = uow.loops.get(stage.loop_id)
        refusal = Access(uow, self.config.templates).feedback_refusal(actor, stage, loop)
        if refusal is not None:
            raise PermissionDenied(refusal)
        template = stage_template(self.config.templates, loop, stage.key)
        candidate = uow.loops.candidate(loop.candidate_id)
        return panel_feedback_modal(candidate.name, template.title, feedback_views(uow, stage, now))

    def _panel_interview(self, uow: UnitOfWork, stage_id: int, actor: str) -> Interview | None:
        for interview in uow.loops.interviews(stage_id):
            if interview.trainee_mode:
                continue  # a trainee's practice feedback opens nobody's view of the panel's
            if uow.interviewers.get(interview.interviewer_id).slack_user_id == actor:
                return interview
        return None
