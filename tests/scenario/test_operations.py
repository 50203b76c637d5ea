"""What an operator sees: /healthz turning 503 on a dead letter (and its recruiter told once),
/metrics, JSON logs, and a replica that does not lead still re-syncing the prompts of what
it commits."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta
from types import SimpleNamespace

from loopbot.demo.sandbox import Sandbox
from loopbot.logs import configure_logging
from loopbot.outbox_cli import outbox_command
from storage import prompt_schedule
from storage.models import OutboxMessage
from tests.scenario.flows import RECRUITER, candidate, rows


def get(box, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"{box.url}{path}", timeout=5) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def started(box):
    box.schedule_loop(RECRUITER, candidate())
    return box.loop(box.loop_id("Ada Lovelace"))


def test_a_dead_letter_turns_healthz_503_until_retried_and_its_recruiter_hears_once(sandbox):
    loop = started(sandbox)
    stage = sandbox.book(loop.id, "recruiter_screen")
    [(interview, user)] = sandbox.interviews(stage.id)
    assert get(sandbox, "/healthz")[0] == 200

    sandbox.fake.fail_next("chat.postMessage", error="is_archived")  # the prompt's DM
    sandbox.until_over(stage.id)
    status, body = get(sandbox, "/healthz")
    report = json.loads(body)
    assert status == 503 and report["dead_letters"] == 1
    assert "dead letters" in report["problems"][0]
    [dead] = [r for r in rows(sandbox, OutboxMessage) if r.status == "dead"]
    assert dead.key == f"interview:{interview.id}:feedback_prompt" and dead.loop_id == loop.id
    notices = [m for m in sandbox.dms(RECRUITER) if "could not be delivered" in m["text"]]
    assert len(notices) == 1 and "is_archived" in notices[0]["text"]

    retry = SimpleNamespace(action="retry", ids=[dead.id])
    outbox_command(retry, sandbox.runtime.engine)
    sandbox.runtime.sender.wake()
    sandbox.settle()
    assert get(sandbox, "/healthz")[0] == 200
    assert any("Submit feedback" in json.dumps(m) for m in sandbox.dms(user))
    notices = [m for m in sandbox.dms(RECRUITER) if "could not be delivered" in m["text"]]
    assert len(notices) == 1  # told once


def test_metrics_cover_the_outbox_acks_and_leadership(sandbox):
    started(sandbox)
    status, body = get(sandbox, "/metrics")
    assert status == 200
    metrics = body.decode()
    for line in (
        "loopbot_leader 1.0",
        "loopbot_outbox_pending 0.0",
        "loopbot_outbox_dead_letters 0.0",
        'loopbot_ack_seconds_count{kind="command"} 1.0',
        'loopbot_ack_seconds_count{kind="view_submission"} 1.0',
        'loopbot_outbox_send_seconds_count{outcome="sent",transport="slack"}',
        "loopbot_slack_rate_limited_total 0.0",
        "loopbot_scheduler_lag_seconds_count",
        "loopbot_outbox_oldest_pending_seconds",
    ):
        assert line in metrics, line


def test_a_replica_that_does_not_lead_resyncs_what_it_commits(make_sandbox, database_url, clock):
    leader = make_sandbox()
    loop = started(leader)
    stage = leader.book(loop.id, "recruiter_screen")
    [(interview, _)] = leader.interviews(stage.id)
    with Sandbox(database_url, clock=clock, env={"LOOPBOT_RUN_SCHEDULER": "false"}) as other:
        assert json.loads(get(other, "/healthz")[1])["leader"] is False
        with other.runtime.uow() as uow:  # a change committed on the other replica
            moved = uow.loops.interview(interview.id)
            moved.start_at += timedelta(days=1)
            moved.end_at += timedelta(days=1)
            uow.session.add(moved)
            uow.commit()
        assert other.runtime.sync_worker.flush(10)
        with other.runtime.engine.connect() as connection:
            stored = prompt_schedule.stored(connection, [interview.id])
        assert stored[(interview.id, "feedback_prompt")] == moved.end_at


def test_json_logs_are_one_object_a_line(capfd):
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure_logging("json")
        logging.getLogger("loopbot.test").warning("outbox %s retried", "k1")
    finally:
        root.handlers[:], root.level = handlers, level
    line = capfd.readouterr().err.strip().splitlines()[-1]
    record = json.loads(line)
    assert record["level"] == "WARNING" and record["logger"] == "loopbot.test"
    assert record["message"] == "outbox k1 retried" and "time" in record


def test_the_scheduler_lag_is_observed_when_a_prompt_fires(sandbox):
    loop = started(sandbox)
    stage = sandbox.book(loop.id, "recruiter_screen")
    sandbox.until_over(stage.id)  # one jump past the end: the reminder is dropped, not late
    lag = "loopbot_scheduler_lag_seconds_count"
    metrics = get(sandbox, "/metrics")[1].decode().splitlines()
    assert [line for line in metrics if line.startswith(lag)] == [f"{lag} 1.0"]
