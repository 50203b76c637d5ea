"""Booking a proposed stage, and the recruiter's changes to a proposal before it is booked:
confirm, use an alternative, swap one person, pick another time."""

from __future__ import annotations

from datetime import datetime

from bot.access import Access, Action
from bot.errors import Conflict, InputError, InvalidForm, NotFound
from bot.loops import holds
from bot.loops.busy_times import first_clash
from bot.loops.catalog import stage_template
from bot.loops.config import LoopConfig
from bot.loops.creation import read_availability
from bot.loops.invites import send_invite
from bot.loops.lookups import as_datetime
from bot.loops.plan_requests import booking_of, find_replacement
from bot.loops.proposals import (
    Planned,
    check_held,
    check_version,
    plan_ahead,
    propose,
    send_proposal,
)
from bot.loops.thread import refresh_rollup, refresh_root
from bot.loops.training_seats import seat_trainees
from bot.loops.views import loop_view
from bot.messages.forms import replan_modal
from bot.messages.proposal import proposal_closed
from bot.messages.stage_controls import booked_message
from bot.outbox import publish
from bot.planning.model import Plan
from bot.slack_text import span
from storage.models import Interview, Loop, Stage
from storage.uow import UnitOfWork

CANDIDATE = "candidate"  # the actor of what a candidate does on their own page


def confirm(
    config: LoopConfig, uow: UnitOfWork, stage_id: int, version: int, actor: str, now: datetime
) -> str | None:
    """Book the proposal; says what changed when someone's calendar filled up since."""
    stage = check_version(uow.loops.stage(stage_id, lock=True), version)
    loop = uow.loops.get(stage.loop_id)
    Access(uow, config.templates).require(actor, Action.SCHEDULE, loop)
    if stage.proposal["kind"] != "plan":
        raise Conflict("There is no full panel to confirm; pick another time.")
    check_held(stage)
    return _book(config, uow, loop, stage, stage.proposal["slots"], actor, now)


def book_proposal(
    config: LoopConfig, uow: UnitOfWork, stage: Stage, actor: str, now: datetime
) -> None:
    """Book the stage's live plan without a person's Confirm (the candidate picked its time,
    or gave availability with auto-confirm on)."""
    if stage.status != "proposed" or stage.proposal.get("kind") != "plan":
        raise Conflict("There is no full panel to book; the recruiter will pick a time.")
    loop = uow.loops.get(stage.loop_id)
    _book(config, uow, loop, stage, stage.proposal["slots"], actor, now)


def use_alternative(
    config: LoopConfig,
    uow: UnitOfWork,
    stage_id: int,
    version: int,
    index: int,
    actor: str,
    now: datetime,
) -> str | None:
    stage = check_version(uow.loops.stage(stage_id, lock=True), version)
    loop = uow.loops.get(stage.loop_id)
    Access(uow, config.templates).require(actor, Action.SCHEDULE, loop)
    alternatives = stage.proposal.get("alternatives", [])
    if not 0 <= index < len(alternatives):
        raise NotFound("That alternative is gone; pick another time.")
    chosen = alternatives[index]
    stage.proposal = {
        "version": version + 1,
        "kind": "plan",
        "slots": chosen["slots"],
        "warnings": [chosen["warning"], *chosen.get("warnings", [])],
        "ref": stage.proposal["ref"],
    }
    uow.audit.record(
        actor,
        "alternative_chosen",
        loop.id,
        stage=stage.key,
        kind=chosen["kind"],
        warning=chosen["warning"],
    )
    return _book(config, uow, loop, stage, chosen["slots"], actor, now)


