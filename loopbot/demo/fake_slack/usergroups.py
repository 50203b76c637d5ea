"""usergroups.list and usergroups.users.list, in the shapes Slack documents: a user group
("subteam", ID starting with S) has a handle, a name and its members' user IDs."""

from __future__ import annotations

from typing import Any

from loopbot.demo.fake_slack.workspace import TEAM_ID, Method, Params, SlackApiFault, Workspace


def group_object(group: dict[str, Any], include_users: bool) -> dict[str, Any]:
    found = {
        "id": group["id"],
        "team_id": TEAM_ID,
        "is_usergroup": True,
        "name": group["name"],
        "description": group.get("description", ""),
        "handle": group["handle"],
        "is_external": False,
        "date_create": 1_700_000_000,
        "date_update": 1_700_000_000,
        "date_delete": 0,
        "auto_type": None,
        "created_by": "U0ADMIN",
        "updated_by": "U0ADMIN",
        "deleted_by": None,
        "prefs": {"channels": [], "groups": []},
        "user_count": len(group["users"]),
    }
    if include_users:
        found["users"] = list(group["users"])
    return found


def list_groups(ws: Workspace, params: Params) -> dict[str, Any]:
    include = str(params.get("include_users", "")).lower() in ("1", "true")
    return {"usergroups": [group_object(g, include) for g in ws.usergroups.values()]}


def list_members(ws: Workspace, params: Params) -> dict[str, Any]:
    group = ws.usergroups.get(str(params.get("usergroup", "")))
    if group is None:
        raise SlackApiFault("no_such_subteam")
    return {"users": list(group["users"])}


METHODS: dict[str, Method] = {
    "usergroups.list": list_groups,
    "usergroups.users.list": list_members,
}
