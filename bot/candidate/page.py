"""What the candidate's page shows for one loop and stage, as plain values (the handler
renders them). Never feedback, never the panel's notes, never another loop."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.candidate.itinerary import ItineraryItem, itinerary, when_text
from bot.candidate.mailer import first_name
from bot.candidate.options import options
from bot.candidate.requests import ASKABLE, side
from bot.loops.catalog import pool_teams, stage_template, technical_formats
from bot.loops.config import LoopConfig
from storage.candidate_requests import CandidateRequests
from storage.models import Loop, Stage
from storage.uow import UnitOfWork

GRID_HOURS = range(8, 19)  # hour blocks offered on the week grid, in the candidate's zone
GRID_DAYS = 7
MINUTE_STEPS = (0, 5, 10, 15, 20, 30, 45, 60)


@dataclass(frozen=True)
class GridDay:
    label: str
    date: str
    hours: list[tuple[str, str]]  # (value "YYYY-MM-DDTHH", label "09:00–10:00")


@dataclass
class CandidatePage:
    candidate: str
    first_name: str
    tz: str
    stage_title: str
    state: str  # ask | waiting | booked | closed
    mode: str | None = None
    grid: list[GridDay] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)
    formats: list[tuple[str, str]] = field(default_factory=list)
    chosen_format: str = ""
    ask_accommodations: bool = False
    accommodations_given: bool = False
    extra_minutes: list[tuple[str, str]] = field(default_factory=list)
    extra_breaks: list[tuple[str, str]] = field(default_factory=list)
    teams: list[tuple[str, str, bool]] = field(default_factory=list)
    itinerary: list[ItineraryItem] = field(default_factory=list)


def grid(zone: str, now: datetime) -> list[GridDay]:
    tz = ZoneInfo(zone)
    first = now.astimezone(tz).date() + timedelta(days=1)
    days = []
    for offset in range(GRID_DAYS + 2):
        day = first + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        days.append(
            GridDay(
                f"{day:%A} {day.day} {day:%B}",
                day.isoformat(),
                [(f"{day.isoformat()}T{h:02d}", f"{h:02d}:00–{h + 1:02d}:00") for h in GRID_HOURS],
            )
        )
    return days[:5]


def windows_from_grid(values: list[str], zone: str) -> list[tuple[datetime, datetime]]:
    """Ticked hour blocks, adjacent ones merged, as UTC (start, end) pairs."""
    tz = ZoneInfo(zone)
    starts = sorted(
        datetime.combine(datetime.fromisoformat(v[:10]).date(), time(int(v[11:13])), tz)
        for v in set(values)
    )
    merged: list[list[datetime]] = []
    for start in starts:
        if merged and merged[-1][1] == start:
            merged[-1][1] = start + timedelta(hours=1)
        else:
            merged.append([start, start + timedelta(hours=1)])
    return [(a.astimezone(ZoneInfo("UTC")), b.astimezone(ZoneInfo("UTC"))) for a, b in merged]


def _minutes(limit: int) -> list[tuple[str, str]]:
    return [(str(m), "none" if m == 0 else f"{m} minutes") for m in MINUTE_STEPS if m <= limit]


def base_template(config: LoopConfig, loop: Loop, stage: Stage):
    """The stage as the templates give it, before any format is chosen."""
    try:
        return config.templates.stage(loop.track, loop.team or None, stage.key)
    except ValueError:
        return config.templates.stage(loop.track, None, stage.key)


def page(
    config: LoopConfig, uow: UnitOfWork, loop: Loop, stage: Stage, now: datetime
) -> CandidatePage:
    candidate_side = side(config)
    candidate = uow.loops.candidate(loop.candidate_id)
    template = stage_template(config.templates, loop, stage.key)
    view = CandidatePage(
        candidate=candidate.name,
        first_name=first_name(candidate),
        tz=candidate.tz,
        stage_title=template.title,
        state="closed",
    )
    if loop.status != "open":
        return view
    requests = CandidateRequests(uow.session)
    latest = requests.latest(stage.id)
    view.itinerary = itinerary(config.templates, candidate_side, uow, loop, now)
    if stage.status not in ASKABLE:
        view.state = "booked"
    elif latest is not None and latest.status == "open":
        view.state, view.mode = "ask", latest.mode
    else:
        view.state = "waiting"
    if view.state == "ask":
        if template.kind == "take_home":
            view.mode = None  # nothing to schedule: it starts when the recruiter sends it
        elif latest.mode == "self_schedule":
            view.options = [
                (o.value, when_text(o.start, candidate.tz, o.end))
                for o in options(config, uow, loop, stage, now)
            ]
        else:
            view.grid = grid(candidate.tz, now)
        base = base_template(config, loop, stage)
        if base.kind == "choice":
            view.formats = [(f.key, f.title) for f in base.formats] or technical_formats(
                config.templates, loop.track
            )
            view.chosen_format = loop.technical_format
        if loop.pool and not loop.team:
            chosen = set(loop.preferences)
            view.teams = [
                (t, t, t in chosen) for t in sorted(pool_teams(config.templates, loop.pool))
            ]
    given = any(r.accommodations_at for r in requests.of_loop(loop.id))
    view.accommodations_given = given
    view.ask_accommodations = not given and view.state in ("ask", "waiting")
    limits = config.templates.accommodation_limits
    view.extra_minutes = _minutes(limits.extra_minutes_per_interview)
    view.extra_breaks = _minutes(limits.extra_break_minutes)
    return view
