"""Open loops at round 1 with their panels and some feedback: what App Home and a stage's
roll-up read, for the statement-count tests and the App Home bench."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.planning.template_loader import load_templates
from storage.models import Candidate, Feedback, Interview, Interviewer, Loop, Stage
from storage.uow import UnitOfWork

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TEMPLATES = load_templates()


def person(work: UnitOfWork, slack_id: str, roles: list[str]) -> Interviewer:
    return work.interviewers.add(
        Interviewer(
            slack_user_id=slack_id,
            name=slack_id,
            roles=roles,
            teams=["payments"],
            interview_types=["coding", "system_design"],
            tz="UTC",
        )
    )


def staff(work: UnitOfWork) -> tuple[Interviewer, Interviewer, list[Interviewer]]:
    recruiter = person(work, "U0REC", ["recruiter"])
    manager = person(work, "U0HM", ["hiring_manager"])
    engineers = [person(work, f"U0ENG{n}", ["engineer"]) for n in range(8)]
    return recruiter, manager, engineers


def a_loop(work: UnitOfWork, recruiter, manager, panel: list[Interviewer], n: int) -> Stage:
    """An open loop at round 1, its interviews over, half of them with feedback (and one
    reminded about it): the rows App Home and the roll-up read."""
    candidate = work.loops.add_candidate(Candidate(name=f"C{n}", email=f"c{n}@x.org", tz="UTC"))
    loop = work.loops.add(
        Loop(
            candidate_id=candidate.id,
            track="ic",
            level="L5",
            team="payments",
            recruiter_id=recruiter.id,
            hiring_manager_id=manager.id,
            created_by="U0REC",
        )
    )
    current = None
    for position, template in enumerate(TEMPLATES.stages_for("ic", "payments", "L5")):
        status = "decided" if template.key != "round_1" and current is None else "pending"
        stage = work.loops.add_stage(
            Stage(loop_id=loop.id, key=template.key, position=position, status=status)
        )
        if template.key == "round_1":
            stage.status, current = "scheduled", stage
    assert current is not None
    for seat, who in enumerate(panel):
        start = NOW - timedelta(days=1) + timedelta(hours=seat)
        interview = work.loops.add_interview(
            Interview(
                stage_id=current.id,
                interviewer_id=who.id,
                role="engineer",
                interview_type="coding",
                start_at=start,
                end_at=start + timedelta(minutes=45),
                status="confirmed",
                feedback_reminded_at=NOW if seat == 1 else None,
            )
        )
        if seat % 2 == 0:
            work.session.add(
                Feedback(
                    interview_id=interview.id,
                    interviewer_id=who.id,
                    signal="yes",
                    ratings={},
                    notes="Clear thinking.",
                    submitted_at=NOW,
                    updated_at=NOW,
                )
            )
    work.session.flush()
    return current
