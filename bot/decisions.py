"""Decisions taken in the thread: advance, decline, make an offer, and the offer's answer.

Who may decide is `bot.access` (the loop's recruiter and hiring manager, a coordinator of
its team, an admin). Decline and Make offer open a form first — the confirmation — asking
why (`bot.reasons`); an offer also records its details. Every decision is recorded with
who, when and why, audited and shown in the thread; a second submission finds the stage
already decided and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.access import Access, Action
from bot.errors import Conflict, NotFound
from bot.loops.catalog import stage_template
from bot.loops.changes import cancel_interview
from bot.loops.config import LoopConfig
from bot.loops.lookups import next_stage_row, root_ref
from bot.loops.proposals import propose, withdraw
from bot.loops.thread import decision_choice, refresh_rollup, refresh_root
from bot.messages.notes import thread_note
from bot.messages.reasons import decision_modal, offer_details_modal, offer_note
from bot.outbox import enqueue
from bot.reasons import parse_offer, parse_reason
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
        Access(uow, self.config.templates).require(actor, Action.DECIDE, loop)
        if stage.status == "decided" or loop.status != "open":
            raise Conflict("This stage has already been decided.")
        if stage.status != "completed":
            raise Conflict("Not every interviewer has given feedback yet.")
        return loop, stage

    def _record(
        self,
        uow,
        loop: Loop,
        stage: Stage,
        kind: str,
        actor: str,
        now: datetime,
        note: str = "",
        reason: str = "",
    ) -> None:
        """The decision's row keeps its note; the audit log (which outlives an erasure) keeps
        the reason's key only, never free text."""
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
        detail = {"reason": reason} if reason else {"note": note}
        uow.audit.record(actor, f"decision_{kind}", loop.id, stage=stage.key, **detail)

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
            if self.config.candidate is not None:
                self.config.candidate.stage_opened(self.config, uow, loop, next_stage, now, actor)
        return f"Advanced to {following.title}."

    def form(self, uow: UnitOfWork, kind: str, stage_id: int, actor: str) -> dict:
        """The confirmation form Decline or Make offer opens, for someone who may decide."""
        loop, stage = self._decidable(uow, stage_id, actor)
        if kind == "offer" and next_stage_row(uow, loop, stage) is not None:
            raise Conflict("An offer is made at the decision stage.")
        candidate = uow.loops.candidate(loop.candidate_id)
        title = stage_template(self.config.templates, loop, stage.key).title
        return decision_modal(kind, stage.id, candidate.name, title)

    def decline(
        self, uow: UnitOfWork, stage_id: int, actor: str, form: Mapping[str, str], now: datetime
    ) -> str:
        loop, stage = self._decidable(uow, stage_id, actor)
        reason = parse_reason("decline", form)
        self._record(uow, loop, stage, "decline", actor, now, reason.note, reason=reason.key)
        self._close(uow, loop, "declined", now)
        refresh_rollup(self.config, uow, loop, stage, now)
        refresh_root(self.config, uow, loop)
        if self.config.candidate is not None:
            self.config.candidate.loop_closed(self.config, uow, loop, "decline", now)
        return "Declined. The recruiter lets the candidate know."

    def offer(
        self, uow: UnitOfWork, stage_id: int, actor: str, form: Mapping[str, str], now: datetime
    ) -> str:
        loop, stage = self._decidable(uow, stage_id, actor)
        if next_stage_row(uow, loop, stage) is not None:
            raise Conflict("An offer is made at the decision stage.")
        reason, details = parse_offer(form, now.date())
        self._record(uow, loop, stage, "offer", actor, now, reason.note, reason=reason.key)
        loop.offer = details.as_dict()
        self._close(uow, loop, "offer", now)
        refresh_rollup(self.config, uow, loop, stage, now)
        refresh_root(self.config, uow, loop)
        candidate = uow.loops.candidate(loop.candidate_id)
        for watcher_id in {loop.recruiter_id, loop.hiring_manager_id}:
            watcher = uow.interviewers.get(watcher_id)
            enqueue(
                uow,
                f"loop:{loop.id}:offer:{watcher.id}",
                "chat.postMessage",
                loop_id=loop.id,
                channel=watcher.slack_user_id,
                **offer_note(candidate.name, actor, loop.id),
            )
        if self.config.candidate is not None:
            self.config.candidate.loop_closed(self.config, uow, loop, "offer_call", now)
        return "Offer recorded."

    def offer_details(self, uow: UnitOfWork, loop_id: int, actor: str) -> dict:
        """The offer's details, for the loop's recruiter and hiring manager only."""
        loop = self._offered(uow, loop_id, actor)
        return offer_details_modal(uow.loops.candidate(loop.candidate_id).name, loop.offer)

    def offer_answer(
        self, uow: UnitOfWork, loop_id: int, outcome: str, actor: str, now: datetime
    ) -> str:
        """The candidate's answer to the offer: accepted or declined, once."""
        loop = self._offered(uow, loop_id, actor, lock=True)
        if loop.offer.get("outcome"):
            raise Conflict(f"The candidate's answer is already recorded: {loop.offer['outcome']}.")
        loop.offer = {**loop.offer, "outcome": outcome, "answered_at": now.isoformat()}
        loop.updated_at = now
        uow.session.add(loop)
        uow.audit.record(actor, f"offer_{outcome}", loop.id)
        candidate = uow.loops.candidate(loop.candidate_id)
        enqueue(
            uow,
            f"loop:{loop.id}:offer-answer",
            "chat.postMessage",
            loop_id=loop.id,
            thread_ref=root_ref(loop.id),
            **thread_note(f"{candidate.name} {outcome} the offer (recorded by <@{actor}>)."),
        )
        return f"Recorded: the offer was {outcome}."

    def _offered(self, uow: UnitOfWork, loop_id: int, actor: str, lock: bool = False) -> Loop:
        loop = uow.loops.get(loop_id, lock=lock)
        if loop is None:
            raise NotFound("That loop no longer exists.")
        Access(uow, self.config.templates).require(actor, Action.RECORD_OFFER, loop)
        if loop.status != "offer":
            raise Conflict("This loop has no offer.")
        return loop

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
