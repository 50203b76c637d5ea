"""The plain values the Block Kit builders take, read from a loop's rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.loops.catalog import place, stage_template
from bot.loops.lookups import as_datetime, live_interviews
from bot.messages.thread import GATES
from bot.messages.values import FeedbackView, LoopView, Person, SlotView, StageView
from bot.planning.templates import TemplateBook
from bot.slack_text import when
from storage.models import Feedback, Interview, Interviewer, Loop, Stage
from storage.uow import UnitOfWork


def loop_view(templates: TemplateBook, uow: UnitOfWork, loop: Loop) -> LoopView:
    candidate = uow.loops.candidate(loop.candidate_id)
    recruiter = uow.interviewers.get(loop.recruiter_id)
    manager = uow.interviewers.get(loop.hiring_manager_id)
    return LoopView(
        loop_id=loop.id,
        candidate=candidate.name,
        level=loop.level,
        level_title=templates.level_title(loop.level, loop.track),
        track_title=templates.track(loop.track).title,
        team=place(templates, loop),
        recruiter=Person(recruiter.slack_user_id, recruiter.name),
        hiring_manager=Person(manager.slack_user_id, manager.name),
        accommodations=loop.accommodations,
        status=loop.status,
    )


def stage_views(templates: TemplateBook, uow: UnitOfWork, loop: Loop) -> list[StageView]:
    views = []
    for stage in uow.loops.stages(loop.id):
        template = stage_template(templates, loop, stage.key)
        summary = ""
        live = live_interviews(uow, stage)
        if live and template.kind == "take_home":
            summary = f"due {when(live[0].end_at)}"
        elif live:
            summary = when(live[0].start_at)
        elif stage.status == "proposed" and stage.proposal.get("kind") == "none":
            summary = "no full panel fits yet"
        elif stage.status == "proposed" and stage.proposal.get("expired"):
            summary = "proposal expired"
        elif stage.status == "pending" and template.gate:
            summary = GATES.get(template.gate, template.gate)
        views.append(StageView(stage.key, template.title, stage.status, summary))
    return views


def slot_views(uow: UnitOfWork, slots: list[dict]) -> list[SlotView]:
    views = []
    for s in slots:
        person = uow.interviewers.get(s["interviewer_id"])
        views.append(
            SlotView(
                Person(person.slack_user_id, person.name),
                s["role"],
                s["interview_type"],
                as_datetime(s["start"]),
                as_datetime(s["end"]),
            )
        )
    return views


def interview_view(uow, interview: Interview, people: Mapping[int, Interviewer] | None = None):
    """The interview as a slot (`people`: the panel read already, by id)."""
    person = (
        people[interview.interviewer_id]
        if people
        else uow.interviewers.get(interview.interviewer_id)
    )
    return SlotView(
        Person(person.slack_user_id, person.name),
        interview.role,
        interview.interview_type,
        interview.start_at,
        interview.end_at,
    )


def feedback_views(uow: UnitOfWork, stage: Stage, now: datetime) -> list[FeedbackView]:
    """The stage's panel and its feedback, in three queries whatever the panel's size."""
    interviews = live_interviews(uow, stage)
    return panel_feedback(
        interviews,
        uow.batch.people(i.interviewer_id for i in interviews),
        uow.batch.feedback(i.id for i in interviews),
        now,
    )


def panel_feedback(
    interviews: Sequence[Interview],
    people: Mapping[int, Interviewer],
    feedback_of: Mapping[int, Feedback],
    now: datetime,
) -> list[FeedbackView]:
    """Each live interview's feedback state, from rows read already."""
    views = []
    for interview in interviews:
        person = people[interview.interviewer_id]
        who = Person(person.slack_user_id, person.name)
        feedback = feedback_of.get(interview.id)
        if feedback is not None:
            summary = feedback.notes.strip().splitlines()[0][:140] if feedback.notes else ""
            views.append(
                FeedbackView(
                    who,
                    interview.interview_type,
                    "submitted",
                    feedback.signal,
                    summary,
                    feedback.ratings,
                    feedback.notes,
                )
            )
        elif now < interview.end_at:
            views.append(FeedbackView(who, interview.interview_type, "waiting"))
        elif interview.feedback_reminded_at is not None:
            views.append(FeedbackView(who, interview.interview_type, "overdue"))
        else:
            views.append(FeedbackView(who, interview.interview_type, "due"))
    return views
