"""The served app through its front door: signatures, url_verification, health."""

from __future__ import annotations

import json
import time
import urllib.request

from sqlmodel import select

from storage.models import AuditEvent, OutboxMessage


def _row_counts(sandbox) -> tuple[int, int]:
    with sandbox.runtime.uow() as uow:
        return (
            len(uow.session.exec(select(OutboxMessage)).all()),
            len(uow.session.exec(select(AuditEvent)).all()),
        )


def test_signed_url_verification_is_answered_with_the_challenge(sandbox):
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    response = sandbox.slack.url_verification(challenge)
    assert response.status == 200
    assert challenge in response.text


def test_signed_slash_command_is_acknowledged_and_opens_the_form(sandbox):
    response = sandbox.slack.slash_command("/schedule-loop", "Ada Lovelace L5 payments", "U0REC01")
    assert response.status == 200
    call = sandbox.fake.wait_for("views.open")
    assert call.params["view"]["callback_id"] == "schedule_loop"


def _refused_without_side_effects(sandbox, **signing):
    before_calls = len(sandbox.fake.calls)
    before_rows = _row_counts(sandbox)
    response = sandbox.slack.slash_command("/schedule-loop", "Ada", "U0REC01", **signing)
    assert response.status == 401
    time.sleep(0.2)  # give a wrongly started listener the chance to show itself
    assert len(sandbox.fake.calls) == before_calls, sandbox.fake.describe_calls()
    assert _row_counts(sandbox) == before_rows


def test_unsigned_request_gets_401_and_does_nothing(sandbox):
    _refused_without_side_effects(sandbox, unsigned=True)


def test_forged_signature_gets_401_and_does_nothing(sandbox):
    _refused_without_side_effects(sandbox, forged=True)


def test_stale_timestamp_gets_401_and_does_nothing(sandbox):
    _refused_without_side_effects(sandbox, timestamp=int(time.time()) - 60 * 10)


def test_healthz_reports_database_and_outbox(sandbox):
    with urllib.request.urlopen(f"{sandbox.url}/healthz", timeout=5) as answer:
        report = json.loads(answer.read())
    assert answer.status == 200
    assert report["ok"] is True and report["database"] == "ok"
    assert report["outbox_pending"] >= 0


def test_slack_retry_of_an_event_is_handled_once(sandbox):
    event = {"type": "app_home_opened", "user": "U0PAY01", "tab": "home", "channel": "D1"}
    first = sandbox.slack.event(event, event_id="Ev0RETRY1")
    retry = sandbox.slack.event(event, event_id="Ev0RETRY1", retry_num=1)
    assert first.status == retry.status == 200
    sandbox.fake.wait_for("views.publish")
    time.sleep(0.3)
    assert len(sandbox.fake.calls_to("views.publish")) == 1


def test_people_without_a_zone_get_the_one_their_slack_profile_says(make_sandbox):
    from loopbot.demo.sandbox import sample_roster_csv

    box = make_sandbox()
    roster = sample_roster_csv().replace(
        "U0PAY08,Hana Sato,hana@example.com,engineer,payments,coding;system_design,Asia/Kolkata",
        "U0PAY08,Hana Sato,hana@example.com,engineer,payments,coding;system_design,",
    )
    box.roster_csv = roster
    box.import_roster()
    box.fake.add_user("U0PAY08", "Hana Sato", "hana@example.com", "Asia/Tokyo")
    with box.runtime.uow() as uow:
        assert uow.interviewers.by_slack_id("U0PAY08").tz is None
    assert box.runtime.fill_zones() == 1
    with box.runtime.uow() as uow:
        assert uow.interviewers.by_slack_id("U0PAY08").tz == "Asia/Tokyo"
    assert box.fake.calls_to("users.info")[-1].params["user"] == "U0PAY08"
    assert box.runtime.fill_zones() == 0  # asked once; a set zone is never overwritten


def test_a_form_slack_refuses_to_open_gets_an_ephemeral_answer(sandbox):
    sandbox.fake.fail_next("views.open", error="expired_trigger_id")
    sandbox.slack.slash_command("/schedule-loop", "Ada", "U0REC01")
    sandbox.settle()
    [answer] = sandbox.fake.calls_to("response_url")
    assert "could not open the form (expired_trigger_id)" in answer.params["text"]
    assert answer.params["response_type"] == "ephemeral"


def test_an_unexpected_error_is_logged_and_the_person_told(sandbox, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(sandbox.runtime.services.loops, "confirm", broken)
    sandbox.slack.block_action("U0REC01", "proposal_confirm", value="1:1", channel_id="D0REC01")
    sandbox.settle()
    [answer] = sandbox.fake.calls_to("response_url")
    assert "went wrong on loopbot's side" in answer.params["text"]


def test_upkeep_forgets_retry_keys_no_retry_can_still_need(sandbox):
    from datetime import UTC, datetime, timedelta

    from storage.models import ProcessedRequest

    with sandbox.runtime.uow() as uow:
        uow.requests.claim("event:old")
        uow.requests.claim("event:recent")
        uow.session.get(ProcessedRequest, "event:old").at = datetime.now(UTC) - timedelta(days=40)
        uow.commit()
    sandbox.runtime.maintain()
    with sandbox.runtime.uow() as uow:
        keys = {r.key for r in uow.session.exec(select(ProcessedRequest))}
    assert "event:old" not in keys and "event:recent" in keys
