"""Repositories: the only place that builds queries. Services talk to these."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, func, or_
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
    OutboxMessage,
    ProcessedRequest,
    SlackMessage,
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


class Outbox:
    def __init__(self, session: Session):
        self.session = session

    def add(self, message: OutboxMessage) -> OutboxMessage | None:
        """Queue a call; a message whose key is already queued is not queued twice."""
        existing = self.session.exec(
            select(OutboxMessage).where(OutboxMessage.key == message.key)
        ).first()
        if existing is not None:
            return None
        self.session.add(message)
        self.session.flush()
        return message

    def due(self, now: datetime, limit: int = 50) -> Sequence[OutboxMessage]:
        return self.session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending")
            .where(OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()

    def pending_count(self) -> int:
        return len(
            self.session.exec(
                select(OutboxMessage.id).where(OutboxMessage.status == "pending")
            ).all()
        )

    def get(self, message_id: int) -> OutboxMessage | None:
        return self.session.get(OutboxMessage, message_id)

    def latest_for(self, ref: str) -> OutboxMessage | None:
        """The newest call that posts or edits the message named `ref` (failed ones aside)."""
        return self.session.exec(
            select(OutboxMessage)
            .where(or_(OutboxMessage.ref == ref, OutboxMessage.update_ref == ref))
            .where(OutboxMessage.status != "failed")
            .order_by(col(OutboxMessage.id).desc())
        ).first()

    def has_ref(self, ref: str) -> bool:
        """Whether a message with this name was ever queued (sent or not)."""
        return (
            self.session.exec(select(OutboxMessage.id).where(OutboxMessage.ref == ref)).first()
            is not None
        )

    def ref_failed(self, ref: str) -> bool:
        """The message named `ref` will never exist: every call that creates it failed."""
        rows = self.session.exec(
            select(OutboxMessage.status)
            .where(OutboxMessage.ref == ref)
            .where(OutboxMessage.update_ref.is_(None))
        ).all()
        return bool(rows) and all(status == "failed" for status in rows)

    def message(self, ref: str) -> SlackMessage | None:
        return self.session.get(SlackMessage, ref)

    def remember(self, ref: str, channel: str, ts: str) -> None:
        existing = self.session.get(SlackMessage, ref)
        if existing is None:
            self.session.add(SlackMessage(ref=ref, channel=channel, ts=ts))
        else:
            existing.channel, existing.ts = channel, ts
            self.session.add(existing)


class Audit:
    def __init__(self, session: Session):
        self.session = session

    def record(self, actor: str, action: str, loop_id: int | None = None, **detail) -> None:
        self.session.add(
            AuditEvent(at=utcnow(), actor=actor, action=action, loop_id=loop_id, detail=detail)
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

    def forget_before(self, cutoff: datetime) -> None:
        self.session.exec(delete(ProcessedRequest).where(col(ProcessedRequest.at) < cutoff))


def replace_roster(session: Session, interviewers: Iterable[Interviewer]) -> tuple[int, int]:
    """Upsert by Slack user id; people missing from the file are deactivated, never
    deleted (their past interviews and feedback still point at them)."""
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
        if slack_id not in seen and person.active:
            person.active = False
            session.add(person)
    session.flush()
    return added, updated
