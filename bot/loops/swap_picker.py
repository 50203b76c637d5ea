"""Swap a named person into a proposal: the qualified people free at each seat's time, with
their load, and the swap to the one the recruiter picks."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.access import Access, Action
from bot.errors import Conflict, InputError, InvalidForm
from bot.loops.booking import apply_swap
from bot.loops.catalog import stage_template
from bot.loops.config import LoopConfig
from bot.loops.plan_requests import BOOKING_HORIZON, find_replacement, planning_roster
from bot.loops.proposals import check_held, check_version
from bot.messages.swap_picker import swap_picker_modal
from bot.planning.free_busy import FreeBusy
from bot.planning.model import Booking, Plan
from storage.uow import UnitOfWork

# The most people offered per seat: enough to choose from, few enough to read.
PER_SEAT = 8


def choices(
    config: LoopConfig, uow: UnitOfWork, stage, loop, now: datetime
) -> list[tuple[int, Plan]]:
    """(slot index, one-slot plan) for every qualified person free at each seat's time,
    best first per seat (the planner's own order)."""
    slots = stage.proposal.get("slots", [])
    panel = {s["interviewer_id"] for s in slots}
    found: list[tuple[int, Plan]] = []
    for index, old in enumerate(slots):
        exclude = set(panel)
        for _ in range(PER_SEAT):
            plan = find_replacement(config, uow, loop, stage, old, exclude=exclude, now=now)
            if plan is None:
                break
            found.append((index, plan))
            exclude.add(plan.slots[0].interviewer_id)
    return found


def picker(
    config: LoopConfig, uow: UnitOfWork, stage_id: int, version: int, actor: str, now: datetime
) -> dict:
    stage = check_version(uow.loops.stage(stage_id, lock=True), version)
    loop = uow.loops.get(stage.loop_id)
    Access(uow, config.templates).require(actor, Action.SCHEDULE, loop)
    check_held(stage)
    options = []
    load = _load_text(config, uow, now)
    for index, plan in choices(config, uow, stage, loop, now):
        old = uow.interviewers.get(stage.proposal["slots"][index]["interviewer_id"])
        new = uow.interviewers.get(plan.slots[0].interviewer_id)
        seat = plan.slots[0]
        note = " · ".join(
            [load(new.id, seat.start), *(["held elsewhere"] if plan.warnings else [])]
        )
        options.append((f"{index}:{new.id}", f"{old.name} → {new.name} · {note}"))
    if not options:
        raise Conflict("No one else qualified is free at any seat's time. Try *Pick another time*.")
    title = stage_template(config.templates, loop, stage.key).title
    name = uow.loops.candidate(loop.candidate_id).name
    return swap_picker_modal(stage.id, version, title, name, options)


def swap_to(
    config: LoopConfig,
    uow: UnitOfWork,
    stage_id: int,
    version: int,
    choice: str,
    actor: str,
    now: datetime,
) -> str:
    stage = check_version(uow.loops.stage(stage_id, lock=True), version)
    loop = uow.loops.get(stage.loop_id)
    Access(uow, config.templates).require(actor, Action.SCHEDULE, loop)
    check_held(stage)
    index_text, _, person_text = choice.partition(":")
    if not (index_text.isdigit() and person_text.isdigit()):
        raise InvalidForm([InputError("swap", "choose who takes whose seat", "Ada → Chen")])
    index, person_id = int(index_text), int(person_text)
    for seat, plan in choices(config, uow, stage, loop, now):
        if seat == index and plan.slots[0].interviewer_id == person_id:
            return apply_swap(config, uow, loop, stage, index, plan, actor, now)
    raise InvalidForm(
        [InputError("swap", "that person is no longer free then; choose again", "Ada → Chen")]
    )


def _load_text(config: LoopConfig, uow: UnitOfWork, now: datetime):
    """ "3 of 4 that week": a person's booked interviews in the week (their own) of a time."""
    roster = planning_roster(config.default_tz, uow, now, config.templates.planning.daily_cap)
    bookings = [
        Booking(i.interviewer_id, i.start_at, i.end_at)
        for i in uow.loops.bookings_between(now - timedelta(days=8), now + BOOKING_HORIZON)
    ]
    calendar = FreeBusy(roster, bookings, ())

    def text(pid: int, when: datetime) -> str:
        person = calendar.people[pid]
        return f"{calendar.week_count(pid, when)} of {person.weekly_cap} that week"

    return text
