"""`loopbot demo`: the product on a fake Slack, driven through the real HTTP endpoint.

A sample organisation (two teams, recruiters, directors, partners, leaders in
six time zones) and a few candidates. Every step is a signed request to the
served app, exactly as Slack would send it; the transcript shows what each
person sees in Slack, with times in the reader's own zone.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import ManualClock
from loopbot.sandbox import Sandbox
from loopbot.transcript import render_transcript

RECRUITER = "U0REC01"  # Rosa, New York
PAYMENTS_HM = "U0PAYHM"  # Priya, New York
STREAMING_HM = "U0STRHM"  # Sven, Berlin


def demo_start(today: datetime) -> datetime:
    """Next Monday 08:00 UTC: a working week ahead, whatever day the demo runs."""
    days = (7 - today.weekday()) % 7 or 7
    return (today + timedelta(days=days)).replace(hour=8, minute=0, second=0, microsecond=0)


class Demo:
    def __init__(self, box: Sandbox, out):
        self.box = box
        self.out = out
        self.seen = 0

    def scene(self, title: str) -> None:
        self.out.write(f"\n{'=' * 78}\n{title}\n{'=' * 78}\n")

    def say(self, text: str) -> None:
        self.out.write(f"\n>>> {text}\n")

    def show(self, modals: bool = False) -> None:
        """Everything the bot sent since the last call, as each person saw it."""
        self.box.settle()
        calls = self.box.fake.calls[self.seen :]
        self.seen += len(calls)
        if not modals:
            calls = [c for c in calls if c.method != "views.open"]
        text = render_transcript(
            calls,
            self.box.fake,
            triggers=self.box.fake.triggers,
            viewer=RECRUITER,
            now=self.box.now,
        )
        self.out.write("\n" + (text or "(nothing)\n"))

    def schedule(self, fields: dict, text: str) -> None:
        """/schedule-loop and submit the form; a refused form stops the demo loudly."""
        response = self.box.schedule_loop(RECRUITER, fields, text=text)
        if response.body:
            raise RuntimeError(f"the form was refused: {response.text}")

    def proposal(self, user: str = RECRUITER) -> dict:
        return next(m for m in reversed(self.box.dms(user)) if "proposal_confirm" in json.dumps(m))


def run_demo(verbose: bool = False, out=None) -> int:
    out = out or sys.stdout
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR)
    clock = ManualClock(demo_start(datetime.now(UTC)))
    with tempfile.TemporaryDirectory(prefix="loopbot-demo-") as tmp:
        database = f"sqlite:///{Path(tmp) / 'demo.db'}"
        with Sandbox(database, clock=clock) as box:
            box.import_roster()
            demo = Demo(box, out)
            out.write(
                "loopbot demo — a fake Slack workspace, a temporary SQLite database, and the\n"
                f"real app served at {box.url}/slack/events. It is "
                f"{clock.now():%A %d %B %Y, %H:%M} UTC.\n"
                "Every step below is a signed HTTP request, exactly as Slack sends it.\n"
            )
            _scheduling(demo)
    out.write("\nDemo finished.\n")
    return 0


def _scheduling(demo: Demo) -> None:
    box = demo.box
    demo.scene("1. Rosa (recruiter, New York) starts a loop with one line")
    demo.say("Rosa types: /schedule-loop Grace Hopper L4 payments")
    form = box.open_schedule_loop(RECRUITER, "Grace Hopper L4 payments")
    demo.show(modals=True)

    grace = {
        "candidate_name": "Grace Hopper",
        "candidate_email": "grace@example.com",
        "track": "ic",
        "level": "L4",
        "team": "payments",
        "recruiter": RECRUITER,
        "hiring_manager": PAYMENTS_HM,
        "candidate_tz": "Europe/London",
        "technical_format": "discussion",
    }
    demo.say("Rosa types the availability as '9-5 on Tuesday' and presses Plan it")
    answer = box.submit(RECRUITER, form, {**grace, "availability": "Tue 9-5"}).json()
    for field, problem in answer.get("errors", {}).items():
        out_line = f"modal shown to Rosa Recruiter keeps her input and marks {field}: {problem}"
        demo.out.write(f"\n{out_line}\n")
    demo.say("She fixes it: 'Tue 2pm-6pm, Thu after 10am' (Grace's zone, London)")
    box.submit(RECRUITER, form, {**grace, "availability": "Tue 2pm-6pm, Thu after 10am"})
    demo.show()

    demo.say("Rosa presses Confirm")
    box.click(RECRUITER, demo.proposal(), "proposal_confirm")
    demo.show()

    demo.scene("2. An L6 candidate of the same team: the plan has a round 2")
    demo.say("Rosa runs /schedule-loop for Alan Turing, L6, payments, taking the take-home")
    demo.schedule(
        {
            **grace,
            "candidate_name": "Alan Turing",
            "candidate_email": "alan@example.com",
            "level": "L6",
            "candidate_tz": "America/Los_Angeles",
            "availability": "Wed 9am-1pm, Thu 9am-1pm",
            "technical_format": "take_home",
            "accommodations": "Uses a screen reader; please share documents in advance",
            "extra_break": "15",
        },
        text="Alan Turing L6 payments",
    )
    demo.show()

    demo.scene("3. An engineering-manager candidate: onsite part B waits behind part A")
    demo.schedule(
        {
            **grace,
            "candidate_name": "Katherine Johnson",
            "candidate_email": "kj@example.com",
            "track": "em",
            "level": "L6",
            "team": "streaming",
            "hiring_manager": STREAMING_HM,
            "candidate_tz": "Europe/Berlin",
            "availability": "Tue 10am-5pm, Wed 10am-5pm",
        },
        text="Katherine Johnson em L6 streaming",
    )
    demo.show()
