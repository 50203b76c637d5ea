"""Checking a merged templates document and building the ``TemplateBook`` from it. Every
problem is reported at the line of the file that caused it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.calendars.holidays import HolidayTableError, extra_days_off
from bot.planning.model import Accommodation
from bot.planning.template_fields import FieldChecks
from bot.planning.template_rules import planning_rules, training_rules
from bot.planning.template_source import PathKey, TemplateSource
from bot.planning.templates import (
    Pool,
    SeatTemplate,
    StageFormat,
    StageTemplate,
    TemplateBook,
    TrackTemplate,
)

STAGE_KINDS = ("meeting", "take_home", "decision", "choice")
FORMAT_KINDS = ("meeting", "take_home")
GATES = ("positive_feedback",)

TOP_KEYS = (
    "roles",
    "interview_types",
    "levels",
    "accommodations",
    "tracks",
    "teams",
    "pools",
    "training",
    "planning",
    "holidays",
)
POOL_KEYS = ("title", "teams", "skill", "function", "levels")
ACCOMMODATION_KEYS = ("extra_minutes_per_interview", "extra_break_minutes")
TRACK_KEYS = ("title", "stages", "level_titles")
STAGE_KEYS = (
    "after_pivot",
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
    "recurring",
    "focus",
)
TEAM_TRACK_KEYS = ("drop", "stages")
TEAM_STAGE_KEYS = ("break_minutes", "panel_size", "seats")
TEAM_SEAT_KEYS = ("minutes", "min", "max", "preferred", "recurring")


class TemplateValidator(FieldChecks):
    def __init__(self, sources: list[TemplateSource], data: dict[str, Any]) -> None:
        super().__init__(sources)
        self.data = data
        self.roles: tuple[str, ...] = ()
        self.interview_types: tuple[str, ...] = ()
        self.level_keys: tuple[str, ...] = ()

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
        try:
            days_off = extra_days_off(data)
        except HolidayTableError as error:
            raise self.fail(error.path, str(error)) from None
        return TemplateBook(
            pools=pools,
            training=training_rules(self, data.get("training", {}), self.interview_types),
            planning=planning_rules(self, data.get("planning", {})),
            company_days_off=days_off,
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
        titles = self.table(raw.get("level_titles", {}), (*path, "level_titles"), self.level_keys)
        for level, title in titles.items():
            if not isinstance(title, str) or not title.strip():
                raise self.fail((*path, "level_titles", level), f"level {level} needs a title")
        return TrackTemplate(key, self.text(raw, "title", path, key), stages, dict(titles))

    def stage(self, path: PathKey, raw: Any) -> StageTemplate:
        raw = self.table(raw, path, STAGE_KEYS)
        key = self.text(raw, "key", path)
        kind = self.text(raw, "kind", path)
        if kind not in STAGE_KINDS:
            raise self.fail((*path, "kind"), f"unknown kind {kind!r}; one of {STAGE_KINDS}")
        optional = self.flag(raw, "optional", path, False)
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
            after_pivot=self.flag(raw, "after_pivot", path, False),
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
            recurring=self.flag(raw, "recurring", path, False),
            focus=self.text(raw, "focus", path, "") if raw.get("focus") else "",
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
                    recurring=self.flag(change, "recurring", seat_path, seat.recurring),
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
