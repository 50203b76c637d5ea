"""App Home: an interviewer's upcoming interviews and feedback to give; a recruiter's or
hiring manager's open loops by stage, with overdue feedback called out; a recruiter's numbers
for the week."""

from __future__ import annotations

from datetime import datetime

from bot.access import standing
from bot.insights.service import InsightsService
from bot.loops.catalog import place, stage_template
from bot.loops.plan_requests import BOOKING_HORIZON
from bot.loops.views import feedback_views
from bot.messages.home import HomeInterview, HomeLoop, home_tab, off_roster_home
from bot.planning.templates import TemplateBook
from storage.models import Interview, Interviewer
from storage.uow import UnitOfWork


def home_view(
    uow: UnitOfWork,
    templates: TemplateBook,
    slack_user_id: str,
    now: datetime,
    insights: InsightsService,
) -> dict:
    person = uow.interviewers.by_slack_id(slack_user_id)
    if person is None:
        return off_roster_home()
    return home_tab(
        _feedback_to_give(uow, templates, person, now),
        _upcoming(uow, templates, person, now),
        _loops_run(uow, templates, person, now),
        week=insights.weekly(uow, person, now),
    )


def _describe(uow: UnitOfWork, templates: TemplateBook, interview: Interview) -> HomeInterview:
    stage = uow.loops.stage(interview.stage_id)
    loop = uow.loops.get(stage.loop_id)
    candidate = uow.loops.candidate(loop.candidate_id)
    return HomeInterview(
        interview_id=interview.id,
        candidate=candidate.name,
        stage_title=stage_template(templates, loop, stage.key).title,
        interview_type=interview.interview_type,
        start=interview.start_at,
        end=interview.end_at,
        feedback_overdue=interview.feedback_reminded_at is not None,
    )


def _feedback_to_give(uow, templates: TemplateBook, person: Interviewer, now: datetime):
    return [
        _describe(uow, templates, i)
        for i in uow.loops.interviews_with_status(("confirmed", "completed"), person.id)
        if i.end_at <= now
        and uow.loops.feedback_for(i.id) is None
        and uow.loops.stage(i.stage_id).status not in ("decided", "skipped")
    ]


def _upcoming(uow, templates: TemplateBook, person: Interviewer, now: datetime):
    return [
        _describe(uow, templates, i)
        for i in uow.loops.bookings_between(now, now + BOOKING_HORIZON, person.id)
        if i.status == "confirmed" and i.start_at > now
    ]


def _loops_run(uow, templates: TemplateBook, person: Interviewer, now: datetime) -> list[HomeLoop]:
    running = []
    for loop in uow.loops.open_loops():
        if not standing(person, loop, templates):  # its recruiter, HM, team coordinator, admin
            continue
        candidate = uow.loops.candidate(loop.candidate_id)
        current = next(
            (s for s in uow.loops.stages(loop.id) if s.status not in ("decided", "skipped")), None
        )
        if current is None:
            running.append(HomeLoop(candidate.name, loop.level, place(templates, loop), None))
            continue
        overdue = [
            v.person.slack_user_id
            for v in feedback_views(uow, current, now)
            if v.state == "overdue"
        ]
        running.append(
            HomeLoop(
                candidate=candidate.name,
                level=loop.level,
                place=place(templates, loop),
                stage_title=stage_template(templates, loop, current.key).title,
                stage_status=current.status,
                overdue_from=tuple(overdue),
            )
        )
    return running
