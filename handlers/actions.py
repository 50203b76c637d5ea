"""Buttons. Each one acks, then runs one service call in one transaction (or opens a form)."""

from __future__ import annotations

from slack_bolt import App

from bot import messages
from bot.services import Services
from handlers.common import on_click, opens_form


def register(app: App, services: Services) -> None:
    loops, feedback = services.loops, services.feedback
    decisions, pivots = services.decisions, services.pivots

    # The recruiter's proposal: value is "stage:version" (":index" for one of its slots).
    on_click(
        app,
        services,
        messages.CONFIRM,
        lambda uow, now, who, value: loops.confirm(uow, *_ints(value), who, now),
    )
    on_click(
        app,
        services,
        messages.SWAP,
        lambda uow, now, who, value: loops.swap(uow, *_ints(value), who, now),
    )
    on_click(
        app,
        services,
        messages.USE_ALTERNATIVE,
        lambda uow, now, who, value: loops.use_alternative(uow, *_ints(value), who, now),
    )
    opens_form(
        app,
        services,
        messages.PICK_TIME,
        lambda uow, now, who, value: loops.replan_form(uow, *_ints(value), who),
    )

    # An interviewer's DM: value is the interview id.
    on_click(
        app,
        services,
        messages.CANT_MAKE_IT,
        lambda uow, now, who, value: loops.decline(uow, int(value), who, now),
    )
    opens_form(
        app,
        services,
        messages.FEEDBACK_OPEN,
        lambda uow, now, who, value: feedback.form(uow, int(value), who, now),
    )
    opens_form(
        app,
        services,
        messages.FEEDBACK_VIEW,
        lambda uow, now, who, value: feedback.panel(uow, int(value), who, now),
    )

    # The decision thread: value is the stage id (the loop id for Pivot).
    on_click(
        app,
        services,
        messages.ADVANCE,
        lambda uow, now, who, value: decisions.advance(uow, int(value), who, now),
    )
    on_click(
        app,
        services,
        messages.DECLINE,
        lambda uow, now, who, value: decisions.decline(uow, int(value), who, now),
    )
    on_click(
        app,
        services,
        messages.OFFER,
        lambda uow, now, who, value: decisions.offer(uow, int(value), who, now),
    )
    opens_form(
        app,
        services,
        messages.PIVOT,
        lambda uow, now, who, value: pivots.form(uow, int(value), who),
    )


def _ints(value: str) -> list[int]:
    return [int(part) for part in value.split(":")]
