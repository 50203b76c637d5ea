"""Interview-loop templates: loading, validating and the pure rules read from them.

The shipped loops live in ``loop_templates.toml`` beside this module; a user's file is merged
over them (tables merge key by key, arrays replace, except the ``roles`` and
``interview_types`` vocabularies, which a user file extends). Nothing here branches on a
particular track, level or stage: every rule is read from the data.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.planning.model import Accommodation

DEFAULT_TEMPLATES_PATH = Path(__file__).with_name("loop_templates.toml")

STAGE_KINDS = ("meeting", "take_home", "decision", "choice")
FORMAT_KINDS = ("meeting", "take_home")
GATES = ("positive_feedback",)

TOP_KEYS = ("roles", "interview_types", "levels", "accommodations", "tracks", "teams", "pools")
POOL_KEYS = ("title", "teams", "skill", "function", "levels")
ACCOMMODATION_KEYS = ("extra_minutes_per_interview", "extra_break_minutes")
TRACK_KEYS = ("title", "stages")
STAGE_KEYS = (
    "key",
    "title",
    "focus",
    "kind",
    "competencies",
    "break_minutes",
    "optional",
    "min_level",
    "gate",
    "panel_size",
    "seats",
    "formats",
    "captures",
)
# What a stage's feedback form may also ask (besides signal, ratings and notes).
CAPTURES = ("team_preferences",)
FORMAT_KEYS = ("key", "title", "kind", "seats", "work_hours", "due_days", "break_minutes")
SEAT_KEYS = (
    "key",
    "role",
    "roles",
    "interview_type",
    "minutes",
    "minutes_range",
    "min",
    "max",
    "preferred",
)
TEAM_TRACK_KEYS = ("drop", "stages")
TEAM_STAGE_KEYS = ("break_minutes", "panel_size", "seats")
TEAM_SEAT_KEYS = ("minutes", "min", "max", "preferred")

PathKey = tuple[str | int, ...]


class TemplateError(Exception):
    """A template file that cannot be used; ``str()`` is ``<file>:<line>: <what is wrong>``."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


@dataclass(frozen=True)
class SeatTemplate:
    key: str
    roles: tuple[str, ...]
    interview_type: str
    minutes: int
    minutes_range: tuple[int, int]
    min: int = 1
    max: int = 1
    preferred: int = 1

    @property
    def role(self) -> str:
        return self.roles[0]


@dataclass(frozen=True)
class StageFormat:
    key: str
    title: str
    kind: str
    seats: tuple[SeatTemplate, ...]
    break_minutes: int = 0
    work_hours: tuple[int, int] | None = None
    due_days: int | None = None


@dataclass(frozen=True)
class StageTemplate:
    key: str
    title: str
    focus: str
    kind: str
    competencies: tuple[str, ...] = ()
    break_minutes: int = 0
    seats: tuple[SeatTemplate, ...] = ()
    optional: bool = False
    min_level: str | None = None
    gate: str | None = None
    panel_size: tuple[int, int] | None = None
    formats: tuple[StageFormat, ...] = ()
    chosen_format: str | None = None
    work_hours: tuple[int, int] | None = None
    due_days: int | None = None
    captures: tuple[str, ...] = ()

    def format_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.formats)

    def choose(self, format_key: str) -> StageTemplate:
        """The stage as the candidate chose to take it (``kind = "choice"`` stages only)."""
        for fmt in self.formats:
            if fmt.key == format_key:
                return replace(
                    self,
                    kind=fmt.kind,
                    seats=fmt.seats,
                    break_minutes=fmt.break_minutes,
                    work_hours=fmt.work_hours,
                    due_days=fmt.due_days,
                    formats=(),
                    chosen_format=fmt.key,
                )
        raise ValueError(
            f"stage {self.key!r} has no format {format_key!r}; choose one of {self.format_keys()}"
        )

    def panel_bounds(self) -> tuple[int, int]:
        """How many interviews the stage may have, from its seats and its panel_size."""
        lo = sum(s.min for s in self.seats)
        hi = sum(s.max for s in self.seats)
        if self.panel_size is not None:
            lo, hi = max(lo, self.panel_size[0]), min(hi, self.panel_size[1])
        return lo, hi


@dataclass(frozen=True)
class TrackTemplate:
    key: str
    title: str
    stages: tuple[StageTemplate, ...]


@dataclass(frozen=True)
class Pool:
    """Teams with shared needs that run one hiring process together (centralized hiring)."""

    key: str
    title: str
    teams: tuple[str, ...]
    levels: tuple[str, ...]
    skill: str = ""
    function: str = ""


