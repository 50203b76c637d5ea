"""Block Kit primitives every surface is built from: text objects, sections, context,
buttons, selects and form inputs.
"""

from __future__ import annotations

from collections.abc import Sequence


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text, "emoji": True}


def section(text: str, accessory: dict | None = None) -> dict:
    block = {"type": "section", "text": mrkdwn(text)}
    if accessory:
        block["accessory"] = accessory
    return block


def context(text: str) -> dict:
    return {"type": "context", "elements": [mrkdwn(text)]}


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict:
    element = {"type": "button", "text": plain(label), "action_id": action_id, "value": value}
    if style:
        element["style"] = style
    return element


def human(key: str) -> str:
    return key.replace("_", " ")


def option(value: str, label: str) -> dict:
    return {"text": plain(label[:75]), "value": value}


def static_select(action_id: str, options: Sequence[tuple[str, str]], initial: str | None) -> dict:
    element = {
        "type": "static_select",
        "action_id": action_id,
        "options": [option(v, label) for v, label in options],
    }
    chosen = [o for o in element["options"] if o["value"] == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return element


def input_block(
    block_id: str, label: str, element: dict, *, optional=False, hint: str = ""
) -> dict:
    block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def text_input(action_id: str, initial: str = "", placeholder: str = "", multiline=False):
    element = {"type": "plain_text_input", "action_id": action_id, "multiline": multiline}
    if initial:
        element["initial_value"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder)
    return element
