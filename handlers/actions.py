"""Buttons. Each one acks, then runs one service call in one transaction."""

from __future__ import annotations

from slack_bolt import App

from bot import messages
from bot.errors import LoopbotError
from bot.services import Services
from handlers.common import reply, run_action


def register(app: App, services: Services) -> None:
    register_proposals(app, services)
    register_feedback(app, services)


def register_proposals(app: App, services: Services) -> None:
    loops = services.loops

    @app.action(messages.CONFIRM)
    def confirm(ack, body, action, respond):
        ack()
        stage_id, version = _ints(action["value"])
        run_action(
            services,
            respond,
            lambda uow, now: loops.confirm(uow, stage_id, version, body["user"]["id"], now),
        )

    @app.action(messages.SWAP)
    def swap(ack, body, action, respond):
        ack()
        stage_id, version, index = _ints(action["value"])
        run_action(
            services,
            respond,
            lambda uow, now: loops.swap(uow, stage_id, version, index, body["user"]["id"], now),
        )

    @app.action(messages.USE_ALTERNATIVE)
    def use_alternative(ack, body, action, respond):
        ack()
        stage_id, version, index = _ints(action["value"])
        run_action(
            services,
            respond,
            lambda uow, now: loops.use_alternative(
                uow, stage_id, version, index, body["user"]["id"], now
            ),
        )

    @app.action(messages.PICK_TIME)
    def pick_another_time(ack, body, action, client, respond):
        ack()
        stage_id, version = _ints(action["value"])
        try:
            with services.uow() as uow:
                form = loops.replan_form(uow, stage_id, version, body["user"]["id"])
        except LoopbotError as error:
            reply(respond, str(error))
            return
        client.views_open(trigger_id=body["trigger_id"], view=form)

    @app.action(messages.CANT_MAKE_IT)
    def cant_make_it(ack, body, action, respond):
        ack()
        interview_id = int(action["value"])
        run_action(
            services,
            respond,
            lambda uow, now: loops.decline(uow, interview_id, body["user"]["id"], now),
        )


def register_feedback(app: App, services: Services) -> None:
    feedback, decisions = services.feedback, services.decisions

    @app.action(messages.FEEDBACK_OPEN)
    def open_feedback_form(ack, body, action, client, respond):
        ack()
        interview_id = int(action["value"])
        try:
            with services.uow() as uow:
                form = feedback.form(uow, interview_id, body["user"]["id"], services.clock.now())
        except LoopbotError as error:
            reply(respond, str(error))
            return
        client.views_open(trigger_id=body["trigger_id"], view=form)

    @app.action(messages.FEEDBACK_VIEW)
    def show_panel_feedback(ack, body, action, client, respond):
        ack()
        stage_id = int(action["value"])
        try:
            with services.uow() as uow:
                panel = feedback.panel(uow, stage_id, body["user"]["id"], services.clock.now())
        except LoopbotError as error:
            reply(respond, str(error))
            return
        client.views_open(trigger_id=body["trigger_id"], view=panel)

    @app.action(messages.PIVOT)
    def open_pivot_form(ack, body, action, client, respond):
        ack()
        try:
            with services.uow() as uow:
                form = services.pivots.form(uow, int(action["value"]), body["user"]["id"])
        except LoopbotError as error:
            reply(respond, str(error))
            return
        client.views_open(trigger_id=body["trigger_id"], view=form)

    @app.action(messages.ADVANCE)
    def advance(ack, body, action, respond):
        ack()
        run_action(
            services,
            respond,
            lambda uow, now: decisions.advance(uow, int(action["value"]), body["user"]["id"], now),
        )

    @app.action(messages.DECLINE)
    def decline(ack, body, action, respond):
        ack()
        run_action(
            services,
            respond,
            lambda uow, now: decisions.decline(uow, int(action["value"]), body["user"]["id"], now),
        )

    @app.action(messages.OFFER)
    def make_offer(ack, body, action, respond):
        ack()
        run_action(
            services,
            respond,
            lambda uow, now: decisions.offer(uow, int(action["value"]), body["user"]["id"], now),
        )


def _ints(value: str) -> list[int]:
    return [int(part) for part in value.split(":")]
