"""The Slack directory as a port: who an email belongs to, and who is in a user group.
`loopbot roster import` and `loopbot roster sync` read it; the adapter over Slack's Web API
is loopbot/slack_directory.py, and tests use the fake Slack's same methods."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from bot.roster import RosterEntry, RosterProblem


@dataclass(frozen=True)
class DirectoryPerson:
    slack_user_id: str
    name: str
    email: str | None
    tz: str | None


class Directory(Protocol):
    def by_email(self, email: str) -> DirectoryPerson | None: ...

    def person(self, slack_user_id: str) -> DirectoryPerson | None: ...

    def group_members(self, group: str) -> list[str] | None:
        """The user IDs in a user group (given by ID or handle); None when there is none."""
        ...


def resolve_emails(
    entries: Sequence[RosterEntry], directory: Directory
) -> tuple[list[RosterEntry], list[RosterProblem]]:
    """Fill in the Slack ID of each row that gives only an email (users.lookupByEmail).
    Rows are numbered as in the file (line 2 is the first person)."""
    resolved, problems = [], []
    seen: dict[str, int] = {e.slack_user_id: i for i, e in enumerate(entries) if e.slack_user_id}
    for index, entry in enumerate(entries):
        if entry.slack_user_id:
            resolved.append(entry)
            continue
        person = directory.by_email(entry.email or "")
        line = index + 2
        if person is None:
            problems.append(
                RosterProblem(line, "email", f"no one in Slack has the email {entry.email}")
            )
            continue
        if person.slack_user_id in seen and seen[person.slack_user_id] != index:
            problems.append(
                RosterProblem(
                    line, "email", f"{entry.email} is {person.slack_user_id}, already listed"
                )
            )
            continue
        seen[person.slack_user_id] = index
        resolved.append(
            replace(entry, slack_user_id=person.slack_user_id, tz=entry.tz or person.tz)
        )
    return resolved, problems
