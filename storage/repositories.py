"""Repositories: the only place that builds queries. Services talk to these."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from sqlalchemy import Text, cast, delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import (
    AuditEvent,
    Candidate,
    Decision,
    Feedback,
    Interview,
    Interviewer,
    Loop,
    ProcessedRequest,
    Stage,
    utcnow,
)


class Interviewers:
    def __init__(self, session: Session):
        self.session = session

    def get(self, interviewer_id: int) -> Interviewer | None:
        return self.session.get(Interviewer, interviewer_id)

    def by_slack_id(self, slack_user_id: str) -> Interviewer | None:
        return self.session.exec(
            select(Interviewer).where(Interviewer.slack_user_id == slack_user_id)
        ).first()

    def all(self, *, active_only: bool = True) -> list[Interviewer]:
        query = select(Interviewer).order_by(Interviewer.id)
        if active_only:
            query = query.where(Interviewer.active == True)  # noqa: E712  (SQL, not Python)
        return list(self.session.exec(query))

    def has_team(self, team: str) -> bool:
        """Is anyone active in `team`? A light query that loads no row: the JSON list's text
        holds each name JSON-quoted (quotes inside a name escaped), so the quoted name matches
        whole names only (LIKE's own wildcards escaped)."""
        quoted = json.dumps(team).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = (
            select(Interviewer.id)
            .where(Interviewer.active == True)  # noqa: E712  (SQL, not Python)
            .where(cast(Interviewer.teams, Text).like(f"%{quoted}%", escape="\\"))
            .limit(1)
        )
        return self.session.exec(query).first() is not None

    def team_facts(self) -> list[tuple[str, list[str], list[str]]]:
        """(Slack id, roles, teams) of everyone active, in one light query: the teams and
        their managers without loading whole rows."""
        query = select(Interviewer.slack_user_id, Interviewer.roles, Interviewer.teams).where(
            Interviewer.active == True  # noqa: E712  (SQL, not Python)
        )
        return [tuple(row) for row in self.session.exec(query.order_by(Interviewer.id))]

    def add(self, interviewer: Interviewer) -> Interviewer:
        self.session.add(interviewer)
        self.session.flush()
        return interviewer


class Loops:
    def __init__(self, session: Session):
        self.session = session

    def get(self, loop_id: int, *, lock: bool = False) -> Loop | None:
        return self.session.get(Loop, loop_id, with_for_update=lock or None)

    def add(self, loop: Loop) -> Loop:
        self.session.add(loop)
        self.session.flush()
        return loop

    def add_candidate(self, candidate: Candidate) -> Candidate:
        self.session.add(candidate)
        self.session.flush()
        return candidate

    def candidate(self, candidate_id: int) -> Candidate | None:
        return self.session.get(Candidate, candidate_id)

    def open_loops(self) -> list[Loop]:
        return list(self.session.exec(select(Loop).where(Loop.status == "open").order_by(Loop.id)))

    def closed_loops(self) -> list[Loop]:
        return list(self.session.exec(select(Loop).where(Loop.status != "open").order_by(Loop.id)))

    def stages(self, loop_id: int) -> list[Stage]:
        return list(
            self.session.exec(
                select(Stage).where(Stage.loop_id == loop_id).order_by(Stage.position)
            )
        )

    def stage(self, stage_id: int, *, lock: bool = False) -> Stage | None:
        """`lock=True` holds the row until commit (PostgreSQL's FOR UPDATE), so two
        concurrent clicks on the same stage act one after the other."""
        return self.session.get(Stage, stage_id, with_for_update=lock or None)

    def add_stage(self, stage: Stage) -> Stage:
        self.session.add(stage)
        self.session.flush()
        return stage

    def interviews(self, stage_id: int) -> list[Interview]:
        return list(
            self.session.exec(
                select(Interview).where(Interview.stage_id == stage_id).order_by(Interview.start_at)
            )
        )

    def interviews_of_loop(self, loop_id: int) -> list[Interview]:
        return list(
            self.session.exec(
                select(Interview)
                .join(Stage, col(Stage.id) == Interview.stage_id)
                .where(Stage.loop_id == loop_id)
                .order_by(Interview.start_at)
            )
        )

    def interview(self, interview_id: int, *, lock: bool = False) -> Interview | None:
        return self.session.get(Interview, interview_id, with_for_update=lock or None)

    def interviews_with_status(
        self, statuses: tuple[str, ...], interviewer_id: int | None = None
    ) -> list[Interview]:
        query = select(Interview).where(col(Interview.status).in_(statuses))
        if interviewer_id is not None:
            query = query.where(Interview.interviewer_id == interviewer_id)
        return list(self.session.exec(query.order_by(Interview.id)))

    def add_interview(self, interview: Interview) -> Interview:
        self.session.add(interview)
        self.session.flush()
        return interview

    def bookings_between(
        self, start: datetime, end: datetime, interviewer_id: int | None = None
    ) -> list[Interview]:
        """Every live interview overlapping [start, end) (one person's, when given):
        what the planner must avoid."""
        query = (
            select(Interview)
            .where(col(Interview.status).in_(("confirmed", "completed")))
            .where(Interview.start_at < end)
            .where(Interview.end_at > start)
        )
        if interviewer_id is not None:
            query = query.where(Interview.interviewer_id == interviewer_id)
        return list(self.session.exec(query.order_by(Interview.id)))

    def interview_stats(self, now: datetime) -> dict[int, tuple[datetime | None, int]]:
        """Per interviewer: when they last interviewed and how often (load spreading)."""
        rows = self.session.exec(
            select(Interview.interviewer_id, func.max(Interview.start_at), func.count())
            .where(col(Interview.status).in_(("confirmed", "completed")))
            .where(Interview.start_at <= now)
            .group_by(Interview.interviewer_id)
        ).all()
        return {pid: (_aware(last), count) for pid, last, count in rows}

    def prompt_facts(self, interview_ids: Iterable[int] | None = None) -> list[tuple]:
        """What deciding an interview's timed prompts needs, for every live interview (or
        the given ones), in one query per 500 ids: (interview id, start, end, the five
        sent-at columns, stage key, loop track, team, technical format, has feedback, trainee
        mode)."""
        has_feedback = select(Feedback.id).where(Feedback.interview_id == Interview.id).exists()
        query = (
            select(
                Interview.id,
                Interview.start_at,
                Interview.end_at,
                Interview.reminded_at,
                Interview.prompted_at,
                Interview.feedback_reminded_at,
                Interview.escalated_recruiter_at,
                Interview.escalated_manager_at,
                Stage.key,
                Loop.track,
                Loop.team,
                Loop.technical_format,
                has_feedback,
                Interview.trainee_mode,
            )
            .join(Stage, col(Stage.id) == Interview.stage_id)
            .join(Loop, col(Loop.id) == Stage.loop_id)
            .where(col(Interview.status).in_(("confirmed", "completed")))
            .where(col(Stage.status).not_in(("decided", "skipped")))
        )
        if interview_ids is None:
            return list(self.session.exec(query))
        ids = sorted(set(interview_ids))
        rows: list[tuple] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows += self.session.exec(query.where(col(Interview.id).in_(chunk))).all()
        return rows

    def feedback_for(self, interview_id: int) -> Feedback | None:
        return self.session.exec(
            select(Feedback).where(Feedback.interview_id == interview_id)
        ).first()

    def add_decision(self, decision: Decision) -> Decision:
        self.session.add(decision)
        self.session.flush()
        return decision

    def decisions(self, loop_id: int) -> list[Decision]:
        return list(
            self.session.exec(
                select(Decision).where(Decision.loop_id == loop_id).order_by(Decision.id)
            )
        )


def _aware(value: datetime | None) -> datetime | None:
    # Aggregates bypass the column type, so SQLite hands back naive (or text) UTC.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Audit:
    def __init__(self, session: Session, now: Callable[[], datetime] = utcnow):
        self.session = session
        self.now = now

    def record(self, actor: str, action: str, loop_id: int | None = None, **detail) -> None:
        self.session.add(
            AuditEvent(at=self.now(), actor=actor, action=action, loop_id=loop_id, detail=detail)
        )

    def events(self, loop_id: int | None = None) -> list[AuditEvent]:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if loop_id is not None:
            query = query.where(AuditEvent.loop_id == loop_id)
        return list(self.session.exec(query))


class Requests:
    """First-delivery-wins keys for Slack retries and double clicks."""

    def __init__(self, session: Session):
        self.session = session

    def claim(self, key: str) -> bool:
        """True the first time `key` is seen. Part of the caller's transaction, so a
        rolled-back action leaves its key unclaimed and a retry can succeed."""
        try:
            with self.session.begin_nested():
                self.session.add(ProcessedRequest(key=key, at=utcnow()))
                self.session.flush()
        except IntegrityError:
            return False
        return True

    def seen(self, key: str) -> bool:
        """Whether `key` was claimed already (reading only)."""
        return self.session.get(ProcessedRequest, key) is not None

    def forget_before(self, cutoff: datetime) -> None:
        self.session.exec(delete(ProcessedRequest).where(col(ProcessedRequest.at) < cutoff))


def replace_roster(
    session: Session, interviewers: Iterable[Interviewer], deactivate_missing: bool = True
) -> tuple[int, int]:
    """Upsert by Slack user id; people missing from the file are deactivated (unless only
    the listed people are being updated), never deleted (their past interviews and feedback
    still point at them)."""
    existing = {i.slack_user_id: i for i in session.exec(select(Interviewer))}
    seen: set[str] = set()
    added = updated = 0
    for incoming in interviewers:
        seen.add(incoming.slack_user_id)
        current = existing.get(incoming.slack_user_id)
        if current is None:
            session.add(incoming)
            added += 1
            continue
        for name, value in incoming.model_dump(exclude={"id", "active"}).items():
            setattr(current, name, value)
        current.active = True
        session.add(current)
        updated += 1
    for slack_id, person in existing.items():
        if deactivate_missing and slack_id not in seen and person.active:
            person.active = False
            session.add(person)
    session.flush()
    return added, updated
