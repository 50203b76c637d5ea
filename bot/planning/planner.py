"""Panel assembly and slot finding for one stage of a loop.

``plan_stage`` either returns a full ``Plan`` or a ``NoPlan`` that explains what was missing
and offers alternatives; it never returns part of a panel.

How a meeting stage is planned:

* The seats are expanded into blocks in the template's order (a seat with count 2 gives two
  blocks); the blocks run back-to-back with the stage's break between them, all on one day
  of the candidate's calendar, inside one window of the candidate's availability.
* Count choices are tried preferred-first (see ``PanelSearch.count_vectors``); for each,
  start times are tried earliest first on a 15-minute grid of the candidate's wall clock. The
  first start at which every block gets a distinct, free, eligible person who relaxes no soft
  rule wins.
* People are tried in load-spreading order: least recently interviewed, then fewest interviews,
  then lowest id. The search backtracks, so it finds a panel whenever one exists for that start.
* Soft rules are relaxed only when no panel of any allowed size, at any start, keeps them all;
  then the panel that relaxes least wins (``costs.rank``: held time gives way first, the
  weekly cap next, the repeat rule last). So an optional seat is dropped, or another time
  taken, before a held slot is used or a repeat accepted. Every relaxation puts a warning on
  the plan naming who and why.
* A repeat is someone who sat on an earlier stage of the loop (``earlier_panels``) taking a
  seat again, unless they are one of the loop's fixed people (its hiring manager, its
  recruiter) or the seat is ``recurring``: those recur by design. Repeats are planned only
  when the request allows them; held slots always may be.

The request is in plan_request.py, the search in panel_search.py (over free_busy.py's view of
people's time, ranking what a panel relaxes with costs.py), the warnings on a plan in
plan_warnings.py, and what is said when no full panel fits in shortfall.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, timedelta

from bot.planning.costs import Option, rank
from bot.planning.model import Alternative, Interval, NoPlan, Plan, Shortage, Slot
from bot.planning.panel_search import PanelSearch
from bot.planning.plan_request import PlanRequest
from bot.planning.plan_warnings import slot_warnings
from bot.planning.shortfall import another_day, shortages
from bot.planning.trainees import seat_trainees

__all__ = ["PlanRequest", "plan_stage"]


def plan_stage(request: PlanRequest) -> Plan | NoPlan:
    """Plan one stage: a full Plan, or a NoPlan with shortages and alternatives.

    * ``meeting`` stages: see the module docstring.
    * ``take_home`` stages: one reviewer slot whose ``start`` is the assignment time
      (``not_before``) and whose ``end`` is the due date (``due_days`` later). The review is
      asynchronous, so the reviewer's working hours, bookings and held times don't apply;
      their weekly cap does (counted in the week the work is due), as does the repeat rule.
    * ``decision`` stages: nothing to schedule, an empty Plan.
    * ``choice`` stages must be resolved first with ``StageTemplate.choose``.
    """
    stage = request.stage
    if stage.kind == "choice":
        raise ValueError(
            f"stage {stage.key!r} is a choice; pick a format first: {stage.format_keys()}"
        )
    if stage.kind == "decision":
        return Plan(stage.key, ())
    search = PanelSearch(request)
    if stage.kind == "take_home":
        return _plan_take_home(search)
    result = _plan_meeting(search)
    return seat_trainees(search, result) if isinstance(result, Plan) else result


def _plan_meeting(search: PanelSearch) -> Plan | NoPlan:
    request = search.request
    plan = search.find_plan(search.availability, request.relax_cap, request.allow_repeat)
    if plan is not None:
        return plan
    alternatives = []
    other_day = another_day(search)
    if other_day is not None:
        alternatives.append(other_day)
    if not request.relax_cap:
        relaxed = search.find_plan(search.availability, True, request.allow_repeat)
        if relaxed is not None:
            alternatives.append(
                Alternative(
                    "relaxed_cap",
                    relaxed,
                    "Only possible over someone's interview cap: "
                    + "; ".join(
                        w for w in relaxed.warnings if "weekly cap" in w or "daily cap" in w
                    ),
                )
            )
    return NoPlan(search.stage.key, tuple(shortages(search)), tuple(alternatives))


def _plan_take_home(search: PanelSearch) -> Plan | NoPlan:
    request, stage = search.request, search.stage
    assigned = request.not_before.astimezone(UTC)
    # The due date is a whole number of days after the assignment, so it keeps the
    # candidate's wall-clock time even across a DST change.
    local = assigned.astimezone(search.zone)
    due = (local + timedelta(days=stage.due_days or 0)).astimezone(UTC)
    seat = stage.seats[0]
    best: Option | None = None
    for person, role in search.seat_people[seat.key]:
        repeat = search.is_repeat(seat, person.id)
        over = search.calendar.over_cap(person.id, due)
        if (repeat and not request.allow_repeat) or (over and not request.relax_cap):
            continue
        held_cap = not over and search.calendar.over_cap_when_held(person.id, due)
        option = Option(person, role, repeat, over, (), held_cap)
        if best is None or rank(option.cost) < rank(best.cost):
            best = option
    if best is not None:
        slot = Slot(best.person.id, best.role, seat.interview_type, assigned, due)
        panel = frozenset({best.person.id})
        warnings = tuple(slot_warnings(search, seat, best, assigned, due, panel))
        return Plan(stage.key, (slot,), warnings)
    label = " or ".join(seat.roles)
    teams = ", ".join(sorted(request.teams)) or "any team"
    detail = (
        f"no {label} on {teams} trained for {seat.interview_type} can review "
        f"work due {search.describe(Interval(assigned, due))} "
        "(nobody trained, or all already on this loop or at their weekly cap)"
    )
    alternatives = []
    if not request.relax_cap:
        relaxed = _plan_take_home(PanelSearch(replace(request, relax_cap=True)))
        if isinstance(relaxed, Plan):
            alternatives.append(Alternative("relaxed_cap", relaxed, "; ".join(relaxed.warnings)))
    window = Interval(assigned, due)
    return NoPlan(
        stage.key,
        (Shortage(seat.role, seat.interview_type, window, detail),),
        tuple(alternatives),
    )
