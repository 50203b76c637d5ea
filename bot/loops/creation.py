"""Creating a loop: check the /schedule-loop form, then create the loop and its stages,
open its thread and propose the first stage."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.access import Access, Action
from bot.errors import Conflict, InputError, InvalidForm
from bot.loops.catalog import place_of, pool_teams, technical_formats
from bot.loops.config import LoopConfig
from bot.loops.lookups import teams
from bot.loops.proposals import Planned, plan_ahead, propose
from bot.messages.notes import recruiter_note
from bot.outbox import enqueue
from bot.planning.availability import AvailabilityError, parse_availability
from bot.planning.model import Accommodation, Interval
from bot.planning.templates import TemplateBook
from storage.models import Candidate, Interviewer, Loop, Stage
from storage.uow import UnitOfWork

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class NewLoop:
    candidate_name: str
    candidate_email: str
    candidate_tz: str
    track: str
    level: str
    team: str  # empty for a pool loop that is not focused on one team yet
    recruiter: str  # Slack user ids
    hiring_manager: str
    availability_text: str
    availability: tuple[Interval, ...]
    technical_format: str
    accommodations: str = ""
    extra_minutes: int = 0
    extra_break: int = 0
    pool: str = ""


def validate(
    templates: TemplateBook, uow: UnitOfWork, form: Mapping[str, str], now: datetime
) -> NewLoop:
    """Check the /schedule-loop form; every problem names its field and shows an example."""
    errors: list[InputError] = []

    def field(name: str) -> str:
        return (form.get(name) or "").strip()

    name = field("candidate_name")
    if not name:
        errors.append(InputError("candidate_name", "the candidate's name is empty", "Ada Lovelace"))
    email = field("candidate_email")
    if not EMAIL.match(email):
        errors.append(
            InputError("candidate_email", f"{email or 'empty'} is not an email", "ada@example.com")
        )
    track = field("track")
    if track not in templates.tracks:
        errors.append(InputError("track", "choose a track", ", ".join(templates.tracks)))
    level = field("level")
    if level not in dict(templates.levels):
        errors.append(InputError("level", "choose a level", "L5"))
    team, pool = _target(templates, uow, field("team"), level, errors)
    recruiter = _person(uow, field("recruiter"), "recruiter", "recruiter", errors)
    manager = _person(uow, field("hiring_manager"), "hiring_manager", "hiring manager", errors)
    allowed = pool_teams(templates, pool) if pool else {team}
    if manager is not None and (team or pool) and not allowed & set(manager.teams):
        errors.append(
            InputError(
                "hiring_manager",
                f"{manager.name} is not a hiring manager of {place_of(templates, team, pool)}",
                "the team's own hiring manager",
            )
        )
    zone = field("candidate_tz")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(
            InputError(
                "candidate_tz",
                f"{zone or 'empty'} is not a time zone",
                "Europe/London or America/New_York",
            )
        )
        zone = ""
    intervals: tuple[Interval, ...] = ()
    if zone:
        intervals = read_availability(field("availability"), zone, now, errors)
    formats = dict(technical_formats(templates, track if track in templates.tracks else "ic"))
    technical = field("technical_format") or next(iter(formats), "")
    if formats and technical not in formats:
        errors.append(InputError("technical_format", "choose a format", " or ".join(formats)))
    extra_minutes = _minutes(form, "extra_minutes", errors)
    extra_break = _minutes(form, "extra_break", errors)
    try:
        templates.check_accommodation(Accommodation(extra_minutes, extra_break))
    except ValueError as error:
        errors.append(InputError("extra_minutes", str(error), "15 minutes"))
    if errors:
        raise InvalidForm(errors)
    assert recruiter is not None and manager is not None
    return NewLoop(
        candidate_name=name,
        candidate_email=email,
        candidate_tz=zone,
        track=track,
        level=level,
        team=team,
        recruiter=recruiter.slack_user_id,
        hiring_manager=manager.slack_user_id,
        availability_text=field("availability"),
        availability=intervals,
        technical_format=technical,
        accommodations=field("accommodations"),
        extra_minutes=extra_minutes,
        extra_break=extra_break,
        pool=pool,
    )


def _target(templates: TemplateBook, uow, value: str, level: str, errors) -> tuple[str, str]:
    """The form's Team field: a team, or `pool:<key>` for centralized hiring."""
    if value.startswith("pool:"):
        pool = templates.pools.get(value.removeprefix("pool:"))
        if pool is None:
            errors.append(
                InputError(
                    "team",
                    f"there is no pool {value[5:]!r}",
                    ", ".join(templates.pools) or "a team",
                )
            )
            return "", ""
        if level and level not in pool.levels:
            errors.append(
                InputError(
                    "team",
                    f"the {pool.title} pool hires {', '.join(pool.levels)}, not {level}",
                    "one of the pool's teams",
                )
            )
        return "", pool.key
    if not uow.interviewers.has_team(value):
        examples = ", ".join(teams(uow)[:3])
        errors.append(InputError("team", f"no one on the roster is in team {value!r}", examples))
    return value, ""


