"""App Home: an interviewer's upcoming interviews and feedback to give; a recruiter's or
hiring manager's open loops by stage, with overdue feedback called out; a recruiter's numbers
for the week."""

from __future__ import annotations

from datetime import datetime

from bot.access import standing
from bot.insights.service import InsightsService
from bot.loops.catalog import place, stage_template
from bot.loops.plan_requests import BOOKING_HORIZON
from bot.loops.views import panel_feedback
from bot.messages.home import HomeInterview, HomeLoop, home_tab, off_roster_home
from bot.planning.templates import TemplateBook
from storage.models import Interview, Loop
from storage.uow import UnitOfWork


def home_view(
    uow: UnitOfWork,
    templates: TemplateBook,
    slack_user_id: str,
    now: datetime,
    insights: InsightsService,
) -> dict:
    """The Home tab in a fixed number of queries, however many loops and interviews it
    shows: each kind of row is read once for all of them."""
    person = uow.interviewers.by_slack_id(slack_user_id)
    if person is None:
        return off_roster_home()
    pending = uow.batch.awaiting_feedback(person.id, now)
    upcoming = [
        i
        for i in uow.loops.bookings_between(now, now + BOOKING_HORIZON, person.id)
        if i.status == "confirmed" and i.start_at > now
    ]
    # Loops they run: as recruiter or hiring manager, a coordinator of the team, an admin.
    # Only coordinators and admins need every open loop read to find theirs.
    broad = {"coordinator", "admin"} & set(person.roles)
    candidates = uow.loops.open_loops() if broad else uow.batch.open_loops_run_by(person.id)
    run = [loop for loop in candidates if standing(person, loop, templates)]
    rows = _Rows(uow, [*pending, *upcoming], run)
    to_give = [
        rows.describe(templates, i) for i in pending if rows.stages[i.stage_id].status not in DONE
    ]
    return home_tab(
        to_give,
        [rows.describe(templates, i) for i in upcoming],
        _loops_run(uow, templates, run, rows, now),
        week=insights.weekly(uow, person, now),
    )


class _Rows:
    """The stages, loops and candidates behind some interviews and loops, read in one query
    per kind."""

    def __init__(self, uow: UnitOfWork, interviews: list[Interview], loops: list[Loop]):
        self.stages = uow.batch.stages(i.stage_id for i in interviews)
        self.loops = {loop.id: loop for loop in loops}
        missing = {s.loop_id for s in self.stages.values()} - set(self.loops)
        self.loops.update(uow.batch.loops(missing))
        self.candidates = uow.batch.candidates(loop.candidate_id for loop in self.loops.values())

    def describe(self, templates: TemplateBook, interview: Interview) -> HomeInterview:
        stage = self.stages[interview.stage_id]
        loop = self.loops[stage.loop_id]
        return HomeInterview(
            interview_id=interview.id,
            candidate=self.candidates[loop.candidate_id].name,
            stage_title=stage_template(templates, loop, stage.key).title,
            interview_type=interview.interview_type,
            start=interview.start_at,
            end=interview.end_at,
            feedback_overdue=interview.feedback_reminded_at is not None,
        )


def _loops_run(
    uow: UnitOfWork, templates: TemplateBook, run: list[Loop], rows: _Rows, now: datetime
) -> list[HomeLoop]:
    stages_of = uow.batch.stages_of_loops(loop.id for loop in run)
    current_of = {
        loop.id: next((s for s in stages_of.get(loop.id, []) if s.status not in DONE), None)
        for loop in run
    }
    live = uow.batch.live_interviews(s.id for s in current_of.values() if s is not None)
    panel = [i for interviews in live.values() for i in interviews]
    people = uow.batch.people(i.interviewer_id for i in panel)
    feedback = uow.batch.feedback(i.id for i in panel)
    running = []
    for loop in run:
        candidate = rows.candidates[loop.candidate_id]
        current = current_of[loop.id]
        if current is None:
            running.append(HomeLoop(candidate.name, loop.level, place(templates, loop), None))
            continue
        overdue = [
            v.person.slack_user_id
            for v in panel_feedback(live.get(current.id, []), people, feedback, now)
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


DONE = ("decided", "skipped")
