"""No match with a stranger: after a pivot, when no stage left seats the new team's hiring
manager, the loop gets a conversation with them before the decision (the track's
`after_pivot` stage), planned like any stage and skippable by the recruiting side with a reason.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from bot.access import Access, Action
from bot.errors import Conflict, NotFound
from bot.loops.catalog import stage_template
from bot.loops.changes import cancel_interview
from bot.loops.config import LoopConfig
from bot.loops.lookups import next_stage_row, root_ref
from bot.loops.proposals import propose, withdraw
from bot.loops.thread import refresh_rollup, refresh_root
from bot.messages import action_ids
from bot.messages.blocks import button, context
from bot.messages.reasons import skip_modal
from bot.outbox import enqueue
from bot.planning.templates import StageTemplate, TemplateBook
from bot.reasons import parse_reason
from storage.models import Decision, Loop, Stage
from storage.uow import UnitOfWork

MANAGER = "hiring_manager"


def _seats(template: StageTemplate):
    yield from template.seats
    for fmt in template.formats:
        yield from fmt.seats


def with_meeting(
    templates: TemplateBook,
    loop: Loop,
    wanted: Sequence[StageTemplate],
    finished: Collection[str],
) -> list[StageTemplate]:
    """The new team's stages for the loop, with the meeting before the decision when none of
    those still to run seats the hiring manager."""
    meeting = templates.pivot_meeting(loop.track, loop.team or None)
    ahead = [t for t in wanted if t.key not in finished]
    if meeting is None or any(MANAGER in seat.roles for t in ahead for seat in _seats(t)):
        return list(wanted)
    at = next((i for i, t in enumerate(wanted) if t.kind == "decision"), len(wanted))
    return [*wanted[:at], meeting, *wanted[at:]]


def start_meeting(config: LoopConfig, uow: UnitOfWork, loop: Loop, now: datetime) -> None:
    """After the stages are re-laid: put a decision that was ready back behind the meeting,
    propose the meeting when it is next, and say in the thread that it can be skipped."""
    rows = uow.loops.stages(loop.id)
    meeting = next(
        (r for r in rows if stage_template(config.templates, loop, r.key).after_pivot), None
    )
    if meeting is None or meeting.status != "pending":
        return
    for row in rows:
        template = stage_template(config.templates, loop, row.key)
        if template.kind == "decision" and row.status == "completed":
            row.position, meeting.position = meeting.position, row.position
            row.status = "pending"  # decided after the meeting, not before
            uow.session.add_all([row, meeting])
            uow.session.flush()
            refresh_rollup(config, uow, loop, row, now)
    title = stage_template(config.templates, loop, meeting.key).title
    enqueue(
        uow,
        f"stage:{meeting.id}:added",
        "chat.postMessage",
        loop_id=loop.id,
        thread_ref=root_ref(loop.id),
        text=f"{title} added before the decision",
        blocks=[
            context(
                f"➕ *{title}* added before the decision: no stage left meets the new hiring "
                "manager. The recruiter can skip it, saying why."
            ),
            {
                "type": "actions",
                "block_id": f"meeting:{meeting.id}",
                "elements": [button("Skip it", action_ids.SKIP_MEETING, str(meeting.id))],
            },
        ],
    )
    earlier = [r for r in rows if r.position < meeting.position and r.status != "skipped"]
    if all(r.status == "decided" for r in earlier):
        propose(config, uow, loop, meeting, now)


class MeetingService:
    def __init__(self, config: LoopConfig):
        self.config = config

    def _skippable(self, uow: UnitOfWork, stage_id: int, actor: str) -> tuple[Loop, Stage]:
        stage = uow.loops.stage(stage_id, lock=True)
        if stage is None:
            raise NotFound("That stage no longer exists.")
        loop = uow.loops.get(stage.loop_id)
        Access(uow, self.config.templates).require(actor, Action.SKIP_STAGE, loop)
        if not stage_template(self.config.templates, loop, stage.key).after_pivot:
            raise Conflict("Only a meeting a pivot added can be skipped.")
        if loop.status != "open" or stage.status not in ("pending", "proposed", "scheduled"):
            raise Conflict("That meeting has already run, or the loop is closed.")
        return loop, stage

    def skip_form(self, uow: UnitOfWork, stage_id: int, actor: str) -> dict:
        loop, stage = self._skippable(uow, stage_id, actor)
        candidate = uow.loops.candidate(loop.candidate_id)
        title = stage_template(self.config.templates, loop, stage.key).title
        return skip_modal(stage.id, candidate.name, title)

    def skip(
        self, uow: UnitOfWork, stage_id: int, actor: str, form: Mapping[str, str], now: datetime
    ) -> None:
        loop, stage = self._skippable(uow, stage_id, actor)
        reason = parse_reason("skip_meeting", form)
        if stage.status == "proposed":
            withdraw(self.config, uow, loop, stage, "withdrawn: the meeting was skipped", now)
        for interview in uow.loops.interviews(stage.id):
            if interview.status == "confirmed":
                cancel_interview(self.config, uow, loop, interview, "the meeting was skipped", now)
        stage.status = "skipped"
        uow.session.add(stage)
        uow.loops.add_decision(
            Decision(
                loop_id=loop.id,
                stage_id=stage.id,
                kind="skip",
                decided_by=actor,
                decided_at=now,
                note=reason.note,
            )
        )
        uow.audit.record(actor, "stage_skipped", loop.id, stage=stage.key, reason=reason.key)
        title = stage_template(self.config.templates, loop, stage.key).title
        enqueue(
            uow,
            f"stage:{stage.id}:skipped",
            "chat.postMessage",
            loop_id=loop.id,
            thread_ref=root_ref(loop.id),
            text=f"{title} skipped by <@{actor}>: {reason.note}",
        )
        following = next_stage_row(uow, loop, stage)
        earlier = [
            r
            for r in uow.loops.stages(loop.id)
            if r.position < stage.position and r.status != "skipped"
        ]
        ready = all(r.status == "decided" for r in earlier)
        if following is not None and ready:
            template = stage_template(self.config.templates, loop, following.key)
            if template.kind == "decision":
                following.status = "completed"  # nothing to schedule: ready to decide
                uow.session.add(following)
                refresh_rollup(self.config, uow, loop, following, now)
            elif following.status == "pending":
                propose(self.config, uow, loop, following, now, actor=actor)
        refresh_root(self.config, uow, loop)
