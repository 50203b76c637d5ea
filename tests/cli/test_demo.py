"""`loopbot demo` runs end to end and ends with the insights of its own loops: the summary in
the transcript and the three charts Slack received written where the transcript says."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image

from loopbot.cli import main
from loopbot.demo.script import run_demo


def test_the_demo_ends_with_its_own_insights_and_writes_the_charts(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    transcript = io.StringIO()
    assert run_demo(out=transcript, charts=tmp_path / "charts") == 0
    text = transcript.getvalue()
    insights = text[text.index("16. Insights") :]
    assert "only visible to Rosa Recruiter" in insights
    assert "*Insights · all teams · last 56 days*" in insights
    assert "*5* loops started" in insights
    assert "attached file funnel.png" in insights and "attached file load.png" in insights
    named = re.findall(r"^  (/\S+\.png)$", insights, flags=re.MULTILINE)
    assert [Path(p).name for p in named] == ["funnel.png", "time-to-schedule.png", "load.png"]
    for path in map(Path, named):
        assert path.parent == tmp_path / "charts"
        picture = Image.open(path)
        assert picture.format == "PNG" and picture.size[0] >= 1200  # wider with many weeks
    assert text.endswith("Demo finished.\n")


def test_the_demo_command_takes_a_charts_directory(tmp_path, monkeypatch, capsys):
    seen = {}
    monkeypatch.setattr("loopbot.demo.script.run_demo", lambda **kwargs: seen.update(kwargs) or 0)
    assert main(["demo", "--charts", str(tmp_path / "c")]) == 0
    assert seen == {"verbose": False, "charts": tmp_path / "c"}
