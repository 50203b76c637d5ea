"""Centralized hiring: pivots that never start a loop over.

A pivot focuses a pool loop on one of its teams, or moves the candidate to
another team or pool. What is finished stays finished (its feedback carries
over untouched); booked interviews whose people still fit the new team are
kept, the others are replaced in the same slot or the stage is re-planned; the
hiring-manager role moves to the new team's manager; later panels come from
the new team.
"""

from __future__ import annotations

from datetime import datetime

from bot.access import Access, Action
from bot.errors import Conflict, InputError, InvalidForm, NotFound
from bot.loops.catalog import place, pool_teams, stage_template, teams_of
from bot.loops.changes import cancel_interview, replace_in_slot, replan_stage
from bot.loops.config import LoopConfig
from bot.loops.lookups import (
    rollup_ref,
    root_ref,
    team_manager,
    teams,
)
from bot.loops.proposals import propose, withdraw
from bot.loops.thread import loop_summary, refresh_rollup, refresh_root
from bot.loops.views import loop_view, stage_views
from bot.messages.notes import recruiter_note, thread_note
from bot.messages.pivot import pivot_modal, pivot_summary, pools_message
from bot.outbox import enqueue
from bot.pivot_meeting import start_meeting, with_meeting
from bot.reasons import read_reason
from storage.models import Decision, Interview, Loop, Stage
from storage.uow import UnitOfWork

FINISHED = ("completed", "decided")


