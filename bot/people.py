"""Services for the interviewer roster."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, fields

from bot.roster import RosterEntry
from storage.models import Interviewer, Trainee
from storage.repositories import replace_roster
from storage.uow import UnitOfWork


def import_roster(
    uow: UnitOfWork, entries: list[RosterEntry], actor: str, merge: bool = False
) -> tuple[int, int]:
    """Replace the roster with `entries` in one transaction (with `merge`, update only the
    people listed and leave everyone else as they are); returns (added, updated)."""
    added, updated = replace_roster(
        uow.session, (Interviewer(**_row(e)) for e in entries), deactivate_missing=not merge
    )
    enrol_trainees(uow, entries)
    uow.audit.record(
        actor, "roster_imported", added=added, updated=updated, total=len(entries), merge=merge
    )
    return added, updated


def enrol_trainees(uow: UnitOfWork, entries: list[RosterEntry]) -> None:
    """Start training for each (person, interview type) the roster marks, or set the mode of
    one already in training; a graduate stays graduated."""
    for entry in entries:
        person = uow.interviewers.by_slack_id(entry.slack_user_id)
        for kind in uow.trainees.graduated_types(person.id):
            if kind not in person.interview_types:  # a graduate keeps the pool they earned
                person.interview_types = [*person.interview_types, kind]
                uow.session.add(person)
        for kind, mode in entry.trainee:
            record = uow.trainees.of(person.id, kind)
            if record is None:
                uow.trainees.add(Trainee(interviewer_id=person.id, interview_type=kind, mode=mode))
            elif record.graduated_at is None and record.mode != mode:
                record.mode = mode
                uow.session.add(record)


def export_roster(uow: UnitOfWork) -> list[RosterEntry]:
    names = [f.name for f in fields(RosterEntry) if f.name != "trainee"]
    training: dict[int, list[tuple[str, str]]] = {}
    for record in uow.trainees.in_training():
        training.setdefault(record.interviewer_id, []).append((record.interview_type, record.mode))
    return [
        RosterEntry(
            **{
                n: tuple(v) if isinstance(v, list) else v
                for n, v in person.model_dump(include=set(names)).items()
            },
            trainee=tuple(training.get(person.id, ())),
        )
        for person in uow.interviewers.all()
    ]


def _row(entry: RosterEntry) -> dict:
    """A roster entry as Interviewer columns (the field names are the same; lists are JSON)."""
    row = {n: list(v) if isinstance(v, tuple) else v for n, v in asdict(entry).items()}
    row.pop("trainee")  # kept in the trainee table (enrol_trainees)
    return row


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
