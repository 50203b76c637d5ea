"""/loop-load: a team's load for this week and next, read from the roster and bookings."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.loops.config import LoopConfig
from bot.loops.plan_requests import planning_roster
from bot.messages.load import load_message
from bot.planning.load import team_load
from bot.planning.model import Booking
from storage.uow import UnitOfWork


def load_overview(config: LoopConfig, uow: UnitOfWork, text: str, now: datetime) -> dict:
    team = text.strip()
    people = [
        p
        for p in planning_roster(config.default_tz, uow, now, config.templates.planning.daily_cap)
        if not team or team in p.teams
    ]
    people = [p for p in people if p.interview_types]  # coordinators sit on no panel
    bookings = [
        Booking(i.interviewer_id, i.start_at, i.end_at)
        for i in uow.loops.bookings_between(now - timedelta(days=8), now + timedelta(days=16))
    ]
    slack_ids = {p.id: uow.interviewers.get(p.id).slack_user_id for p in people}
    return load_message(team, team_load(people, slack_ids, bookings, now))
