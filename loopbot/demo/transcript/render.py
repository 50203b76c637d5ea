"""The transcript itself: each recorded Web API call as what its reader saw, in call order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loopbot.demo.transcript.blocks import message_lines, render_blocks
from loopbot.demo.transcript.directory import Directory, UserInfo
from loopbot.demo.transcript.mrkdwn import DEFAULT_TZ, Reader

INDENT = "    "
THREAD_INDENT = "      "


@dataclass
class _Place:
    """Where a message shows up and through whose eyes."""

    label: str  # "DM to Ada Lovelace (Europe/London)" or "#recruiting"
    tz: str
    is_channel: bool
    note: str = ""  # whose zone channel times are shown in


class _Transcript:
    def __init__(
        self,
        directory: Directory,
        triggers: Mapping[str, str],
        viewer: str | None,
        viewer_tz: str | None,
        now: datetime | None,
        show_failures: bool,
    ):
        self.directory = directory
        self.triggers = triggers
        self.now = now
        self.show_failures = show_failures
        self.viewer_tz = viewer_tz or DEFAULT_TZ
        self.viewer_note = f"times in {self.viewer_tz}"
        if viewer:
            found = directory.lookup_user(viewer)
            if found:
                self.viewer_tz = viewer_tz or found[1]
                self.viewer_note = f"times as {found[0]} sees them, {self.viewer_tz}"
        self.entries: list[str] = []
        self.snippets: dict[tuple[str, str], str] = {}
        self.view_owner: dict[str, str] = {}
        self.file_names: dict[str, str] = {}

    # -- who and where

    def user(self, user_id: str | None) -> UserInfo:
        found = self.directory.lookup_user(user_id) if user_id else None
        if found:
            return UserInfo(found[0], found[1])
        return UserInfo(user_id or "someone", self.viewer_tz)

    def person(self, user_id: str | None) -> str:
        info = self.user(user_id)
        return f"{info.name} ({info.tz})"

    def place(self, channel: str | None) -> _Place:
        channel = channel or ""
        owner = None
        if channel[:1] in ("U", "W"):
            owner = channel
        elif channel[:1] == "D":
            owner = self.directory.dm_user(channel)
        if owner:
            info = self.user(owner)
            return _Place(f"DM to {info.name} ({info.tz})", info.tz, is_channel=False)
        name = channel.lstrip("#") if channel.startswith("#") else None
        name = name or self.directory.lookup_channel(channel) or channel
        return _Place(f"#{name}", self.viewer_tz, is_channel=True, note=self.viewer_note)

    def trigger_owner(self, trigger_id: Any) -> str | None:
        if not trigger_id:
            return None
        owner = self.triggers.get(str(trigger_id))
        lookup = getattr(self.directory, "trigger_user", None)
        if owner is None and lookup is not None:
            owner = lookup(str(trigger_id))
        return owner

    # -- output

    def reader(self, tz: str) -> Reader:
        return Reader(tz=tz, directory=self.directory, now=self.now)

    def add(self, header: str, lines: list[str], indent: str = INDENT) -> None:
        body = [indent + line if line else "" for line in lines]
        self.entries.append("\n".join([header, *body]))

    def add_message(
        self,
        prefix: str,
        place: _Place,
        message: Mapping[str, Any],
        thread_ts: str | None = None,
        channel_id: str | None = None,
    ) -> list[str]:
        reader = self.reader(place.tz)
        lines = message_lines(reader, message) or ["(empty message)"]
        label = place.label
        if place.is_channel and reader.saw_dates:
            label = f"{label} ({place.note})"
        header = f"{prefix}{label}:"
        if thread_ts:
            parent = self.snippets.get((channel_id or "", thread_ts))
            thread = "  ↳ in thread" + (f" on “{parent}”" if parent else "") + ":"
            self.add(f"{header}\n{thread}", lines, THREAD_INDENT)
        else:
            self.add(header, lines)
        return lines

    # -- per method

    def render(self, call: Any) -> None:
        if not call.ok:
            if self.show_failures and call.method not in ("file_upload",):
                error = call.response.get("error") if isinstance(call.response, dict) else ""
                self.entries.append(f"(failed {call.method}: HTTP {call.status} {error})".strip())
            return
        handler = getattr(self, "_" + call.method.replace(".", "_"), None)
        if handler is not None:
            handler(call.params, call.response or {}, call)

    def _chat_postMessage(self, params: dict, response: dict, call: Any) -> None:
        channel = response.get("channel") or params.get("channel")
        message = response.get("message") or params
        lines = self.add_message("", self.place(channel), message, params.get("thread_ts"), channel)
        if response.get("ts"):
            self.snippets[(channel, response["ts"])] = _snippet(lines)

    def _chat_update(self, params: dict, response: dict, call: Any) -> None:
        channel = response.get("channel") or params.get("channel")
        message = response.get("message") or params
        lines = self.add_message("(updated) ", self.place(channel), message)
        self.snippets[(channel, params.get("ts", ""))] = _snippet(lines)

    def _chat_delete(self, params: dict, response: dict, call: Any) -> None:
        channel = response.get("channel") or params.get("channel")
        snippet = self.snippets.get((channel, params.get("ts", "")))
        what = f"“{snippet}”" if snippet else "a message"
        self.entries.append(f"(deleted) {what} in {self.place(channel).label}")

    def _chat_postEphemeral(self, params: dict, response: dict, call: Any) -> None:
        info = self.user(params.get("user"))
        where = self.place(params.get("channel"))
        place = _Place(f"only visible to {info.name} ({info.tz}) in {where.label}", info.tz, False)
        self.add_message("", place, params, params.get("thread_ts"), params.get("channel"))

    def _response_url(self, params: dict, response: dict, call: Any) -> None:
        meta = getattr(call, "meta", {}) or {}
        user_id, channel_id = meta.get("user_id"), meta.get("channel_id")
        if params.get("delete_original") in (True, "true"):
            self.entries.append(f"(deleted) the original message, via {self.person(user_id)}")
            return
        if params.get("response_type") == "in_channel" and channel_id:
            self.add_message("", self.place(channel_id), params)
            return
        info = self.user(user_id)
        place = _Place(f"only visible to {info.name} ({info.tz})", info.tz, False)
        replacing = params.get("replace_original") in (True, "true")
        self.add_message("(updated) " if replacing else "", place, params)

    def _modal(self, prefix: str, owner: str | None, view: Mapping[str, Any]) -> None:
        info = self.user(owner)
        reader = self.reader(info.tz)
        title = reader.text(view.get("title")) if view.get("title") else "(untitled)"
        lines = render_blocks(reader, view.get("blocks") or [])
        buttons = []
        if view.get("submit"):
            buttons.append(f"[ {reader.text(view['submit'])} ]")
        if view.get("type", "modal") == "modal":
            close = reader.text(view["close"]) if view.get("close") else "Cancel"
            buttons.append(f"[ {close} ]")
        if buttons:
            lines.append("  ".join(buttons))
        self.add(f"{prefix}modal shown to {info.name} ({info.tz}): {title}", lines)

    def _views_open(self, params: dict, response: dict, call: Any) -> None:
        owner = self.trigger_owner(params.get("trigger_id"))
        view = response.get("view") or params.get("view") or {}
        if owner and view.get("id"):
            self.view_owner[view["id"]] = owner
        self._modal("", owner, params.get("view") or view)

    def _views_push(self, params: dict, response: dict, call: Any) -> None:
        self._views_open(params, response, call)

    def _views_update(self, params: dict, response: dict, call: Any) -> None:
        view = response.get("view") or {}
        owner = self.view_owner.get(view.get("id") or params.get("view_id") or "")
        self._modal("(updated) ", owner, params.get("view") or view)

    def _views_publish(self, params: dict, response: dict, call: Any) -> None:
        info = self.user(params.get("user_id"))
        view = params.get("view") or {}
        lines = render_blocks(self.reader(info.tz), view.get("blocks") or []) or ["(empty)"]
        self.add(f"App Home of {info.name} ({info.tz}):", lines)

    def _files_getUploadURLExternal(self, params: dict, response: dict, call: Any) -> None:
        if response.get("file_id"):
            self.file_names[response["file_id"]] = str(params.get("filename", ""))

    def _files_completeUploadExternal(self, params: dict, response: dict, call: Any) -> None:
        targets = [params.get("channel_id")] if params.get("channel_id") else []
        targets += [c for c in str(params.get("channels") or "").split(",") if c]
        names = []
        for entry in params.get("files") or []:
            if isinstance(entry, dict):
                name = self.file_names.get(entry.get("id", ""), entry.get("id", "file"))
                title = entry.get("title")
                names.append(f"{name} (“{title}”)" if title and title != name else name)
        attached = [f"attached file {name}" for name in names]
        comment = {"text": params.get("initial_comment") or ""}
        for channel in targets or [None]:
            place = (
                self.place(channel) if channel else _Place("(not shared)", self.viewer_tz, False)
            )
            reader = self.reader(place.tz)
            lines = message_lines(reader, comment) + attached
            self.add(f"{place.label}:", lines)

    def _reactions_add(self, params: dict, response: dict, call: Any) -> None:
        channel = params.get("channel")
        snippet = self.snippets.get((channel, params.get("timestamp", "")))
        what = f"“{snippet}”" if snippet else "a message"
        place = self.place(channel).label
        self.entries.append(f"(reaction :{params.get('name')}:) on {what} in {place}")


def _snippet(lines: list[str], width: int = 40) -> str:
    first = next((line for line in lines if line.strip()), "").lstrip("# ").strip()
    return first if len(first) <= width else first[: width - 1] + "…"


def render_transcript(
    calls: Iterable[Any],
    directory: Directory,
    *,
    triggers: Mapping[str, str] | None = None,
    viewer: str | None = None,
    viewer_tz: str | None = None,
    now: datetime | None = None,
    show_failures: bool = False,
) -> str:
    """What each person saw, in call order.

    DMs and ephemerals use the recipient's zone; channel posts use ``viewer_tz``, else the
    zone of ``viewer`` (a user id), else UTC, and say so when they contain dates. ``triggers``
    maps trigger_id → user id for attributing modals (the directory's ``trigger_user`` is
    asked too). Failed calls are left out unless ``show_failures``.
    """
    transcript = _Transcript(directory, triggers or {}, viewer, viewer_tz, now, show_failures)
    for call in calls:
        transcript.render(call)
    return "\n\n".join(transcript.entries) + ("\n" if transcript.entries else "")
