"""Services for the interviewer roster."""

from __future__ import annotations

from collections.abc import Mapping

from bot.roster import RosterEntry
from storage.models import Interviewer
from storage.repositories import replace_roster
from storage.uow import UnitOfWork


def import_roster(uow: UnitOfWork, entries: list[RosterEntry], actor: str) -> tuple[int, int]:
    """Replace the roster with `entries` in one transaction; returns (added, updated)."""
    added, updated = replace_roster(
        uow.session,
        (
            Interviewer(
                slack_user_id=e.slack_user_id,
                name=e.name,
                email=e.email,
                roles=list(e.roles),
                teams=list(e.teams),
                interview_types=list(e.interview_types),
                tz=e.tz,
                work_start=e.work_start,
                work_end=e.work_end,
                work_days=list(e.work_days),
                weekly_cap=e.weekly_cap,
            )
            for e in entries
        ),
    )
    uow.audit.record(actor, "roster_imported", added=added, updated=updated, total=len(entries))
    return added, updated


def export_roster(uow: UnitOfWork) -> list[RosterEntry]:
    return [
        RosterEntry(
            slack_user_id=i.slack_user_id,
            name=i.name,
            email=i.email,
            roles=tuple(i.roles),
            teams=tuple(i.teams),
            interview_types=tuple(i.interview_types),
            tz=i.tz,
            work_start=i.work_start,
            work_end=i.work_end,
            work_days=tuple(i.work_days),
            weekly_cap=i.weekly_cap,
        )
        for i in uow.interviewers.all()
    ]


def people_without_zone(uow: UnitOfWork) -> list[str]:
    """Slack ids of people imported without a tz: their Slack profile decides it."""
    return [p.slack_user_id for p in uow.interviewers.all() if p.tz is None]


def set_zones(uow: UnitOfWork, zones: Mapping[str, str]) -> int:
    """Record the zones Slack's users.info gave (only where none is set yet)."""
    filled = 0
    for slack_id, zone in zones.items():
        person = uow.interviewers.by_slack_id(slack_id)
        if person is not None and person.tz is None and zone:
            person.tz = zone
            uow.session.add(person)
            filled += 1
    if filled:
        uow.audit.record("loopbot", "zones_from_slack", people=sorted(zones))
    return filled
