"""/loop-insights and the Home tab's weekly numbers, through the served app over HTTP: who
may ask, what an unreadable request answers, and the charts uploaded to the asker's DM — real
PNGs of the expected size, byte for byte what Slack received."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from tests.scenario.flows import PAYMENTS_HM, RECRUITER, candidate

ENGINEER, DIRECTOR, STRANGER = "U0PAY01", "U0DIR01", "U0NOTONROSTER"
CHARTS = ["funnel.png", "time-to-schedule.png", "load.png"]


@pytest.fixture
def busy(sandbox):
    """One payments loop whose recruiter screen was booked, held, reviewed and advanced."""
    sandbox.schedule_loop(RECRUITER, candidate())
    loop_id = sandbox.loop_id("Ada Lovelace")
    screen = sandbox.run_stage(loop_id, "recruiter_screen")
    sandbox.decide(RECRUITER, "decision_advance", screen.id)
    sandbox.settle()
    return sandbox


def ask(box, user: str, text: str = "") -> str:
    """Type the command; the ephemeral answer's text."""
    before = len(box.fake.ephemerals(user))
    box.slack.slash_command("/loop-insights", text, user)
    box.settle(timeout=60)  # three charts take a few seconds on a busy machine
    answers = box.fake.ephemerals(user)[before:]
    assert len(answers) == 1, answers
    return answers[0]["text"]


def charts_sent(box, user: str) -> list[dict]:
    """The PNGs in messages of the person's DM with the bot."""
    dm = box.fake.dm_channel(user)
    if dm is None:
        return []
    files = [f for m in box.fake.messages(dm) for f in m.get("files", [])]
    return [f for f in files if f["name"].endswith(".png")]


def test_a_recruiter_gets_a_summary_and_three_charts_in_their_dm(busy):
    answer = ask(busy, RECRUITER, "payments 30d")
    # Booked as the loop started; held and reviewed the next day (the clock jumped past
    # the interview, and feedback came a minute after it ended).
    assert answer.splitlines() == [
        "*Insights · team payments · last 30 days*",
        "*1* loops started · *1* stages booked · median time to schedule *0 min*",
        "Pass-through: Recruiter phone screen 1/1 → Manager phone screen 0/1 (1 still in)",
        "Longest in stage: Recruiter phone screen, median 30.5 h",
        "Feedback: median 1 min after the interview",
        "_The charts are on their way to your DM with loopbot._",
    ]

    dm = busy.fake.dm_channel(RECRUITER)
    message = [m for m in busy.fake.messages(dm) if m.get("files")][-1]
    assert message["text"] == answer.rsplit("\n", 1)[0]  # the summary above the charts
    files = message["files"]
    assert [f["name"] for f in files] == CHARTS
    # 8 x 4.8 in at 150 dpi; the heat map grows a row per person who interviewed (Rosa).
    for shared in files:
        stored = busy.fake.file(shared["id"])
        assert stored["uploaded"] and stored["channels"] == [dm]
        assert len(stored["content"]) == stored["length"] > 10_000  # every byte arrived
        picture = Image.open(io.BytesIO(stored["content"]))
        picture.verify()
        assert (picture.format, picture.size) == ("PNG", (1200, 720))
        assert stored["alt_txt"].startswith(stored["title"])
    complete = busy.fake.calls_to("files.completeUploadExternal")[-1]  # after any .ics
    assert complete.params["channel_id"] == dm
    assert [f["id"] for f in complete.params["files"]] == [f["id"] for f in files]


def test_only_recruiters_coordinators_and_hiring_managers_may_ask(sandbox):
    sandbox.schedule_loop(RECRUITER, candidate())
    for user in (ENGINEER, DIRECTOR, STRANGER):
        answer = ask(sandbox, user, "payments")
        assert answer.startswith("Insights are for recruiters, coordinators and hiring managers.")
        assert charts_sent(sandbox, user) == []
    assert ask(sandbox, PAYMENTS_HM, "30d").startswith("*Insights · all teams · last 30 days*")
    assert [f["name"] for f in charts_sent(sandbox, PAYMENTS_HM)] == CHARTS
    with sandbox.runtime.uow() as uow:
        coordinator = uow.interviewers.by_slack_id(DIRECTOR)
        coordinator.roles = [*coordinator.roles, "coordinator"]
        uow.session.add(coordinator)
        uow.commit()
    answer = ask(sandbox, DIRECTOR, "streaming this week")
    assert answer.startswith("*Insights · team streaming · this week (from ")
    assert [f["name"] for f in charts_sent(sandbox, DIRECTOR)] == CHARTS


def test_an_unreadable_request_gets_an_example_and_no_charts(sandbox):
    for text, expected in [
        ("payments next decade", "period: can't read 'next decade' as a period — for example: "),
        ("ads", "team or pool: 'ads' is not a team, a pool or a period — for example: "),
        ("2026-12-01..2026-10-01", "period: the period ends before it starts — for example: "),
    ]:
        answer = ask(sandbox, RECRUITER, text)
        assert answer.startswith(expected)
        assert "2026-10-01..2026-11-30" in answer
    assert charts_sent(sandbox, RECRUITER) == []


def test_a_recruiters_home_tab_shows_their_week_in_numbers(busy):
    busy.slack.app_home_opened(RECRUITER)
    busy.settle()
    home = json.dumps(busy.fake.home_view(RECRUITER), ensure_ascii=False)
    assert "Your week in numbers" in home
    assert "*1* loops started · *1* stages booked" in home and "/loop-insights" in home
    busy.slack.app_home_opened(ENGINEER)
    busy.settle()
    assert "Your week in numbers" not in json.dumps(busy.fake.home_view(ENGINEER))
