"""Trainees and their sessions: who is in training for which interview type, and the
interviews they sat in on with their leads' sign-offs."""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session, select

from storage.models import Interview, Trainee


class Trainees:
    def __init__(self, session: Session) -> None:
        self.session = session

    def in_training(self) -> list[Trainee]:
        query = select(Trainee).where(Trainee.graduated_at.is_(None)).order_by(Trainee.id)
        return list(self.session.exec(query))

    def of(self, interviewer_id: int, interview_type: str) -> Trainee | None:
        query = select(Trainee).where(
            Trainee.interviewer_id == interviewer_id, Trainee.interview_type == interview_type
        )
        return self.session.exec(query).first()

    def graduated_types(self, interviewer_id: int) -> list[str]:
        query = select(Trainee.interview_type).where(
            Trainee.interviewer_id == interviewer_id, Trainee.graduated_at.is_not(None)
        )
        return list(self.session.exec(query))

    def add(self, trainee: Trainee) -> Trainee:
        self.session.add(trainee)
        self.session.flush()
        return trainee

    def positive_sessions(self, interviewer_id: int, interview_type: str) -> Counter[str]:
        """Sessions signed off as positive, per mode."""
        query = select(Interview.trainee_mode).where(
            Interview.interviewer_id == interviewer_id,
            Interview.interview_type == interview_type,
            Interview.trainee_mode != "",
            Interview.sign_off == "positive",
        )
        return Counter(self.session.exec(query))

    def sitting_in(self, lead_interview_id: int) -> Interview | None:
        query = select(Interview).where(
            Interview.lead_interview_id == lead_interview_id, Interview.trainee_mode != ""
        )
        return self.session.exec(query).first()