def _book(
    config: LoopConfig,
    uow: UnitOfWork,
    loop: Loop,
    stage: Stage,
    slots: list[dict],
    actor: str,
    now: datetime,
) -> str | None:
    template = stage_template(config.templates, loop, stage.key)
    said = None
    if template.kind == "take_home":
        # The exercise is sent on confirm: its clock starts now, whenever that is.
        slots = [
            {
                **s,
                "start": now.isoformat(),
                "end": (now + (as_datetime(s["end"]) - as_datetime(s["start"]))).isoformat(),
            }
            for s in slots
        ]
    elif any(as_datetime(s["start"]) <= now for s in slots):
        raise Conflict("This proposal's time has passed. Use *Pick another time*.")
    # Someone may have been booked elsewhere since the proposal was made.
    taken = _clashes(config, uow, slots)
    if taken:
        raise Conflict(
            f"{taken} was booked elsewhere since this proposal; pick another time for a fresh plan."
        )
    if template.kind == "meeting" and config.busy.remote:
        slots, said = recheck(config, uow, loop, stage, slots, now)
        if slots is None:
            uow.audit.record(actor, "confirm_replanned", loop.id, stage=stage.key, why=said)
            propose(config, uow, loop, stage, now, actor=actor)  # edits the proposal in place
            return said
    interviews = [
        uow.loops.add_interview(
            Interview(
                stage_id=stage.id,
                interviewer_id=s["interviewer_id"],
                role=s["role"],
                interview_type=s["interview_type"],
                seat_key=s.get("seat_key", ""),
                start_at=as_datetime(s["start"]),
                end_at=as_datetime(s["end"]),
                status="confirmed",
            )
        )
        for s in slots
    ]
    stage.status = "scheduled"
    uow.session.add(stage)
    holds.book(config, uow, stage, interviews, now)
    if template.kind == "meeting":
        interviews += seat_trainees(uow, stage, interviews, stage.proposal.get("trainees", []))
    view = loop_view(config.templates, uow, loop)
    due = interviews[0].end_at if template.kind == "take_home" else None
    for interview in interviews:
        send_invite(config, uow, view, template, interview, now, due=due)
    uow.audit.record(
        actor, "stage_booked", loop.id, stage=stage.key, interviews=[i.id for i in interviews]
    )
    closed = proposal_closed(
        view,
        template.title,
        "booked at the time the candidate picked"
        if actor == CANDIDATE
        else f"confirmed by <@{actor}>",
    )
    if template.kind == "meeting":
        closed = booked_message(closed, stage.id)
    publish(uow, stage.proposal["ref"], loop_id=loop.id, **closed)
    refresh_rollup(config, uow, loop, stage, now)
    refresh_root(config, uow, loop)
    if config.candidate is not None:
        config.candidate.itinerary_changed(config, uow, loop, stage, now, "booked")
    return said


def recheck(
    config: LoopConfig, uow: UnitOfWork, loop: Loop, stage: Stage, slots: list[dict], now
) -> tuple[list[dict] | None, str | None]:
    """Read the chosen people's calendars again: a seat whose person got busy since goes to
    the next best person free then; (None, why) when nobody can take it."""
    slots = list(slots)
    said: list[str] = []
    for _ in range(len(slots)):
        index = first_clash(config, uow, slots)
        if index is None:
            break
        old = slots[index]
        name = uow.interviewers.get(old["interviewer_id"]).name
        when = span(as_datetime(old["start"]), as_datetime(old["end"]))
        panel = {s["interviewer_id"] for s in slots}
        found = find_replacement(config, uow, loop, stage, old, exclude=panel, now=now)
        if found is None:
            return None, (
                f"{name}'s calendar shows them busy {when} since this proposal, and no one "
                "else qualified is free then: here is a fresh plan."
            )
        new_id = found.slots[0].interviewer_id
        slots[index] = {**old, "interviewer_id": new_id}
        said.append(
            f"{name}'s calendar shows them busy {when} since this proposal: "
            f"{uow.interviewers.get(new_id).name} takes that seat."
        )
    return slots, " ".join(said) or None


def _clashes(config: LoopConfig, uow: UnitOfWork, slots: list[dict]) -> str | None:
    offline = config.templates.offline_reviews()
    for s in slots:
        start, end = as_datetime(s["start"]), as_datetime(s["end"])
        booked = uow.loops.bookings_between(start, end, s["interviewer_id"])
        if any(b.start < end and b.end > start for b in (booking_of(i, offline) for i in booked)):
            return uow.interviewers.get(s["interviewer_id"]).name
    return None


def swap(
    config: LoopConfig,
    uow: UnitOfWork,
    stage_id: int,
    version: int,
    index: int,
    actor: str,
    now: datetime,
) -> str:
    """Replace one person of a proposal with the next best for the same seat and time."""
    stage = check_version(uow.loops.stage(stage_id, lock=True), version)
    loop = uow.loops.get(stage.loop_id)
    Access(uow, config.templates).require(actor, Action.SCHEDULE, loop)
    slots = list(stage.proposal.get("slots", []))
    if not 0 <= index < len(slots):
        raise NotFound("That interviewer is no longer on the proposal.")
    check_held(stage)
    old = slots[index]
    panel = {s["interviewer_id"] for s in slots}
    found = find_replacement(config, uow, loop, stage, old, exclude=panel, now=now)
    if found is None:
        raise Conflict("No one else qualified is free then. Try *Pick another time*.")
    return apply_swap(config, uow, loop, stage, index, found, actor, now)


