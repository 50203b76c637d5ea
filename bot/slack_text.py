"""mrkdwn helpers: Slack date tokens (each reader sees their own zone), mentions, escaping."""

from __future__ import annotations

from datetime import UTC, datetime


def when(moment: datetime, style: str = "{date_short_pretty} {time}") -> str:
    """A Slack date token; the fallback (old clients, notifications) is spelled out in UTC."""
    fallback = moment.astimezone(UTC).strftime("%a %d %b %Y %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{style}|{fallback}>"


def span(start: datetime, end: datetime) -> str:
    """`Tue, Nov 24 2:00 PM–2:45 PM` in the reader's zone."""
    return f"{when(start)}–{when(end, '{time}')}"


def mention(slack_user_id: str) -> str:
    return f"<@{slack_user_id}>"


def escape(text: str) -> str:
    """What a person typed, made safe to put inside mrkdwn (no accidental @channel)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
