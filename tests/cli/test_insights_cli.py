"""`loopbot insights`: the figures of /loop-insights as CSV or JSON, for a team or pool and
a span of days; bad arguments are one line and exit 2."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from bot.insights import compute
from bot.insights.export import document
from bot.insights.read import pool_scope
from bot.planning.template_loader import load_templates
from loopbot.cli import main
from storage.db import make_engine, upgrade
from tests.storage.insight_store import store
from tests.unit.insights import dataset as fixed
from tests.unit.insights.test_measures import BACKEND, PAYMENTS

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "loopbot" / "sample_templates.toml"
PERIOD = ("--since", "2026-10-19", "--until", "2026-11-01")
# Figures that do not depend on today's date (feedback still missing does).
STEADY = (
    "loops_started",
    "time_to_schedule",
    "time_in_stage",
    "funnel",
    "pass_through",
    "load",
    "changes",
)


@pytest.fixture
def database(monkeypatch, tmp_path) -> Path:
    for name in ("DATABASE_URL", "LOOPBOT_TEMPLATES_FILE", "LOOPBOT_DEFAULT_TZ"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "insights.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("LOOPBOT_TEMPLATES_FILE", str(TEMPLATES))
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    store(engine)
    engine.dispose()
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def expected(scope) -> dict:
    figures = compute(fixed.DATA, fixed.PERIOD, scope, fixed.NOW, timedelta(hours=48))
    return document(figures)


def steady(doc: dict) -> dict:
    """The date-independent figures, without stage titles (the CLI's come from templates)."""
    untitled = {
        key: [{k: v for k, v in row.items() if k != "title"} for row in doc[key]]
        for key in STEADY
        if isinstance(doc[key], list)
    }
    return {**untitled, "loops_started": doc["loops_started"]}


def test_json_for_a_team_has_the_same_figures_as_the_measures(database, capsys):
    code, out, err = run(capsys, "insights", "--format", "json", "--team", "payments", *PERIOD)
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert steady(doc) == steady(expected(PAYMENTS))
    assert doc["period"]["label"] == "2026-10-19 – 2026-11-01"
    assert doc["time_to_schedule"][0]["title"] == "Recruiter phone screen"


def test_csv_for_a_pool_written_to_a_file(database, capsys, tmp_path):
    target = tmp_path / "backend.csv"
    code, out, _ = run(capsys, "insights", "--pool", "backend", *PERIOD, "-o", str(target))
    assert (code, out) == (0, "")
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert (rows[0]["section"], rows[0]["measure"], rows[0]["value"]) == ("loops", "started", "1")
    assert pool_scope(load_templates(TEMPLATES), "backend") == BACKEND
    reschedules = [r for r in rows if r["section"] == "changes" and r["kind"] == "rescheduled"]
    assert [(r["reason"], r["value"]) for r in reschedules] == [
        ("a panelist dropped out; re-planning", "1")
    ]


@pytest.mark.parametrize(
    ("argv", "exit_code", "problem"),
    [
        (("--team", "ads"), 1, "team: no team called 'ads' — for example: payments or search or"),
        (("--pool", "frontend"), 1, "pool: no pool called 'frontend' — for example: backend"),
        (("--since", "2026-11-02", "--until", "2026-11-01"), 2, "--since 2026-11-02 is after"),
    ],
)
def test_a_team_pool_or_span_that_does_not_exist_is_one_line(
    database, capsys, argv, exit_code, problem
):
    code, out, err = run(capsys, "insights", *argv)
    assert code == exit_code and out == ""
    assert err.startswith(f"loopbot: {problem}") and err.count("\n") == 1


def test_arguments_argparse_refuses(database, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["insights", "--since", "1 October"])
    assert exited.value.code == 2
    assert "'1 October' is not a date like 2026-10-01" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["insights", "--team", "payments", "--pool", "backend"])
    assert "not allowed with argument" in capsys.readouterr().err
