"""What erasure and retention read and write: loops past their keeping time, a loop's
feedback and outbox rows, the audit log in order."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.models import AuditEvent, Candidate, Feedback, Interview, Loop, OutboxMessage, Stage


class PrivacyQueries:
    def __init__(self, session: Session):
        self.session = session

    def closed_before(self, cutoff: datetime) -> list[Loop]:
        """Closed loops untouched since `cutoff` whose candidate is not erased yet."""
        query = (
            select(Loop)
            .join(Candidate, Candidate.id == Loop.candidate_id)
            .where(Loop.status != "open", Loop.updated_at < cutoff, Candidate.erased_at.is_(None))
            .order_by(Loop.id)
        )
        return list(self.session.exec(query))

    def feedback_of(self, loop_id: int) -> list[Feedback]:
        query = (
            select(Feedback)
            .join(Interview, Interview.id == Feedback.interview_id)
            .join(Stage, Stage.id == Interview.stage_id)
            .where(Stage.loop_id == loop_id)
        )
        return list(self.session.exec(query))

    def outbox_of(self, loop_id: int) -> list[OutboxMessage]:
        query = select(OutboxMessage).where(OutboxMessage.loop_id == loop_id)
        return list(self.session.exec(query))

    def audit(self, since: datetime | None = None) -> list[AuditEvent]:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if since is not None:
            query = query.where(AuditEvent.at >= since)
        return list(self.session.exec(query))
