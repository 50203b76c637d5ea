"""The loop's thread in the recruiting channel: the root message, each stage's roll-up with
what can be decided, the loop's summary, and a stage's completion once its feedback is in."""

from __future__ import annotations

from datetime import datetime

from bot.access import Access, panel_complete
from bot.loops.catalog import stage_template
from bot.loops.config import LoopConfig
from bot.loops.lookups import live_interviews, next_stage_row, rollup_ref, root_ref
from bot.loops.views import (
    feedback_views,
    interview_view,
    loop_view,
    panel_feedback,
    stage_views,
)
from bot.messages.feedback import SIGNAL_MARKS
from bot.messages.notes import recruiter_note
from bot.messages.thread import decision_root, stage_rollup
from bot.messages.values import Decided, DecisionChoice, FeedbackView
from bot.outbox import enqueue, publish
from bot.planning.templates import TemplateBook
from storage.models import Loop, Stage
from storage.uow import UnitOfWork

POSITIVE = ("yes", "strong_yes")


def refresh_root(config: LoopConfig, uow: UnitOfWork, loop: Loop) -> None:
    """Post the loop's root message in the recruiting channel, or bring it up to date."""
    publish(
        uow,
        root_ref(loop.id),
        channel=config.recruiting_channel,
        loop_id=loop.id,
        **decision_root(
            loop_view(config.templates, uow, loop), stage_views(config.templates, uow, loop)
        ),
    )


def refresh_rollup(
    config: LoopConfig, uow: UnitOfWork, loop: Loop, stage: Stage, now: datetime
) -> None:
    """Post the stage's reply in the decision thread, or edit it in place."""
    template = stage_template(config.templates, loop, stage.key)
    # The panel, its people and their feedback: three queries whatever the panel's size.
    interviews = live_interviews(uow, stage)
    people = uow.batch.people(i.interviewer_id for i in interviews)
    views = panel_feedback(interviews, people, uow.batch.feedback(i.id for i in interviews), now)
    slots = [interview_view(uow, i, people) for i in interviews]
    decision = next(
        (
            d
            for d in reversed(uow.loops.decisions(loop.id))
            if d.stage_id == stage.id and d.kind != "pivot"
        ),
        None,
    )
    decided = (
        Decided(decision.kind, decision.decided_by, decision.decided_at, decision.note)
        if decision
        else None
    )
    summary_lines = (
        loop_summary(config.templates, uow, loop, now) if template.kind == "decision" else ()
    )
    body = stage_rollup(
        template.title,
        views,
        slots,
        decision_choice(config.templates, uow, loop, stage, now, views),
        decided,
        take_home_due=slots[0].end if template.kind == "take_home" and slots else None,
        summary_lines=summary_lines,
        # The channel is everyone in it: signals and notes only once the panel is complete.
        reveal=Access(uow, config.templates).may_read_feedback(None, stage, loop),
        stage_id=stage.id,
    )
    publish(uow, rollup_ref(stage.id), thread_ref=root_ref(loop.id), loop_id=loop.id, **body)


def decision_choice(
    templates: TemplateBook,
    uow,
    loop: Loop,
    stage: Stage,
    now: datetime,
    views: list[FeedbackView] | None = None,
) -> DecisionChoice | None:
    """What the thread offers for a complete stage: advance (unless a gate is shut),
    make an offer at the decision stage, or decline. `views`: the stage's feedback, when
    read already."""
    if stage.status != "completed" or loop.status != "open":
        return None
    following_row = next_stage_row(uow, loop, stage)
    context = {"loop_id": loop.id, "preferences": tuple(loop.preferences)}
    if following_row is None:
        return DecisionChoice(stage.id, None, **context)
    following = stage_template(templates, loop, following_row.key)
    note = ""
    if following.gate == "positive_feedback":
        if views is None:
            views = feedback_views(uow, stage, now)
        signals = [f.signal for f in views]
        positive = sum(s in POSITIVE for s in signals)
        if positive < len(signals) or not signals:
            template = stage_template(templates, loop, stage.key)
            note = (
                f"{following.title} needs positive feedback on {template.title} "
                f"({positive} of {len(signals)} positive)."
            )
    return DecisionChoice(stage.id, following.title, note, **context)


def loop_summary(templates: TemplateBook, uow: UnitOfWork, loop: Loop, now: datetime) -> list[str]:
    """Each finished stage's tally, for the decision stage's reply (four queries; a stage
    whose panel is still out shows none: the thread is read by the rest of its panel)."""
    stages = uow.loops.stages(loop.id)
    live = uow.batch.live_interviews(s.id for s in stages)
    every = [i for interviews in live.values() for i in interviews]
    people = uow.batch.people(i.interviewer_id for i in every)
    feedback = uow.batch.feedback(i.id for i in every)
    lines = []
    for stage in stages:
        if not panel_complete(stage, loop):
            continue
        panel = panel_feedback(live.get(stage.id, []), people, feedback, now)
        views = [v for v in panel if v.state == "submitted"]
        if views:
            tally = " ".join(SIGNAL_MARKS[v.signal] for v in views)
            lines.append(f"{stage_template(templates, loop, stage.key).title}: {tally}")
    return lines


def maybe_complete(
    config: LoopConfig, uow: UnitOfWork, loop: Loop, stage: Stage, now: datetime
) -> bool:
    """A stage is complete once every interview is over and has its feedback."""
    interviews = live_interviews(uow, stage)
    if stage.status != "scheduled" or not interviews:
        return False
    if any(now < i.end_at or uow.loops.feedback_for(i.id) is None for i in interviews):
        return False
    stage.status = "completed"
    uow.session.add(stage)
    template = stage_template(config.templates, loop, stage.key)
    candidate = uow.loops.candidate(loop.candidate_id)
    uow.audit.record("loopbot", "stage_completed", loop.id, stage=stage.key)
    for watcher_id in {loop.recruiter_id, loop.hiring_manager_id}:
        watcher = uow.interviewers.get(watcher_id)
        enqueue(
            uow,
            f"stage:{stage.id}:complete:{watcher.id}",
            "chat.postMessage",
            loop_id=loop.id,
            channel=watcher.slack_user_id,
            **recruiter_note(
                f"All feedback is in for *{candidate.name}*'s {template.title}. "
                "Decide in the loop's thread in the recruiting channel."
            ),
        )
    return True
