"""/loop-load: a team's interview load this week and next, against each person's caps."""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages.blocks import context, section
from bot.planning.load import PersonLoad
from bot.slack_text import escape, mention


def _line(row: PersonLoad) -> str:
    who = mention(row.slack_user_id) if row.slack_user_id else escape(row.name)
    full = " :warning:" if row.this_week >= row.weekly_cap else ""
    day = f" · busiest day {row.busiest_day} of {row.daily_cap}" if row.daily_cap else ""
    return (
        f"{who}: {row.this_week} of {row.weekly_cap} this week{full} · "
        f"{row.next_week} next week{day}"
    )


def load_message(team: str, rows: Sequence[PersonLoad]) -> dict:
    title = f"*Interview load — {escape(team)}*" if team else "*Interview load — everyone*"
    if not rows:
        text = f"{title}\nNobody on the roster for that team. Try `/loop-load payments`."
        return {"text": text, "blocks": [section(text)]}
    body = "\n".join(_line(r) for r in rows)
    return {
        "text": f"{title}\n{body}",
        "blocks": [
            section(title),
            section(body),
            context("Weeks and days are each person's own. Caps come from the roster."),
        ],
    }
