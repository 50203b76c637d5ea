"""conversations.*: opening DMs and reading channels and threads."""

from __future__ import annotations

from typing import Any

from loopbot.demo.fake_slack.workspace import Method, Params, SlackApiFault, Workspace, public


def open_conversation(ws: Workspace, params: Params) -> dict[str, Any]:
    if params.get("channel"):
        channel_id = ws.resolve_channel(params["channel"])
        if channel_id is None:
            raise SlackApiFault("channel_not_found")
        return {"channel": ws.channel_object(channel_id)}
    users = [u.strip() for u in str(params.get("users", "")).split(",") if u.strip()]
    if not users:
        raise SlackApiFault("users_list_not_supplied")
    for user_id in users:
        if user_id not in ws.users:
            raise SlackApiFault("user_not_found")
    if len(users) == 1:
        channel_id = ws.dm_channel(users[0])
        return {"channel": ws.channel_object(channel_id)}
    # A group DM: a stable G-id for the set of people.
    channel_id = "G" + "".join(sorted(u[1:] for u in users))[:20]
    handles = "--".join(ws.users[u]["email"].split("@")[0] for u in sorted(users))
    ws.channels.setdefault(channel_id, {"id": channel_id, "name": f"mpdm-{handles}"})
    return {"channel": ws.channel_object(channel_id)}


def info(ws: Workspace, params: Params) -> dict[str, Any]:
    return {"channel": ws.channel_object(ws.require_channel(params))}


def _page(messages: list[dict[str, Any]], params: Params) -> dict[str, Any]:
    """Slack's paging: `oldest`/`latest` bound the ts, `limit` and `cursor` page through, and
    message metadata is only included with `include_all_metadata`."""
    oldest = float(params.get("oldest") or 0)
    latest = float(params.get("latest") or "inf")
    within = [m for m in messages if oldest <= float(m["ts"]) <= latest]
    start = int(params.get("cursor") or 0)
    limit = max(1, min(int(params.get("limit") or 100), 999))
    page = within[start : start + limit]
    with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
    shown = [public(m) if with_metadata else public(m, metadata=False) for m in page]
    more = start + limit < len(within)
    return {
        "messages": shown,
        "has_more": more,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def _by_id(ws: Workspace, params: Params) -> str:
    """The history methods take a conversation id only, as Slack's do: a `#name` or a user
    id is `channel_not_found`."""
    channel = params.get("channel")
    if not isinstance(channel, str) or channel[:1] in ("#", "U", "W"):
        raise SlackApiFault("channel_not_found")
    return ws.require_channel(params)


def list_conversations(ws: Workspace, params: Params) -> dict[str, Any]:
    """conversations.list: the workspace's channels (not DMs), paged by cursor."""
    channels = [
        ws.channel_object(c)
        for c, info in ws.channels.items()
        if c[:1] in ("C", "G") and not info["name"].startswith("mpdm-")
    ]
    start = int(params.get("cursor") or 0)
    limit = max(1, min(int(params.get("limit") or 100), 1000))
    more = start + limit < len(channels)
    return {
        "channels": channels[start : start + limit],
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def history(ws: Workspace, params: Params) -> dict[str, Any]:
    channel_id = _by_id(ws, params)
    top = [m for m in ws.messages.get(channel_id, []) if m.get("thread_ts") in (None, m["ts"])]
    return _page(top[::-1], params)  # newest first, as Slack answers


def replies(ws: Workspace, params: Params) -> dict[str, Any]:
    channel_id = _by_id(ws, params)
    parent = ws.find_message(channel_id, params.get("ts"))
    thread_ts = parent.get("thread_ts", parent["ts"])
    found = [
        m
        for m in ws.messages.get(channel_id, [])
        if m["ts"] == parent["ts"] or m.get("thread_ts") == thread_ts
    ]
    return _page(found, params)  # oldest first, the parent included


METHODS: dict[str, Method] = {
    "conversations.open": open_conversation,
    "conversations.info": info,
    "conversations.list": list_conversations,
    "conversations.history": history,
    "conversations.replies": replies,
}
