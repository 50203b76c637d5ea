"""The rows insights read, in a fixed number of queries whatever the size of the data.

One query per table: the loops that were live in the period (narrowed to a team or pool's
loops, plus every loop that ever pivoted, since it may have been theirs before), and then
their stages, decisions, audit events and feedback times through the same loop filter as a
subquery; interviews are the loops' own and anyone's around the period (for weekly load).
Feedback is read as times only: insights never load what an interviewer wrote.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from storage.models import AuditEvent, Decision, Feedback, Interview, Interviewer, Loop, Stage

PIVOTED = "loop_pivoted"


@dataclass(frozen=True)
class InsightRecords:
    people: list[Interviewer]
    loops: list[Loop]
    stages: list[Stage]
    interviews: list[tuple[Interview, int]]  # with the interview's loop id
    feedback: list[tuple[int, int, datetime]]  # interview id, interviewer id, submitted at
    decisions: list[Decision]
    events: list[AuditEvent]


class InsightQueries:
    def __init__(self, session: Session):
        self.session = session

    def records(
        self,
        start: datetime,
        end: datetime,
        *,
        team: str = "",
        pool: str = "",
        recruiter_id: int = 0,
        actions: Collection[str] = (),
        load_margin: timedelta = timedelta(days=8),
    ) -> InsightRecords:
        """Everything about the loops live in [start, end) (of `team`, `pool` or one
        recruiter when given),
        the audit events named in `actions`, and every interview that starts within
        `load_margin` of the period (whole weeks in anyone's zone)."""
        loop_ids = select(Loop.id).where(*self._live(start, end, team, pool, recruiter_id))
        exec_ = self.session.exec
        interviews = exec_(
            select(Interview, Stage.loop_id)
            .join(Stage, col(Stage.id) == Interview.stage_id)
            .where(
                or_(
                    col(Stage.loop_id).in_(loop_ids),
                    (col(Interview.start_at) >= start - load_margin)
                    & (col(Interview.start_at) < end + load_margin),
                )
            )
            .order_by(Interview.id)
        ).all()
        feedback = exec_(
            select(Feedback.interview_id, Feedback.interviewer_id, Feedback.submitted_at)
            .join(Interview, col(Interview.id) == Feedback.interview_id)
            .join(Stage, col(Stage.id) == Interview.stage_id)
            .where(col(Stage.loop_id).in_(loop_ids))
            .order_by(Feedback.interview_id)
        ).all()
        return InsightRecords(
            people=list(exec_(select(Interviewer).order_by(Interviewer.id))),
            loops=list(exec_(select(Loop).where(col(Loop.id).in_(loop_ids)).order_by(Loop.id))),
            stages=list(
                exec_(select(Stage).where(col(Stage.loop_id).in_(loop_ids)).order_by(Stage.id))
            ),
            interviews=[(interview, loop_id) for interview, loop_id in interviews],
            feedback=[tuple(row) for row in feedback],
            decisions=list(
                exec_(
                    select(Decision)
                    .where(col(Decision.loop_id).in_(loop_ids))
                    .order_by(Decision.id)
                )
            ),
            events=list(
                exec_(
                    select(AuditEvent)
                    .where(col(AuditEvent.loop_id).in_(loop_ids))
                    .where(col(AuditEvent.action).in_(list(actions)))
                    .order_by(AuditEvent.id)
                )
            ),
        )

    @staticmethod
    def _live(start: datetime, end: datetime, team: str, pool: str, recruiter_id: int) -> list:
        # A closed loop's last change is its closing (updated_at), after which nothing in it
        # moves; an open one may have moved at any time.
        conditions = [
            col(Loop.created_at) < end,
            or_(Loop.status == "open", col(Loop.updated_at) >= start),
        ]
        pivoted = select(AuditEvent.loop_id).where(AuditEvent.action == PIVOTED)
        if recruiter_id:
            conditions.append(Loop.recruiter_id == recruiter_id)
        elif team:
            conditions.append(or_(Loop.team == team, col(Loop.id).in_(pivoted)))
        elif pool:
            conditions.append(or_(Loop.pool == pool, col(Loop.id).in_(pivoted)))
        return conditions
