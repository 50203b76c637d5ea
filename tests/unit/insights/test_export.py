"""CSV and JSON exports carry the same figures as the measures, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import timedelta

from bot.insights import Scope, compute
from bot.insights.changes import ChangeCount
from bot.insights.export import CSV_COLUMNS, document, to_csv, to_json
from tests.unit.insights.dataset import DATA, NOW, PERIOD

FIGURES = compute(DATA, PERIOD, Scope(team="payments"), NOW, timedelta(hours=48))


def test_json_has_every_measure_with_hours_rounded():
    doc = json.loads(to_json(FIGURES))
    assert doc == document(FIGURES)
    assert doc["scope"] == {"team": "payments", "pool": "", "label": "team payments"}
    assert doc["period"]["start"] == "2026-10-19T00:00:00+00:00"
    assert doc["period"]["end"] == "2026-11-02T00:00:00+00:00"
    assert doc["loops_started"] == 2
    assert doc["time_to_schedule"][2] == {
        "track": "ic",
        "stage": "technical_screen",
        "title": "Technical screen",
        "count": 2,
        "median_hours": 98.0,
        "p90_hours": 115.6,
    }
    assert doc["funnel"][2] == {
        "track": "ic",
        "stage": "technical_screen",
        "title": "Technical screen",
        "level": "",
        "reached": 2,
        "moved_on": 1,
        "declined": 1,
        "still_in": 0,
        "rate": 0.5,
    }
    chen = next(f for f in doc["feedback"] if f["interviewer"] == "Chen")
    assert chen == {
        "interviewer": "Chen",
        "slack_user_id": "U_CHEN",
        "given": 1,
        "median_hours": 72.0,
        "p90_hours": 72.0,
        "overdue": 1,
        "missing": 0,
    }
    assert {
        "interviewer": "Chen",
        "slack_user_id": "U_CHEN",
        "week": "2026-10-26",
        "interviews": 3,
        "cap": 2,
        "over_cap": True,
    } in doc["load"]
    assert doc["changes"][-1] == {
        "kind": "pivoted",
        "reason": "Candidate prefers streaming's on-call model",
        "count": 1,
    }


def test_csv_is_one_figure_per_row():
    rows = list(csv.DictReader(io.StringIO(to_csv(FIGURES))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["section"] == "loops" and rows[0]["value"] == "2"

    def value(**where) -> str:
        (match,) = [r for r in rows if all(r[k] == v for k, v in where.items())]
        return match["value"]

    assert value(section="time_to_schedule", stage="round_1", measure="median_hours") == "169.0"
    assert (
        value(section="pass_through", stage="technical_screen", level="L4", measure="declined")
        == "1"
    )
    assert value(section="funnel", stage="round_1", measure="rate") == ""  # none decided yet
    assert value(section="feedback", interviewer="Eve", measure="median_hours") == ""
    assert (
        value(section="load", interviewer="Chen", week="2026-10-26", measure="over_cap") == "true"
    )
    assert value(section="changes", kind="loop declined", measure="count") == "1"
    # The JSON and the CSV carry the same number of figures.
    doc = document(FIGURES)
    sections = (
        "time_to_schedule",
        "time_in_stage",
        "funnel",
        "pass_through",
        "feedback",
        "load",
        "changes",
    )
    labels = {
        "interviewer",
        "slack_user_id",
        "track",
        "stage",
        "level",
        "week",
        "kind",
        "reason",
        "title",
    }
    figures = sum(len(set(r) - labels) for s in sections for r in doc[s])
    assert len(rows) == figures + 1


def test_text_a_spreadsheet_would_run_as_a_formula_is_quoted():
    tricky = replace(FIGURES, changes=(ChangeCount("rescheduled", '=HYPERLINK("http://x")', 1),))
    rows = list(csv.DictReader(io.StringIO(to_csv(tricky))))
    assert [r["reason"] for r in rows if r["section"] == "changes"] == ['\'=HYPERLINK("http://x")']