class PivotService:
    def __init__(self, config: LoopConfig):
        self.config = config

    # --- where a loop can go -----------------------------------------------------------------

    def targets(self, uow: UnitOfWork, loop: Loop) -> list[tuple[str, str]]:
        """(value, label) for each place the loop can pivot to."""
        options = []
        in_pool = pool_teams(self.config.templates, loop.pool)
        for team in teams(uow):
            if team == loop.team:
                continue
            verb = "Focus on" if team in in_pool and not loop.team else "Move to"
            options.append((f"team:{team}", f"{verb} {team}"))
        for key, pool in self.config.templates.pools.items():
            if key != loop.pool or loop.team:
                options.append((f"pool:{key}", f"Move to the {pool.title} pool (unfocused)"))
        return options

    def pools_overview(self, uow: UnitOfWork, actor: str) -> dict:
        """/loop-pool: every pool, its teams and needs, and the loops running in it."""
        Access(uow, self.config.templates).require(actor, Action.VIEW_POOL)
        rows = []
        for key, pool in self.config.templates.pools.items():
            needs = " · ".join(x for x in (pool.skill, pool.function) if x)
            details = f"{needs + ' · ' if needs else ''}levels {', '.join(pool.levels)}"
            lines = []
            for loop in uow.loops.open_loops():
                if loop.pool != key:
                    continue
                candidate = uow.loops.candidate(loop.candidate_id)
                focus = f"focused on {loop.team}" if loop.team else "not focused yet"
                leans = f", leans toward {', '.join(loop.preferences)}" if loop.preferences else ""
                lines.append(f"• {candidate.name} ({loop.level}) — {focus}{leans}")
            rows.append(
                (
                    f"{pool.title} (`{key}`)",
                    details,
                    pool.teams,
                    "\n".join(lines) or "No open loops.",
                )
            )
        return pools_message(rows)

    def form(self, uow: UnitOfWork, loop_id: int, actor: str) -> dict:
        loop = self._open_loop(uow, loop_id, actor, lock=False)
        candidate = uow.loops.candidate(loop.candidate_id)
        return pivot_modal(
            loop.id,
            candidate.name,
            place(self.config.templates, loop),
            loop.preferences,
            self.targets(uow, loop),
        )

    def _open_loop(self, uow: UnitOfWork, loop_id: int, actor: str, lock: bool = True) -> Loop:
        loop = uow.loops.get(loop_id, lock=lock)
        if loop is None:
            raise NotFound("That loop no longer exists.")
        Access(uow, self.config.templates).require(actor, Action.PIVOT, loop)
        if loop.status != "open":
            raise Conflict("This loop is closed.")
        return loop

    # --- the pivot ----------------------------------------------------------------------------

    def check(
        self,
        uow: UnitOfWork,
        loop_id: int,
        target: str,
        manager: str,
        reason: str,
        actor: str,
        why: str = "",
        *,
        lock: bool = False,
    ):
        """The pivot form checked (read-only before the ack; locked again by `pivot`): the
        loop, the team and pool it goes to, its hiring manager there and the reason chosen
        (`why`: a key of `bot.reasons.REASONS["pivot"]`; `reason`: the free text)."""
        loop = self._open_loop(uow, loop_id, actor, lock=lock)
        team, pool = self._parse(uow, loop, target)
        new_manager = self._manager(uow, loop, team, pool, manager)
        errors: list[InputError] = []
        chosen = read_reason("pivot", {"why": why, "details": reason}, errors)
        if not reason.strip():
            errors.append(
                InputError(
                    "reason",
                    "say why, for the record",
                    "Candidate prefers streaming's on-call model",
                )
            )
        if errors or chosen is None:
            raise InvalidForm(errors)
        return loop, team, pool, new_manager, chosen

    def pivot(
        self,
        uow: UnitOfWork,
        loop_id: int,
        target: str,
        manager: str,
        reason: str,
        actor: str,
        now: datetime,
        why: str = "",
    ) -> str:
        loop, team, pool, new_manager, chosen = self.check(
            uow, loop_id, target, manager, reason, actor, why, lock=True
        )
        before = place(self.config.templates, loop)
        old_manager = uow.interviewers.get(loop.hiring_manager_id)
        loop.team, loop.pool = team, pool
        loop.hiring_manager_id = new_manager.id
        loop.updated_at = now
        uow.session.add(loop)
        uow.session.flush()
        after = place(self.config.templates, loop)

        kept, replaced, replanned = self._relay_stages(uow, loop, now)
        uow.session.flush()
        current = self._current_stage(uow, loop)
        note = f"{before} → {after}: {chosen.note}" + (
            f" (hiring manager {old_manager.name} → {new_manager.name})"
            if old_manager.id != new_manager.id
            else ""
        )
        uow.loops.add_decision(
            Decision(
                loop_id=loop.id,
                stage_id=current.id,
                kind="pivot",
                decided_by=actor,
                decided_at=now,
                note=note,
            )
        )
        uow.audit.record(
            actor,
            "loop_pivoted",
            loop.id,
            from_=before,
            to=after,
            reason=chosen.key,  # the key only: the audit log outlives an erasure
            hiring_manager_from=old_manager.slack_user_id,
            hiring_manager_to=new_manager.slack_user_id,
            kept=kept,
            replaced=replaced,
            replanned=replanned,
        )
        self._announce(
            uow,
            loop,
            before,
            after,
            reason.strip(),
            actor,
            old_manager.slack_user_id,
            new_manager.slack_user_id,
            now,
        )
        for stage in uow.loops.stages(loop.id):
            # Decided stages read the same after a pivot; the live ones change hands.
            if stage.status not in ("decided", "skipped") and uow.outbox.has_ref(
                rollup_ref(stage.id)
            ):
                refresh_rollup(self.config, uow, loop, stage, now)
        start_meeting(self.config, uow, loop, now)
        refresh_root(self.config, uow, loop)
        return f"Pivoted to {after}."

    def _parse(self, uow: UnitOfWork, loop: Loop, target: str) -> tuple[str, str]:
        kind, _, name = target.partition(":")
        if kind == "team" and name in teams(uow) and name != loop.team:
            # A team of the loop's pool keeps the loop in the pool, focused on it.
            return name, loop.pool if name in pool_teams(self.config.templates, loop.pool) else ""
        if kind == "pool" and name in self.config.templates.pools:
            if loop.level not in self.config.templates.pools[name].levels:
                raise InvalidForm(
                    [InputError("target", f"the pool does not hire {loop.level}", "a team")]
                )
            return "", name
        raise InvalidForm([InputError("target", "choose where the loop goes", "a team")])

    def _manager(self, uow: UnitOfWork, loop: Loop, team: str, pool: str, chosen: str):
        allowed = {team} if team else pool_teams(self.config.templates, pool)
        if chosen:
            person = uow.interviewers.by_slack_id(chosen)
        else:
            current = uow.interviewers.get(loop.hiring_manager_id)
            sole = team_manager(uow, team) if team else None
            person = (
                uow.interviewers.by_slack_id(sole)
                if sole
                else current
                if allowed & set(current.teams)
                else None
            )
        if (
            person is None
            or "hiring_manager" not in person.roles
            or not allowed & set(person.teams)
        ):
            raise InvalidForm(
                [
                    InputError(
                        "hiring_manager",
                        f"choose a hiring manager of {' or '.join(allowed)}",
                        "the team's own hiring manager",
                    )
                ]
            )
        return person

    def _current_stage(self, uow: UnitOfWork, loop: Loop) -> Stage:
        stages = uow.loops.stages(loop.id)
        return next((s for s in stages if s.status not in ("decided", "skipped")), stages[-1])

    def _relay_stages(self, uow: UnitOfWork, loop: Loop, now: datetime):
        """Lay the loop's unfinished stages out as the new team runs them; keep finished
        ones untouched. Returns what happened to booked interviews."""
        templates = self.config.templates
        rows = uow.loops.stages(loop.id)
        finished = [r for r in rows if r.status in FINISHED or self._under_way(uow, r, now)]
        finished_keys = {r.key for r in finished}
        new_stages = templates.stages_for(loop.track, loop.team or None, loop.level)
        wanted = [t.key for t in with_meeting(templates, loop, new_stages, finished_keys)]
        open_rows = {r.key: r for r in rows if r not in finished and r.status != "skipped"}
        position = max((r.position for r in finished), default=-1) + 1
        kept: list[int] = []
        replaced: list[int] = []
        replanned: list[str] = []
        for key in wanted:
            if key in finished_keys:
                continue  # never repeat a finished stage
            row = open_rows.pop(key, None)
            if row is None:
                row = uow.loops.add_stage(Stage(loop_id=loop.id, key=key, position=position))
            row.position = position
            position += 1
            uow.session.add(row)
            if row.status == "scheduled":
                self._rebook(uow, loop, row, now, kept, replaced, replanned)
            elif row.status == "proposed":
                propose(self.config, uow, loop, row, now)
                replanned.append(row.key)
        # A dropped stage that was under way hands its turn to the next stage the new team
        # runs, or the loop would wait on a stage that no longer exists.
        dropped_turn = any(r.status in ("proposed", "scheduled") for r in open_rows.values())
        for row in open_rows.values():  # stages the new team's loop does not have
            withdraw(self.config, uow, loop, row, "withdrawn: the loop moved to another team", now)
            for interview in uow.loops.interviews(row.id):
                if interview.status == "confirmed":
                    cancel_interview(
                        self.config, uow, loop, interview, "the loop moved to another team", now
                    )
            row.status = "skipped"
            row.position = 1000 + row.position
            uow.session.add(row)
        if dropped_turn:
            self._hand_on_turn(uow, loop, now, replanned)
        return kept, replaced, replanned

    def _hand_on_turn(self, uow: UnitOfWork, loop: Loop, now: datetime, replanned: list[str]):
        rows = uow.loops.stages(loop.id)
        if any(r.status in ("proposed", "scheduled", "completed") for r in rows):
            return  # a stage still holds the turn (or awaits its decision)
        waiting = [r for r in rows if r.status == "pending"]
        if waiting:
            following = min(waiting, key=lambda r: r.position)
            if stage_template(self.config.templates, loop, following.key).kind == "decision":
                following.status = "completed"  # nothing to schedule: ready to decide
                uow.session.add(following)
                refresh_rollup(self.config, uow, loop, following, now)
            else:
                propose(self.config, uow, loop, following, now)
                replanned.append(following.key)

    @staticmethod
    def _under_way(uow: UnitOfWork, stage: Stage, now: datetime) -> bool:
        return stage.status == "scheduled" and any(
            i.start_at <= now for i in uow.loops.interviews(stage.id) if i.status != "cancelled"
        )

    def _rebook(self, uow, loop: Loop, stage: Stage, now: datetime, kept, replaced, replanned):
        """Keep each booked interviewer who still fits the loop; replace the others in
        their slot; re-plan the stage when someone cannot be replaced."""
        for interview in [i for i in uow.loops.interviews(stage.id) if i.status == "confirmed"]:
            if self._still_fits(uow, loop, interview):
                kept.append(interview.id)
                continue
            cancel_interview(
                self.config, uow, loop, interview, "the loop moved to another team", now
            )
            uow.session.flush()
            booked = replace_in_slot(
                self.config,
                uow,
                loop,
                stage,
                interview,
                now,
                replacing="the previous team's interviewer",
                fixed={"hiring_manager": loop.hiring_manager_id},
            )
            if booked is None:
                replan_stage(self.config, uow, loop, stage, now, "the loop moved to another team")
                replanned.append(stage.key)
                return
            replaced.append(interview.id)

    def _still_fits(self, uow: UnitOfWork, loop: Loop, interview: Interview) -> bool:
        if interview.role == "hiring_manager":
            return interview.interviewer_id == loop.hiring_manager_id
        if interview.role == "recruiter":
            return True  # the recruiter runs the loop wherever it goes
        person = uow.interviewers.get(interview.interviewer_id)
        return bool(teams_of(self.config.templates, loop) & set(person.teams))

    def _announce(
        self,
        uow,
        loop: Loop,
        before: str,
        after: str,
        reason: str,
        actor: str,
        old_manager: str,
        new_manager: str,
        now: datetime,
    ) -> None:
        candidate = uow.loops.candidate(loop.candidate_id)
        key = f"loop:{loop.id}:pivot:{int(now.timestamp())}"
        text = f"↪ *Pivoted* from {before} to {after} by <@{actor}>: {reason}" + (
            f" Hiring manager is now <@{new_manager}>." if new_manager != old_manager else ""
        )
        enqueue(
            uow,
            f"{key}:thread",
            "chat.postMessage",
            loop_id=loop.id,
            thread_ref=root_ref(loop.id),
            **thread_note(text),
        )
        if new_manager != old_manager:
            enqueue(
                uow,
                f"{key}:new-manager",
                "chat.postMessage",
                loop_id=loop.id,
                channel=new_manager,
                **pivot_summary(
                    loop_view(self.config.templates, uow, loop),
                    before,
                    after,
                    reason,
                    stage_views(self.config.templates, uow, loop),
                    loop_summary(self.config.templates, uow, loop, now),
                    loop.preferences,
                ),
            )
            enqueue(
                uow,
                f"{key}:old-manager",
                "chat.postMessage",
                loop_id=loop.id,
                channel=old_manager,
                **recruiter_note(
                    f"*{candidate.name}*'s loop moved from {before} to {after}; "
                    f"<@{new_manager}> is its hiring manager now."
                ),
            )
