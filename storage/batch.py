"""Reads of many rows of one kind at once, by id: what a view that shows many loops (App
Home) or a whole panel (a stage's roll-up) asks for, one query per kind whatever the number
of loops or panelists (in chunks of 500 ids, under every database's parameter limit)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from storage.models import Candidate, Feedback, Interview, Interviewer, Loop, Stage

CHUNK = 500
LIVE = ("confirmed", "completed")


def _chunks(ids: Iterable[int]) -> list[list[int]]:
    unique = sorted({i for i in ids if i is not None})
    return [unique[n : n + CHUNK] for n in range(0, len(unique), CHUNK)]


class BatchReads:
    def __init__(self, session: Session):
        self.session = session

    def _by_id(self, model, ids: Iterable[int]) -> dict:
        found = {}
        for chunk in _chunks(ids):
            for row in self.session.exec(select(model).where(col(model.id).in_(chunk))):
                found[row.id] = row
        return found

    def people(self, ids: Iterable[int]) -> dict[int, Interviewer]:
        return self._by_id(Interviewer, ids)

    def candidates(self, ids: Iterable[int]) -> dict[int, Candidate]:
        return self._by_id(Candidate, ids)

    def loops(self, ids: Iterable[int]) -> dict[int, Loop]:
        return self._by_id(Loop, ids)

    def stages(self, ids: Iterable[int]) -> dict[int, Stage]:
        return self._by_id(Stage, ids)

    def open_loops_run_by(self, person_id: int) -> list[Loop]:
        """The open loops `person_id` recruits for or hires for."""
        query = (
            select(Loop)
            .where(Loop.status == "open")
            .where(or_(Loop.recruiter_id == person_id, Loop.hiring_manager_id == person_id))
        )
        return list(self.session.exec(query.order_by(Loop.id)))

    def awaiting_feedback(self, person_id: int, now: datetime) -> list[Interview]:
        """`person_id`'s live interviews that are over and have no feedback yet."""
        query = (
            select(Interview)
            .outerjoin(Feedback, col(Feedback.interview_id) == Interview.id)
            .where(Interview.interviewer_id == person_id)
            .where(col(Interview.status).in_(LIVE))
            .where(Interview.end_at <= now)
            .where(col(Feedback.id).is_(None))
        )
        return list(self.session.exec(query.order_by(Interview.id)))

    def stages_of_loops(self, loop_ids: Iterable[int]) -> dict[int, list[Stage]]:
        """Each loop's stages, in order."""
        found: dict[int, list[Stage]] = {}
        for chunk in _chunks(loop_ids):
            query = select(Stage).where(col(Stage.loop_id).in_(chunk))
            for stage in self.session.exec(query.order_by(Stage.loop_id, Stage.position)):
                found.setdefault(stage.loop_id, []).append(stage)
        return found

    def live_interviews(self, stage_ids: Iterable[int]) -> dict[int, list[Interview]]:
        """Each stage's panel: its confirmed and completed interviews, by start time. A
        trainee sitting in is not on it (their feedback is practice and never counts)."""
        found: dict[int, list[Interview]] = {}
        for chunk in _chunks(stage_ids):
            query = (
                select(Interview)
                .where(col(Interview.stage_id).in_(chunk))
                .where(col(Interview.status).in_(LIVE))
                .where(Interview.trainee_mode == "")
            )
            for interview in self.session.exec(query.order_by(Interview.start_at, Interview.id)):
                found.setdefault(interview.stage_id, []).append(interview)
        return found

    def feedback(self, interview_ids: Iterable[int]) -> dict[int, Feedback]:
        """The feedback given for each of these interviews that has some."""
        found: dict[int, Feedback] = {}
        for chunk in _chunks(interview_ids):
            query = select(Feedback).where(col(Feedback.interview_id).in_(chunk))
            for feedback in self.session.exec(query.order_by(Feedback.id)):
                found.setdefault(feedback.interview_id, feedback)
        return found
