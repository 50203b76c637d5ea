"""Pieces of Slack's interaction payloads that depend only on the view or message clicked:
the submitted view with its state, and the element a click landed on."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from typing import Any


def view_with_state(
    view: dict[str, Any],
    values: Mapping[str, Mapping[str, Any]] | None,
    team_id: str,
    app_id: str,
) -> dict[str, Any]:
    """The whole view object Slack sends back on submit or close: ``view`` over Slack's
    defaults, with ``values`` (block_id → action_id → value object; a plain string is taken
    as a ``plain_text_input`` value) as its state."""
    full: dict[str, Any] = {
        "id": view.get("id") or f"V{secrets.token_hex(5).upper()}",
        "team_id": team_id,
        "type": "modal",
        "blocks": [],
        "private_metadata": "",
        "callback_id": "",
        "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        "title": {"type": "plain_text", "text": ""},
        "clear_on_close": False,
        "notify_on_close": False,
        "close": None,
        "submit": None,
        "previous_view_id": None,
        "root_view_id": view.get("id"),
        "app_id": app_id,
        "external_id": "",
        "app_installed_team_id": team_id,
        "bot_id": None,
    }
    full.update(view)
    if values is not None:
        state: dict[str, dict[str, Any]] = {}
        for block_id, actions in values.items():
            state[block_id] = {}
            for action_id, entry in actions.items():
                if isinstance(entry, str):
                    entry = {"type": "plain_text_input", "value": entry}
                state[block_id][action_id] = entry
        full["state"] = {"values": state}
    else:
        full.setdefault("state", {"values": {}})
    return full


def find_element(
    blocks: list[dict[str, Any]], action_id: str
) -> tuple[dict[str, Any] | None, str | None]:
    """The interactive element with ``action_id`` in ``blocks`` and its block's id."""
    for block in blocks:
        candidates = list(block.get("elements") or [])
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                candidates.append(block[key])
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return element, block.get("block_id")
    return None, None
