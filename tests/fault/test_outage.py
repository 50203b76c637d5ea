"""Slack down for a long while, then slow: nothing queued is lost, nothing is sent twice.

A Slack outage of minutes is compressed by a short backoff cap (LOOPBOT_OUTBOX_BACKOFF_CAP
_SECONDS=0.2): in ten seconds every queued row is tried dozens of times, far more than the
eight tries after which the old sender gave up for good. Then Slack answers only after the
client's timeout: each post lands but is not acknowledged, and the next attempt finds it in
the channel's history instead of posting it again."""

from __future__ import annotations

import json
import time

import pytest

from loopbot.demo.sandbox import Sandbox
from storage.models import OutboxMessage
from tests.fault.replicas import posts_by_outbox_id, wait_for
from tests.scenario.flows import RECRUITER, candidate, rows

OUTAGE_SECONDS = 10


@pytest.fixture
def box(one_database, clock):
    env = {
        "LOOPBOT_OUTBOX_BACKOFF_CAP_SECONDS": "0.2",
        "LOOPBOT_OUTBOX_MAX_AGE_SECONDS": "2",
        "LOOPBOT_SLACK_TIMEOUT_SECONDS": "0.5",
    }
    with Sandbox(one_database, clock=clock, env=env) as sandbox:
        sandbox.import_roster()
        yield sandbox


def health(box) -> tuple[int, dict]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{box.url}/healthz", timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def all_sent(box) -> None:
    """Wait until every queued row is delivered (a row backing off is not "due", so the
    sandbox's settle() alone may return while it waits)."""
    box.settle(30)
    wait_for(
        lambda: {r.status for r in rows(box, OutboxMessage)} == {"sent"},
        30,
        "every outbox row delivered",
    )


def test_a_long_outage_then_a_slow_slack_lose_and_repeat_nothing(box):
    form = box.open_schedule_loop(RECRUITER)  # Slack is still up: the form opens
    box.fake.outage(503)
    began = time.monotonic()
    answer = box.submit(RECRUITER, form, candidate())
    assert answer.status == 200 and not answer.body  # the form is accepted all the same
    box.runtime.listeners.wait_quiet(10)

    status, report = wait_for(
        lambda: (lambda s, r: (s, r) if s == 503 and r["problems"] else None)(*health(box)),
        10,
        "healthz to report the backlog",
    )
    assert "oldest undelivered outbox message" in report["problems"][0]
    assert report["outbox_pending"] >= 2  # the thread's root and the recruiter's proposal
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - began)))
    refused = [c for c in box.fake.calls if c.status == 503]
    assert len(refused) > 8 * report["outbox_pending"]  # tried far past the old give-up point
    assert {r.status for r in rows(box, OutboxMessage)} <= {"pending", "sending"}

    box.fake.outage(None)
    all_sent(box)
    [root] = box.recruiting()
    assert "Ada Lovelace" in json.dumps(root)
    assert len([m for m in box.dms(RECRUITER) if "Confirm" in json.dumps(m)]) == 1
    assert {r.status for r in rows(box, OutboxMessage)} == {"sent"}
    assert health(box)[0] == 200

    # Now Slack posts at once but answers after the client gave up (0.5 s).
    box.fake.set_latency("chat.postMessage", 1.0)
    loop_id = box.loop_id("Ada Lovelace")
    stage = box.stage(loop_id, "recruiter_screen")
    box.click(
        RECRUITER,
        box.latest_with(RECRUITER, "proposal_confirm"),
        "proposal_confirm",
        value=f"{stage.id}:{stage.proposal['version']}",
    )
    all_sent(box)
    box.fake.set_latency("chat.postMessage", 0)
    sent = rows(box, OutboxMessage)
    assert any((r.result or {}).get("found") for r in sent), "no post timed out: proves nothing"
    landed = posts_by_outbox_id(box.fake)
    assert {i: n for i, n in landed.items() if n > 1} == {}
    [(interview, interviewer)] = box.interviews(stage.id)
    assert len([m for m in box.dms(interviewer) if "Can't make it" in json.dumps(m)]) == 1


def test_a_recruiting_channel_given_by_name_still_finds_a_post_that_landed(one_database, clock):
    env = {
        "LOOPBOT_OUTBOX_BACKOFF_CAP_SECONDS": "0.2",
        "LOOPBOT_SLACK_TIMEOUT_SECONDS": "0.5",
        "LOOPBOT_RECRUITING_CHANNEL": "#recruiting",  # a name: history needs the channel's id
    }
    with Sandbox(one_database, clock=clock, env=env) as box:
        box.import_roster()
        form = box.open_schedule_loop(RECRUITER)
        box.fake.set_latency("chat.postMessage", 1.0)  # lands, answered after the timeout
        assert not box.submit(RECRUITER, form, candidate()).body
        all_sent(box)
        box.fake.set_latency("chat.postMessage", 0)
        assert any(c.method == "conversations.list" for c in box.fake.calls)
        root = next(r for r in rows(box, OutboxMessage) if r.ref and r.ref.endswith(":root"))
        assert (root.result or {}).get("found"), "the root post did not time out: proves nothing"
        assert len(box.recruiting()) == 1
        assert {i: n for i, n in posts_by_outbox_id(box.fake).items() if n > 1} == {}
