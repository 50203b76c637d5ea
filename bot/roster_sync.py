"""`loopbot roster sync`: Slack user groups as pools. A small mapping file says what each
group grants (teams, roles, interview types); members gain what their groups grant and lose
what only a mapped group could give them; people the mapping alone placed on the roster and
who left every group are deactivated. The change is reported, and applied only when asked.

Mapping file (TOML), one table per group, by handle or ID:

    [groups.payments-eng]
    teams = ["payments"]
    roles = ["engineer"]
    interview_types = ["coding", "system_design"]
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.directory import Directory
from storage.models import Interviewer
from storage.uow import UnitOfWork

FIELDS = ("teams", "roles", "interview_types")


class MappingError(ValueError):
    pass


@dataclass(frozen=True)
class Grant:
    teams: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    interview_types: frozenset[str] = frozenset()


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return (
            [f"+ {line}" for line in self.added]
            + [f"~ {line}" for line in self.updated]
            + [f"- {line}" for line in self.deactivated]
        )

    def summary(self, applied: bool) -> str:
        counts = (
            f"{len(self.added)} to add, {len(self.updated)} to update, "
            f"{len(self.deactivated)} to deactivate"
        )
        return f"roster sync: {counts}" + ("" if applied else " (dry run: nothing changed)")


def read_mapping(
    path: Path, known_roles: Collection[str], known_types: Collection[str]
) -> dict[str, Grant]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MappingError(f"{path}: {error}") from None
    groups = data.get("groups")
    if set(data) - {"groups"} or not isinstance(groups, dict) or not groups:
        raise MappingError(f'{path}: give one [groups."handle"] table per user group')
    mapping = {}
    for group, table in groups.items():
        if not isinstance(table, dict) or set(table) - set(FIELDS):
            raise MappingError(f"{path}: [groups.{group}] takes only {', '.join(FIELDS)}")
        values = {}
        for name in FIELDS:
            items = table.get(name, [])
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise MappingError(f"{path}: groups.{group}.{name} must be a list of strings")
            values[name] = frozenset(items)
        for name, known in (("roles", known_roles), ("interview_types", known_types)):
            unknown = sorted(values[name] - set(known))
            if unknown:
                raise MappingError(f"{path}: groups.{group}.{name}: unknown {', '.join(unknown)}")
        mapping[group] = Grant(**values)
    return mapping


def sync(
    uow: UnitOfWork,
    directory: Directory,
    mapping: Mapping[str, Grant],
    apply: bool,
    actor: str,
) -> SyncReport:
    """Compare the roster with the groups and report; change it only when `apply`."""
    granted: dict[str, dict[str, set[str]]] = {}
    for group, grant in mapping.items():
        members = directory.group_members(group)
        if members is None:
            raise MappingError(f"no Slack user group {group!r} (give its handle or its ID)")
        for member in members:
            mine = granted.setdefault(member, {name: set() for name in FIELDS})
            for name in FIELDS:
                mine[name] |= getattr(grant, name)
    managed = {name: set().union(*(getattr(g, name) for g in mapping.values())) for name in FIELDS}
    report = SyncReport()
    people = {p.slack_user_id: p for p in uow.interviewers.all(active_only=False)}
    for slack_id, grant in sorted(granted.items()):
        person = people.get(slack_id)
        if person is None or not person.active:
            found = directory.person(slack_id)
            if found is None:
                continue  # a deactivated Slack account stays off the roster
            report.added.append(f"{found.name} ({_describe(grant)})")
            if apply:
                _add(uow, person, found, grant)
            continue
        wanted = {
            name: sorted((set(getattr(person, name)) - managed[name]) | grant[name])
            for name in FIELDS
        }
        changed = [n for n in FIELDS if sorted(getattr(person, n)) != wanted[n]]
        if changed:
            report.updated.append(
                f"{person.name}: "
                + "; ".join(f"{n} {', '.join(wanted[n]) or '(none)'}" for n in changed)
            )
            if apply:
                for name in changed:
                    setattr(person, name, wanted[name])
                uow.session.add(person)
    for slack_id, person in sorted(people.items()):
        # Only people whose every role the mapping gives can be taken off by it: a
        # coordinator or a recruiter the groups do not cover stays.
        if slack_id in granted or not person.active or not set(person.roles) <= managed["roles"]:
            continue
        report.deactivated.append(f"{person.name} (in none of the groups)")
        if apply:
            person.active = False
            uow.session.add(person)
    if apply:
        uow.session.flush()
        uow.audit.record(
            actor,
            "roster_synced",
            added=len(report.added),
            updated=len(report.updated),
            deactivated=len(report.deactivated),
        )
    return report


def _describe(grant: dict[str, set[str]]) -> str:
    return "; ".join(f"{n} {', '.join(sorted(grant[n]))}" for n in FIELDS if grant[n])


def _add(uow: UnitOfWork, existing: Interviewer | None, found, grant) -> None:
    if existing is not None:  # back on the roster with what their groups give now
        existing.active = True
        for name in FIELDS:
            setattr(existing, name, sorted(grant[name]))
        uow.session.add(existing)
        return
    uow.session.add(
        Interviewer(
            slack_user_id=found.slack_user_id,
            name=found.name,
            email=found.email,
            tz=found.tz,
            **{name: sorted(grant[name]) for name in FIELDS},
        )
    )
