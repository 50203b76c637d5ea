"""chat.* and reactions.add: messages the bot posts, edits, deletes and reacts to; and
what it sends to an interaction's response_url."""

from __future__ import annotations

from typing import Any

from loopbot.demo.fake_slack.workspace import (
    BOT_USER_ID,
    TEAM_DOMAIN,
    Method,
    Params,
    SlackApiFault,
    Workspace,
    public,
    require_text_or_blocks,
)


def post_message(ws: Workspace, params: Params) -> dict[str, Any]:
    channel_id = ws.require_channel(params)
    require_text_or_blocks(params)
    message = ws.new_message(channel_id, params)
    return {"channel": channel_id, "ts": message["ts"], "message": public(message)}


def update(ws: Workspace, params: Params) -> dict[str, Any]:
    channel_id = ws.require_channel(params)
    message = ws.find_message(channel_id, params.get("ts"))
    require_text_or_blocks(params)
    for key in ("text", "blocks", "attachments", "metadata"):
        if key in params:
            message[key] = params[key]
    message["edited"] = {"user": BOT_USER_ID, "ts": ws.next_ts()}
    return {
        "channel": channel_id,
        "ts": message["ts"],
        "text": message.get("text", ""),
        "message": public(message),
    }


def delete(ws: Workspace, params: Params) -> dict[str, Any]:
    channel_id = ws.require_channel(params)
    message = ws.find_message(channel_id, params.get("ts"))
    ws.messages[channel_id].remove(message)
    return {"channel": channel_id, "ts": message["ts"]}


def post_ephemeral(ws: Workspace, params: Params) -> dict[str, Any]:
    channel_id = ws.require_channel(params)
    user_id = params.get("user")
    if user_id not in ws.users:
        raise SlackApiFault("user_not_found")
    require_text_or_blocks(params)
    ts = ws.next_ts()
    ephemeral = {
        "ts": ts,
        "channel": channel_id,
        "user": user_id,
        "text": params.get("text") or "",
        "blocks": params.get("blocks") or [],
    }
    ws.ephemerals.append(ephemeral)
    return {"message_ts": ts}


def get_permalink(ws: Workspace, params: Params) -> dict[str, Any]:
    channel_id = ws.require_channel(params)
    message = ws.find_message(channel_id, params.get("message_ts"))
    permalink = (
        f"https://{TEAM_DOMAIN}.slack.com/archives/{channel_id}/p{message['ts'].replace('.', '')}"
    )
    return {"channel": channel_id, "permalink": permalink}


def add_reaction(ws: Workspace, params: Params) -> dict[str, Any]:
    channel_id = ws.require_channel(params)
    name = str(params.get("name") or "").strip(":")
    if not name:
        raise SlackApiFault("invalid_name")
    message = ws.find_message(channel_id, params.get("timestamp"))
    reactions = message.setdefault("reactions", [])
    for reaction in reactions:
        if reaction["name"] == name:
            if BOT_USER_ID in reaction["users"]:
                raise SlackApiFault("already_reacted")
            reaction["users"].append(BOT_USER_ID)
            reaction["count"] += 1
            return {}
    reactions.append({"name": name, "users": [BOT_USER_ID], "count": 1})
    return {}


METHODS: dict[str, Method] = {
    "chat.postMessage": post_message,
    "chat.update": update,
    "chat.delete": delete,
    "chat.postEphemeral": post_ephemeral,
    "chat.getPermalink": get_permalink,
    "reactions.add": add_reaction,
}


def new_response_url(
    ws: Workspace, user_id: str | None, channel_id: str | None, message_ts: str | None
) -> str:
    key = f"{len(ws.response_urls) + 1:06d}"
    url = f"{ws.root_url()}response_url/{key}"
    ws.response_urls[key] = {
        "url": url,
        "user_id": user_id,
        "channel_id": channel_id,
        "message_ts": message_ts,
    }
    return url


def answer_response_url(ws: Workspace, params: Params, meta: dict[str, Any]) -> dict[str, Any]:
    """A post to a response_url: delete or replace the original, post in the channel, or
    (the default) show an ephemeral to the person who clicked."""
    channel_id = ws.resolve_channel(meta.get("channel_id"))
    message_ts = meta.get("message_ts")
    if params.get("delete_original") in (True, "true"):
        if channel_id and message_ts:
            stored = ws.messages.get(channel_id, [])
            ws.messages[channel_id] = [m for m in stored if m["ts"] != message_ts]
        return {"ok": True}
    if params.get("replace_original") in (True, "true") and channel_id and message_ts:
        for message in ws.messages.get(channel_id, []):
            if message["ts"] == message_ts:
                for key in ("text", "blocks", "attachments"):
                    if key in params:
                        message[key] = params[key]
                return {"ok": True}
    if params.get("response_type") == "in_channel" and channel_id:
        ws.new_message(channel_id, params)
        return {"ok": True}
    ws.ephemerals.append(
        {
            "ts": ws.next_ts(),
            "channel": channel_id,
            "user": meta.get("user_id"),
            "text": params.get("text") or "",
            "blocks": params.get("blocks") or [],
        }
    )
    return {"ok": True}
