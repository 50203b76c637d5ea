"""What every listener does after ack(): run one service call in one transaction,
turn domain errors into an ephemeral answer, and wake the outbox sender."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.errors import LoopbotError
from bot.outbox import enqueue
from bot.services import Services
from storage.uow import UnitOfWork

log = logging.getLogger("loopbot.handlers")

Work = Callable[[UnitOfWork, datetime], str | None]


def run_action(services: Services, respond, work: Work) -> bool:
    """Run `work` in one unit of work; answer its message (or its error) ephemerally."""
    try:
        with services.uow() as uow:
            answer = work(uow, services.clock.now())
            uow.commit()
    except LoopbotError as error:
        reply(respond, str(error))
        return False
    if answer:
        reply(respond, answer)
    return True


def tell(services: Services, user_id: str, key: str, text: str) -> None:
    """A DM through the outbox, for answers that have no response_url (modal submissions)."""
    with services.uow() as uow:
        enqueue(uow, key, "chat.postMessage", channel=user_id, text=text)
        uow.commit()


def reply(respond, text: str) -> None:
    if respond is None:
        log.warning("no response_url to answer with: %s", text)
        return
    respond(text=text, response_type="ephemeral", replace_original=False)


def form_values(view: dict) -> dict[str, str]:
    """A modal's state as block_id → the value a person chose or typed."""
    values: dict[str, str] = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        for element in actions.values():
            values[block_id] = _value(element)
    return values


def _value(element: dict) -> str:
    kind = element.get("type")
    if kind in ("static_select", "radio_buttons", "external_select"):
        option = element.get("selected_option") or {}
        return option.get("value", "")
    if kind == "checkboxes":
        return ",".join(o["value"] for o in element.get("selected_options") or [])
    if kind == "users_select":
        return element.get("selected_user") or ""
    if kind == "conversations_select":
        return element.get("selected_conversation") or ""
    return element.get("value") or ""