def _person(uow, slack_id: str, role: str, label: str, errors) -> Interviewer | None:
    person = uow.interviewers.by_slack_id(slack_id) if slack_id else None
    if person is None:
        errors.append(
            InputError(
                role,
                f"choose a {label} who is on the roster",
                "someone listed by `loopbot roster export`",
            )
        )
        return None
    if role not in person.roles:
        errors.append(
            InputError(
                role,
                f"{person.name} is not a {label} on the roster",
                f"a person whose roster roles include {role}",
            )
        )
        return None
    return person


def read_availability(text: str, zone: str, now: datetime, errors) -> tuple[Interval, ...]:
    """The candidate's availability as windows; a problem with it is added to `errors`."""
    if not text:
        errors.append(
            InputError(
                "availability", "say when the candidate is free", "Tue 2pm-6pm, Thu after 10am"
            )
        )
        return ()
    try:
        return tuple(parse_availability(text, zone, now))
    except AvailabilityError as error:
        errors.append(
            InputError("availability", f"“{error.fragment}”: {error.message}", error.example)
        )
        return ()


def _minutes(form, name: str, errors) -> int:
    raw = (form.get(name) or "0").strip()
    if not raw.isdigit():
        errors.append(InputError(name, f"{raw!r} is not a number of minutes", "15"))
        return 0
    return int(raw)


def plan_first_stage(config: LoopConfig, uow: UnitOfWork, new: NewLoop, now: datetime) -> Planned:
    """The new loop's first stage, planned before the loop is written (read-only; no lock)."""
    recruiter = uow.interviewers.by_slack_id(new.recruiter)
    manager = uow.interviewers.by_slack_id(new.hiring_manager)
    if recruiter is None or manager is None:
        raise Conflict("the recruiter or hiring manager left the roster; submit again")
    loop = _loop_row(new, recruiter, manager, None, "", now)
    first = config.templates.stages_for(new.track, new.team or None, new.level)[0]
    stage = Stage(loop_id=None, key=first.key, position=0)
    return plan_ahead(config, uow, loop, stage, now, candidate_tz=new.candidate_tz)


def _loop_row(
    new: NewLoop,
    recruiter: Interviewer,
    manager: Interviewer,
    candidate_id: int | None,
    actor: str,
    now: datetime,
) -> Loop:
    return Loop(
        candidate_id=candidate_id,
        track=new.track,
        level=new.level,
        team=new.team,
        pool=new.pool,
        recruiter_id=recruiter.id,
        hiring_manager_id=manager.id,
        technical_format=new.technical_format,
        availability_text=new.availability_text,
        availability=[[i.start.isoformat(), i.end.isoformat()] for i in new.availability],
        accommodations=new.accommodations,
        extra_minutes_per_interview=new.extra_minutes,
        extra_break_minutes=new.extra_break,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )


def create(
    config: LoopConfig,
    uow: UnitOfWork,
    new: NewLoop,
    actor: str,
    now: datetime,
    planned: Planned | None = None,
) -> int:
    """Create the loop and its stages, open the decision thread, propose the first stage
    (with the plan made ahead, `planned`, when nothing it was made from changed)."""
    Access(uow, config.templates).require(actor, Action.START_LOOP)
    recruiter = uow.interviewers.by_slack_id(new.recruiter)
    manager = uow.interviewers.by_slack_id(new.hiring_manager)
    if recruiter is None or manager is None:
        raise Conflict("the recruiter or hiring manager left the roster; submit again")
    candidate = uow.loops.add_candidate(
        Candidate(
            name=new.candidate_name,
            email=new.candidate_email,
            tz=new.candidate_tz,
            created_at=now,
        )
    )
    loop = uow.loops.add(_loop_row(new, recruiter, manager, candidate.id, actor, now))
    stages = [
        uow.loops.add_stage(Stage(loop_id=loop.id, key=t.key, position=i))
        for i, t in enumerate(config.templates.stages_for(new.track, new.team or None, new.level))
    ]
    uow.audit.record(
        actor,
        "loop_created",
        loop.id,
        candidate=candidate.id,  # the id, not the name: the audit log outlives erasure
        track=new.track,
        level=new.level,
        team=new.team,
        pool=new.pool,
        stages=[s.key for s in stages],
    )
    # Proposing also posts the loop's root message, already showing the proposal.
    propose(config, uow, loop, stages[0], now, actor=actor, planned=planned)
    if config.candidate is not None:
        config.candidate.stage_opened(config, uow, loop, stages[0], now, actor)
    if actor != new.recruiter:
        enqueue(
            uow,
            f"loop:{loop.id}:created-note",
            "chat.postMessage",
            loop_id=loop.id,
            channel=actor,
            **recruiter_note(
                f"Loop for *{new.candidate_name}* created; "
                f"<@{new.recruiter}> has the first proposal."
            ),
        )
    return loop.id
