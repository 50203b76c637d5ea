"""Slack mrkdwn as plain text: mentions, channel links, links and date tokens resolved."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loopbot.demo.transcript.dates import format_date_token
from loopbot.demo.transcript.directory import Directory

DEFAULT_TZ = "UTC"


@dataclass
class Reader:
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


def mrkdwn_to_text(
    text: str,
    reader_tz: str | None,
    *,
    directory: Directory | None = None,
    now: datetime | None = None,
) -> str:
    """Slack mrkdwn with mentions, channel links, links and date tokens resolved."""
    reader = Reader(tz=reader_tz or DEFAULT_TZ, directory=directory, now=now)
    return reader.mrkdwn(text)
