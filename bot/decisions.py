"""Decisions taken in the thread: advance, decline, make an offer.

Only the loop's recruiter and hiring manager may decide. Every decision is
recorded with who and when, audited and shown in the thread; a second click on
the same button finds the stage already decided and changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from bot.errors import Conflict, NotFound
from bot.loops.catalog import stage_template
from bot.loops.changes import cancel_interview
from bot.loops.config import LoopConfig
from bot.loops.lookups import next_stage_row, require_recruiter_or_manager
from bot.loops.proposals import propose, withdraw
from bot.loops.thread import decision_choice, refresh_rollup, refresh_root
from bot.messages.notes import recruiter_note
from bot.outbox import enqueue
from storage.models import Decision, Loop, Stage
from storage.uow import UnitOfWork


class DecisionService:
    def __init__(self, config: LoopConfig):
        self.config = config

    def _decidable(self, uow: UnitOfWork, stage_id: int, actor: str) -> tuple[Loop, Stage]:
        stage = uow.loops.stage(stage_id, lock=True)
        if stage is None:
            raise NotFound("That stage no longer exists.")
        loop = uow.loops.get(stage.loop_id)
        require_recruiter_or_manager(uow, loop, actor)
        if stage.status == "decided" or loop.status != "open":
            raise Conflict("This stage has already been decided.")
        if stage.status != "completed":
            raise Conflict("Not every interviewer has given feedback yet.")
        return loop, stage

    def _record(
        self, uow, loop: Loop, stage: Stage, kind: str, actor: str, now: datetime, note: str = ""
    ) -> None:
        uow.loops.add_decision(
            Decision(
                loop_id=loop.id,
                stage_id=stage.id,
                kind=kind,
                decided_by=actor,
                decided_at=now,
                note=note,
            )
        )
        stage.status = "decided"
        uow.session.add(stage)
        uow.audit.record(actor, f"decision_{kind}", loop.id, stage=stage.key, note=note)

    def advance(self, uow: UnitOfWork, stage_id: int, actor: str, now: datetime) -> str:
        loop, stage = self._decidable(uow, stage_id, actor)
        choice = decision_choice(self.config.templates, uow, loop, stage, now)
        if choice is None or choice.next_title is None:
            raise Conflict("This is the last stage: make an offer or decline.")
        if choice.gate_note:
            raise Conflict(choice.gate_note)
        next_stage = next_stage_row(uow, loop, stage)
        following = stage_template(self.config.templates, loop, next_stage.key)
        self._record(uow, loop, stage, "advance", actor, now, note=f"to {following.title}")
        refresh_rollup(self.config, uow, loop, stage, now)
        if following.kind == "decision":
            next_stage.status = "completed"  # nothing to schedule: it is ready to decide
            uow.session.add(next_stage)
            refresh_rollup(self.config, uow, loop, next_stage, now)
            refresh_root(self.config, uow, loop)
        else:
            propose(self.config, uow, loop, next_stage, now, actor=actor)  # refreshes the root
        return f"Advanced to {following.title}."

    def decline(self, uow: UnitOfWork, stage_id: int, actor: str, now: datetime) -> str:
        loop, stage = self._decidable(uow, stage_id, actor)
        self._record(uow, loop, stage, "decline", actor, now)
        self._close(uow, loop, "declined", now)
        refresh_rollup(self.config, uow, loop, stage, now)
        refresh_root(self.config, uow, loop)
        return "Declined. The recruiter lets the candidate know."

    def offer(self, uow: UnitOfWork, stage_id: int, actor: str, now: datetime) -> str:
        loop, stage = self._decidable(uow, stage_id, actor)
        if next_stage_row(uow, loop, stage) is not None:
            raise Conflict("An offer is made at the decision stage.")
        self._record(uow, loop, stage, "offer", actor, now)
        self._close(uow, loop, "offer", now)
        refresh_rollup(self.config, uow, loop, stage, now)
        refresh_root(self.config, uow, loop)
        candidate = uow.loops.candidate(loop.candidate_id)
        recruiter = uow.interviewers.get(loop.recruiter_id)
        enqueue(
            uow,
            f"loop:{loop.id}:offer",
            "chat.postMessage",
            loop_id=loop.id,
            channel=recruiter.slack_user_id,
            **recruiter_note(
                f"Offer approved for *{candidate.name}* by <@{actor}>. Next: compensation, "
                "open questions and a start date."
            ),
        )
        return "Offer recorded."

    def _close(self, uow: UnitOfWork, loop: Loop, status: str, now: datetime) -> None:
        """End the loop: later stages are skipped and nothing further stays booked."""
        loop.status = status
        loop.updated_at = now
        uow.session.add(loop)
        for stage in uow.loops.stages(loop.id):
            if stage.status == "proposed":
                withdraw(
                    self.config, uow, loop, stage, f"withdrawn: the loop was closed ({status})", now
                )
            if stage.status in ("pending", "proposed", "on_hold"):
                stage.status = "skipped"
                uow.session.add(stage)
            for interview in uow.loops.interviews(stage.id):
                if interview.status == "confirmed" and interview.start_at > now:
                    cancel_interview(
                        self.config, uow, loop, interview, f"the loop was closed ({status})", now
                    )
