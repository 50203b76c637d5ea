"""Buttons. Each one acks, then runs one service call in one transaction (or opens a form).

Each entry gets (unit of work, now, who clicked, the button's value)."""

from __future__ import annotations

from slack_bolt import App

from bot import messages
from bot.services import Services
from handlers.common import on_click, opens_form


def register(app: App, services: Services) -> None:
    loops, feedback = services.loops, services.feedback
    decisions, pivots = services.decisions, services.pivots
    changes = {
        # The recruiter's proposal: "stage:version", plus ":index" for one of its slots.
        messages.CONFIRM: lambda uow, now, who, v: loops.confirm(uow, *ids(v), who, now),
        messages.SWAP: lambda uow, now, who, v: loops.swap(uow, *ids(v), who, now),
        messages.USE_ALTERNATIVE: lambda uow, now, who, v: loops.use_alternative(
            uow, *ids(v), who, now
        ),
        # An interviewer's DM: the interview id.
        messages.CANT_MAKE_IT: lambda uow, now, who, v: loops.decline(uow, *ids(v), who, now),
        # The decision thread: the stage id.
        messages.ADVANCE: lambda uow, now, who, v: decisions.advance(uow, *ids(v), who, now),
        messages.DECLINE: lambda uow, now, who, v: decisions.decline(uow, *ids(v), who, now),
        messages.OFFER: lambda uow, now, who, v: decisions.offer(uow, *ids(v), who, now),
    }
    forms = {
        messages.PICK_TIME: lambda uow, now, who, v: loops.replan_form(uow, *ids(v), who),
        messages.FEEDBACK_OPEN: lambda uow, now, who, v: feedback.form(uow, *ids(v), who, now),
        messages.FEEDBACK_VIEW: lambda uow, now, who, v: feedback.panel(uow, *ids(v), who, now),
        messages.PIVOT: lambda uow, now, who, v: pivots.form(uow, *ids(v), who),  # the loop id
    }
    for action_id, work in changes.items():
        on_click(app, services, action_id, work)
    for action_id, build in forms.items():
        opens_form(app, services, action_id, build)


def ids(value: str) -> list[int]:
    """A button value: one id, or several joined with ':'."""
    return [int(part) for part in value.split(":")]
