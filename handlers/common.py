"""What every listener does after ack(): run one service call in one transaction and
turn domain errors into an ephemeral answer (or errors on the form's fields)."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable
from datetime import datetime

from slack_sdk.errors import SlackApiError

from bot.app import APOLOGY
from bot.calendars.busy import NeedBusy
from bot.errors import InvalidForm, LoopbotError, NotFound
from bot.outbox import enqueue
from bot.services import Services
from storage.uow import UnitOfWork  # the type services take; handlers never query

log = logging.getLogger("loopbot.handlers")

Work = Callable[[UnitOfWork, datetime], str | None]


def run_action(services: Services, respond, work: Work) -> None:
    """Run `work` in one unit of work (in the after-ack lane, reading people's calendars
    between tries when its plans need them); answer its message (or its error) ephemerally."""

    def attempt() -> str | None:
        with services.uow() as uow:
            answer = work(uow, services.clock.now())
            uow.commit()
        return answer

    try:
        with services.after_ack:
            answer = services.run(attempt)
    except LoopbotError as error:
        reply(respond, str(error))
        return
    if answer:
        reply(respond, answer)


def first_delivery(services: Services, body: dict) -> bool:
    """Slack redelivers an event it thinks we missed; the first delivery wins. Run by the
    listener, after Bolt's automatic ack, so the ack never waits for this write."""
    event_id = body.get("event_id")
    if not event_id:
        return True
    with services.uow() as uow:
        first = uow.requests.claim(f"event:{str(event_id)[:150]}")
        uow.commit()
    return first


# Ids fit PostgreSQL's integer; anything else in a button or a form was not made by loopbot.
_ID = re.compile(r"[0-9]{1,9}")
FORGED = (
    "That button or form refers to something loopbot does not know (it may come from an old "
    "or altered message). Use the latest message from loopbot."
)


def parse_ids(value: object, count: int) -> list[int]:
    """`count` ids joined with ':' (a button's value, a form's private_metadata), or NotFound
    with a sentence the person can act on."""
    parts = value.split(":") if isinstance(value, str) else []
    if len(parts) != count or not all(_ID.fullmatch(part) for part in parts):
        raise NotFound(FORGED)
    return [int(part) for part in parts]


Click = Callable[[UnitOfWork, datetime, str, str], str | None]
Form = Callable[[UnitOfWork, datetime, str, str], dict]


def on_click(app, services: Services, action_id: str, work: Click) -> None:
    """A button that changes something: ack, one transaction, an ephemeral answer."""

    @app.action(action_id)
    def clicked(ack, body, action, respond):
        ack()
        run_action(
            services,
            respond,
            lambda uow, now: work(uow, now, body["user"]["id"], action.get("value", "")),
        )


def opens_form(app, services: Services, action_id: str, build: Form) -> None:
    """A button that opens a modal: ack, build it reading only (or say why not), views.open.
    The trigger expires 3 s after the click: the build never waits for a writer."""

    @app.action(action_id)
    def clicked(ack, body, action, client, respond):
        ack()
        try:
            with services.uow.read() as uow:
                view = build(uow, services.clock.now(), body["user"]["id"], action.get("value", ""))
        except LoopbotError as error:
            reply(respond, str(error))
            return
        open_modal(client, respond, body.get("trigger_id", ""), view)


