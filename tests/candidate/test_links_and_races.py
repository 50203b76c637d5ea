"""Links that are wrong, tampered with or expired; a candidate and a recruiter racing for the
same time; the SMTP server away (mail waits, then goes once); decisions only by a person."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from loopbot.demo.mail_sink import MailSink
from loopbot.demo.sandbox import sample_roster_csv
from storage.models import OutboxMessage
from tests.candidate.pages import fetch, link_in, options_on, parts
from tests.scenario.flows import PAYMENTS_HM, RECRUITER, candidate, rows


def test_wrong_tampered_and_expired_links_get_a_friendly_4xx(make_sandbox, candidate_env, sink):
    box = make_sandbox(**candidate_env(LOOPBOT_CANDIDATE_SCHEDULING="availability"))
    box.schedule_loop(RECRUITER, candidate())
    box.schedule_loop(RECRUITER, candidate(candidate_name="Grace Hopper", candidate_email="g@x.io"))
    ada_path, grace_path = (link_in(m) for m in sink.wait_for(2))
    token = ada_path.removeprefix("/c/")
    payload, stamp, signature = token.split(".")
    # Grace's loop and stage, under Ada's signature: refused, and nothing of Grace shows.
    grace_payload = grace_path.removeprefix("/c/").split(".")[0]
    for path in (
        f"/c/{grace_payload}.{stamp}.{signature}",
        f"/c/{payload}.{stamp}.{signature[:-2]}xx",
        "/c/nonsense",
        "/c/",
        f"{ada_path}/other",
    ):
        page = fetch(box.url, path)
        assert page.status == 404, path
        assert "could not find this page" in page.text or "no such page" in page.text
        assert "Grace" not in page.text and "Ada" not in page.text
    assert fetch(box.url, grace_path).status == 200
    assert "Grace" in fetch(box.url, grace_path).text
    box.advance_clock(timedelta(days=22))
    expired = fetch(box.url, ada_path)
    assert expired.status == 410 and "expired" in expired.text and "Ada" not in expired.text
    assert fetch(box.url, ada_path, {"action": "availability"}).status == 410


def test_a_time_taken_meanwhile_is_refused_with_fresh_options(make_sandbox, candidate_env, sink):
    # One recruiter only, so both candidates' screens need Rosa.
    roster = "\n".join(
        line for line in sample_roster_csv().splitlines() if not line.startswith("U0REC02")
    )
    box = make_sandbox(
        roster,
        **candidate_env(
            LOOPBOT_CANDIDATE_SCHEDULING="self_schedule", LOOPBOT_CANDIDATE_AUTO_CONFIRM="true"
        ),
    )
    box.schedule_loop(RECRUITER, candidate())
    path = link_in(sink.wait_for(1)[0])
    choices = options_on(fetch(box.url, path))
    # Meanwhile the recruiter books another candidate's screen at that very time.
    picked = datetime.fromisoformat(choices[0])
    [slot] = box.stage(box.loop_id("Ada Lovelace"), "recruiter_screen").proposal["slots"]
    length = datetime.fromisoformat(slot["end"]) - datetime.fromisoformat(slot["start"])
    rival = candidate(
        candidate_name="Grace Hopper",
        candidate_email="grace@example.com",
        availability=f"{picked:%Y-%m-%d %H:%M}-{picked + length:%H:%M}",
        candidate_tz="UTC",
    )
    box.schedule_loop(RECRUITER, rival)
    grace = box.loop_id("Grace Hopper")
    booked = box.book(grace, "recruiter_screen")
    [(interview, _)] = box.interviews(booked.id)
    assert interview.start_at == picked
    answer = fetch(box.url, path, {"action": "pick", "start": choices[0]})
    assert answer.status == 409
    assert "just taken" in answer.text
    fresh = options_on(answer)
    assert fresh and choices[0] not in fresh
    ada = box.loop_id("Ada Lovelace")
    assert box.stage(ada, "recruiter_screen").status == "proposed"
    assert fetch(box.url, path, {"action": "pick", "start": fresh[0]}).status == 303
    assert box.stage(ada, "recruiter_screen").status == "scheduled"


def test_candidate_and_recruiter_racing_for_the_stage_book_it_once(
    make_sandbox, candidate_env, sink
):
    box = make_sandbox(
        **candidate_env(
            LOOPBOT_CANDIDATE_SCHEDULING="self_schedule", LOOPBOT_CANDIDATE_AUTO_CONFIRM="true"
        )
    )
    box.schedule_loop(RECRUITER, candidate())
    path = link_in(sink.wait_for(1)[0])
    choices = options_on(fetch(box.url, path))
    loop_id = box.loop_id("Ada Lovelace")
    stage = box.stage(loop_id, "recruiter_screen")
    proposal = box.latest_with(RECRUITER, "proposal_confirm")
    value = f"{stage.id}:{stage.proposal['version']}"
    go = threading.Barrier(2)
    answers = {}

    def candidate_picks():
        go.wait()
        answers["candidate"] = fetch(box.url, path, {"action": "pick", "start": choices[-1]})

    def recruiter_confirms():
        go.wait()
        answers["recruiter"] = box.click(RECRUITER, proposal, "proposal_confirm", value=value)

    threads = [
        threading.Thread(target=candidate_picks),
        threading.Thread(target=recruiter_confirms),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    box.settle()
    stage = box.stage(loop_id, "recruiter_screen")
    assert stage.status == "scheduled"
    assert len(box.interviews(stage.id)) == 1  # booked once, by whoever came first
    assert answers["candidate"].status in (303, 409)


def test_mail_waits_out_an_smtp_outage_then_goes_once(make_sandbox, candidate_env, sink):
    box = make_sandbox(**candidate_env(LOOPBOT_CANDIDATE_SCHEDULING="availability"))
    sink.stop()
    box.schedule_loop(RECRUITER, candidate())
    box.runtime.sender.wait_idle(2)
    [waiting] = [m for m in rows(box, OutboxMessage) if m.method == "mail.send"]
    assert waiting.status == "pending" and waiting.attempts >= 1 and waiting.last_error
    with MailSink(sink.port) as back:
        with box.runtime.uow() as uow:  # the backoff, cut short
            row = uow.outbox.get(waiting.id)
            row.next_attempt_at = box.now - timedelta(seconds=1)
            uow.session.add(row)
            uow.commit()
        box.runtime.sender.wake()
        [mail] = back.wait_for(1)
        box.settle()
        assert mail["Subject"].startswith("When are you free")
        [sent] = [m for m in rows(box, OutboxMessage) if m.method == "mail.send"]
        assert sent.status == "sent"
        box.runtime.sender.wake()
        box.settle()
        assert len(back.messages()) == 1


def test_send_to_candidate_and_the_decline_note_are_a_persons_act(
    make_sandbox, candidate_env, sink
):
    box = make_sandbox(**candidate_env())  # LOOPBOT_CANDIDATE_SCHEDULING=off: nothing by itself
    box.schedule_loop(RECRUITER, candidate())
    box.settle()
    assert sink.messages() == []
    loop_id = box.loop_id("Ada Lovelace")
    stage = box.stage(loop_id, "recruiter_screen")
    box.press(RECRUITER, "candidate_send", value=str(stage.id))
    form = box.last_modal("candidate_send")
    assert box.submit(RECRUITER, form, {"mode": "self_schedule"}).body in (b"", "")
    box.settle()
    [mail] = sink.wait_for(1)
    assert mail["Subject"] == "Pick a time for your Recruiter phone screen"

    stage = box.run_stage(loop_id, "recruiter_screen")
    box.decide(PAYMENTS_HM, "decision_decline", stage.id)
    box.settle()
    assert len(sink.messages()) == 2  # the confirmation; no decline by the bot itself
    box.press(RECRUITER, "candidate_note", value=f"{loop_id}:decline")
    note = box.last_modal("candidate_note")
    body = next(b for b in note["blocks"] if b.get("block_id") == "body")
    assert "Hello Ada" in body["element"]["initial_value"]
    empty = box.submit(RECRUITER, note, {"subject": "Your application", "body": " "}).json()
    assert "body" in empty["errors"]
    box.submit(RECRUITER, note, {"subject": "Your application", "body": "Hello Ada,\n\nThank you."})
    box.settle()
    mails = sink.wait_for(3)
    assert mails[2]["Subject"] == "Your application"
    text, html = parts(mails[2])
    assert "Thank you." in text and "<p>Thank you.</p>" in html
