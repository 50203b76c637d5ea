"""Later stages from the candidate's side: the technical-screen format they choose, the
teams they lean toward in a pool loop, and the change notice when a panelist drops out."""

from __future__ import annotations

import icalendar

from storage.models import Loop
from tests.candidate.pages import attachments, fetch, link_in
from tests.scenario.flows import PAYMENTS_HM, RECRUITER, candidate, rows


def _through(box, loop_id: int, keys: tuple[str, ...]) -> None:
    for key in keys:
        stage = box.run_stage(loop_id, key)
        box.decide(PAYMENTS_HM, "decision_advance", stage.id)


def test_the_candidate_chooses_a_take_home(make_sandbox, candidate_env, sink):
    box = make_sandbox(**candidate_env(LOOPBOT_CANDIDATE_SCHEDULING="self_schedule"))
    box.schedule_loop(RECRUITER, candidate())
    loop_id = box.loop_id("Ada Lovelace")
    _through(box, loop_id, ("recruiter_screen", "manager_screen"))
    mail = next(m for m in reversed(sink.wait_for(3)) if "Technical screen" in m["Subject"])
    path = link_in(mail)
    page = fetch(box.url, path)
    assert "Choose the format of your technical screen" in page.text
    assert 'value="take_home"' in page.text
    wrong = fetch(box.url, path, {"action": "format", "format": "puzzle"})
    assert wrong.status == 400
    chosen = fetch(box.url, path, {"action": "format", "format": "take_home"})
    assert chosen.status == 303 and "done=proposed" in chosen.headers["Location"]
    box.settle()
    assert box.loop(loop_id).technical_format == "take_home"
    stage = box.stage(loop_id, "technical_screen")
    assert stage.status == "proposed" and stage.proposal["kind"] == "plan"
    thread = box.recruiting()[0]["replies"]
    assert any("chose the take-home exercise" in r.get("text", "") for r in thread)


def test_a_pool_candidate_says_which_teams_appeal(make_sandbox, candidate_env, sink):
    from importlib.resources import files

    sample = str(files("loopbot").joinpath("sample_templates.toml"))
    box = make_sandbox(
        **candidate_env(LOOPBOT_CANDIDATE_SCHEDULING="availability", LOOPBOT_TEMPLATES_FILE=sample)
    )
    box.schedule_loop(RECRUITER, candidate(team="pool:backend", level="L6"))
    path = link_in(sink.wait_for(1)[0])
    page = fetch(box.url, path)
    assert "Which teams appeal to you?" in page.text
    bad = fetch(box.url, path, [("action", "teams"), ("teams", "marketing")])
    assert bad.status == 400
    good = fetch(box.url, path, [("action", "teams"), ("teams", "streaming")])
    assert good.status == 303
    [loop] = rows(box, Loop)
    assert loop.preferences == ["streaming"]


def test_a_panelist_dropping_out_sends_the_candidate_a_change(make_sandbox, candidate_env, sink):
    box = make_sandbox(**candidate_env())
    box.schedule_loop(RECRUITER, candidate())
    loop_id = box.loop_id("Ada Lovelace")
    stage = box.book(loop_id, "recruiter_screen")
    [booked] = sink.wait_for(1)
    assert booked["Subject"] == "Your Recruiter phone screen is confirmed"
    [(interview, user)] = box.interviews(stage.id)
    box.press(user, "interview_decline", value=str(interview.id))
    box.settle()
    change = sink.wait_for(2)[1]
    assert change["Subject"] in (
        "A change to your Recruiter phone screen",
        "Your Recruiter phone screen is being rescheduled",
    )
    cancelled = [a for a in attachments(change) if a[1] == "CANCEL"]
    [(_, _, content)] = cancelled
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert str(event["UID"]) == f"loopbot-candidate-{interview.id}@loopbot"
    assert event["STATUS"] == "CANCELLED"


def test_nothing_goes_to_the_candidate_of_a_declined_loop(make_sandbox, candidate_env, sink):
    box = make_sandbox(**candidate_env(LOOPBOT_CANDIDATE_SCHEDULING="availability"))
    box.schedule_loop(RECRUITER, candidate())
    loop_id = box.loop_id("Ada Lovelace")
    path = link_in(sink.wait_for(1)[0])
    stage = box.run_stage(loop_id, "recruiter_screen")
    before = len(sink.wait_for(2))
    box.decide(PAYMENTS_HM, "decision_decline", stage.id)
    from datetime import timedelta

    box.advance_clock(timedelta(days=3))  # no reminder either
    assert len(sink.messages()) == before
    page = fetch(box.url, path)
    assert "closed" in page.text and "Your itinerary" not in page.text