def open_modal(client, respond, trigger_id: str, view: dict) -> None:
    """views.open must happen within 3 s of the click; if Slack refuses, say so."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        code = error.response.get("error", "an error") if error.response else "an error"
        log.warning("views.open failed: %s", code)
        reply(respond, f"Slack could not open the form ({code}). Please try again.")


Check = Callable[[UnitOfWork, datetime, str, str, dict[str, str]], object]
Submitted = Callable[[UnitOfWork, datetime, str, str, dict[str, str], object], object]


def on_submit(
    app,
    services: Services,
    callback_id: str,
    error_field: str,
    work: Callable | None = None,
    *,
    check: Check | None = None,
    prepare: Check | None = None,
) -> None:
    """A modal submission. With `check`: `check` reads (a read-only unit of work: no write
    lock taken or waited for) and its errors go back onto the form's fields (`error_field` for
    errors that name no field); then the ack. After it, `prepare` (read-only too: a plan made
    ahead) and `work` in one short transaction, given what `prepare` returned; what goes wrong
    there (someone acted in between) reaches the person as a DM.

    Without `check`, `work(uow, now, actor, meta, values)` validates and writes in one
    transaction before the ack, so its errors land on the form (the simpler forms)."""

    @app.view(callback_id)
    def submitted(ack, body, view):
        actor, now = body["user"]["id"], services.clock.now()
        meta, values = view.get("private_metadata", ""), form_values(view)
        key = f"view:{view['id']}"

        def checked() -> None:
            with services.uow.read() as uow:
                check(uow, now, actor, meta, values)

        def written() -> None:  # with `check`: after the ack, given what `prepare` made
            prepared = None
            if prepare is not None:
                with services.uow.read() as uow:
                    prepared = prepare(uow, now, actor, meta, values)
            with services.uow() as uow:
                work(uow, now, actor, meta, values, prepared)
                uow.commit()

        def in_one() -> None:  # without `check`: validated and written before the ack
            with services.uow() as uow:
                work(uow, now, actor, meta, values)
                uow.commit()

        try:
            checked() if check is not None else in_one()
        except NeedBusy as need:
            # Valid, but its plan needs calendars: close the form first, then read them.
            ack()
            first = need
            finish_after_ack(services, actor, key, lambda: services.run(in_one, first))
            return
        except InvalidForm as invalid:
            ack(response_action="errors", errors=field_errors(invalid))
            return
        except LoopbotError as error:
            ack(response_action="errors", errors={error_field: str(error)[:150]})
            return
        except Exception as error:  # acknowledged on every path: the form closes, the person hears
            ack()
            failed(services, actor, view, callback_id, error)
            return
        ack()
        if check is not None:  # plans read people's calendars between tries
            finish_after_ack(services, actor, key, lambda: services.run(written))


def failed(services: Services, actor: str, view: dict, callback_id: str, error: Exception):
    # The traceback's frames, not the error's text: it may quote what was typed.
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("unhandled %s in %s\n%s", type(error).__name__, callback_id, frames)
    tell(services, actor, f"view:{view['id']}:failed"[:200], APOLOGY)


def finish_after_ack(
    services: Services, actor: str, key: str, finish: Callable[[], object]
) -> None:
    """Finish a submission once the form has closed, in the after-ack lane: what goes wrong
    now reaches the person as a DM, since the form can no longer show it."""
    try:
        with services.after_ack:
            finish()
    except LoopbotError as error:
        tell(services, actor, f"{key}:error"[:200], f"Nothing was saved: {error}")
    except Exception as error:
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("unhandled %s after closing %s\n%s", type(error).__name__, key, frames)
        tell(services, actor, f"{key}:failed"[:200], APOLOGY)


def field_errors(invalid: InvalidForm) -> dict[str, str]:
    """Slack shows each message under the input whose block_id it names."""
    errors: dict[str, str] = {}
    for error in invalid.errors:
        text = f"{error.message} — for example: {error.example}" if error.example else error.message
        errors.setdefault(error.field, text[:150])
    return errors


def tell(services: Services, user_id: str, key: str, text: str) -> None:
    """A DM through the outbox, for answers that have no response_url (modal submissions)."""
    with services.uow() as uow:
        enqueue(uow, key, "chat.postMessage", channel=user_id, text=text)
        uow.commit()


def reply(respond, text: str) -> None:
    answer(respond, text=text, response_type="ephemeral", replace_original=False)


def answer(respond, **message) -> None:
    """Answer on the request's response_url, if it has a working one."""
    if respond is None:
        log.warning("no response_url to answer with")
        return
    try:
        respond(**message)
    except Exception as error:  # the answer is a courtesy: its failure changes nothing done
        log.warning("could not answer on the response_url: %s", type(error).__name__)


def form_values(view: dict) -> dict[str, str]:
    """A modal's state as block_id → the value a person chose or typed (text only: a value
    of any other shape reads as empty, and the service says what is missing)."""
    values: dict[str, str] = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        for element in actions.values():
            values[block_id] = _value(element)
    return values


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _value(element: dict) -> str:
    kind = element.get("type")
    if kind in ("static_select", "radio_buttons", "external_select"):
        option = element.get("selected_option")
        return _text(option.get("value")) if isinstance(option, dict) else ""
    if kind == "checkboxes":
        options = element.get("selected_options")
        if not isinstance(options, list):
            return ""
        return ",".join(_text(o.get("value")) for o in options if isinstance(o, dict))
    if kind == "datepicker":
        return _text(element.get("selected_date"))
    if kind == "users_select":
        return _text(element.get("selected_user"))
    if kind == "conversations_select":
        return _text(element.get("selected_conversation"))
    return _text(element.get("value"))
