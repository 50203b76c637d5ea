"""What the Slack handlers call for a loop: one method per form or button, each running one
use case from this package in the caller's unit of work. Other services call the use-case
modules directly."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.access import Access, Action
from bot.loops import booking, changes, creation, stage_controls, swap_picker
from bot.loops.catalog import technical_formats
from bot.loops.config import LoopConfig
from bot.loops.creation import NewLoop
from bot.loops.load import load_overview
from bot.loops.lookups import team_manager, teams
from bot.loops.proposals import Planned
from storage.uow import UnitOfWork


class LoopService:
    def __init__(self, config: LoopConfig):
        self.config = config

    # --- /schedule-loop: the form's choices, checking it, creating the loop ------------------

    def teams(self, uow: UnitOfWork, facts=None) -> list[str]:
        return teams(uow, facts)

    def team_manager(self, uow: UnitOfWork, team: str, facts=None) -> str | None:
        return team_manager(uow, team, facts)

    def technical_formats(self, track: str = "ic") -> list[tuple[str, str]]:
        return technical_formats(self.config.templates, track)

    def require_starter(self, uow: UnitOfWork, actor: str) -> None:
        """Refuse, with the rule's sentence, anyone who may not start a loop."""
        Access(uow, self.config.templates).require(actor, Action.START_LOOP)

    def validate(self, uow: UnitOfWork, form: Mapping[str, str], now: datetime) -> NewLoop:
        return creation.validate(self.config.templates, uow, form, now)

    def plan_new(self, uow: UnitOfWork, new: NewLoop, now: datetime) -> Planned:
        """The new loop's first stage planned ahead, reading only (after the ack)."""
        return creation.plan_first_stage(self.config, uow, new, now)

    def create(
        self,
        uow: UnitOfWork,
        new: NewLoop,
        actor: str,
        now: datetime,
        planned: Planned | None = None,
    ) -> int:
        return creation.create(self.config, uow, new, actor, now, planned)

    def load(self, uow: UnitOfWork, text: str, actor: str, now: datetime) -> dict:
        """/loop-load [team]: the team's load this week and next."""
        Access(uow, self.config.templates).require(actor, Action.VIEW_LOAD)
        return load_overview(self.config, uow, text, now)

    # --- a booked stage: Reschedule, Hold, Cancel (with a reason), Resume ----------------------

    def stage_control_form(self, uow: UnitOfWork, stage_id: int, kind: str, actor: str) -> dict:
        return stage_controls.form(self.config, uow, stage_id, kind, actor)

    def change_stage(
        self, uow: UnitOfWork, stage_id: int, kind: int, reason: str, actor: str, now: datetime
    ) -> None:
        stage_controls.change(self.config, uow, stage_id, kind, reason, actor, now)

    def resume_stage(self, uow: UnitOfWork, stage_id: int, actor: str, now: datetime) -> None:
        stage_controls.resume(self.config, uow, stage_id, actor, now)

    # --- the recruiter's proposal ------------------------------------------------------------

    def confirm(
        self, uow: UnitOfWork, stage_id: int, version: int, actor: str, now: datetime
    ) -> str | None:
        return booking.confirm(self.config, uow, stage_id, version, actor, now)

    def use_alternative(
        self, uow: UnitOfWork, stage_id: int, version: int, index: int, actor: str, now: datetime
    ) -> str | None:
        return booking.use_alternative(self.config, uow, stage_id, version, index, actor, now)

    def swap(
        self, uow: UnitOfWork, stage_id: int, version: int, index: int, actor: str, now: datetime
    ) -> str:
        return booking.swap(self.config, uow, stage_id, version, index, actor, now)

    def swap_picker(
        self, uow: UnitOfWork, stage_id: int, version: int, actor: str, now: datetime
    ) -> dict:
        return swap_picker.picker(self.config, uow, stage_id, version, actor, now)

    def swap_to(
        self, uow: UnitOfWork, stage_id: int, version: int, choice: str, actor: str, now: datetime
    ) -> str:
        return swap_picker.swap_to(self.config, uow, stage_id, version, choice, actor, now)

    def replan_form(self, uow: UnitOfWork, stage_id: int, version: int, actor: str) -> dict:
        return booking.replan_form(self.config, uow, stage_id, version, actor)

    def check_replan(
        self,
        uow: UnitOfWork,
        stage_id: int,
        version: int,
        availability_text: str,
        actor: str,
        now: datetime,
    ) -> None:
        """Pick another time's form checked, reading only (before the ack: its errors go
        back on the form)."""
        booking.check_replan(self.config, uow, stage_id, version, availability_text, actor, now)

    def plan_replan(
        self,
        uow: UnitOfWork,
        stage_id: int,
        version: int,
        availability_text: str,
        actor: str,
        now: datetime,
    ) -> Planned:
        return booking.plan_replan(
            self.config, uow, stage_id, version, availability_text, actor, now
        )

    def replan(
        self,
        uow: UnitOfWork,
        stage_id: int,
        version: int,
        availability_text: str,
        actor: str,
        now: datetime,
        planned: Planned | None = None,
    ) -> None:
        booking.replan(self.config, uow, stage_id, version, availability_text, actor, now, planned)

    # --- an interviewer's DM -------------------------------------------------------------------

    def decline(self, uow: UnitOfWork, interview_id: int, actor: str, now: datetime) -> str:
        return changes.decline(self.config, uow, interview_id, actor, now)
