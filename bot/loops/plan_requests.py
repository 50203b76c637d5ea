"""What the planner is asked: the roster as it sees it, a stage's plan request, and the
one-seat request that finds a replacement for a slot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta

from bot.loops import holds
from bot.loops.busy_times import with_busy
from bot.loops.catalog import stage_template, teams_of
from bot.loops.config import LoopConfig
from bot.loops.lookups import as_datetime
from bot.planning.model import Accommodation, Booking, Interval, Plan
from bot.planning.model import Interviewer as PlanningInterviewer
from bot.planning.planner import PlanRequest, plan_stage
from bot.planning.templates import SeatTemplate, StageTemplate
from bot.planning.trainees import trainees_for
from storage.models import Loop, Stage
from storage.uow import UnitOfWork

BOOKING_HORIZON = timedelta(days=45)


def planning_roster(
    default_tz: str, uow: UnitOfWork, now: datetime, daily_cap: int | None = None
) -> list[PlanningInterviewer]:
    """The roster as the planner sees it; `daily_cap` is the templates' default for people
    the roster gives none."""
    stats = uow.loops.interview_stats(now)
    people = []
    for p in uow.interviewers.all():
        last, total = stats.get(p.id, (None, 0))
        people.append(
            PlanningInterviewer(
                id=p.id,
                name=p.name,
                roles=frozenset(p.roles),
                teams=frozenset(p.teams),
                interview_types=frozenset(p.interview_types),
                tz=p.tz or default_tz,
                work_start=time.fromisoformat(p.work_start),
                work_end=time.fromisoformat(p.work_end),
                work_days=frozenset(p.work_days),
                weekly_cap=p.weekly_cap,
                daily_cap=p.daily_cap if p.daily_cap is not None else daily_cap,
                last_interviewed_at=last,
                interviews_total=total,
            )
        )
    return people


def booking_of(interview, offline: dict[str, int]) -> Booking:
    """The time an interview takes from its interviewer. A take-home review is stored from
    assignment to due date; its reviewer is busy only for the review, placed just before
    the due time (it still counts towards their weekly cap)."""
    minutes = offline.get(interview.interview_type)
    if minutes is None:
        return Booking(interview.interviewer_id, interview.start_at, interview.end_at)
    start = max(interview.start_at, interview.end_at - timedelta(minutes=minutes))
    return Booking(interview.interviewer_id, start, interview.end_at)


def stage_request(
    config: LoopConfig,
    uow,
    loop: Loop,
    stage: Stage,
    template: StageTemplate,
    windows: Sequence[Interval],
    now: datetime,
    read_busy: bool = True,
    candidate_tz: str | None = None,
) -> PlanRequest:
    """What the planner needs for this stage; `read_busy`: with people's calendars (a caller
    that changes who may sit reads them itself, once the request is final); `candidate_tz`:
    given for a loop not written yet (its candidate has no row)."""
    roster = planning_roster(config.default_tz, uow, now, config.templates.planning.daily_cap)
    horizon_start = now - timedelta(days=8)
    offline = config.templates.offline_reviews()
    bookings = [
        booking_of(i, offline)
        for i in uow.loops.bookings_between(horizon_start, now + BOOKING_HORIZON)
    ]
    earlier = other_panels(config, uow, loop, stage) if loop.id is not None else {}
    if candidate_tz is None:
        candidate_tz = uow.loops.candidate(loop.candidate_id).tz
    request = PlanRequest(
        stage=template,
        teams=teams_of(config.templates, loop),
        candidate_tz=candidate_tz,
        availability=list(windows),
        roster=roster,
        not_before=now,
        bookings=bookings,
        holds=holds.for_planning(config, uow, stage, now),
        earlier_panels=earlier,
        fixed={"hiring_manager": loop.hiring_manager_id, "recruiter": loop.recruiter_id},
        accommodation=Accommodation(loop.extra_minutes_per_interview, loop.extra_break_minutes),
        allow_repeat=True,
        min_notice=config.templates.planning.min_notice,
        rules=config.templates.planning,
        trainees=trainees_for(
            [(t.interviewer_id, t.interview_type, t.mode) for t in uow.trainees.in_training()]
        ),
    )
    return with_busy(config, uow, request) if read_busy else request


def other_panels(
    config: LoopConfig, uow: UnitOfWork, loop: Loop, stage: Stage
) -> dict[int, tuple[str, ...]]:
    """Who sits or sat on the loop's other stages, with those stages' titles: the people the
    repeat rule keeps off this one. The loop's own recruiter and hiring manager recur by
    design, and so do seats the template marks recurring; neither is listed."""
    own = {loop.recruiter_id, loop.hiring_manager_id}
    titles: dict[int, list[str]] = {}
    for interview in uow.loops.interviews_of_loop(loop.id):
        if interview.stage_id == stage.id or interview.status not in ("confirmed", "completed"):
            continue
        if interview.interviewer_id in own:
            continue
        other = uow.loops.stage(interview.stage_id)
        template = stage_template(config.templates, loop, other.key)
        seat = seat_of(template, interview.interview_type, interview.role)
        if seat is not None and seat.recurring:
            continue
        sat = titles.setdefault(interview.interviewer_id, [])
        if template.title not in sat:
            sat.append(template.title)
    return {pid: tuple(stage_titles) for pid, stage_titles in titles.items()}


def seat_of(template: StageTemplate, interview_type: str, role: str) -> SeatTemplate | None:
    """The template seat an interview of this type and role sits on."""
    return next(
        (s for s in template.seats if s.interview_type == interview_type and role in s.roles),
        None,
    )


def find_replacement(
    config: LoopConfig,
    uow,
    loop: Loop,
    stage: Stage,
    old: dict,
    exclude: set[int],
    now: datetime,
    notice: timedelta | None = None,
    fixed: Mapping[str, int] | None = None,
) -> Plan | None:
    """The best qualified person free for exactly `old`'s seat and time, as a one-slot plan
    (its warnings say if it takes another proposal's held time), or None. Nobody in `exclude`
    and nobody from the loop's other panels; `fixed` pins a role to a person (a pivot's new
    hiring manager), otherwise anyone qualified."""
    template = stage_template(config.templates, loop, stage.key)
    start, end = as_datetime(old["start"]), as_datetime(old["end"])
    seat = seat_of(template, old["interview_type"], old["role"])
    if seat is None:
        return None
    minutes = int((end - start).total_seconds() // 60)
    single = replace(
        template,
        break_minutes=0,
        panel_size=None,
        seats=(
            replace(
                seat,
                roles=(old["role"],),
                minutes=minutes,
                minutes_range=(
                    min(minutes, seat.minutes_range[0]),
                    max(minutes, seat.minutes_range[1]),
                ),
                min=1,
                max=1,
                preferred=1,
            ),
        ),
    )
    window = [Interval(start, end)]
    request = stage_request(config, uow, loop, stage, single, window, now, read_busy=False)
    request = replace(
        request,
        exclude_ids=frozenset(exclude),
        fixed=dict(fixed or {}),
        accommodation=Accommodation(),  # the slot already includes any extra minutes
        min_notice=request.min_notice if notice is None else notice,
        alternative_days=0,
        allow_repeat=False,
        exact_start=True,
        trainees=(),
    )
    if template.kind == "take_home":
        request = replace(request, not_before=start, min_notice=timedelta(0))
    result = plan_stage(with_busy(config, uow, request))
    if (
        not isinstance(result, Plan)
        or not result.slots
        or result.slots[0].interviewer_id in exclude
    ):
        return None
    return result
