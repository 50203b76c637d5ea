"""The same figures for a spreadsheet or a BI tool: JSON (one document, a list per measure) or
CSV in long form (one figure per row, so a pivot table can slice it any way).

Durations are hours with two decimals. Free text (names, reasons) that a spreadsheet would
read as a formula is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from bot.insights.report import Insights

CSV_COLUMNS = (
    "section",
    "track",
    "stage",
    "level",
    "interviewer",
    "slack_user_id",
    "week",
    "kind",
    "reason",
    "measure",
    "value",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_json(insights: Insights) -> str:
    return json.dumps(document(insights), indent=2, ensure_ascii=False) + "\n"


def to_csv(insights: Insights) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in _long_rows(insights):
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def document(insights: Insights) -> dict:
    period, scope = insights.period, insights.scope
    return {
        "scope": {"team": scope.team, "pool": scope.pool, "label": scope.label},
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "zone": period.zone,
            "label": period.label,
        },
        "loops_started": insights.loops_started,
        "time_to_schedule": [_timing(t) for t in insights.time_to_schedule],
        "time_in_stage": [_timing(t) for t in insights.time_in_stage],
        "funnel": [_passage(p) for p in insights.funnel],
        "pass_through": [_passage(p) for p in insights.pass_through],
        "feedback": [
            {
                "interviewer": f.name,
                "slack_user_id": f.slack_user_id,
                "given": f.given,
                "median_hours": _hours(f.median),
                "p90_hours": _hours(f.p90),
                "overdue": f.overdue,
                "missing": f.missing,
            }
            for f in insights.feedback
        ],
        "load": [
            {
                "interviewer": w.name,
                "slack_user_id": w.slack_user_id,
                "week": w.week.isoformat(),
                "interviews": w.interviews,
                "cap": w.cap,
                "over_cap": w.over_cap,
            }
            for w in insights.load
        ],
        "changes": [
            {"kind": c.kind, "reason": c.reason, "count": c.count} for c in insights.changes
        ],
    }


def _timing(t) -> dict:
    return {
        "track": t.track,
        "stage": t.stage,
        "title": t.title,
        "count": t.count,
        "median_hours": _hours(t.median),
        "p90_hours": _hours(t.p90),
    }


def _passage(p) -> dict:
    return {
        "track": p.track,
        "stage": p.stage,
        "title": p.title,
        "level": p.level,
        "reached": p.reached,
        "moved_on": p.passed,
        "declined": p.declined,
        "still_in": p.still_in,
        "rate": None if p.rate is None else round(p.rate, 4),
    }


def _long_rows(insights: Insights) -> Iterator[dict]:
    doc = document(insights)
    yield {"section": "loops", "measure": "started", "value": insights.loops_started}
    labels = {"interviewer", "slack_user_id", "track", "stage", "level", "week", "kind", "reason"}
    for section in (
        "time_to_schedule",
        "time_in_stage",
        "funnel",
        "pass_through",
        "feedback",
        "load",
        "changes",
    ):
        for record in doc[section]:
            keys = {k: v for k, v in record.items() if k in labels}
            for measure, value in record.items():
                if measure not in labels and measure != "title":
                    yield {"section": section, **keys, "measure": measure, "value": value}


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
