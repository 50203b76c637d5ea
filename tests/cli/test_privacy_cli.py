"""`loopbot candidate forget` and `loopbot audit export` from the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest

from loopbot.cli import main
from tests.cli.test_cli import env  # noqa: F401  (the fixture)


def test_audit_export_writes_csv_and_json(env, capsys, tmp_path):  # noqa: F811
    assert main(["audit", "export"]) == 0
    header = next(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert header == ["id", "at", "actor", "action", "loop_id", "detail"]
    out = tmp_path / "audit.json"
    assert main(["audit", "export", "--format", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == []


def test_forget_names_what_is_wrong_in_one_line(env, capsys):  # noqa: F811
    assert main(["candidate", "forget", "42"]) == 1
    assert capsys.readouterr().err.strip() == "loopbot: There is no loop 42."


def test_audit_export_rejects_a_bad_day(env, capsys):  # noqa: F811
    with pytest.raises(SystemExit) as stop:
        main(["audit", "export", "--since", "yesterday"])
    assert stop.value.code == 2
    assert "is not a date like 2026-10-01" in capsys.readouterr().err
