"""Modal submissions. Field errors go back on the modal itself, next to the field."""

from __future__ import annotations

from slack_bolt import App

from bot import messages
from bot.errors import InvalidForm, LoopbotError
from bot.services import Services
from handlers.common import field_errors, form_values, on_submit, tell


def register(app: App, services: Services) -> None:
    @app.view(messages.SCHEDULE_LOOP_VIEW)
    def submit_schedule_loop(ack, body, view):
        # Validation answers on the form; creating and planning the loop happens after ack.
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

    # These answer on the form too, so their one transaction runs before the ack (a few
    # database round trips and a plan; `make bench` measures it well inside Slack's 3 s).
    on_submit(
        app,
        services,
        messages.REPLAN_VIEW,
        "availability",
        lambda uow, now, who, meta, values: services.loops.replan(
            uow, *(int(p) for p in meta.split(":")), values.get("availability", ""), who, now
        ),
    )
    on_submit(
        app,
        services,
        messages.FEEDBACK_VIEW_CALLBACK,
        "notes",
        lambda uow, now, who, meta, values: services.feedback.submit(
            uow, int(meta), who, values, now
        ),
    )
    on_submit(
        app,
        services,
        messages.PIVOT_VIEW,
        "target",
        lambda uow, now, who, meta, values: services.pivots.pivot(
            uow,
            int(meta),
            values.get("target", ""),
            values.get("hiring_manager", ""),
            values.get("reason", ""),
            who,
            now,
        ),
    )
