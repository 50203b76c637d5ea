"""Proposing a stage: plan it and send the recruiter the panel (or what is missing), and
check that a click acts on the proposal as it stands."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.errors import Conflict, NotFound
from bot.loops import holds
from bot.loops.catalog import stage_template
from bot.loops.config import LoopConfig
from bot.loops.lookups import as_datetime, loop_availability, proposal_ref, slot_json
from bot.loops.plan_requests import stage_request
from bot.loops.thread import refresh_root
from bot.loops.training_seats import trainee_json, trainee_lines
from bot.loops.views import loop_view, slot_views
from bot.messages.proposal import no_plan_message, proposal_closed, proposal_message
from bot.outbox import publish
from bot.planning.load import cap_notes
from bot.planning.model import Interval, NoPlan, Plan
from bot.planning.planner import PlanRequest, plan_stage
from bot.planning.templates import StageTemplate, TemplateBook
from storage.models import Loop, Stage
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Planned:
    """A plan made ahead, outside the transaction that writes it, with what it was made
    from: the writer uses it only if the request it builds now is the same."""

    request: PlanRequest
    result: Plan | NoPlan


def plan_ahead(
    config: LoopConfig,
    uow: UnitOfWork,
    loop: Loop,
    stage: Stage,
    now: datetime,
    availability: Sequence[Interval] | None = None,
    candidate_tz: str | None = None,
) -> Planned:
    """Plan `stage` reading only (a read-only unit of work, no lock held): the slow part of
    proposing, done before the short transaction that writes it. `loop` and `stage` may be
    new rows not yet written (a loop being created), with `candidate_tz` given."""
    template = stage_template(config.templates, loop, stage.key)
    windows = list(availability) if availability is not None else loop_availability(loop)
    request = stage_request(
        config, uow, loop, stage, template, windows, now, candidate_tz=candidate_tz
    )
    return Planned(request, plan_stage(request))


def propose(
    config: LoopConfig,
    uow: UnitOfWork,
    loop: Loop,
    stage: Stage,
    now: datetime,
    actor: str = "loopbot",
    availability: Sequence[Interval] | None = None,
    keep: frozenset[int] = frozenset(),
    planned: Planned | None = None,
) -> None:
    """Plan `stage` and send the recruiter the proposal (or what is missing); `keep` are
    people tried first for their seats (a rescheduled stage keeps whoever can stay). With
    `planned` (made ahead by plan_ahead), its result is used when nothing it was made from
    changed since (the roster, bookings, holds, the loop): a version check that re-plans
    otherwise."""
    template = stage_template(config.templates, loop, stage.key)
    windows = list(availability) if availability is not None else loop_availability(loop)
    holds.release(config, uow, stage, "a fresh plan", now)
    request = replace(
        stage_request(config, uow, loop, stage, template, windows, now), keep_ids=keep
    )
    result = planned.result if planned and planned.request == request else plan_stage(request)
    version = int(stage.proposal.get("version", 0)) + 1
    # A live proposal is edited in place; after a booking fell through, a new one is posted.
    live_ref = stage.proposal.get("ref") if stage.status == "proposed" else None
    if isinstance(result, Plan):
        proposal = {
            "version": version,
            "kind": "plan",
            "slots": [slot_json(s) for s in result.slots],
            "warnings": list(result.warnings),
            "trainees": [trainee_json(t) for t in result.trainees],
            "load": cap_notes(request.roster, request.bookings, result),
        }
        unread = sorted({s.interviewer_id for s in result.slots} & set(request.unreadable))
        if unread:
            # Planned on working hours alone for these people: the proposal says so.
            proposal["calendar_unreadable"] = unread
        if template.kind == "meeting":
            until = holds.place(config, uow, stage, version, result.slots, now)
            proposal["held_until"] = until.isoformat()
    else:
        proposal = _no_plan_json(version, result)
    proposal["ref"] = live_ref or f"{proposal_ref(stage.id)}:v{version}"
    # One assignment: the JSON column sees a new value, not changes made inside the old one.
    stage.proposal = proposal
    stage.status = "proposed"
    uow.session.add(stage)
    uow.audit.record(
        actor,
        "stage_proposed",
        loop.id,
        stage=stage.key,
        version=version,
        kind=stage.proposal["kind"],
    )
    send_proposal(config.templates, uow, loop, stage, template)
    refresh_root(config, uow, loop)


def _no_plan_json(version: int, result: NoPlan) -> dict:
    return {
        "version": version,
        "kind": "none",
        "shortages": [s.detail for s in result.shortages],
        "alternatives": [
            {
                "kind": a.kind,
                "warning": a.warning,
                "slots": [slot_json(s) for s in a.plan.slots],
                "warnings": list(a.plan.warnings),
            }
            for a in result.alternatives
        ],
    }


def send_proposal(
    templates: TemplateBook, uow, loop: Loop, stage: Stage, template: StageTemplate
) -> None:
    """Show the proposal in the recruiter's DM (a live one is edited in place)."""
    view = loop_view(templates, uow, loop)
    proposal = stage.proposal
    version = proposal["version"]
    if proposal["kind"] == "plan":
        slots = slot_views(uow, proposal["slots"])
        due = slots[0].end if template.kind == "take_home" and slots else None
        held = proposal.get("held_until")
        body = proposal_message(
            view,
            template.title,
            stage.id,
            version,
            slots,
            proposal["warnings"],
            take_home_due=due,
            held_until=as_datetime(held) if held else None,
            expired=bool(proposal.get("expired")),
            trainees=trainee_lines(uow, proposal.get("trainees", [])),
            load=proposal.get("load", []),
        )
    else:
        body = no_plan_message(
            view,
            template.title,
            stage.id,
            version,
            proposal["shortages"],
            [
                (a["kind"], slot_views(uow, a["slots"]), a["warning"])
                for a in proposal["alternatives"]
            ],
        )
    recruiter = uow.interviewers.get(loop.recruiter_id)
    publish(uow, proposal["ref"], channel=recruiter.slack_user_id, loop_id=loop.id, **body)


