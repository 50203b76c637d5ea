"""files.*: the two-step external upload (get an upload URL, send the bytes, complete it),
sharing the file into channels as a message."""

from __future__ import annotations

from typing import Any

from loopbot.demo.fake_slack.workspace import (
    BOT_USER_ID,
    TEAM_DOMAIN,
    Method,
    Params,
    SlackApiFault,
    Workspace,
)


def get_upload_url_external(ws: Workspace, params: Params) -> dict[str, Any]:
    filename = params.get("filename")
    length = params.get("length")
    if not filename or length in (None, ""):
        raise SlackApiFault("invalid_arguments")
    ws.file_counter += 1
    file_id = f"F{ws.file_counter:09d}"
    ws.files[file_id] = {
        "id": file_id,
        "name": filename,
        "title": filename,
        "length": int(length),
        "alt_txt": params.get("alt_txt"),
        "content": b"",
        "uploaded": False,
        "channels": [],
    }
    return {"upload_url": f"{ws.root_url()}upload/v1/{file_id}", "file_id": file_id}


def receive_upload(ws: Workspace, file_id: str, content: bytes) -> bool:
    """The bytes posted to an upload URL; False when the URL names no file."""
    stored = ws.files.get(file_id)
    if stored is None:
        return False
    stored["content"] = content
    stored["uploaded"] = True
    return True


def complete_upload_external(ws: Workspace, params: Params) -> dict[str, Any]:
    entries = params.get("files")
    if not isinstance(entries, list) or not entries:
        raise SlackApiFault("invalid_arguments")
    stored = []
    for entry in entries:
        file = ws.files.get(entry.get("id", "")) if isinstance(entry, dict) else None
        if file is None or not file["uploaded"]:
            raise SlackApiFault("file_not_found")
        if entry.get("title"):
            file["title"] = entry["title"]
        stored.append(file)

    targets = []
    if params.get("channel_id"):
        targets.append(ws.require_channel(params, "channel_id"))
    for channel in str(params.get("channels") or "").split(","):
        if channel.strip():
            targets.append(ws.require_channel({"channel": channel.strip()}))

    shared = [_file_object(ws, f) for f in stored]
    for channel_id in targets:
        for file in stored:
            file["channels"].append(channel_id)
        message_params = {
            "text": params.get("initial_comment") or "",
            "thread_ts": params.get("thread_ts"),
        }
        ws.new_message(channel_id, message_params, files=shared, upload=True)
    return {"files": shared}


def _file_object(ws: Workspace, file: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": file["id"],
        "name": file["name"],
        "title": file["title"],
        "size": len(file["content"]),
        "mimetype": "application/octet-stream",
        "user": BOT_USER_ID,
        "url_private": f"{ws.root_url()}files/{file['id']}/{file['name']}",
        "permalink": f"https://{TEAM_DOMAIN}.slack.com/files/{BOT_USER_ID}/{file['id']}",
    }


METHODS: dict[str, Method] = {
    "files.getUploadURLExternal": get_upload_url_external,
    "files.completeUploadExternal": complete_upload_external,
}
