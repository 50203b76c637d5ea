"""views.*: modals (open, push, update) and App Home tabs (publish)."""

from __future__ import annotations

import copy
import time
from typing import Any

from loopbot.demo.fake_slack.workspace import (
    APP_ID,
    BOT_ID,
    TEAM_ID,
    Method,
    Params,
    SlackApiFault,
    Workspace,
)


def _view_from(params: Params, *, expected_type: str) -> dict[str, Any]:
    view = params.get("view")
    if not isinstance(view, dict):
        raise SlackApiFault("invalid_arguments")
    if view.get("type") != expected_type:
        raise SlackApiFault("invalid_arguments")
    if expected_type == "modal" and not view.get("title"):
        raise SlackApiFault("invalid_arguments")
    return view


def _store_view(
    ws: Workspace,
    view: dict[str, Any],
    *,
    view_id: str | None = None,
    root_view_id: str | None = None,
    previous_view_id: str | None = None,
) -> dict[str, Any]:
    if view_id is None:
        ws.view_counter += 1
        view_id = f"V{ws.view_counter:07d}"
    ws.hash_counter += 1
    stored = {
        "id": view_id,
        "team_id": TEAM_ID,
        "type": view["type"],
        "title": view.get("title"),
        "submit": view.get("submit"),
        "close": view.get("close"),
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "external_id": view.get("external_id", ""),
        "state": {"values": {}},
        "hash": f"{int(time.time())}.{ws.hash_counter:08x}",
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "root_view_id": root_view_id or view_id,
        "previous_view_id": previous_view_id,
        "app_id": APP_ID,
        "app_installed_team_id": TEAM_ID,
        "bot_id": BOT_ID,
    }
    ws.views[view_id] = stored
    return stored


def open_view(ws: Workspace, params: Params) -> dict[str, Any]:
    trigger_id = params.get("trigger_id")
    if not trigger_id:
        raise SlackApiFault("invalid_arguments")
    view = _store_view(ws, _view_from(params, expected_type="modal"))
    owner = ws.triggers.get(str(trigger_id))
    if owner:
        ws.view_owner[view["id"]] = owner
    return {"view": copy.deepcopy(view)}


def push(ws: Workspace, params: Params) -> dict[str, Any]:
    trigger_id = params.get("trigger_id")
    if not trigger_id:
        raise SlackApiFault("invalid_arguments")
    owner = ws.triggers.get(str(trigger_id))
    previous = None
    if owner:
        owned = [vid for vid, o in ws.view_owner.items() if o == owner]
        previous = owned[-1] if owned else None
    view = _store_view(
        ws,
        _view_from(params, expected_type="modal"),
        root_view_id=ws.views[previous]["root_view_id"] if previous else None,
        previous_view_id=previous,
    )
    if owner:
        ws.view_owner[view["id"]] = owner
    return {"view": copy.deepcopy(view)}


def update(ws: Workspace, params: Params) -> dict[str, Any]:
    view_id = params.get("view_id")
    external_id = params.get("external_id")
    if not view_id and not external_id:
        raise SlackApiFault("invalid_arguments")
    if not view_id:
        view_id = next(
            (vid for vid, v in ws.views.items() if v["external_id"] == external_id), None
        )
    current = ws.views.get(view_id or "")
    if current is None:
        raise SlackApiFault("not_found")
    if params.get("hash") and params["hash"] != current["hash"]:
        raise SlackApiFault("hash_conflict")
    view = _view_from(params, expected_type=current["type"])
    updated = _store_view(
        ws,
        view,
        view_id=current["id"],
        root_view_id=current["root_view_id"],
        previous_view_id=current["previous_view_id"],
    )
    return {"view": copy.deepcopy(updated)}


def publish(ws: Workspace, params: Params) -> dict[str, Any]:
    user_id = params.get("user_id")
    if not user_id:
        raise SlackApiFault("invalid_arguments")
    if user_id not in ws.users:
        raise SlackApiFault("user_not_found")
    current = ws.home_views.get(user_id)
    if current and params.get("hash") and params["hash"] != current["hash"]:
        raise SlackApiFault("hash_conflict")
    view = _store_view(
        ws,
        _view_from(params, expected_type="home"),
        view_id=current["id"] if current else None,
    )
    ws.home_views[user_id] = view
    ws.view_owner[view["id"]] = user_id
    return {"view": copy.deepcopy(view)}


METHODS: dict[str, Method] = {
    "views.open": open_view,
    "views.push": push,
    "views.update": update,
    "views.publish": publish,
}