def expire(config: LoopConfig, uow: UnitOfWork, stage_id: int, now: datetime) -> bool:
    """A proposal's holds ran out (the scheduler's job): its times are free again and its
    message says it expired, with Pick another time. False when there was nothing to do."""
    stage = holds.expire(config, uow, stage_id, now)
    if stage is None:
        return False
    loop = uow.loops.get(stage.loop_id)
    send_proposal(
        config.templates, uow, loop, stage, stage_template(config.templates, loop, stage.key)
    )
    refresh_root(config, uow, loop)
    return True


def expire_overdue(config: LoopConfig, uow: UnitOfWork, now: datetime) -> int:
    """Upkeep's backstop for expiry jobs that never ran."""
    return sum(expire(config, uow, stage_id, now) for stage_id in holds.overdue_stages(uow, now))


def withdraw(config: LoopConfig, uow: UnitOfWork, loop: Loop, stage: Stage, why: str, now):
    """A proposal nobody will act on now (its loop closed or moved on): its holds end and its
    message loses its buttons."""
    holds.release(config, uow, stage, why, now)
    if stage.status == "proposed" and stage.proposal.get("ref"):
        template = stage_template(config.templates, loop, stage.key)
        view = loop_view(config.templates, uow, loop)
        publish(uow, stage.proposal["ref"], **proposal_closed(view, template.title, why))


def check_version(stage: Stage | None, version: int) -> Stage:
    if stage is None:
        raise NotFound("That stage no longer exists.")
    if stage.status != "proposed":
        raise Conflict("This proposal was already acted on.")
    if int(stage.proposal.get("version", 0)) != version:
        raise Conflict("This proposal has changed since; use the latest message.")
    return stage


def check_held(stage: Stage) -> None:
    """Confirm and Swap act only on a proposal whose times are still held."""
    if stage.proposal.get("expired"):
        raise Conflict(
            "This proposal expired and its times are no longer held. "
            "Use *Pick another time* for a fresh plan."
        )
