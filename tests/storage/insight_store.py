"""The fixed insights data set (tests/unit/insights/dataset.py) written as the services
write it: interviewers, loops with their audit trail, stages, interviews, feedback, decisions."""

from __future__ import annotations

from sqlalchemy import Engine

from storage.models import (
    AuditEvent,
    Candidate,
    Decision,
    Feedback,
    Interview,
    Interviewer,
    Loop,
    Stage,
)
from storage.uow import UnitOfWork
from tests.unit.insights import dataset as fixed

ROLES = {fixed.ADA: ["recruiter"], fixed.BEN: ["hiring_manager"], fixed.EVE: ["hiring_manager"]}


def store(engine: Engine, data=fixed.DATA, first_id: int = 0) -> None:
    """Write rows as the services do: loops with their audit trail, decisions, feedback."""
    with UnitOfWork(engine) as uow:
        session = uow.session
        if first_id == 0:
            for p in data.people:
                session.add(
                    Interviewer(
                        id=p.id,
                        slack_user_id=p.slack_user_id,
                        name=p.name,
                        roles=ROLES.get(p.id, ["engineer"]),
                        teams=list(p.teams),
                        interview_types=["coding"],
                        tz=p.tz,
                        weekly_cap=p.weekly_cap,
                        active=p.active,
                    )
                )
            session.flush()
        for loop in data.loops:
            loop_id = first_id + loop.id
            session.add(Candidate(id=loop_id, name=f"C{loop_id}", email="c@x.org", tz="UTC"))
            session.flush()
            last = max(
                [loop.started_at]
                + [d.decided_at for d in data.decisions if d.loop_id == loop.id]
                + [e.at for e in data.events if e.loop_id == loop.id]
            )
            place = loop.places[-1]
            session.add(
                Loop(
                    id=loop_id,
                    candidate_id=loop_id,
                    track=loop.track,
                    level=loop.level,
                    team=place.team,
                    pool=place.pool,
                    recruiter_id=loop.recruiter_id,
                    hiring_manager_id=loop.hiring_manager_id,
                    status=loop.status,
                    created_by="U_ADA",
                    created_at=loop.started_at,
                    updated_at=last if loop.status != "open" else loop.started_at,
                )
            )
            first = loop.places[0]
            session.add(
                AuditEvent(
                    at=loop.started_at,
                    actor="U_ADA",
                    action="loop_created",
                    loop_id=loop_id,
                    detail={"team": first.team, "pool": first.pool, "level": loop.level},
                )
            )
        session.flush()
        for s in data.stages:
            session.add(
                Stage(
                    id=first_id + s.id,
                    loop_id=first_id + s.loop_id,
                    key=s.key,
                    position=s.position,
                    status=s.status,
                )
            )
        session.flush()
        for i in data.interviews:
            session.add(
                Interview(
                    id=first_id + i.id,
                    stage_id=first_id + i.stage_id,
                    interviewer_id=i.interviewer_id,
                    role="engineer",
                    interview_type=i.interview_type,
                    start_at=i.start_at,
                    end_at=i.end_at,
                    status=i.status,
                )
            )
        session.flush()
        for f in data.feedback:
            session.add(
                Feedback(
                    interview_id=first_id + f.interview_id,
                    interviewer_id=f.interviewer_id,
                    signal="yes",
                    notes="never read by insights",
                    submitted_at=f.submitted_at,
                    updated_at=f.submitted_at,
                )
            )
        for d in data.decisions:
            session.add(
                Decision(
                    loop_id=first_id + d.loop_id,
                    stage_id=first_id + d.stage_id,
                    kind=d.kind,
                    decided_by="U_BEN",
                    decided_at=d.decided_at,
                )
            )
        for e in data.events:
            session.add(
                AuditEvent(
                    at=e.at,
                    actor=e.actor,
                    action=e.action,
                    loop_id=first_id + e.loop_id,
                    detail=dict(e.detail),
                )
            )
        # Noise insights must not read: another action, and an event with no loop.
        session.add(AuditEvent(at=fixed.NOW, actor="loopbot", action="slack_call_failed"))
        uow.commit()
