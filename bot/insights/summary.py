"""Insights in a few lines of mrkdwn: the answer's text above its charts, and a recruiter's
numbers for the week on the Home tab. Names only, never mentions: nobody is pinged because
they appear in someone else's figures."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.insights.changes import ChangeCount
from bot.insights.report import Insights
from bot.insights.rows import Period
from bot.insights.stats import median
from bot.slack_text import escape

CHANGE_WORDS = {
    "rescheduled": ("stage re-planned", "stages re-planned"),
    "interviewer declined": ("interviewer dropped out", "interviewers dropped out"),
    "loop declined": ("loop declined", "loops declined"),
    "pivoted": ("pivot", "pivots"),
}


def duration(hours: float) -> str:
    """Minutes under an hour, hours under two days, days beyond."""
    if hours < 1:
        return f"{round(hours * 60)} min"
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} d"


def summary_text(insights: Insights) -> str:
    title = f"*Insights · {escape(insights.scope.label)} · {escape(period_label(insights.period))}*"
    lines = [title, _volume(insights)]
    by_track: dict[str, list[str]] = {}
    for s in insights.funnel:
        by_track.setdefault(s.track, []).append(
            f"{escape(s.title)} {s.passed}/{s.reached}"
            + (f" ({s.still_in} still in)" if s.still_in else "")
        )
    for track, steps in by_track.items():
        named = f" ({escape(insights.track_title(track))})" if len(by_track) > 1 else ""
        lines.append(f"Pass-through{named}: " + " → ".join(steps))
    slowest = max(
        (t for t in insights.time_in_stage if t.count), key=lambda t: t.median or 0, default=None
    )
    if slowest is not None:
        lines.append(
            f"Longest in stage: {escape(slowest.title)}, median {duration(slowest.median)}"
        )
    lines += _feedback(insights)
    over = [w for w in insights.load if w.over_cap]
    if over:
        lines.append(
            "Over their weekly cap: "
            + ", ".join(
                f"{escape(w.name)} (week of {w.week:%-d %b}: {w.interviews} of {w.cap})"
                for w in over
            )
        )
    if insights.changes:
        lines.append("Changes: " + " · ".join(_changes(insights.changes)))
    return "\n".join(lines)


def weekly_lines(insights: Insights) -> list[str]:
    """A recruiter's week at a glance (the Home tab)."""
    return [_volume(insights), *_feedback(insights)]


def period_label(period: Period) -> str:
    """The period's own label, or its first and last day."""
    last = period.end - timedelta(microseconds=1)
    zone = ZoneInfo(period.zone)
    first, last = period.start.astimezone(zone), last.astimezone(zone)
    return period.label or f"{first:%-d %b %Y} – {last:%-d %b %Y}"


def _volume(insights: Insights) -> str:
    booked = [h for t in insights.time_to_schedule for h in t.hours]
    text = f"*{insights.loops_started}* loops started · *{len(booked)}* stages booked"
    if booked:
        text += f" · median time to schedule *{duration(median(booked))}*"
    return text


def _feedback(insights: Insights) -> list[str]:
    given = [h for f in insights.feedback for h in f.hours]
    if not insights.feedback:
        return []
    text = "Feedback: "
    text += f"median {duration(median(given))} after the interview" if given else "none in yet"
    late = sorted(
        (f for f in insights.feedback if f.overdue), key=lambda f: (-f.overdue, f.name.casefold())
    )
    if late:
        text += " · overdue: " + ", ".join(f"{escape(f.name)} {f.overdue}" for f in late)
    return [text]


def _changes(changes: tuple[ChangeCount, ...]) -> list[str]:
    totals: Counter[str] = Counter()
    reasons: dict[str, list[ChangeCount]] = {}
    for change in changes:
        totals[change.kind] += change.count
        if change.reason and change.kind != "pivoted":  # a pivot's reason is about the person
            reasons.setdefault(change.kind, []).append(change)
    parts = []
    for kind, total in totals.items():
        one, many = CHANGE_WORDS.get(kind, (kind, kind))
        part = f"{total} {one if total == 1 else many}"
        given = reasons.get(kind, [])
        if len(given) == 1 and given[0].count == total:
            part += f" ({escape(given[0].reason)})"
        elif given:
            part += " (" + "; ".join(f"{escape(c.reason)}: {c.count}" for c in given) + ")"
        parts.append(part)
    return parts
