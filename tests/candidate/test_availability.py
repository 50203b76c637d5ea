"""The candidate gives availability for a stage (week grid or typed), the recruiter reviews
the plan; accommodations reach the recruiter and the panel, never the channel."""

from __future__ import annotations

import json

from loopbot.demo.sandbox import RECRUITING_CHANNEL
from tests.candidate.pages import fetch, link_in
from tests.scenario.flows import RECRUITER, candidate


def _box(make_sandbox, candidate_env, **extra):
    return make_sandbox(**candidate_env(LOOPBOT_CANDIDATE_SCHEDULING="availability", **extra))


def test_grid_availability_plans_the_stage_for_the_recruiter(make_sandbox, candidate_env, sink):
    box = _box(make_sandbox, candidate_env)
    box.schedule_loop(RECRUITER, candidate())
    [mail] = sink.wait_for(1)
    assert mail["Subject"] == "When are you free for your Recruiter phone screen?"
    path = link_in(mail)
    page = fetch(box.url, path)
    assert page.status == 200 and 'name="slot"' in page.text
    offered = [s.split('"', 1)[0] for s in page.text.split('name="slot" value="')[1:]]
    # Her first day's afternoon: the recruiter in New York is at work then.
    values = [v for v in offered if v.startswith(offered[0][:10]) and "T14" <= v[10:] <= "T17"]
    loop_id = box.loop_id("Ada Lovelace")
    before = box.stage(loop_id, "recruiter_screen").proposal["version"]
    answer = fetch(box.url, path, [("action", "availability"), *[("slot", v) for v in values]])
    assert answer.status == 303, answer.text
    assert answer.headers["Location"].endswith("?done=proposed")
    box.settle()
    stage = box.stage(loop_id, "recruiter_screen")
    assert stage.status == "proposed" and stage.proposal["version"] == before + 1
    assert stage.proposal["kind"] == "plan"
    first = stage.proposal["slots"][0]["start"]
    assert first.startswith(values[0][:10])  # planned inside the hours she ticked
    thread = box.recruiting()[0]["replies"]
    assert any("gave their availability" in r.get("text", "") for r in thread)
    done = fetch(box.url, path + "?done=proposed")
    assert "confirming the time" in done.text and 'name="slot"' not in done.text


def test_typed_availability_has_the_modals_errors(make_sandbox, candidate_env, sink):
    box = _box(make_sandbox, candidate_env)
    box.schedule_loop(RECRUITER, candidate())
    path = link_in(sink.wait_for(1)[0])
    answer = fetch(box.url, path, {"action": "availability", "availability": "Tue 9-5"})
    assert answer.status == 400
    assert "for example" in answer.text and 'aria-invalid="true"' in answer.text
    assert "Tue 9-5" in answer.text  # what she typed is kept
    nothing = fetch(box.url, path, {"action": "availability", "availability": ""})
    assert nothing.status == 400 and "tick the hours you are free" in nothing.text
    typed = fetch(box.url, path, {"action": "availability", "availability": "Tue 2pm-6pm"})
    assert typed.status == 303


def test_accommodations_reach_the_recruiter_and_panel_not_the_channel(
    make_sandbox, candidate_env, sink
):
    box = _box(make_sandbox, candidate_env)
    box.schedule_loop(RECRUITER, candidate())
    path = link_in(sink.wait_for(1)[0])
    assert "Accommodations" in fetch(box.url, path).text
    too_long = fetch(
        box.url, path, {"action": "accommodations", "accommodations": "x", "extra_minutes": "999"}
    )
    assert too_long.status == 400 and "extra minutes" in too_long.text
    answer = fetch(
        box.url,
        path,
        {
            "action": "accommodations",
            "accommodations": "I use a screen reader",
            "extra_minutes": "15",
            "extra_break": "10",
        },
    )
    assert answer.status == 303
    box.settle()
    loop = box.loop(box.loop_id("Ada Lovelace"))
    assert loop.accommodations == "I use a screen reader"
    assert (loop.extra_minutes_per_interview, loop.extra_break_minutes) == (15, 10)
    assert any("screen reader" in m.get("text", "") for m in box.dms(RECRUITER))
    channel = json.dumps(box.fake.messages(RECRUITING_CHANNEL))
    assert "screen reader" not in channel
    # Asked once: the page thanks her instead of asking again.
    page = fetch(box.url, path)
    assert 'name="accommodations"' not in page.text and "your panels know" in page.text
    # The panel sees it once the stage is booked, as if the recruiter had typed it.
    stage = box.book(loop.id, "recruiter_screen")
    [(interview, user)] = box.interviews(stage.id)
    assert any("screen reader" in json.dumps(m) for m in box.dms(user))


def test_one_reminder_after_48_hours_and_the_recruiter_hears(make_sandbox, candidate_env, sink):
    from datetime import timedelta

    box = _box(make_sandbox, candidate_env)
    box.schedule_loop(RECRUITER, candidate())
    sink.wait_for(1)
    box.advance_clock(timedelta(hours=47))
    assert len(sink.messages()) == 1
    box.advance_clock(timedelta(hours=2))
    mails = sink.wait_for(2)
    assert mails[1]["Subject"].startswith("Reminder: when are you free")
    assert any("has not answered" in m.get("text", "") for m in box.dms(RECRUITER))
    box.advance_clock(timedelta(hours=60))
    assert len(sink.messages()) == 2
