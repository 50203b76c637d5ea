"""The recruiter's side of candidate mail in Slack: Send to candidate (a link to give
availability or pick a time) and Email candidate (a note they edit before it goes)."""

from __future__ import annotations

from slack_bolt import App

from bot.errors import InvalidForm, LoopbotError
from bot.messages import action_ids
from bot.services import Services
from handlers.common import field_errors, form_values, on_submit, opens_form, parse_ids, tell


def register(app: App, services: Services) -> None:
    candidate = services.candidate
    if candidate is None:
        return
    opens_form(
        app,
        services,
        action_ids.CANDIDATE_SEND,
        lambda uow, now, who, v: candidate.send_form(uow, *parse_ids(v, 1), who),
    )
    opens_form(
        app,
        services,
        action_ids.CANDIDATE_NOTE,
        lambda uow, now, who, v: candidate.note_form(uow, v, who),
    )
    on_submit(
        app,
        services,
        action_ids.CANDIDATE_SEND_VIEW,
        "mode",
        lambda uow, now, who, meta, values: candidate.send(
            uow, *parse_ids(meta, 1), values.get("mode", ""), who, now
        ),
    )

    @app.view(action_ids.CANDIDATE_NOTE_VIEW)
    def submit_note(ack, body, view):
        # Checked and queued in one transaction before the ack: errors show on the form.
        actor, now = body["user"]["id"], services.clock.now()
        try:
            with services.uow() as uow:
                # A Slack retry of this submission must not email the candidate twice.
                if uow.requests.claim(f"view:{view['id']}"):
                    candidate.send_note(
                        uow,
                        view.get("private_metadata", ""),
                        form_values(view),
                        actor,
                        now,
                        view["id"],
                    )
                uow.commit()
        except InvalidForm as invalid:
            ack(response_action="errors", errors=field_errors(invalid))
            return
        except LoopbotError as error:
            ack(response_action="errors", errors={"body": str(error)[:150]})
            return
        except Exception:
            ack()
            tell(services, actor, f"view:{view['id']}:failed"[:200], "Sorry, that did not go out.")
            raise
        ack()
