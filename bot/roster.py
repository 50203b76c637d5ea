"""The interviewer roster as CSV: parsing (pure) and writing.

Format (README, "Roster format"): a header row, then one person a row.
Lists inside a cell are separated by `;`. Unknown columns, roles, interview
types, time zones or malformed values are refused with the line and column;
a file with any problem imports nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.calendars.holidays import parse_region
from bot.planning.trainees import MODES as TRAINEE_MODES

COLUMNS = (
    "slack_user_id",
    "name",
    "email",
    "roles",
    "teams",
    "interview_types",
    "tz",
    "working_hours",
    "working_days",
    "weekly_cap",
    "calendar",
    "country",
    "daily_cap",
    "trainee",
)
REQUIRED = ("name", "roles")
# Who a row is: a Slack user ID, or an email that `loopbot roster import` resolves through
# Slack (users.lookupByEmail) before anything is stored.
IDENTITY = ("slack_user_id", "email")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class RosterEntry:
    slack_user_id: str
    name: str
    email: str | None
    roles: tuple[str, ...]
    teams: tuple[str, ...]
    interview_types: tuple[str, ...]
    tz: str | None
    work_start: str = "09:00"
    work_end: str = "17:00"
    work_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    weekly_cap: int = 5
    daily_cap: int | None = None
    # In training: (interview type, mode) pairs, from a cell like "coding:shadow".
    trainee: tuple[tuple[str, str], ...] = ()
    calendar: str | None = None  # None: the person's email
    country: str | None = None  # for public holidays; None: LOOPBOT_HOLIDAYS


@dataclass(frozen=True)
class RosterProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass
class RosterError(Exception):
    source: str
    problems: list[RosterProblem] = field(default_factory=list)

    def __str__(self) -> str:
        shown = "; ".join(str(p) for p in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        return f"{self.source}: {shown}{more} — nothing was imported"


def parse_roster(
    text: str,
    *,
    known_roles: Collection[str],
    known_interview_types: Collection[str],
    source: str = "roster.csv",
) -> list[RosterEntry]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    rows = list(reader)
    if not rows:
        raise RosterError(
            source, [RosterProblem(1, "-", "the file is empty; it needs a header row")]
        )
    header = [h.strip() for h in rows[0]]
    problems: list[RosterProblem] = []
    for name in header:
        if name not in COLUMNS:
            problems.append(
                RosterProblem(
                    1, name or "(blank)", f"unknown column; the columns are {', '.join(COLUMNS)}"
                )
            )
    for name in REQUIRED:
        if name not in header:
            problems.append(RosterProblem(1, name, "required column is missing"))
    if not any(name in header for name in IDENTITY):
        problems.append(
            RosterProblem(1, "slack_user_id", "give a slack_user_id or an email column")
        )
    if problems:
        raise RosterError(source, problems)

    entries: list[RosterEntry] = []
    seen: dict[str, int] = {}
    for line_number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(
                RosterProblem(
                    line_number, "-", f"{len(row)} cells but the header has {len(header)}"
                )
            )
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        row_parser = _Row(line_number, cells, problems)
        entry = row_parser.entry(known_roles, known_interview_types)
        if entry is None:
            continue
        who = entry.slack_user_id or (entry.email or "").lower()
        if who in seen:
            problems.append(
                RosterProblem(
                    line_number,
                    "slack_user_id" if entry.slack_user_id else "email",
                    f"{who} is already on line {seen[who]}",
                )
            )
            continue
        seen[who] = line_number
        entries.append(entry)
    if problems:
        raise RosterError(source, problems)
    return entries


class _Row:
    def __init__(self, line: int, cells: dict[str, str], problems: list[RosterProblem]):
        self.line, self.cells, self.problems = line, cells, problems
        self.ok = True

    def fail(self, column: str, message: str) -> None:
        self.problems.append(RosterProblem(self.line, column, message))
        self.ok = False

    def entry(self, roles: Collection[str], types: Collection[str]) -> RosterEntry | None:
        slack_id = self.cells.get("slack_user_id", "")
        email = self.cells.get("email") or None
        if slack_id and not _SLACK_ID.match(slack_id):
            self.fail("slack_user_id", f"{slack_id!r} is not a Slack user ID (like U012AB3CD)")
        elif not slack_id and email is None:
            self.fail("slack_user_id", "is empty; give a Slack user ID (U012AB3CD) or an email")
        name = self.cells.get("name", "")
        if not name:
            self.fail("name", "is empty")
        if email is not None and "@" not in email:
            self.fail("email", f"{email!r} is not an email address")
        person_roles = self.listed("roles", roles, "role")
        if not person_roles:
            self.fail("roles", "is empty; give at least one role, e.g. engineer")
        teams = tuple(t for t in _split(self.cells.get("teams", "")))
        interview_types = self.listed("interview_types", types, "interview type")
        tz = self.zone()
        start, end = self.hours()
        days = self.days()
        cap = self.cap()
        daily = self.daily_cap()
        training = self.training(types)
        calendar = self.cells.get("calendar") or None
        country = self.country()
        if not self.ok:
            return None
        return RosterEntry(
            slack_user_id=slack_id,
            name=name,
            email=email,
            roles=person_roles,
            teams=teams,
            interview_types=interview_types,
            tz=tz,
            work_start=start,
            work_end=end,
            work_days=days,
            weekly_cap=cap,
            daily_cap=daily,
            trainee=training,
            calendar=calendar,
            country=country,
        )

    def listed(self, column: str, known: Collection[str], what: str) -> tuple[str, ...]:
        values = tuple(_split(self.cells.get(column, "")))
        for value in values:
            if value not in known:
                self.fail(column, f"unknown {what} {value!r}; known: {', '.join(sorted(known))}")
        return values

    def zone(self) -> str | None:
        tz = self.cells.get("tz") or None
        if tz is None:
            return None  # filled in from Slack's users.info on first use
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail("tz", f"{tz!r} is not an IANA time zone, e.g. Europe/Berlin")
        return tz

    def hours(self) -> tuple[str, str]:
        raw = self.cells.get("working_hours") or "09:00-17:00"
        match = _HOURS.match(raw.replace(" ", ""))
        if not match:
            self.fail("working_hours", f"{raw!r} is not a range like 09:00-17:00")
            return "09:00", "17:00"
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        valid = h1 < 24 and m1 < 60 and m2 < 60 and (h2, m2) <= (24, 0)
        if not valid or (h1, m1) >= (h2, m2):
            self.fail("working_hours", f"{raw!r} must start before it ends, e.g. 09:00-17:00")
        return f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"

    def days(self) -> tuple[int, ...]:
        raw = (self.cells.get("working_days") or "Mon-Fri").lower().replace(" ", "")
        days: set[int] = set()
        for part in _split(raw):
            first, dash, last = part.partition("-")
            if first not in DAYS or (dash and last not in DAYS):
                self.fail("working_days", f"{part!r} is not like Mon-Fri or Mon;Wed;Fri")
                return (0, 1, 2, 3, 4)
            a, b = DAYS.index(first), DAYS.index(last or first)
            if b < a:
                self.fail("working_days", f"{part!r} runs backwards; write Mon-Fri")
                return (0, 1, 2, 3, 4)
            days.update(range(a, b + 1))
        if not days:
            self.fail("working_days", "names no day; give at least one, e.g. Mon-Fri")
        return tuple(sorted(days))

    def country(self) -> str | None:
        raw = self.cells.get("country") or None
        if raw is None:
            return None
        try:
            return parse_region(raw)
        except ValueError as error:
            self.fail("country", f"{error}; give an ISO code like DE, US-CA or GB-SCT")
            return None

    def cap(self) -> int:
        raw = self.cells.get("weekly_cap") or "5"
        if not re.fullmatch(r"[0-9]+", raw) or int(raw) > 40:
            self.fail("weekly_cap", f"{raw!r} is not a whole number of interviews a week (0-40)")
            return 5
        return int(raw)

    def daily_cap(self) -> int | None:
        raw = self.cells.get("daily_cap") or ""
        if not raw:
            return None
        if not re.fullmatch(r"[0-9]+", raw) or int(raw) > 12:
            self.fail("daily_cap", f"{raw!r} is not a whole number of interviews a day (0-12)")
            return None
        return int(raw)

    def training(self, types: Collection[str]) -> tuple[tuple[str, str], ...]:
        pairs = []
        for part in _split(self.cells.get("trainee", "")):
            kind, _, mode = part.partition(":")
            mode = mode or "shadow"
            if kind not in types or mode not in TRAINEE_MODES:
                self.fail(
                    "trainee",
                    f"{part!r} is not like coding:shadow or system_design:reverse_shadow "
                    "(a known interview type, then shadow or reverse_shadow)",
                )
                continue
            pairs.append((kind, mode))
        return tuple(pairs)


def _split(cell: str) -> Iterable[str]:
    return (part.strip() for part in cell.split(";") if part.strip())


def format_days(days: Iterable[int]) -> str:
    days = sorted(days)
    if days and days == list(range(days[0], days[-1] + 1)) and len(days) > 1:
        return f"{DAYS[days[0]].title()}-{DAYS[days[-1]].title()}"
    return ";".join(DAYS[d].title() for d in days)


def write_roster(entries: Iterable[RosterEntry]) -> str:
    """The roster as CSV; the optional columns (daily_cap, trainee) only when someone has one."""
    entries = list(entries)
    optional = {
        "daily_cap": any(e.daily_cap is not None for e in entries),
        "trainee": any(e.trainee for e in entries),
    }
    columns = [c for c in COLUMNS if optional.get(c, True)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for e in entries:
        cells = {
            "slack_user_id": e.slack_user_id,
            "name": e.name,
            "email": e.email or "",
            "roles": ";".join(e.roles),
            "teams": ";".join(e.teams),
            "interview_types": ";".join(e.interview_types),
            "tz": e.tz or "",
            "working_hours": f"{e.work_start}-{e.work_end}",
            "working_days": format_days(e.work_days),
            "weekly_cap": e.weekly_cap,
            "daily_cap": "" if e.daily_cap is None else e.daily_cap,
            "trainee": ";".join(f"{kind}:{mode}" for kind, mode in e.trainee),
            "calendar": e.calendar or "",
            "country": e.country or "",
        }
        writer.writerow([cells[c] for c in columns])
    return out.getvalue()