@dataclass(frozen=True)
class TemplateBook:
    levels: tuple[tuple[str, str], ...]
    roles: tuple[str, ...]
    interview_types: tuple[str, ...]
    accommodation_limits: Accommodation
    tracks: Mapping[str, TrackTemplate]
    team_stages: Mapping[tuple[str, str], tuple[StageTemplate, ...]]
    pools: Mapping[str, Pool] = field(default_factory=dict)

    def level_title(self, level: str) -> str:
        return self.levels[self._level_index(level)][1]

    def _level_index(self, level: str) -> int:
        for index, (key, _title) in enumerate(self.levels):
            if key == level:
                return index
        raise ValueError(f"unknown level {level!r}; known: {', '.join(k for k, _ in self.levels)}")

    def track(self, track: str) -> TrackTemplate:
        try:
            return self.tracks[track]
        except KeyError:
            raise ValueError(f"unknown track {track!r}; known: {', '.join(self.tracks)}") from None

    def team_track_stages(self, track: str, team: str | None) -> tuple[StageTemplate, ...]:
        """All stages of a track as a team runs it (drops applied), for every level."""
        base = self.track(track).stages
        if team is None:
            return base
        return self.team_stages.get((team, track), base)

    def stages_for(self, track: str, team: str | None, level: str) -> list[StageTemplate]:
        rank = self._level_index(level)
        return [
            stage
            for stage in self.team_track_stages(track, team)
            if stage.min_level is None or self._level_index(stage.min_level) <= rank
        ]

    def stage(self, track: str, team: str | None, key: str) -> StageTemplate:
        for stage in self.team_track_stages(track, team):
            if stage.key == key:
                return stage
        raise ValueError(f"track {track!r} has no stage {key!r} for team {team!r}")

    def next_stage(
        self, track: str, team: str | None, level: str, current_key: str
    ) -> StageTemplate | None:
        """The stage after ``current_key``; None after the last one.

        A returned stage may carry a ``gate`` (e.g. ``positive_feedback``): the caller must
        check the previous stage's feedback before starting it.
        """
        stages = self.stages_for(track, team, level)
        keys = [s.key for s in stages]
        if current_key not in keys:
            raise ValueError(f"stage {current_key!r} is not part of {track!r} at {level}")
        index = keys.index(current_key)
        return stages[index + 1] if index + 1 < len(stages) else None

    def check_accommodation(self, accommodation: Accommodation) -> None:
        limits = self.accommodation_limits
        if accommodation.extra_minutes_per_interview > limits.extra_minutes_per_interview:
            raise ValueError(
                f"at most {limits.extra_minutes_per_interview} extra minutes per interview"
            )
        if accommodation.extra_break_minutes > limits.extra_break_minutes:
            raise ValueError(f"at most {limits.extra_break_minutes} extra break minutes")


# --- locating keys in TOML text -----------------------------------------------------------

_BARE_OR_QUOTED = r'(?:[A-Za-z0-9_\-]+|"[^"]*"|\'[^\']*\')'
_DOTTED = rf"{_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*"
_AOT_HEADER = re.compile(rf"^\s*\[\[\s*({_DOTTED})\s*\]\]")
_TABLE_HEADER = re.compile(rf"^\s*\[\s*({_DOTTED})\s*\]")
_KEY_LINE = re.compile(rf"^\s*({_DOTTED})\s*=")
_DOTTED_PART = re.compile(_BARE_OR_QUOTED)


def _split_dotted(text: str) -> list[str]:
    return [part.strip("\"'") for part in _DOTTED_PART.findall(text)]


def _bracket_depth(value: str) -> int:
    """Net count of open [ / { in a value, ignoring those inside strings."""
    depth = 0
    quote = ""
    for char in value:
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth


