"""auth.test and users.*: who the bot is and who is in the workspace."""

from __future__ import annotations

from typing import Any

from loopbot.demo.fake_slack.workspace import (
    BOT_ID,
    BOT_USER_ID,
    TEAM_DOMAIN,
    TEAM_ID,
    TEAM_NAME,
    Method,
    Params,
    SlackApiFault,
    Workspace,
)


def auth_test(ws: Workspace, params: Params) -> dict[str, Any]:
    return {
        "url": f"https://{TEAM_DOMAIN}.slack.com/",
        "team": TEAM_NAME,
        "user": "loopbot",
        "team_id": TEAM_ID,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


def info(ws: Workspace, params: Params) -> dict[str, Any]:
    user = ws.users.get(params.get("user", ""))
    if user is None:
        raise SlackApiFault("user_not_found")
    return {"user": ws.user_object(user)}


def list_users(ws: Workspace, params: Params) -> dict[str, Any]:
    members = [ws.user_object(u) for u in ws.users.values()]
    return {"members": members, "response_metadata": {"next_cursor": ""}}


def lookup_by_email(ws: Workspace, params: Params) -> dict[str, Any]:
    email = str(params.get("email", "")).lower()
    for user in ws.users.values():
        if user["email"].lower() == email:
            return {"user": ws.user_object(user)}
    raise SlackApiFault("users_not_found")


METHODS: dict[str, Method] = {
    "auth.test": auth_test,
    "users.info": info,
    "users.list": list_users,
    "users.lookupByEmail": lookup_by_email,
}
