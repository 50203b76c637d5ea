"""How fast loopbot acknowledges Slack under bursts, beside a bare Bolt app, while Slack's
Web API is slow.

Slack gives an app 3 seconds to acknowledge. This serves loopbot (the sandbox: the real
HTTP stack, Bolt, the database, the outbox) and a bare Bolt app (tests/bench/bare_bolt.py)
side by side on one fake Slack answering every Web API call in 1.5 s, and fires bursts of
20 concurrent signed slash commands, button clicks and modal submissions at each, in turns,
on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL. Then the modal submissions
again with a 5,000-person roster (creating a loop, and new times for a stage).
Run: `make bench` (or `python -m tests.bench.bench_ack`). Speed is printed, never asserted.
"""

from __future__ import annotations

import itertools
import logging
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from loopbot.demo.sandbox import BOT_TOKEN, SIGNING_SECRET, WEEKDAYS, Sandbox
from loopbot.demo.slack_requests import SlackRequests
from tests.bench.bare_bolt import BareBolt
from tests.bench.big_roster import roster_csv
from tests.bench.bursts import burst, line, ratio_line

SIZE = 20  # requests per burst
BURSTS = 5  # bursts per kind and app: 100 answers each
SLACK_LATENCY = 1.5
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
FIELDS = {
    "candidate_name": "Ada Lovelace",
    "candidate_email": "ada@example.com",
    "track": "ic",
    "level": "L5",
    "team": "payments",
    "recruiter": "U0REC01",
    "hiring_manager": "U0PAYHM",
    "candidate_tz": "Europe/London",
    "availability": WEEKDAYS,
    "technical_format": "discussion",
}


@contextmanager
def database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    base = os.environ["TEST_DATABASE_URL"]
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def quiet(*waits) -> None:
    for wait in waits:
        if not wait(120):
            raise AssertionError("listeners still busy after 120 s")


def compare(backend: str) -> None:
    with (
        database(backend) as url,
        Sandbox(url, clock=ManualClock(START)) as box,
    ):
        box.import_roster()
        bare = BareBolt(SIGNING_SECRET, box.fake.base_url, BOT_TOKEN)
        bare_slack = SlackRequests(
            bare.start(),
            SIGNING_SECRET,
            triggers=box.fake.triggers,
            response_urls=box.fake.new_response_url,
            directory=box.fake,
        )
        try:
            form = box.open_schedule_loop("U0REC01", "Ada L5 payments")
            box.submit("U0REC01", {**form, "id": "VWARM"}, FIELDS)
            box.settle(timeout=120)
            proposal = box.latest_with("U0REC01", "proposal_swap")
            box.fake.set_latency(None, SLACK_LATENCY)
            views = itertools.count()
            kinds = {
                "slash command (/schedule-loop)": lambda slack: (
                    lambda n: slack.slash_command("/schedule-loop", "Ada L5 payments", "U0REC01")
                ),
                "button click (Swap)": lambda slack: (
                    lambda n: slack.block_action(
                        "U0REC01", "proposal_swap", value="1:99:0", message=proposal
                    )
                ),
                "modal submit (/schedule-loop form)": lambda slack: (
                    lambda n: submit_form(slack, form, f"VB{next(views):05d}")
                ),
            }
            print(f"\n{backend}: bursts of {SIZE}, Slack answering in {SLACK_LATENCY} s")
            for name, make in kinds.items():
                for app_slack in (box.slack, bare_slack):
                    make(app_slack)(0)  # warm: Bolt's first auth.test, first imports
                quiet(box.runtime.listeners.wait_quiet, bare.listeners.wait_quiet)
                ours: list[float] = []
                theirs: list[float] = []
                for _ in range(BURSTS):
                    ours += burst(make(box.slack), SIZE)
                    quiet(box.runtime.listeners.wait_quiet)
                    theirs += burst(make(bare_slack), SIZE)
                    quiet(bare.listeners.wait_quiet)
                print(line(f"{name} loopbot", ours))
                print(line(f"{name} bare Bolt", theirs))
                print(ratio_line(name, ours, theirs))
        finally:
            box.fake.set_latency(None, 0)
            bare.stop()


def submit_form(slack: SlackRequests, form: dict, view_id: str):
    values = {}
    for block in form["blocks"]:
        if block.get("type") != "input" or block["block_id"] not in FIELDS:
            continue
        element = block["element"]
        value = FIELDS[block["block_id"]]
        if element["type"] == "users_select":
            state = {"type": "users_select", "selected_user": value}
        elif element["type"] in ("static_select", "radio_buttons"):
            state = {"type": element["type"], "selected_option": {"value": value}}
        else:
            state = {"type": element["type"], "value": value}
        values[block["block_id"]] = {element["action_id"]: state}
    return slack.view_submission("U0REC01", {**form, "id": view_id}, values)


def big_roster(backend: str, people: int) -> None:
    """Modal submissions in bursts with a roster of `people`: a new loop, and new times for a
    stage (whose plan, and whose explanation when nothing fits, run after the ack)."""
    with (
        database(backend) as url,
        Sandbox(url, clock=ManualClock(START), roster_csv=roster_csv(people)) as box,
    ):
        box.import_roster()
        box.slack.slash_command("/schedule-loop", "Ada L5 payments", "U0REC01")
        form = box.fake.wait_for("views.open", timeout=120).response["view"]
        box.submit("U0REC01", {**form, "id": "VWARM"}, FIELDS)
        box.settle(timeout=600)
        box.fake.set_latency(None, SLACK_LATENCY)
        views = itertools.count()
        creates: list[float] = []
        for _ in range(BURSTS):
            creates += burst(lambda n: submit_form(box.slack, form, f"VC{next(views):05d}"), SIZE)
            quiet(box.runtime.listeners.wait_quiet)
        print(f"\n{backend}, {people} people on the roster, Slack answering in {SLACK_LATENCY} s")
        print(line("modal submit (new loop)", creates))
        stages = open_proposals(box)
        replans: list[float] = []
        for round_ in range(BURSTS):
            batch = stages[round_ * SIZE : (round_ + 1) * SIZE]
            if len(batch) < SIZE:
                break
            replans += burst(lambda n, b=batch: replan(box, *b[n]), SIZE)
            quiet(box.runtime.listeners.wait_quiet)
        print(line("modal submit (new times: no plan fits)", replans))
        box.fake.set_latency(None, 0)


def open_proposals(box: Sandbox) -> list[tuple[int, int]]:
    with box.runtime.uow() as uow:
        return [
            (stage.id, int(stage.proposal.get("version", 0)))
            for loop in uow.loops.open_loops()
            for stage in uow.loops.stages(loop.id)
            if stage.status == "proposed"
        ]


def replan(box: Sandbox, stage_id: int, version: int):
    """New times on a Sunday: nobody works then, so the explanation of what is missing runs."""
    view = {
        "id": f"VR{stage_id:06d}",
        "type": "modal",
        "callback_id": "replan_stage",
        "private_metadata": f"{stage_id}:{version}",
        "blocks": [],
    }
    values = {"availability": {"availability": {"type": "plain_text_input", "value": SUNDAY}}}
    return box.slack.view_submission("U0REC01", view, values)


SUNDAY = "next Sunday 9am-6pm"


def main() -> None:
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # bursts queue, by design
    logging.getLogger("slack_bolt").setLevel(logging.CRITICAL)  # "didn't call ack()" is counted
    backends = ["sqlite"] + (["postgres"] if os.environ.get("TEST_DATABASE_URL") else [])
    for backend in backends:
        compare(backend)
    for backend in backends:
        big_roster(backend, 5000)


if __name__ == "__main__":
    main()