def apply_swap(
    config: LoopConfig,
    uow: UnitOfWork,
    loop: Loop,
    stage: Stage,
    index: int,
    found: Plan,
    actor: str,
    now: datetime,
) -> str:
    """Put `found`'s one person in slot `index` of the proposal, with their warnings."""
    version = int(stage.proposal["version"])
    slots = list(stage.proposal["slots"])
    old = slots[index]
    replacement = found.slots[0]
    slots[index] = {**old, "interviewer_id": replacement.interviewer_id}
    old_name = uow.interviewers.get(old["interviewer_id"]).name
    # The warnings about who left go with them; the newcomer brings their own.
    warnings = [w for w in stage.proposal.get("warnings", []) if not w.startswith(f"{old_name} ")]
    stage.proposal = {
        **stage.proposal,
        "version": version + 1,
        "slots": slots,
        "warnings": [*warnings, *found.warnings],
    }
    uow.session.add(stage)
    holds.swap(config, uow, stage, old, replacement, now)
    new_name = uow.interviewers.get(replacement.interviewer_id).name
    uow.audit.record(
        actor,
        "proposal_swapped",
        loop.id,
        stage=stage.key,
        removed=old["interviewer_id"],
        added=replacement.interviewer_id,
    )
    send_proposal(
        config.templates, uow, loop, stage, stage_template(config.templates, loop, stage.key)
    )
    return f"Swapped {old_name} for {new_name}."


def replan_form(
    config: LoopConfig, uow: UnitOfWork, stage_id: int, version: int, actor: str
) -> dict:
    stage = check_version(uow.loops.stage(stage_id), version)
    loop = uow.loops.get(stage.loop_id)
    Access(uow, config.templates).require(actor, Action.SCHEDULE, loop)
    candidate = uow.loops.candidate(loop.candidate_id)
    title = stage_template(config.templates, loop, stage.key).title
    return replan_modal(stage.id, version, title, candidate.name)


def check_replan(
    config: LoopConfig,
    uow: UnitOfWork,
    stage_id: int,
    version: int,
    availability_text: str,
    actor: str,
    now: datetime,
    *,
    lock: bool = False,
) -> tuple[Stage, Loop, list]:
    """Pick another time's form, checked (read-only before the ack; again, locked, after):
    the proposal as it stands, who may act, and the candidate's new windows."""
    stage = check_version(uow.loops.stage(stage_id, lock=lock), version)
    loop = uow.loops.get(stage.loop_id)
    Access(uow, config.templates).require(actor, Action.SCHEDULE, loop)
    candidate = uow.loops.candidate(loop.candidate_id)
    errors: list[InputError] = []
    windows = read_availability(availability_text.strip(), candidate.tz, now, errors)
    if errors:
        raise InvalidForm(errors)
    return stage, loop, list(windows)


def plan_replan(
    config: LoopConfig,
    uow: UnitOfWork,
    stage_id: int,
    version: int,
    availability_text: str,
    actor: str,
    now: datetime,
) -> Planned:
    """The new times' plan made ahead, reading only (after the ack); `replan` writes it
    if nothing it was made from changed since."""
    stage, loop, windows = check_replan(
        config, uow, stage_id, version, availability_text, actor, now
    )
    return plan_ahead(config, uow, loop, stage, now, availability=windows)


def replan(
    config: LoopConfig,
    uow: UnitOfWork,
    stage_id: int,
    version: int,
    availability_text: str,
    actor: str,
    now: datetime,
    planned: Planned | None = None,
) -> None:
    stage, loop, windows = check_replan(
        config, uow, stage_id, version, availability_text, actor, now, lock=True
    )
    loop.availability = [[i.start.isoformat(), i.end.isoformat()] for i in windows]
    loop.availability_text = availability_text.strip()
    loop.updated_at = now
    uow.session.add(loop)
    propose(config, uow, loop, stage, now, actor=actor, availability=windows, planned=planned)
