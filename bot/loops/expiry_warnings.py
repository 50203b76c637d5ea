"""A proposal warns its recruiter before its hold lapses: once, when a quarter of the hold's
lifetime is left, with the time it lapses in their own zone."""

from __future__ import annotations

from datetime import datetime

from bot.loops.catalog import stage_template
from bot.loops.config import LoopConfig
from bot.loops.lookups import as_datetime
from bot.messages.stage_controls import expiry_warning
from bot.outbox import enqueue
from storage.uow import UnitOfWork


def warn_expiring(config: LoopConfig, uow: UnitOfWork, now: datetime) -> int:
    """Warn the recruiter of each live proposal whose hold lapses soon; returns how many."""
    lead = config.hold_lifetime / 4
    warned = 0
    for loop in uow.loops.open_loops():
        for stage in uow.loops.stages(loop.id):
            proposal = stage.proposal
            held = proposal.get("held_until")
            if stage.status != "proposed" or not held or proposal.get("expired"):
                continue
            until = as_datetime(held)
            if (
                proposal.get("expiry_warned") == proposal["version"]
                or not now < until <= now + lead
            ):
                continue
            stage.proposal = {**proposal, "expiry_warned": proposal["version"]}
            uow.session.add(stage)
            title = stage_template(config.templates, loop, stage.key).title
            recruiter = uow.interviewers.get(loop.recruiter_id)
            enqueue(
                uow,
                f"stage:{stage.id}:v{proposal['version']}:expiry-warning",
                "chat.postMessage",
                loop_id=loop.id,
                channel=recruiter.slack_user_id,
                **expiry_warning(title, uow.loops.candidate(loop.candidate_id).name, until),
            )
            uow.audit.record("loopbot", "proposal_expiry_warned", loop.id, stage=stage.key)
            warned += 1
    return warned
