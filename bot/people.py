"""Services for the interviewer roster."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, fields

from bot.roster import RosterEntry
from storage.models import Interviewer
from storage.repositories import replace_roster
from storage.uow import UnitOfWork


def import_roster(uow: UnitOfWork, entries: list[RosterEntry], actor: str) -> tuple[int, int]:
    """Replace the roster with `entries` in one transaction; returns (added, updated)."""
    added, updated = replace_roster(uow.session, (Interviewer(**_row(e)) for e in entries))
    uow.audit.record(actor, "roster_imported", added=added, updated=updated, total=len(entries))
    return added, updated


def export_roster(uow: UnitOfWork) -> list[RosterEntry]:
    names = [f.name for f in fields(RosterEntry)]
    return [
        RosterEntry(
            **{
                n: tuple(v) if isinstance(v, list) else v
                for n, v in person.model_dump(include=set(names)).items()
            }
        )
        for person in uow.interviewers.all()
    ]


def _row(entry: RosterEntry) -> dict:
    """A roster entry as Interviewer columns (the field names are the same; lists are JSON)."""
    return {n: list(v) if isinstance(v, tuple) else v for n, v in asdict(entry).items()}


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
