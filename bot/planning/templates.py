"""Interview-loop templates: the model the planner and the services read.

Nothing here branches on a particular track, level or stage: every rule is read from the
data. ``template_loader.load_templates`` builds a ``TemplateBook`` from TOML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from bot.planning.model import Accommodation
from bot.planning.planning_rules import PlanningRules
from bot.planning.trainees import TrainingRules


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
    # Whoever takes this seat may sit on the loop's other panels too (the loop's own
    # recruiter or hiring manager, a bar raiser): it is outside the repeat rule.
    recurring: bool = False
    # What this seat's interview is about, when it differs from the stage's focus (the hiring
    # manager's and the recruiter's seats on a panel of engineers).
    focus: str = ""

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
    # Run only when a pivot leaves the candidate without meeting the new hiring manager: the
    # loop gets it before the decision (bot/pivot_meeting.py); `stages_for` leaves it out.
    after_pivot: bool = False

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

    def seat_focus(self, seat_key: str, interview_type: str) -> str:
        """What one interview of this stage is about: its seat's focus, else the stage's."""
        for seat in self.seats:
            if seat.key == seat_key or (not seat_key and seat.interview_type == interview_type):
                return seat.focus or self.focus
        return self.focus

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
    # The track's own titles for some levels (an engineering manager's L6 is not a "Staff
    # Software Engineer"); the book's `[levels]` title otherwise.
    level_titles: Mapping[str, str] = field(default_factory=dict)


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
    # `[training]`: the graduation rule per interview type; `[planning]`: the working rules.
    training: TrainingRules = TrainingRules()
    planning: PlanningRules = PlanningRules()
    # The company's days off (`[holidays] dates`), for everyone whatever their country.
    company_days_off: frozenset[date] = frozenset()

    def level_title(self, level: str, track: str | None = None) -> str:
        title = self.levels[self._level_index(level)][1]
        if track is not None and track in self.tracks:
            return self.tracks[track].level_titles.get(level, title)
        return title

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

    def offline_reviews(self) -> dict[str, int]:
        """Interview types done offline (a take-home's review) with their minutes: such an
        interview spans the whole exercise, yet its reviewer is busy for the review only."""
        stages = [s for t in self.tracks.values() for s in t.stages]
        stages += [s for team in self.team_stages.values() for s in team]
        formats = [f for s in stages for f in s.formats] + list(stages)
        return {
            seat.interview_type: seat.minutes
            for f in formats
            if f.kind == "take_home"
            for seat in f.seats
        }

    def stages_for(self, track: str, team: str | None, level: str) -> list[StageTemplate]:
        rank = self._level_index(level)
        return [
            stage
            for stage in self.team_track_stages(track, team)
            if (stage.min_level is None or self._level_index(stage.min_level) <= rank)
            and not stage.after_pivot
        ]

    def pivot_meeting(self, track: str, team: str | None) -> StageTemplate | None:
        """The stage a pivot adds when no stage left meets the new hiring manager."""
        return next((s for s in self.team_track_stages(track, team) if s.after_pivot), None)

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
