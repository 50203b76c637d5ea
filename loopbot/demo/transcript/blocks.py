"""Block Kit as plain text: sections, inputs, buttons, selects, rich text and attachments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from loopbot.demo.transcript.dates import format_date_token
from loopbot.demo.transcript.directory import Directory
from loopbot.demo.transcript.mrkdwn import DEFAULT_TZ, Reader


def _option_text(reader: Reader, option: Any) -> str:
    return reader.text(option.get("text")) if isinstance(option, dict) else ""


def _element(reader: Reader, element: dict[str, Any]) -> str:
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


def _select(reader: Reader, chosen: str, placeholder: str) -> str:
    shown = chosen or placeholder or "Select"
    return f"[ {shown} ▾ ]"


def _rich_text(reader: Reader, elements: Iterable[Any]) -> str:
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


def _block_lines(reader: Reader, block: dict[str, Any]) -> list[str]:
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


def render_blocks(reader: Reader, blocks: Iterable[Any]) -> list[str]:
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
    reader = Reader(tz=reader_tz or DEFAULT_TZ, directory=directory, now=now)
    return "\n".join(render_blocks(reader, blocks))


def message_lines(reader: Reader, message: Mapping[str, Any]) -> list[str]:
    """A message's visible content: its blocks, else its text; plus legacy attachments."""
    lines = render_blocks(reader, message.get("blocks") or [])
    if not lines and message.get("text"):
        lines = reader.mrkdwn(str(message["text"])).splitlines()
    for attachment in message.get("attachments") or []:
        if not isinstance(attachment, dict):
            continue
        inner = render_blocks(reader, attachment.get("blocks") or [])
        if not inner:
            text = attachment.get("text") or attachment.get("fallback") or ""
            inner = reader.mrkdwn(str(text)).splitlines()
        lines.extend("| " + line for line in inner)
    return lines
