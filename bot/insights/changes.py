"""Plans that changed: stages re-planned or rescheduled, interviewers who dropped out, loops
declined and pivots, each with its reason where one was recorded.

Read from the audit log, so any event that carries a `reason` (or the older `why` and `note`)
is counted under it; events without one count under an empty reason ("not recorded").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.insights.rows import Dataset, Period

KINDS = {
    "stage_replanned": "rescheduled",
    "stage_rescheduled": "rescheduled",
    "interview_declined": "interviewer declined",
    "decision_decline": "loop declined",
    "loop_pivoted": "pivoted",
}
REASON_FIELDS = ("reason", "why", "note")


@dataclass(frozen=True)
class ChangeCount:
    kind: str
    reason: str  # "" when none was recorded
    count: int


def changes(data: Dataset, period: Period) -> tuple[ChangeCount, ...]:
    counts: Counter[tuple[str, str]] = Counter()
    for event in data.events:
        kind = KINDS.get(event.action)
        if kind is not None and event.at in period:
            counts[(kind, reason_of(event.detail))] += 1
    order = list(dict.fromkeys(KINDS.values()))
    return tuple(
        ChangeCount(kind, reason, n)
        for (kind, reason), n in sorted(
            counts.items(), key=lambda item: (order.index(item[0][0]), -item[1], item[0][1])
        )
    )


def reason_of(detail) -> str:
    for name in REASON_FIELDS:
        value = detail.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""