def locate_keys(text: str) -> dict[PathKey, int]:
    """Map each table and key path in a TOML text to the line (1-based) that defines it.

    Array-of-tables elements get integer indices, as in the parsed document, so a path from
    validation (``("tracks", "ic", "stages", 2, "seats", 0, "role")``) finds its line. This is a
    line scanner, not a parser: it only has to be right for files tomllib already accepted.
    """
    lines: dict[PathKey, int] = {}
    aot_counts: dict[PathKey, int] = {}
    current: PathKey = ()
    depth = 0

    def resolve(keys: Sequence[str]) -> list[str | int]:
        out: list[str | int] = []
        for key in keys:
            out.append(key)
            count = aot_counts.get(tuple(out))
            if count:
                out.append(count - 1)
        return out

    for number, line in enumerate(text.splitlines(), start=1):
        if depth > 0:
            depth += _bracket_depth(line)
            continue
        if match := _AOT_HEADER.match(line):
            keys = _split_dotted(match.group(1))
            path = resolve(keys[:-1]) + [keys[-1]]
            aot_counts[tuple(path)] = aot_counts.get(tuple(path), 0) + 1
            lines.setdefault(tuple(path), number)
            current = (*path, aot_counts[tuple(path)] - 1)
            lines.setdefault(current, number)
        elif match := _TABLE_HEADER.match(line):
            current = tuple(resolve(_split_dotted(match.group(1))))
            lines.setdefault(current, number)
        elif match := _KEY_LINE.match(line):
            path = (*current, *_split_dotted(match.group(1)))
            lines.setdefault(path, number)
            depth = max(0, _bracket_depth(line[match.end() :]))
    return lines


# --- loading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    name: str
    data: dict[str, Any]
    lines: dict[PathKey, int]

    def depth_of(self, path: PathKey) -> int:
        """How much of ``path`` this source's document contains."""
        node: Any = self.data
        for index, key in enumerate(path):
            in_table = isinstance(node, dict) and isinstance(key, str) and key in node
            in_array = isinstance(node, list) and isinstance(key, int) and key < len(node)
            if not (in_table or in_array):
                return index
            node = node[key]
        return len(path)

    def line_of(self, path: PathKey) -> int:
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


