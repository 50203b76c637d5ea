"""Buttons. Each one acks, then runs one service call in one transaction (or opens a form).

Each entry gets (unit of work, now, who clicked, the button's value)."""

from __future__ import annotations

from slack_bolt import App

from bot.messages import action_ids
from bot.services import Services
from handlers.common import on_click, opens_form, parse_ids


def register(app: App, services: Services) -> None:
    loops, feedback = services.loops, services.feedback
    decisions, pivots = services.decisions, services.pivots
    changes = {
        # The recruiter's proposal: "stage:version", plus ":index" for one of its slots.
        action_ids.CONFIRM: lambda uow, now, who, v: loops.confirm(uow, *ids(v, 2), who, now),
        action_ids.SWAP: lambda uow, now, who, v: loops.swap(uow, *ids(v, 3), who, now),
        action_ids.USE_ALTERNATIVE: lambda uow, now, who, v: loops.use_alternative(
            uow, *ids(v, 3), who, now
        ),
        # A held stage: the stage id.
        action_ids.STAGE_RESUME: lambda uow, now, who, v: loops.resume_stage(
            uow, *ids(v, 1), who, now
        ),
        # An interviewer's DM: the interview id.
        action_ids.CANT_MAKE_IT: lambda uow, now, who, v: loops.decline(uow, *ids(v, 1), who, now),
        # A lead's sign-off on a trainee who sat in: the trainee's interview id.
        action_ids.TRAINEE_POSITIVE: lambda uow, now, who, v: feedback.sign_off(
            uow, *ids(v, 1), "positive", who, now
        ),
        action_ids.TRAINEE_NOT_YET: lambda uow, now, who, v: feedback.sign_off(
            uow, *ids(v, 1), "not_yet", who, now
        ),
        # The decision thread: the stage id.
        action_ids.ADVANCE: lambda uow, now, who, v: decisions.advance(uow, *ids(v, 1), who, now),
        # The offer's follow-up in the recruiter's and hiring manager's DMs: the loop id.
        action_ids.OFFER_ACCEPTED: lambda uow, now, who, v: decisions.offer_answer(
            uow, *ids(v, 1), "accepted", who, now
        ),
        action_ids.OFFER_DECLINED: lambda uow, now, who, v: decisions.offer_answer(
            uow, *ids(v, 1), "declined", who, now
        ),
    }
    forms = {
        action_ids.PICK_TIME: lambda uow, now, who, v: loops.replan_form(uow, *ids(v, 2), who),
        action_ids.SWAP_PICK: lambda uow, now, who, v: loops.swap_picker(uow, *ids(v, 2), who, now),
        action_ids.FEEDBACK_OPEN: lambda uow, now, who, v: feedback.form(uow, *ids(v, 1), who, now),
        action_ids.FEEDBACK_VIEW: lambda uow, now, who, v: feedback.panel(
            uow, *ids(v, 1), who, now
        ),
        action_ids.PIVOT: lambda uow, now, who, v: pivots.form(uow, *ids(v, 1), who),  # the loop id
        # Deliberate decisions: a form to confirm, asking why (the stage id).
        action_ids.DECLINE: lambda uow, now, who, v: decisions.form(
            uow, "decline", *ids(v, 1), who
        ),
        action_ids.OFFER: lambda uow, now, who, v: decisions.form(uow, "offer", *ids(v, 1), who),
        action_ids.OFFER_DETAILS: lambda uow, now, who, v: decisions.offer_details(
            uow, *ids(v, 1), who
        ),
        action_ids.SKIP_MEETING: lambda uow, now, who, v: services.meetings.skip_form(
            uow, *ids(v, 1), who
        ),
        # A booked stage's controls: the stage id; each asks for a reason.
        action_ids.STAGE_RESCHEDULE: lambda uow, now, who, v: loops.stage_control_form(
            uow, *ids(v, 1), "reschedule", who
        ),
        action_ids.STAGE_HOLD: lambda uow, now, who, v: loops.stage_control_form(
            uow, *ids(v, 1), "hold", who
        ),
        action_ids.STAGE_CANCEL: lambda uow, now, who, v: loops.stage_control_form(
            uow, *ids(v, 1), "cancel", who
        ),
    }
    for action_id, work in changes.items():
        on_click(app, services, action_id, work)
    for action_id, build in forms.items():
        opens_form(app, services, action_id, build)


def ids(value: str, count: int) -> list[int]:
    """A button value: `count` ids joined with ':' (see handlers.common.parse_ids)."""
    return parse_ids(value, count)
