"""Modal submissions. Field errors go back on the modal itself, next to the field."""

from __future__ import annotations

from slack_bolt import App

from bot.errors import InvalidForm, LoopbotError
from bot.messages import action_ids
from bot.services import Services
from handlers.common import (
    field_errors,
    finish_after_ack,
    form_values,
    on_submit,
    parse_ids,
)


def register(app: App, services: Services) -> None:
    @app.view(action_ids.SCHEDULE_LOOP_VIEW)
    def submit_schedule_loop(ack, body, view):
        # Checked reading only, so the ack never waits for a write lock; the loop is
        # planned after the ack (reading only), then written in one short transaction.
        actor, now = body["user"]["id"], services.clock.now()
        try:
            with services.uow.read() as uow:
                services.loops.require_starter(uow, actor)
                new_loop = services.loops.validate(uow, form_values(view), now)
        except InvalidForm as invalid:
            ack(response_action="errors", errors=field_errors(invalid))
            return
        except LoopbotError as error:
            ack(response_action="errors", errors={"candidate_name": str(error)[:150]})
            return
        except Exception:  # acknowledged on every path; the error handler logs it
            ack()
            raise
        ack()

        def create() -> None:
            with services.uow.read() as uow:
                if uow.requests.seen(f"view:{view['id']}"):
                    return  # a Slack retry of a submission already handled
                planned = services.loops.plan_new(uow, new_loop, now)
            with services.uow() as uow:
                # A Slack retry of this submission must not create a second loop.
                if uow.requests.claim(f"view:{view['id']}"):
                    services.loops.create(uow, new_loop, actor, now, planned)
                uow.commit()

        # Plans read people's calendars between tries.
        finish_after_ack(services, actor, f"view:{view['id']}", lambda: services.run(create))

    on_submit(
        app,
        services,
        action_ids.REPLAN_VIEW,
        "availability",
        check=lambda uow, now, who, meta, values: services.loops.check_replan(
            uow, *parse_ids(meta, 2), values.get("availability", ""), who, now
        ),
        prepare=lambda uow, now, who, meta, values: services.loops.plan_replan(
            uow, *parse_ids(meta, 2), values.get("availability", ""), who, now
        ),
        work=lambda uow, now, who, meta, values, planned: services.loops.replan(
            uow, *parse_ids(meta, 2), values.get("availability", ""), who, now, planned
        ),
    )
    on_submit(
        app,
        services,
        action_ids.SWAP_PICK_VIEW,
        "swap",
        lambda uow, now, who, meta, values: services.loops.swap_to(
            uow, *parse_ids(meta, 2), values.get("swap", ""), who, now
        ),
    )
    on_submit(
        app,
        services,
        action_ids.STAGE_CONTROL_VIEW,
        "reason",
        lambda uow, now, who, meta, values: services.loops.change_stage(
            uow, *parse_ids(meta, 2), values.get("reason", ""), who, now
        ),
    )
    on_submit(
        app,
        services,
        action_ids.FEEDBACK_VIEW_CALLBACK,
        "notes",
        check=lambda uow, now, who, meta, values: services.feedback.check(
            uow, *parse_ids(meta, 1), who, values
        ),
        work=lambda uow, now, who, meta, values, _: services.feedback.submit(
            uow, *parse_ids(meta, 1), who, values, now
        ),
    )
    on_submit(
        app,
        services,
        action_ids.PIVOT_VIEW,
        "target",
        check=lambda uow, now, who, meta, values: services.pivots.check(
            uow,
            *parse_ids(meta, 1),
            values.get("target", ""),
            values.get("hiring_manager", ""),
            values.get("reason", ""),
            who,
            values.get("why", ""),
        ),
        work=lambda uow, now, who, meta, values, _: services.pivots.pivot(
            uow,
            *parse_ids(meta, 1),
            values.get("target", ""),
            values.get("hiring_manager", ""),
            values.get("reason", ""),
            who,
            now,
            why=values.get("why", ""),
        ),
    )
    on_submit(
        app,
        services,
        action_ids.DECLINE_VIEW,
        "why",
        lambda uow, now, who, meta, values: services.decisions.decline(
            uow, *parse_ids(meta, 1), who, values, now
        ),
    )
    on_submit(
        app,
        services,
        action_ids.SKIP_MEETING_VIEW,
        "why",
        lambda uow, now, who, meta, values: services.meetings.skip(
            uow, *parse_ids(meta, 1), who, values, now
        ),
    )
    on_submit(
        app,
        services,
        action_ids.OFFER_VIEW,
        "why",
        lambda uow, now, who, meta, values: services.decisions.offer(
            uow, *parse_ids(meta, 1), who, values, now
        ),
    )
