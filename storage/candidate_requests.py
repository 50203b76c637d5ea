"""Reading and writing `candidate_request` rows (the candidate's side)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.models import CandidateRequest


class CandidateRequests:
    def __init__(self, session: Session):
        self.session = session

    def add(self, request: CandidateRequest) -> CandidateRequest:
        self.session.add(request)
        self.session.flush()
        return request

    def save(self, request: CandidateRequest) -> None:
        self.session.add(request)

    def latest(self, stage_id: int) -> CandidateRequest | None:
        return self.session.exec(
            select(CandidateRequest)
            .where(CandidateRequest.stage_id == stage_id)
            .order_by(CandidateRequest.id.desc())
        ).first()

    def of_loop(self, loop_id: int) -> list[CandidateRequest]:
        return list(
            self.session.exec(
                select(CandidateRequest)
                .where(CandidateRequest.loop_id == loop_id)
                .order_by(CandidateRequest.id)
            )
        )

    def unanswered_since(self, before: datetime) -> list[CandidateRequest]:
        """Open requests sent before `before` that have had no reminder yet."""
        return list(
            self.session.exec(
                select(CandidateRequest)
                .where(CandidateRequest.status == "open")
                .where(CandidateRequest.sent_at <= before)
                .where(CandidateRequest.reminded_at.is_(None))
                .order_by(CandidateRequest.id)
            )
        )
