"""Load over HTTP: a proposal says when it brings someone to a cap, /loop-load shows a team's
load this week and next, and a coordinator may take a plan over a cap only through the
alternative that says so, which the audit records."""

from __future__ import annotations

import json

from storage.models import AuditEvent
from tests.scenario.flows import RECRUITER, candidate, rows


# Rosa runs every recruiter screen: give her a weekly cap of 1 and a daily cap of 1.
def capped_roster(box_roster: str, weekly: str, daily: str) -> str:
    header, *people = box_roster.splitlines()
    weekly_at = header.split(",").index("weekly_cap")
    lines = [header + ",daily_cap"]
    for line in people:
        cells = line.split(",")
        if cells[0] == RECRUITER:
            cells[weekly_at] = weekly
            cells.append(daily)
        else:
            cells.append("")
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def test_a_proposal_names_a_cap_that_bites_and_loop_load_shows_the_team(make_sandbox):
    from loopbot.demo.sandbox import sample_roster_csv

    box = make_sandbox(roster_csv=capped_roster(sample_roster_csv(), "2", "1"))
    box.schedule_loop(RECRUITER, candidate())
    loop_id = box.loop_id("Ada Lovelace")
    stage = box.stage(loop_id, "recruiter_screen")
    assert "Rosa Recruiter is at 1 of 1 on" in " ".join(stage.proposal["load"])
    proposal = box.latest_with(RECRUITER, "proposal_confirm")
    assert "Rosa Recruiter is at 1 of 1 on" in json.dumps(proposal)
    box.book(loop_id, "recruiter_screen")
    box.slack.slash_command("/loop-load", "payments", RECRUITER)
    box.settle()
    answer = json.dumps(box.fake.calls_to("response_url")[-1].params)
    assert "Interview load" in answer and "payments" in answer
    assert "<@U0REC01>: 1 of 2 this week" in answer
    assert "busiest day 1 of 1" in answer
    box.slack.slash_command("/loop-load", "nosuchteam", RECRUITER)
    box.settle()
    assert "Nobody on the roster" in json.dumps(box.fake.calls_to("response_url")[-1].params)
    # Per-person load is for the people who schedule: an engineer is told so, and sees none.
    box.slack.slash_command("/loop-load", "payments", "U0PAY01")
    box.settle()
    refused = json.dumps(box.fake.calls_to("response_url")[-1].params)
    assert "for recruiters, coordinators and hiring managers" in refused
    assert "this week" not in refused


def test_going_over_a_cap_is_an_alternative_with_a_warning_kept_in_the_audit(make_sandbox):
    from loopbot.demo.sandbox import sample_roster_csv

    box = make_sandbox(roster_csv=capped_roster(sample_roster_csv(), "0", ""))
    box.schedule_loop(RECRUITER, candidate())
    loop_id = box.loop_id("Ada Lovelace")
    stage = box.stage(loop_id, "recruiter_screen")
    assert stage.proposal["kind"] == "none"
    [over] = [a for a in stage.proposal["alternatives"] if a["kind"] == "relaxed_cap"]
    assert "Rosa Recruiter goes over their weekly cap" in over["warning"]
    index = stage.proposal["alternatives"].index(over)
    box.press(
        RECRUITER,
        "proposal_use_alternative",
        value=f"{stage.id}:{stage.proposal['version']}:{index}",
    )
    assert box.stage(loop_id, "recruiter_screen").status == "scheduled"
    [chosen] = [e for e in rows(box, AuditEvent) if e.action == "alternative_chosen"]
    assert chosen.detail["kind"] == "relaxed_cap"
    assert "weekly cap" in chosen.detail["warning"]