def _read_source(path: str | Path) -> _Source:
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(name, 1, f"cannot read file: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(match.group(1)) if match else 1
        message = message[: match.start()].strip() if match else message
        raise TemplateError(name, line, f"invalid TOML: {message}") from exc
    return _Source(name, data, locate_keys(text))


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    return over


def _merge_documents(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = _merge(base, over)
    for vocabulary in ("roles", "interview_types"):
        if isinstance(base.get(vocabulary), list) and isinstance(over.get(vocabulary), list):
            extra = [item for item in over[vocabulary] if item not in base[vocabulary]]
            merged[vocabulary] = base[vocabulary] + extra
    return merged


def load_templates(
    extra_path: str | Path | None = None, *, base_path: str | Path | None = None
) -> TemplateBook:
    """Load the shipped templates (or ``base_path``), merge ``extra_path`` over them, validate."""
    sources = [_read_source(base_path or DEFAULT_TEMPLATES_PATH)]
    merged = sources[0].data
    if extra_path is not None:
        sources.insert(0, _read_source(extra_path))
        merged = _merge_documents(merged, sources[0].data)
    return _Validator(sources, merged).book()


class _Validator:
    def __init__(self, sources: list[_Source], data: dict[str, Any]) -> None:
        # The user's file comes first so that, on a tie, its line is the one reported.
        self.sources = sources
        self.data = data
        self.roles: tuple[str, ...] = ()
        self.interview_types: tuple[str, ...] = ()
        self.level_keys: tuple[str, ...] = ()

    def fail(self, path: PathKey, message: str) -> TemplateError:
        source = max(self.sources, key=lambda s: s.depth_of(path))
        return TemplateError(source.name, source.line_of(path), message)

    # generic field checks

    def table(self, value: Any, path: PathKey, allowed: Sequence[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"{_dotted(path)} must be a table")
        for key in value:
            if key not in allowed:
                raise self.fail(
                    (*path, key),
                    f"unknown key {key!r} in {_dotted(path) or 'the top level'}; "
                    f"expected one of: {', '.join(allowed)}",
                )
        return value

    def text(self, table: dict[str, Any], key: str, path: PathKey, default: str | None = None):
        value = table.get(key, default)
        if value is None:
            raise self.fail(path, f"{_dotted(path)} is missing {key!r}")
        if not isinstance(value, str) or not value.strip():
            raise self.fail((*path, key), f"{key} must be a non-empty string")
        return value

    def integer(self, table: dict[str, Any], key: str, path: PathKey, default: int, lo: int = 0):
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail((*path, key), f"{key} must be an integer, got {value!r}")
        if value < lo:
            raise self.fail((*path, key), f"{key} must be at least {lo}, got {value}")
        return value

    def pair(self, table: dict[str, Any], key: str, path: PathKey, lo: int = 0):
        value = table.get(key)
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or len(value) != 2
            or any(isinstance(v, bool) or not isinstance(v, int) for v in value)
        ):
            raise self.fail((*path, key), f"{key} must be a pair of integers [low, high]")
        if value[0] < lo or value[0] > value[1]:
            raise self.fail(
                (*path, key),
                f"{key}: low {value[0]} is above high {value[1]}"
                if value[0] > value[1]
                else f"{key} must be at least {lo}",
            )
        return (value[0], value[1])

    def strings(self, table: dict[str, Any], key: str, path: PathKey) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail((*path, key), f"{key} must be a list of strings")
        return tuple(value)

    # the document

    def book(self) -> TemplateBook:
        data = self.table(self.data, (), TOP_KEYS)
        self.roles = self.strings(data, "roles", ())
        self.interview_types = self.strings(data, "interview_types", ())
        levels = self.table(data.get("levels", {}), ("levels",), [*data.get("levels", {})])
        if not levels:
            raise self.fail(("levels",), "at least one level is needed under [levels]")
        for key, title in levels.items():
            if not isinstance(title, str):
                raise self.fail(("levels", key), f"level {key} needs a title string")
        self.level_keys = tuple(levels)
        accommodations = self.table(
            data.get("accommodations", {}), ("accommodations",), ACCOMMODATION_KEYS
        )
        limits = Accommodation(
            *(self.integer(accommodations, k, ("accommodations",), 0) for k in ACCOMMODATION_KEYS)
        )
        raw_tracks = self.table(data.get("tracks", {}), ("tracks",), [*data.get("tracks", {})])
        if not raw_tracks:
            raise self.fail(("tracks",), "no tracks defined")
        tracks = {key: self.track(key, value) for key, value in raw_tracks.items()}
        raw_teams = self.table(data.get("teams", {}), ("teams",), [*data.get("teams", {})])
        team_stages: dict[tuple[str, str], tuple[StageTemplate, ...]] = {}
        for team, per_track in raw_teams.items():
            self.table(per_track, ("teams", team), [*tracks])
            for track_key, override in per_track.items():
                path: PathKey = ("teams", team, track_key)
                team_stages[(team, track_key)] = self.team_override(
                    tracks[track_key], override, path
                )
        raw_pools = self.table(data.get("pools", {}), ("pools",), [*data.get("pools", {})])
        pools = {key: self.pool(key, value) for key, value in raw_pools.items()}
        return TemplateBook(
            pools=pools,
            levels=tuple(levels.items()),
            roles=self.roles,
            interview_types=self.interview_types,
            accommodation_limits=limits,
            tracks=tracks,
            team_stages=team_stages,
        )

    def pool(self, key: str, raw: Any) -> Pool:
        path: PathKey = ("pools", key)
        table = self.table(raw, path, POOL_KEYS)
        teams = self.strings(table, "teams", path)
        if len(teams) < 2:
            raise self.fail((*path, "teams"), f"pool {key!r} needs at least two teams")
        levels = self.strings(table, "levels", path) or self.level_keys
        for level in levels:
            if level not in self.level_keys:
                raise self.fail((*path, "levels"), f"pool {key!r}: unknown level {level!r}")
        return Pool(
            key=key,
            title=self.text(table, "title", path, default=key),
            teams=teams,
            levels=tuple(levels),
            skill=self.text(table, "skill", path, default="-") if "skill" in table else "",
            function=self.text(table, "function", path, default="-") if "function" in table else "",
        )

    def track(self, key: str, raw: Any) -> TrackTemplate:
        path: PathKey = ("tracks", key)
        raw = self.table(raw, path, TRACK_KEYS)
        stages_raw = raw.get("stages")
        if not isinstance(stages_raw, list) or not stages_raw:
            raise self.fail(path, f"track {key!r} needs at least one [[tracks.{key}.stages]]")
        stages = tuple(self.stage((*path, "stages", i), s) for i, s in enumerate(stages_raw))
        seen: set[str] = set()
        for index, stage in enumerate(stages):
            if stage.key in seen:
                raise self.fail((*path, "stages", index, "key"), f"duplicate stage {stage.key!r}")
            seen.add(stage.key)
        return TrackTemplate(key, self.text(raw, "title", path, key), stages)

    def stage(self, path: PathKey, raw: Any) -> StageTemplate:
        raw = self.table(raw, path, STAGE_KEYS)
        key = self.text(raw, "key", path)
        kind = self.text(raw, "kind", path)
        if kind not in STAGE_KINDS:
            raise self.fail((*path, "kind"), f"unknown kind {kind!r}; one of {STAGE_KINDS}")
        optional = raw.get("optional", False)
        if not isinstance(optional, bool):
            raise self.fail((*path, "optional"), "optional must be true or false")
        min_level = raw.get("min_level")
        if min_level is not None and min_level not in self.level_keys:
            raise self.fail((*path, "min_level"), f"unknown level {min_level!r}")
        gate = raw.get("gate")
        if gate is not None and gate not in GATES:
            raise self.fail((*path, "gate"), f"unknown gate {gate!r}; one of {GATES}")
        seats = self.seats(path, raw, required=kind in ("meeting", "take_home"))
        if kind == "decision" and seats:
            raise self.fail((*path, "seats"), "a decision stage has no seats")
        formats: tuple[StageFormat, ...] = ()
        if kind == "choice":
            raw_formats = raw.get("formats")
            if not isinstance(raw_formats, list) or len(raw_formats) < 2:
                raise self.fail(path, f"choice stage {key!r} needs at least two [[...formats]]")
            formats = tuple(
                self.format((*path, "formats", i), f) for i, f in enumerate(raw_formats)
            )
        elif "formats" in raw:
            raise self.fail((*path, "formats"), 'only a kind = "choice" stage has formats')
        captures = self.strings(raw, "captures", path)
        for capture in captures:
            if capture not in CAPTURES:
                raise self.fail(
                    (*path, "captures"), f"unknown capture {capture!r}; one of {CAPTURES}"
                )
        stage = StageTemplate(
            key=key,
            title=self.text(raw, "title", path, key),
            focus=raw.get("focus", "") if isinstance(raw.get("focus", ""), str) else "",
            kind=kind,
            competencies=self.strings(raw, "competencies", path),
            break_minutes=self.integer(raw, "break_minutes", path, 0),
            seats=seats,
            optional=optional,
            min_level=min_level,
            gate=gate,
            panel_size=self.pair(raw, "panel_size", path, lo=0),
            formats=formats,
            captures=captures,
        )
        self.check_panel(stage, path)
        return stage

    def format(self, path: PathKey, raw: Any) -> StageFormat:
        raw = self.table(raw, path, FORMAT_KEYS)
        kind = self.text(raw, "kind", path)
        if kind not in FORMAT_KINDS:
            raise self.fail((*path, "kind"), f"a format's kind is one of {FORMAT_KINDS}")
        due_days = raw.get("due_days")
        if kind == "take_home":
            due_days = self.integer(raw, "due_days", path, 0, lo=1)
        return StageFormat(
            key=self.text(raw, "key", path),
            title=self.text(raw, "title", path, raw.get("key")),
            kind=kind,
            seats=self.seats(path, raw, required=True),
            break_minutes=self.integer(raw, "break_minutes", path, 0),
            work_hours=self.pair(raw, "work_hours", path, lo=1),
            due_days=due_days,
        )

    def seats(self, path: PathKey, raw: dict[str, Any], required: bool) -> tuple[SeatTemplate, ...]:
        raw_seats = raw.get("seats", [])
        if not isinstance(raw_seats, list):
            raise self.fail((*path, "seats"), "seats must be an array of tables [[...seats]]")
        if required and not raw_seats:
            raise self.fail(path, f"stage {raw.get('key')!r} needs at least one seat")
        seats = tuple(self.seat((*path, "seats", i), s) for i, s in enumerate(raw_seats))
        seen: set[str] = set()
        for index, seat in enumerate(seats):
            if seat.key in seen:
                raise self.fail(
                    (*path, "seats", index),
                    f"duplicate seat key {seat.key!r}; give each seat its own `key`",
                )
            seen.add(seat.key)
        return seats

    def seat(self, path: PathKey, raw: Any) -> SeatTemplate:
        raw = self.table(raw, path, SEAT_KEYS)
        if ("role" in raw) == ("roles" in raw):
            raise self.fail(path, "a seat needs exactly one of `role` or `roles`")
        if "role" in raw:
            roles: tuple[str, ...] = (self.text(raw, "role", path),)
            role_path: PathKey = (*path, "role")
        else:
            roles = self.strings(raw, "roles", path)
            role_path = (*path, "roles")
            if not roles:
                raise self.fail(role_path, "roles must not be empty")
        for role in roles:
            if role not in self.roles:
                raise self.fail(
                    role_path, f"unknown role {role!r}; known roles: {', '.join(self.roles)}"
                )
        interview_type = self.text(raw, "interview_type", path)
        if interview_type not in self.interview_types:
            raise self.fail((*path, "interview_type"), f"unknown interview_type {interview_type!r}")
        minutes = self.integer(raw, "minutes", path, 0, lo=1)
        minutes_range = self.pair(raw, "minutes_range", path, lo=1) or (minutes, minutes)
        seat = SeatTemplate(
            key=raw.get("key", interview_type),
            roles=roles,
            interview_type=interview_type,
            minutes=minutes,
            minutes_range=minutes_range,
            min=self.integer(raw, "min", path, 1),
            max=self.integer(raw, "max", path, 1),
            preferred=self.integer(raw, "preferred", path, raw.get("max", 1)),
        )
        self.check_seat(seat, path)
        return seat

    def check_seat(self, seat: SeatTemplate, path: PathKey) -> None:
        if seat.min > seat.max:
            raise self.fail((*path, "min"), f"seat {seat.key!r}: min {seat.min} > max {seat.max}")
        if seat.max < 1:
            raise self.fail((*path, "max"), f"seat {seat.key!r}: max must be at least 1")
        if not seat.min <= seat.preferred <= seat.max:
            raise self.fail(
                (*path, "preferred"),
                f"seat {seat.key!r}: preferred {seat.preferred} is outside {seat.min}..{seat.max}",
            )
        lo, hi = seat.minutes_range
        if not lo <= seat.minutes <= hi:
            raise self.fail(
                (*path, "minutes"),
                f"seat {seat.key!r}: {seat.minutes} minutes is outside {lo}-{hi}",
            )

    def check_panel(self, stage: StageTemplate, path: PathKey) -> None:
        if not stage.seats:
            return
        lo, hi = stage.panel_bounds()
        if lo > hi or hi < 1:
            raise self.fail(
                (*path, "panel_size") if stage.panel_size else path,
                f"stage {stage.key!r}: no seat counts give a panel of {stage.panel_size}",
            )

    def team_override(
        self, track: TrackTemplate, raw: Any, path: PathKey
    ) -> tuple[StageTemplate, ...]:
        raw = self.table(raw, path, TEAM_TRACK_KEYS)
        by_key = {stage.key: stage for stage in track.stages}
        drop = self.strings(raw, "drop", path)
        for key in drop:
            if key not in by_key:
                raise self.fail((*path, "drop"), f"cannot drop unknown stage {key!r}")
            if not by_key[key].optional:
                raise self.fail(
                    (*path, "drop"), f"stage {key!r} is not optional; it cannot be dropped"
                )
        changes = self.table(raw.get("stages", {}), (*path, "stages"), [*by_key])
        for key in changes:
            if key in drop:
                raise self.fail(
                    (*path, "stages", key), f"stage {key!r} is dropped; it cannot also be changed"
                )
        stages = []
        for stage in track.stages:
            if stage.key in drop:
                continue
            if stage.key in changes:
                stage = self.stage_override(stage, changes[stage.key], (*path, "stages", stage.key))
            stages.append(stage)
        return tuple(stages)

    def stage_override(self, stage: StageTemplate, raw: Any, path: PathKey) -> StageTemplate:
        raw = self.table(raw, path, TEAM_STAGE_KEYS)
        seats_by_key = {seat.key: seat for seat in stage.seats}
        seat_changes = self.table(raw.get("seats", {}), (*path, "seats"), [*seats_by_key])
        seats = []
        for seat in stage.seats:
            if seat.key in seat_changes:
                seat_path: PathKey = (*path, "seats", seat.key)
                change = self.table(seat_changes[seat.key], seat_path, TEAM_SEAT_KEYS)
                minutes = self.integer(change, "minutes", seat_path, seat.minutes, lo=1)
                seat = replace(
                    seat,
                    minutes=minutes,
                    # A team that changes the length takes ownership of the allowed range too.
                    minutes_range=(
                        (min(seat.minutes_range[0], minutes), max(seat.minutes_range[1], minutes))
                    ),
                    min=self.integer(change, "min", seat_path, seat.min),
                    max=self.integer(change, "max", seat_path, seat.max),
                    preferred=self.integer(change, "preferred", seat_path, seat.preferred),
                )
                self.check_seat(seat, seat_path)
            seats.append(seat)
        changed = replace(
            stage,
            seats=tuple(seats),
            break_minutes=self.integer(raw, "break_minutes", path, stage.break_minutes),
            panel_size=self.pair(raw, "panel_size", path) or stage.panel_size,
        )
        self.check_panel(changed, path)
        return changed


def _dotted(path: PathKey) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out
