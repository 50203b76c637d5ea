"""What the candidate does on their page, each in the caller's unit of work: give
availability (grid or typed), pick a time, choose the technical-screen format, tell us about
accommodations and team preferences, ask to reschedule. Each reaches the recruiter (and the
panel, for accommodations) exactly as if the recruiter had entered it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.candidate.options import recheck
from bot.candidate.page import base_template
from bot.candidate.requests import ASKABLE, side
from bot.errors import Conflict, InputError, InvalidForm
from bot.loops.booking import CANDIDATE, book_proposal
from bot.loops.catalog import pool_teams, stage_template
from bot.loops.config import LoopConfig
from bot.loops.lookups import as_datetime, root_ref
from bot.loops.proposals import propose
from bot.messages.notes import recruiter_note, thread_note
from bot.outbox import enqueue
from bot.planning.availability import AvailabilityError, parse_availability
from bot.planning.model import Accommodation, Interval
from storage.candidate_requests import CandidateRequests
from storage.models import Loop, Stage
from storage.uow import UnitOfWork

ACTOR = CANDIDATE


class TimeTaken(Conflict):
    """The time the candidate picked was taken meanwhile: the page shows fresh options."""


def _open_request(uow: UnitOfWork, loop: Loop, stage: Stage):
    if loop.status != "open":
        raise Conflict("This interview process is closed; your recruiter will be in touch.")
    if stage.status not in ASKABLE:
        raise Conflict("This stage is already booked: your itinerary is below.")
    request = CandidateRequests(uow.session).latest(stage.id)
    if request is None or request.status != "open":
        raise Conflict("We already have your answer for this stage; thank you.")
    return request


def _answered(uow: UnitOfWork, request, now: datetime) -> None:
    request.status = "answered"
    request.answered_at = now
    CandidateRequests(uow.session).save(request)


def _tell_thread(uow: UnitOfWork, loop: Loop, key: str, text: str) -> None:
    enqueue(
        uow,
        key,
        "chat.postMessage",
        loop_id=loop.id,
        thread_ref=root_ref(loop.id),
        **thread_note(text),
    )


def _tell_recruiter(uow: UnitOfWork, loop: Loop, key: str, text: str) -> None:
    recruiter = uow.interviewers.get(loop.recruiter_id)
    enqueue(
        uow,
        key,
        "chat.postMessage",
        loop_id=loop.id,
        channel=recruiter.slack_user_id,
        **recruiter_note(text),
    )


def _plan_or_book(config: LoopConfig, uow, loop: Loop, stage: Stage, windows, now) -> str:
    propose(config, uow, loop, stage, now, actor=ACTOR, availability=windows)
    if stage.proposal.get("kind") == "plan" and side(config).auto_confirm:
        book_proposal(config, uow, stage, ACTOR, now)
        return "booked"
    return "proposed" if stage.proposal.get("kind") == "plan" else "no_plan"


def give_availability(
    config: LoopConfig,
    uow: UnitOfWork,
    loop: Loop,
    stage: Stage,
    windows: Sequence[tuple[datetime, datetime]],
    text: str,
    now: datetime,
) -> str:
    request = _open_request(uow, loop, stage)
    candidate = uow.loops.candidate(loop.candidate_id)
    intervals = [Interval(a, b) for a, b in windows if b > now]
    if text.strip():
        try:
            intervals += parse_availability(text.strip(), candidate.tz, now)
        except AvailabilityError as error:
            raise InvalidForm(
                [InputError("availability", f"“{error.fragment}”: {error.message}", error.example)]
            ) from None
    if not intervals:
        raise InvalidForm(
            [
                InputError(
                    "availability",
                    "tick the hours you are free or type them",
                    "Tue 2pm-6pm, Thu after 10am",
                )
            ]
        )
    intervals.sort(key=lambda i: i.start)
    loop.availability = [[i.start.isoformat(), i.end.isoformat()] for i in intervals]
    loop.availability_text = (text.strip() or "given on the candidate's page")[:2000]
    loop.updated_at = now
    uow.session.add(loop)
    _answered(uow, request, now)
    title = stage_template(config.templates, loop, stage.key).title
    uow.audit.record(ACTOR, "candidate_availability", loop.id, stage=stage.key)
    _tell_thread(
        uow,
        loop,
        f"candidate-request:{request.id}:answered",
        f"{candidate.name} gave their availability for the {title}.",
    )
    return _plan_or_book(config, uow, loop, stage, intervals, now)


def pick_time(
    config: LoopConfig, uow: UnitOfWork, loop: Loop, stage: Stage, start: datetime, now: datetime
) -> str:
    request = _open_request(uow, loop, stage)
    option = recheck(config, uow, loop, stage, start, now)
    if option is None:
        raise TimeTaken("That time was just taken. Here are the times that are free now.")
    propose(
        config,
        uow,
        loop,
        stage,
        now,
        actor=ACTOR,
        availability=[Interval(start, option.window_end)],
    )
    slots = stage.proposal.get("slots", [])
    if stage.proposal.get("kind") != "plan" or min(as_datetime(s["start"]) for s in slots) != start:
        raise TimeTaken("That time was just taken. Here are the times that are free now.")
    _answered(uow, request, now)
    candidate = uow.loops.candidate(loop.candidate_id)
    title = stage_template(config.templates, loop, stage.key).title
    uow.audit.record(ACTOR, "candidate_picked_time", loop.id, stage=stage.key, start=option.value)
    _tell_thread(
        uow,
        loop,
        f"candidate-request:{request.id}:answered",
        f"{candidate.name} picked a time for the {title}"
        + (": booked." if side(config).auto_confirm else "; the recruiter confirms."),
    )
    if side(config).auto_confirm:
        book_proposal(config, uow, stage, ACTOR, now)
        return "booked"
    return "proposed"


def choose_format(
    config: LoopConfig, uow: UnitOfWork, loop: Loop, stage: Stage, key: str, now
) -> str:
    """A take-home needs no time from the candidate: choosing it answers the request."""
    request = _open_request(uow, loop, stage)
    base = base_template(config, loop, stage)
    formats = {f.key: f.title for f in base.formats}
    if key not in formats:
        raise InvalidForm(
            [InputError("format", "choose one of the formats", " or ".join(formats.values()))]
        )
    loop.technical_format = key
    loop.updated_at = now
    uow.session.add(loop)
    uow.audit.record(ACTOR, "candidate_chose_format", loop.id, format=key)
    candidate = uow.loops.candidate(loop.candidate_id)
    _tell_thread(
        uow,
        loop,
        f"candidate:{loop.id}:format:{key}:{now.isoformat()}",
        f"{candidate.name} chose the {formats[key].lower()} for the technical screen.",
    )
    if stage_template(config.templates, loop, stage.key).kind == "take_home":
        _answered(uow, request, now)
        return _plan_or_book(config, uow, loop, stage, None, now)
    if stage.status == "proposed":
        propose(config, uow, loop, stage, now, actor=ACTOR)
    return "format"


def accommodations(
    config: LoopConfig,
    uow: UnitOfWork,
    loop: Loop,
    stage: Stage,
    text: str,
    extra_minutes: str,
    extra_break: str,
    now: datetime,
) -> None:
    if loop.status != "open":
        raise Conflict("This interview process is closed; your recruiter will be in touch.")
    requests = CandidateRequests(uow.session)
    errors = []
    minutes = [int(v) if v.isdigit() else -1 for v in (extra_minutes or "0", extra_break or "0")]
    for name, value in zip(("extra_minutes", "extra_break"), minutes, strict=True):
        if value < 0:
            errors.append(InputError(name, "choose a number of minutes", "15 minutes"))
    if not errors:
        try:
            config.templates.check_accommodation(Accommodation(*minutes))
        except ValueError as error:
            errors.append(InputError("extra_minutes", str(error), "15 minutes"))
    if len(text) > 2000:
        errors.append(
            InputError("accommodations", "please keep it under 2000 characters", "a short note")
        )
    if errors:
        raise InvalidForm(errors)
    request = requests.latest(stage.id)
    if request is None:
        raise Conflict("We have nothing to ask you for this stage yet.")
    loop.accommodations = text.strip()
    loop.extra_minutes_per_interview, loop.extra_break_minutes = minutes
    loop.updated_at = now
    uow.session.add(loop)
    request.accommodations_at = now
    requests.save(request)
    uow.audit.record(ACTOR, "candidate_accommodations", loop.id)
    candidate = uow.loops.candidate(loop.candidate_id)
    parts = [text.strip().rstrip(".")] if text.strip() else []
    parts += [f"{minutes[0]} extra minutes per interview"] if minutes[0] else []
    parts += [f"{minutes[1]} minutes of extra breaks"] if minutes[1] else []
    # In the recruiter's DM only: accommodations never go to the channel.
    _tell_recruiter(
        uow,
        loop,
        f"candidate:{loop.id}:accommodations:{now.isoformat()}",
        f"*{candidate.name}* told us about accommodations: "
        + ("; ".join(parts) or "none needed")
        + ". Their panels see this before each interview.",
    )
    if stage.status == "proposed":
        propose(config, uow, loop, stage, now, actor=ACTOR)


def team_preferences(config: LoopConfig, uow: UnitOfWork, loop: Loop, teams: Sequence[str], now):
    if loop.status != "open" or not loop.pool:
        raise Conflict("There are no teams to choose between in this process.")
    allowed = pool_teams(config.templates, loop.pool)
    chosen = [t for t in dict.fromkeys(teams) if t in allowed]
    if len(chosen) != len(set(teams)):
        raise InvalidForm(
            [InputError("teams", "choose among the teams listed", ", ".join(sorted(allowed)))]
        )
    loop.preferences = chosen
    loop.updated_at = now
    uow.session.add(loop)
    uow.audit.record(ACTOR, "candidate_team_preferences", loop.id, teams=chosen)
    candidate = uow.loops.candidate(loop.candidate_id)
    _tell_thread(
        uow,
        loop,
        f"candidate:{loop.id}:teams:{now.isoformat()}",
        f"{candidate.name} leans toward: {', '.join(chosen) or 'no team in particular'}.",
    )


def ask_reschedule(config: LoopConfig, uow: UnitOfWork, loop: Loop, stage: Stage, reason: str, now):
    if loop.status != "open":
        raise Conflict("This interview process is closed; your recruiter will be in touch.")
    if not reason.strip():
        raise InvalidForm(
            [
                InputError(
                    "reason",
                    "say what would suit you better",
                    "I am travelling on Tuesday; Thursday works",
                )
            ]
        )
    candidate = uow.loops.candidate(loop.candidate_id)
    title = stage_template(config.templates, loop, stage.key).title
    uow.audit.record(ACTOR, "candidate_asked_reschedule", loop.id, stage=stage.key)
    _tell_recruiter(
        uow,
        loop,
        f"candidate:{loop.id}:reschedule:{now.isoformat()}",
        f"*{candidate.name}* asks to reschedule the {title}: “{reason.strip()[:500]}” "
        "It is your call: Pick another time on the stage, or reply to them.",
    )
    _tell_thread(
        uow,
        loop,
        f"candidate:{loop.id}:reschedule-thread:{now.isoformat()}",
        f"{candidate.name} asked to reschedule the {title}; the recruiter decides.",
    )
