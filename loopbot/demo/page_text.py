"""The candidate's page and mail as a person sees them, written as text for the demo's
transcript (BeautifulSoup reads the served HTML; nothing here knows the page's template)."""

from __future__ import annotations

import re
import textwrap
from email.message import EmailMessage

from bs4 import BeautifulSoup, Tag

WIDTH = 78
BLOCKS = {"h1", "h2", "p", "legend", "label", "button", "li", "div"}


def page_text(html: str, indent: str = "  │ ") -> str:
    soup = BeautifulSoup(html, "html.parser")
    lines: list[str] = []
    _walk(soup.find("main") or soup, lines)
    return "\n".join(indent + line if line else indent.rstrip() for line in lines) + "\n"


def _walk(node: Tag, lines: list[str]) -> None:
    for child in node.children:
        if not isinstance(child, Tag) or child.name in ("script", "style"):
            continue
        if child.name == "input" and child.get("type") == "hidden":
            continue
        if child.name == "div" and "hours" in (child.get("class") or []):
            boxes = [_choice(label) for label in child.find_all("label")]
            lines.extend(textwrap.wrap("   ".join(boxes), WIDTH, break_on_hyphens=False))
        elif child.name in BLOCKS - {"div"}:
            _block(child, lines)
        else:
            _walk(child, lines)


def _text(node: Tag) -> str:
    text = " ".join(node.get_text(" ", strip=True).split())
    return re.sub(r" ([.,;:!?])", r"\1", text)


def _choice(label: Tag) -> str:
    box = label.find("input")
    mark = "x" if box is not None and box.has_attr("checked") else " "
    if box is not None and box.get("type") == "radio":
        return f"({'•' if mark == 'x' else ' '}) {_text(label)}"
    return f"[{mark}] {_text(label)}"


def _block(node: Tag, lines: list[str]) -> None:
    text = _text(node)
    if node.name == "h1":
        lines += [text, "═" * len(text)]
    elif node.name == "h2":
        lines += ["", text, "─" * len(text)]
    elif node.name == "legend":
        lines.append(f"{text}:")
    elif node.name == "button":
        lines.append(f"[ {text} ]")
    elif node.name == "label" and node.find("input") is not None:
        lines.append(_choice(node))
    elif node.name == "label":
        target = node.find_parent().find(id=node.get("for")) if node.get("for") else None
        if target is not None and target.name == "select":
            chosen = target.find("option", selected=True) or target.find("option")
            lines.append(f"{text}: [{_text(chosen)} ▾]")
        else:
            heading = text if text.endswith(("?", ":")) else f"{text}:"
            lines += [heading, f"[{(_text(target) if target else '') or ' ' * 40:<40}]"]
    elif node.name == "li":
        links = [f"{_text(a)} <{a['href']}>" for a in node.find_all("a", href=True)]
        for a in node.find_all("a"):
            a.extract()
        lines += textwrap.wrap("• " + _text(node), WIDTH, subsequent_indent="  ")
        lines += [f"  {link}" for link in links]
    else:
        for a in node.find_all("a", href=True):
            a.replace_with(f"{_text(a)} <{a['href']}>")
        lines += textwrap.wrap(_text(node), WIDTH) or [""]


def mail_text(message: EmailMessage, indent: str = "  │ ") -> str:
    """A received email as its reader sees it: headers, the plain-text part, attachments."""
    body = message.get_body(("plain",)).get_content().rstrip()
    lines = [
        f"From: {message['From']}",
        f"To: {message['To']}",
        f"Subject: {message['Subject']}",
        "",
        *body.splitlines(),
    ]
    for part in message.iter_attachments():
        method = part.get_param("method")
        lines.append(f"📎 {part.get_filename()} ({part.get_content_type()}, METHOD:{method})")
    return "\n".join(indent + line if line else indent.rstrip() for line in lines) + "\n"
