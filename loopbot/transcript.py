"""Turn recorded Slack Web API calls into "what each person sees".

``render_transcript(fake.calls, fake)`` gives a readable, chronological account of every DM,
channel post, ephemeral, modal and App Home the bot produced, with Block Kit rendered as text
and Slack date tokens shown in each reader's own time zone. ``blocks_to_text`` is the
lower-level piece for one message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

INDENT = "    "
THREAD_INDENT = "      "
DEFAULT_TZ = "UTC"


class UserInfo(NamedTuple):
    name: str
    tz: str


class Directory(Protocol):
    """Who is who; FakeSlack implements this from its own directory."""

    def lookup_user(self, user_id: str) -> tuple[str, str] | None:
        """(display name, IANA time zone) or None."""
        ...

    def lookup_channel(self, channel_id: str) -> str | None:
        """Channel name without '#', or None."""
        ...

    def dm_user(self, channel_id: str) -> str | None:
        """The person a D-channel is a DM with, or None."""
        ...

    def trigger_user(self, trigger_id: str) -> str | None:
        """The person whose click produced ``trigger_id``, or None."""
        ...


@dataclass
class StaticDirectory:
    """A Directory from plain dicts: users id → (name, tz), channels id → name, etc."""

    users: dict[str, tuple[str, str]] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    dms: dict[str, str] = field(default_factory=dict)  # D-id -> user id
    triggers: dict[str, str] = field(default_factory=dict)  # trigger_id -> user id

    def lookup_user(self, user_id: str) -> tuple[str, str] | None:
        return self.users.get(user_id)

    def lookup_channel(self, channel_id: str) -> str | None:
        return self.channels.get(channel_id)

    def dm_user(self, channel_id: str) -> str | None:
        return self.dms.get(channel_id)

    def trigger_user(self, trigger_id: str) -> str | None:
        return self.triggers.get(trigger_id)


# --------------------------------------------------------------------------- date tokens

_ORDINALS = {1: "st", 2: "nd", 3: "rd"}


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else _ORDINALS.get(day % 10, "th")
    return f"{day}{suffix}"


def _relative_day(when: datetime, now: datetime) -> str | None:
    delta = (when.date() - now.astimezone(when.tzinfo).date()).days
    return {-1: "yesterday", 0: "today", 1: "tomorrow"}.get(delta)


def _ago(when: datetime, now: datetime) -> str:
    seconds = int((now - when).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            phrase = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {phrase}" if future else f"{phrase} ago"
    return "just now"


def _date_token_part(token: str, when: datetime, now: datetime) -> str | None:
    short = f"{when:%b} {when.day}, {when.year}"
    full = f"{when:%B} {_ordinal(when.day)}, {when.year}"
    long = f"{when:%A}, {full}"
    relative = _relative_day(when, now)
    parts: dict[str, Callable[[], str]] = {
        "date_num": lambda: f"{when:%Y-%m-%d}",
        "date": lambda: full,
        "date_short": lambda: short,
        "date_long": lambda: long,
        "date_pretty": lambda: relative or full,
        "date_short_pretty": lambda: relative or short,
        "date_long_pretty": lambda: relative or long,
        # 24-hour clock: the transcript is read by developers, not localised per person.
        "time": lambda: f"{when:%H:%M}",
        "time_secs": lambda: f"{when:%H:%M:%S}",
        "ago": lambda: _ago(when, now),
    }
    render = parts.get(token)
    return render() if render else None


def format_date_token(
    epoch: int, template: str, reader_tz: str, now: datetime | None = None
) -> str:
    """Render a Slack ``<!date^epoch^template|…>`` template in ``reader_tz``."""
    when = datetime.fromtimestamp(epoch, tz=ZoneInfo(reader_tz))
    now = now or datetime.now(UTC)

    def replace(match: re.Match[str]) -> str:
        rendered = _date_token_part(match.group(1), when, now)
        return match.group(0) if rendered is None else rendered

    return re.sub(r"\{(\w+)\}", replace, template)


# --------------------------------------------------------------------------- mrkdwn


@dataclass
class _Reader:
    """Rendering context: whose eyes, which directory, what "now" is."""

    tz: str = DEFAULT_TZ
    directory: Directory | None = None
    now: datetime | None = None
    saw_dates: bool = False

    def user_name(self, user_id: str, fallback: str | None = None) -> str:
        found = self.directory.lookup_user(user_id) if self.directory else None
        return found[0] if found else (fallback or user_id)

    def channel_name(self, channel_id: str, fallback: str | None = None) -> str:
        found = self.directory.lookup_channel(channel_id) if self.directory else None
        return found or fallback or channel_id

    def mrkdwn(self, text: str) -> str:
        return _unescape(re.sub(r"<([^<>]+)>", self._special, text))

    def _special(self, match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "@" + self.user_name(target[1:], label.lstrip("@") or None)
        if target.startswith("#"):
            return "#" + self.channel_name(target[1:], label.lstrip("#") or None)
        if target.startswith("!date^"):
            pieces = target.split("^")
            try:
                epoch = int(pieces[1])
            except (IndexError, ValueError):
                return label or inner
            self.saw_dates = True
            template = pieces[2] if len(pieces) > 2 else "{date}"
            return format_date_token(epoch, template, self.tz, self.now)
        if target.startswith("!subteam^"):
            return label or "@" + target.split("^", 1)[1]
        if target.startswith("!"):
            return "@" + target[1:]
        if label:
            return f"{label} ({target.removeprefix('mailto:')})"
        return target.removeprefix("mailto:")

    def text(self, obj: Any) -> str:
        if isinstance(obj, str):
            return obj
        if not isinstance(obj, dict):
            return ""
        if obj.get("type") == "mrkdwn":
            return self.mrkdwn(str(obj.get("text", "")))
        return str(obj.get("text", ""))


def _unescape(text: str) -> str:
    # Slack escapes exactly these three in mrkdwn; &amp; last so "&amp;lt;" stays "&lt;".
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --------------------------------------------------------------------------- Block Kit


def _option_text(reader: _Reader, option: Any) -> str:
    return reader.text(option.get("text")) if isinstance(option, dict) else ""


def _element(reader: _Reader, element: dict[str, Any]) -> str:
    kind = element.get("type", "")
    placeholder = reader.text(element.get("placeholder")) if element.get("placeholder") else ""

    def boxed(value: str | None) -> str:
        if value:
            return f"[ {value} ]"
        if placeholder:
            return f"[ placeholder: {placeholder} ]"
        return "[  ]"

    if kind == "button":
        return f"[ {reader.text(element.get('text'))} ]"
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
        return boxed(element.get("initial_value"))
    if kind in ("static_select", "external_select"):
        initial = element.get("initial_option")
        return _select(reader, _option_text(reader, initial) if initial else "", placeholder)
    if kind in ("multi_static_select", "multi_external_select"):
        chosen = [_option_text(reader, o) for o in element.get("initial_options") or []]
        return _select(reader, ", ".join(chosen), placeholder)
    if kind == "users_select":
        user = element.get("initial_user")
        return _select(reader, "@" + reader.user_name(user) if user else "", placeholder)
    if kind == "multi_users_select":
        users = element.get("initial_users") or []
        chosen = ", ".join("@" + reader.user_name(u) for u in users)
        return _select(reader, chosen, placeholder)
    if kind in ("conversations_select", "channels_select"):
        channel = element.get("initial_conversation") or element.get("initial_channel")
        return _select(reader, "#" + reader.channel_name(channel) if channel else "", placeholder)
    if kind in ("multi_conversations_select", "multi_channels_select"):
        channels = element.get("initial_conversations") or element.get("initial_channels") or []
        chosen = ", ".join("#" + reader.channel_name(c) for c in channels)
        return _select(reader, chosen, placeholder)
    if kind == "datepicker":
        return boxed(element.get("initial_date") and f"date: {element['initial_date']}")
    if kind == "timepicker":
        return boxed(element.get("initial_time") and f"time: {element['initial_time']}")
    if kind == "datetimepicker":
        epoch = element.get("initial_date_time")
        if epoch is None:
            return boxed(None)
        reader.saw_dates = True
        when = format_date_token(int(epoch), "{date_short} {time}", reader.tz, reader.now)
        return boxed(f"date & time: {when}")
    if kind in ("checkboxes", "radio_buttons"):
        initial = element.get("initial_options") or []
        if kind == "radio_buttons" and element.get("initial_option"):
            initial = [element["initial_option"]]
        chosen = {o.get("value") for o in initial if isinstance(o, dict)}
        marks = ("[x]", "[ ]") if kind == "checkboxes" else ("(•)", "( )")
        return "  ".join(
            f"{marks[0] if o.get('value') in chosen else marks[1]} {_option_text(reader, o)}"
            for o in element.get("options") or []
        )
    if kind == "overflow":
        return "[ … ]"
    if kind == "image":
        return f"(image: {element.get('alt_text', '')})"
    if kind in ("mrkdwn", "plain_text"):
        return reader.text(element)
    return f"({kind or 'element'})"


def _select(reader: _Reader, chosen: str, placeholder: str) -> str:
    shown = chosen or placeholder or "Select"
    return f"[ {shown} ▾ ]"


def _rich_text(reader: _Reader, elements: Iterable[Any]) -> str:
    out: list[str] = []
    for element in elements:
        if not isinstance(element, dict):
            continue
        kind = element.get("type")
        if kind in ("rich_text_section", "rich_text_preformatted", "rich_text_quote"):
            out.append(_rich_text(reader, element.get("elements") or []))
        elif kind == "rich_text_list":
            bullet = "1." if element.get("style") == "ordered" else "•"
            for item in element.get("elements") or []:
                out.append(f"\n{bullet} {_rich_text(reader, item.get('elements') or [])}")
        elif kind == "text":
            out.append(str(element.get("text", "")))
        elif kind == "user":
            out.append("@" + reader.user_name(element.get("user_id", "")))
        elif kind == "channel":
            out.append("#" + reader.channel_name(element.get("channel_id", "")))
        elif kind == "link":
            out.append(element.get("text") or element.get("url", ""))
        elif kind == "emoji":
            out.append(f":{element.get('name', '')}:")
        elif kind == "date":
            reader.saw_dates = True
            out.append(
                format_date_token(
                    int(element.get("timestamp", 0)),
                    element.get("format", "{date}"),
                    reader.tz,
                    reader.now,
                )
            )
    return "".join(out)


def _block_lines(reader: _Reader, block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        return [f"# {reader.text(block.get('text'))}"]
    if kind == "divider":
        return ["────────"]
    if kind == "section":
        lines: list[str] = []
        if block.get("text"):
            lines.extend(reader.text(block["text"]).splitlines() or [""])
        for text_field in block.get("fields") or []:
            lines.extend(reader.text(text_field).splitlines())
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            rendered = _element(reader, accessory)
            if lines:
                lines[-1] = f"{lines[-1]}  {rendered}"
            else:
                lines.append(rendered)
        return lines
    if kind == "context":
        parts = [_element(reader, e) for e in block.get("elements") or [] if isinstance(e, dict)]
        return ["› " + line for line in "  ".join(parts).splitlines()]
    if kind == "actions":
        return ["  ".join(_element(reader, e) for e in block.get("elements") or [])]
    if kind == "input":
        label = reader.text(block.get("label"))
        if block.get("optional"):
            label += " (optional)"
        element = block.get("element") if isinstance(block.get("element"), dict) else {}
        lines = [f"{label}: {_element(reader, element)}"]
        if block.get("hint"):
            lines.append(f"  ({reader.text(block['hint'])})")
        return lines
    if kind == "image":
        title = reader.text(block.get("title")) if block.get("title") else ""
        return [f"(image: {block.get('alt_text', '')}{' — ' + title if title else ''})"]
    if kind == "rich_text":
        return _rich_text(reader, block.get("elements") or []).splitlines()
    if kind == "file":
        return [f"(file {block.get('external_id', '')})"]
    return [f"({kind} block)"]


def _blocks(reader: _Reader, blocks: Iterable[Any]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, dict):
            lines.extend(_block_lines(reader, block))
    return lines


def blocks_to_text(
    blocks: Iterable[Any],
    reader_tz: str | None,
    *,
    directory: Directory | None = None,
    now: datetime | None = None,
) -> str:
    """Block Kit as plain text, dates in ``reader_tz``, mentions resolved via ``directory``."""
    reader = _Reader(tz=reader_tz or DEFAULT_TZ, directory=directory, now=now)
    return "\n".join(_blocks(reader, blocks))


def mrkdwn_to_text(
    text: str,
    reader_tz: str | None,
    *,
    directory: Directory | None = None,
    now: datetime | None = None,
) -> str:
    """Slack mrkdwn with mentions, channel links, links and date tokens resolved."""
    reader = _Reader(tz=reader_tz or DEFAULT_TZ, directory=directory, now=now)
    return reader.mrkdwn(text)


def _message_lines(reader: _Reader, message: Mapping[str, Any]) -> list[str]:
    """A message's visible content: its blocks, else its text; plus legacy attachments."""
    lines = _blocks(reader, message.get("blocks") or [])
    if not lines and message.get("text"):
        lines = reader.mrkdwn(str(message["text"])).splitlines()
    for attachment in message.get("attachments") or []:
        if not isinstance(attachment, dict):
            continue
        inner = _blocks(reader, attachment.get("blocks") or [])
        if not inner:
            text = attachment.get("text") or attachment.get("fallback") or ""
            inner = reader.mrkdwn(str(text)).splitlines()
        lines.extend("| " + line for line in inner)
    return lines


# --------------------------------------------------------------------------- transcript


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

    def reader(self, tz: str) -> _Reader:
        return _Reader(tz=tz, directory=self.directory, now=self.now)

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
        lines = _message_lines(reader, message) or ["(empty message)"]
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
        lines = _blocks(reader, view.get("blocks") or [])
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
        lines = _blocks(self.reader(info.tz), view.get("blocks") or []) or ["(empty)"]
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
            lines = _message_lines(reader, comment) + attached
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


__all__ = [
    "Directory",
    "StaticDirectory",
    "UserInfo",
    "blocks_to_text",
    "format_date_token",
    "mrkdwn_to_text",
    "render_transcript",
]
