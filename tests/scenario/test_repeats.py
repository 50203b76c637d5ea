"""The repeat rule across a whole loop, over HTTP: the engineering-manager loop of issue 17.

The hiring manager works only on Saturdays, so the director runs the manager screen in their
place; the engineering manager and the senior engineer take part A. Part B's dream team needs
a director and there is only one: a repeat no one else can spare, so the proposal says so. The
behavioural seat is optional and its only other taker sat on part A: it is left out rather
than given to them.
"""

from __future__ import annotations

import json

from storage.models import Interviewer
from tests.scenario.flows import RECRUITER, candidate, rows

ROSTER = """\
slack_user_id,name,email,roles,teams,interview_types,tz,working_hours,working_days,weekly_cap
U0REC01,Rosa Recruiter,rosa@example.com,recruiter,core,recruiter_screen,Europe/London,08:00-18:00,Mon-Fri,10
U0HM001,Hal Okoye,hal@example.com,hiring_manager,core,manager_screen,Europe/London,09:00-17:00,Sat,10
U0DIR01,Dana Reyes,dana@example.com,director,core,manager_screen;dream_team;behavioural;people_leadership,Europe/London,08:00-18:00,Mon-Fri,10
U0EM001,Eve Lindqvist,eve@example.com,engineering_manager,core,system_design;technical_discussion;behavioural,Europe/London,08:00-18:00,Mon-Fri,10
U0SEN01,Sam Adeyemi,sam@example.com,senior_engineer,core,system_design;technical_discussion,Europe/London,08:00-18:00,Mon-Fri,10
"""  # noqa: E501

KATHERINE = candidate(
    candidate_name="Katherine Johnson",
    track="em",
    level="L6",
    team="core",
    hiring_manager="U0HM001",
)


def panel(box, stage) -> list[tuple[str, str]]:
    return [
        (box.fake.lookup_user(user).name, interview.interview_type)
        for interview, user in box.interviews(stage.id)
    ]


def test_em_part_b_leaves_out_the_part_a_interviewer_and_names_the_director_it_repeats(
    make_sandbox,
):
    box = make_sandbox(roster_csv=ROSTER)
    box.schedule_loop(RECRUITER, KATHERINE)
    loop_id = box.loop_id("Katherine Johnson")
    for key in ("recruiter_screen", "manager_screen", "onsite_a"):
        stage = box.run_stage(loop_id, key)
        box.decide(RECRUITER, "decision_advance", stage.id)
        if key == "manager_screen":
            assert panel(box, stage) == [("Dana Reyes", "manager_screen")]
        if key == "onsite_a":
            assert sorted(name for name, _ in panel(box, stage)) == ["Eve Lindqvist", "Sam Adeyemi"]
    part_b = box.stage(loop_id, "onsite_b")
    assert part_b.status == "proposed"
    names = {p.id: p.name for p in rows(box, Interviewer)}
    proposed = [(names[s["interviewer_id"]], s["interview_type"]) for s in part_b.proposal["slots"]]
    assert proposed == [("Dana Reyes", "dream_team")]
    assert part_b.proposal["warnings"] == [
        "Dana Reyes also sat on Hiring-manager phone screen: no one else on core can run a "
        "dream-team interview"
    ]
    # The recruiter sees the warning on the proposal they are asked to confirm.
    latest = json.dumps(box.dms(RECRUITER)[-1])
    assert "Onsite part B" in latest
    assert "Dana Reyes also sat on Hiring-manager phone screen" in latest
    box.book(loop_id, "onsite_b")
    assert panel(box, box.stage(loop_id, "onsite_b")) == [("Dana Reyes", "dream_team")]
