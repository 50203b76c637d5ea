"""Modal submissions. Field errors go back on the modal itself, next to the field."""

from __future__ import annotations

from slack_bolt import App

from bot import messages
from bot.errors import LoopbotError
from bot.loops import InvalidForm
from bot.services import Services
from handlers.common import form_values, tell


def register(app: App, services: Services) -> None:
    @app.view(messages.SCHEDULE_LOOP_VIEW)
    def submit_schedule_loop(ack, body, view):
        actor, now = body["user"]["id"], services.clock.now()
        try:
            with services.uow() as uow:
                new_loop = services.loops.validate(uow, form_values(view), now)
        except InvalidForm as invalid:
            ack(response_action="errors", errors=field_errors(invalid))
            return
        ack()
        try:
            with services.uow() as uow:
                # A Slack retry of this submission must not create a second loop.
                if uow.requests.claim(f"view:{view['id']}"):
                    services.loops.create(uow, new_loop, actor, now)
                uow.commit()
        except LoopbotError as error:
            tell(services, actor, f"view:{view['id']}:error", f"Nothing was saved: {error}")
            return

    register_feedback(app, services)
    register_pivots(app, services)

    @app.view(messages.REPLAN_VIEW)
    def submit_replan(ack, body, view):
        actor, now = body["user"]["id"], services.clock.now()
        stage_id, version = (int(part) for part in view["private_metadata"].split(":"))
        availability = form_values(view).get("availability", "")
        try:
            with services.uow() as uow:
                services.loops.replan(uow, stage_id, version, availability, actor, now)
                uow.commit()
        except InvalidForm as invalid:
            ack(response_action="errors", errors=field_errors(invalid))
            return
        except LoopbotError as error:
            ack(response_action="errors", errors={"availability": str(error)})
            return
        ack()


def register_feedback(app: App, services: Services) -> None:
    @app.view(messages.FEEDBACK_VIEW_CALLBACK)
    def submit_feedback(ack, body, view):
        actor, now = body["user"]["id"], services.clock.now()
        interview_id = int(view["private_metadata"])
        try:
            with services.uow() as uow:
                services.feedback.submit(uow, interview_id, actor, form_values(view), now)
                uow.commit()
        except InvalidForm as invalid:
            ack(response_action="errors", errors=field_errors(invalid))
            return
        except LoopbotError as error:
            ack(response_action="errors", errors={"notes": str(error)})
            return
        ack()


def register_pivots(app: App, services: Services) -> None:
    @app.view(messages.PIVOT_VIEW)
    def submit_pivot(ack, body, view):
        actor, now = body["user"]["id"], services.clock.now()
        values = form_values(view)
        try:
            with services.uow() as uow:
                services.pivots.pivot(
                    uow,
                    int(view["private_metadata"]),
                    values.get("target", ""),
                    values.get("hiring_manager", ""),
                    values.get("reason", ""),
                    actor,
                    now,
                )
                uow.commit()
        except InvalidForm as invalid:
            ack(response_action="errors", errors=field_errors(invalid))
            return
        except LoopbotError as error:
            ack(response_action="errors", errors={"target": str(error)})
            return
        ack()


def field_errors(invalid: InvalidForm) -> dict[str, str]:
    """Slack shows each message under the input whose block_id it names."""
    errors: dict[str, str] = {}
    for error in invalid.errors:
        text = f"{error.message} — for example: {error.example}" if error.example else error.message
        errors.setdefault(error.field, text[:150])
    return errors
