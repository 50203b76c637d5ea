"""The bias guard, surface by surface, over HTTP: the recruiting thread, App Home, the feedback
button and its modal, and every DM, for an engineer, the hiring manager and the recruiter who
sit on the same panel, before and after each gives their own feedback."""

from __future__ import annotations

import json

from loopbot.demo.sandbox import sample_roster_csv
from tests.scenario.flows import PAYMENTS_HM, RECRUITER, candidate

COORDINATOR = "U0CRD01"
SECRETS = {
    "engineer": "Engineer's secret: designed the ledger cleanly.",
    "hiring_manager": "Manager's secret: owns problems end to end.",
    "recruiter": "Recruiter's secret: motivated by the payments domain.",
}
SIGNAL_WORDS = ("Strong yes", "🌟")


def with_coordinator() -> str:
    return (
        sample_roster_csv().rstrip("\n")
        + "\nU0CRD01,Cora Coordinator,cora@example.com,coordinator,payments,,"
        "America/New_York,09:00-17:00,Mon-Fri,0\n"
    )


def round_one(box):
    box.schedule_loop(RECRUITER, candidate())
    loop = box.loop(box.loop_id("Ada Lovelace"))
    for key in ("recruiter_screen", "manager_screen", "technical_screen"):
        stage = box.run_stage(loop.id, key)
        box.decide(RECRUITER, "decision_advance", stage.id)
    stage = box.book(loop.id, "round_1")
    box.until_over(stage.id)
    return loop, stage


def thread_of(box) -> str:
    return json.dumps(box.recruiting())


def home_of(box, user) -> str:
    box.slack.app_home_opened(user)
    box.settle()
    return json.dumps(box.fake.home_view(user))


def read_panel(box, user, stage) -> str:
    """Press the feedback button as `user`; what they saw: the modal, or the refusal."""
    opened = len(box.fake.calls_to("views.open"))
    answered = len(box.fake.calls_to("response_url"))
    box.slack.block_action(user, "feedback_view", value=str(stage.id))
    box.settle()
    modals = box.fake.calls_to("views.open")[opened:]
    if modals:
        return json.dumps(modals[-1].params)
    return " ".join(c.params.get("text", "") for c in box.fake.calls_to("response_url")[answered:])


def test_the_guard_binds_everyone_on_the_panel_on_every_surface(make_sandbox):
    box = make_sandbox(roster_csv=with_coordinator())
    loop, stage = round_one(box)
    panel = {user: interview for interview, user in box.interviews(stage.id)}
    assert RECRUITER in panel and PAYMENTS_HM in panel  # both sit on round 1
    engineer = next(u for u in panel if u not in (RECRUITER, PAYMENTS_HM))
    others = [u for u in panel if u not in (RECRUITER, PAYMENTS_HM, engineer)]
    order = [(engineer, "engineer"), (PAYMENTS_HM, "hiring_manager"), (RECRUITER, "recruiter")]

    for index, (user, role) in enumerate(order):
        # Before giving their own: the button refuses them, even the HM and the recruiter.
        assert "Submit your own feedback first" in read_panel(box, user, stage)
        box.give_feedback(user, panel[user].id, "strong_yes", SECRETS[role])
        given = [SECRETS[r] for _, r in order[: index + 1]]
        # After: the modal shows the panel's feedback so far, their own included.
        seen = read_panel(box, user, stage)
        assert all(secret in seen for secret in given)
        # The channel shows progress only: no signal, no note, whoever is in it.
        thread = thread_of(box)
        assert f"{index + 1} of {len(panel)} in" in thread
        assert not any(secret in thread for secret in SECRETS.values())
        assert not any(word in thread for word in SIGNAL_WORDS)
        # App Home (the HM's and recruiter's loops, an engineer's to-dos) shows none either.
        for person in (engineer, PAYMENTS_HM, RECRUITER, *others):
            home = home_of(box, person)
            assert not any(secret in home for secret in SECRETS.values())
        # No DM carries anyone's notes.
        for person in panel:
            dms = json.dumps(box.dms(person))
            assert not any(secret in dms for secret in SECRETS.values())
        # Those still to give theirs stay refused.
        for later, _ in order[index + 1 :]:
            assert "Submit your own feedback first" in read_panel(box, later, stage)

    # A coordinator of the team, not on the panel, may read it through the modal, any time.
    assert SECRETS["engineer"] in read_panel(box, COORDINATOR, stage)
    # An engineer of another team may not.
    assert "Only the panel" in read_panel(box, "U0STR01", stage)

    box.feedback_from_all(stage.id, "strong_yes")  # the rest of the panel
    assert box.stage(loop.id, "round_1").status == "completed"
    thread = thread_of(box)
    assert "Strong yes" in thread and f"{len(panel)} of {len(panel)} submitted" in thread
