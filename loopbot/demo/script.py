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
from importlib.resources import files
from pathlib import Path

from bot.clock import ManualClock
from loopbot.demo.calendars import calendar_scene
from loopbot.demo.candidate import candidate_side
from loopbot.demo.sandbox import WEEKDAYS, Sandbox
from loopbot.demo.team_scenes import team_scenes
from loopbot.demo.transcript import blocks_to_text, render_transcript

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

    def skip(self, narration: str) -> None:
        """Let the bot work without printing it all; say what happened instead."""
        self.box.settle()
        self.seen = len(self.box.fake.calls)
        self.out.write(f"\n... {narration}\n")

    def thread(self, candidate: str) -> None:
        """The candidate's decision thread as it stands, root and replies."""
        root = next(m for m in self.box.recruiting() if candidate in m.get("text", ""))
        viewer = self.box.fake.lookup_user(RECRUITER)
        self.out.write(f"\n#recruiting, {candidate}'s thread now (as Rosa sees it):\n")
        for message in [root, *root.get("replies", [])]:
            text = blocks_to_text(
                message.get("blocks", []), viewer.tz, directory=self.box.fake, now=self.box.now
            )
            indent = "    " if message is root else "      ↳ "
            self.out.write("\n".join(indent + line for line in text.splitlines()) + "\n")

    def write_files(self, user: str, directory: Path) -> list[Path]:
        """The files of the last upload to `user`'s DM, as Slack stored them, into `directory`."""
        dm = self.box.fake.dm_channel(user)
        upload = next(
            c
            for c in reversed(self.box.fake.calls_to("files.completeUploadExternal"))
            if c.params.get("channel_id") == dm
        )
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for entry in upload.params["files"]:
            stored = self.box.fake.file(entry["id"])
            path = directory / stored["name"]
            path.write_bytes(stored["content"])
            written.append(path)
        return written

    def proposal(self, user: str = RECRUITER) -> dict:
        return next(m for m in reversed(self.box.dms(user)) if "proposal_confirm" in json.dumps(m))


def run_demo(verbose: bool = False, out=None, charts: Path | None = None) -> int:
    """`charts`: where the insights charts are written (a new temporary directory, kept,
    when not given)."""
    out = out or sys.stdout
    charts = charts or Path(tempfile.mkdtemp(prefix="loopbot-demo-charts-"))
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR)
    clock = ManualClock(demo_start(datetime.now(UTC)))
    with tempfile.TemporaryDirectory(prefix="loopbot-demo-") as tmp:
        database = f"sqlite:///{Path(tmp) / 'demo.db'}"
        sample = files("loopbot").joinpath("sample_templates.toml")
        with Sandbox(database, clock=clock, env={"LOOPBOT_TEMPLATES_FILE": str(sample)}) as box:
            box.import_roster()
            demo = Demo(box, out)
            out.write(
                "loopbot demo — a fake Slack workspace, a temporary SQLite database, and the\n"
                f"real app served at {box.url}/slack/events. It is "
                f"{clock.now():%A %d %B %Y, %H:%M} UTC.\n"
                "Every step below is a signed HTTP request, exactly as Slack sends it.\n"
            )
            _scheduling(demo)
            _feedback_and_decisions(demo)
            _centralized_hiring(demo)
            team_scenes(demo)
            # Scenes with sandboxes of their own (a CalDAV server, an SMTP server); the
            # demo then ends with the insights of the loops above.
            calendar_scene(Demo, out, demo_start(clock.now()), Path(tmp), number=13)
            candidate_side(out, demo_start(datetime.now(UTC)))
            _insights(demo, charts)
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


def _feedback_and_decisions(demo: Demo) -> None:
    box = demo.box
    grace, alan = box.loop_id("Grace Hopper"), box.loop_id("Alan Turing")

    demo.scene("4. Grace's recruiter screen happens: reminder, feedback prompt, roll-up")
    screen = box.stage(grace, "recruiter_screen")
    [(interview, _)] = box.interviews(screen.id)
    demo.say("The clock moves to 30 minutes before the screen")
    box.advance_clock(interview.start_at - box.now - timedelta(minutes=30))
    demo.show()
    demo.say("The screen ends")
    box.until_over(screen.id, extra=timedelta(0))
    demo.show()
    demo.say("Rosa presses Submit feedback, fills in the form and submits")
    box.give_feedback(
        RECRUITER,
        interview.id,
        "yes",
        "Motivated by payments at scale; leans toward the ledger team.\n"
        "Clear about what she wants next; no concerns on qualifications.",
    )
    demo.show(modals=True)
    demo.say("Priya (hiring manager) presses Advance in the thread")
    box.decide(PAYMENTS_HM, "decision_advance", screen.id)
    demo.show()

    demo.scene("5. Fast-forward through the screens")
    for key in ("manager_screen", "technical_screen"):
        stage = box.run_stage(grace, key)
        box.decide(PAYMENTS_HM, "decision_advance", stage.id)
    demo.skip(
        "Grace's manager screen and technical discussion are booked, take place and are "
        "reviewed; Priya advances her to round 1 each time."
    )
    box.book(alan, "recruiter_screen")
    for key in ("recruiter_screen", "manager_screen", "technical_screen"):
        stage = box.run_stage(alan, key) if key != "recruiter_screen" else box.stage(alan, key)
        if key == "recruiter_screen":
            box.until_over(stage.id)
            box.feedback_from_all(stage.id)
        box.decide(PAYMENTS_HM, "decision_advance", stage.id)
    demo.skip("Alan's screens happen too; his take-home runs a week and is reviewed.")
    demo.thread("Alan Turing")

    demo.scene("6. Alan's round 1: a panel across time zones, and a panelist who can't make it")
    demo.say("Rosa confirms the round-1 proposal she was sent")
    round_1 = box.book(alan, "round_1", availability="next Monday 8am-1pm, next Tuesday 8am-1pm")
    demo.show()
    engineer = next(user for i, user in box.interviews(round_1.id) if i.role == "engineer")
    name = box.fake.lookup_user(engineer).name
    demo.say(f"{name} presses Can't make it")
    declined = next(i for i, user in box.interviews(round_1.id) if user == engineer)
    box.press(engineer, "interview_decline", value=str(declined.id))
    demo.show()

    demo.say("Interview day: the panel happens; prompts go out as each interview ends")
    box.until_over(round_1.id)
    demo.skip("Each panelist got a 30-minute reminder and a feedback prompt in their DM.")
    panel = box.interviews(round_1.id)
    late_id, late_user = next((i.id, u) for i, u in panel if i.role == "engineer")
    for interview, user in panel:
        if user == late_user:
            continue
        box.give_feedback(
            user,
            interview.id,
            "strong_yes" if interview.role == "engineer" else "yes",
            "Designed the ledger sharding cleanly; strong on "
            "failure modes.\nCollaborative, asked about on-call and ownership.",
        )
    demo.skip("Everyone but one engineer submits feedback.")
    late_name = box.fake.lookup_user(late_user).name
    demo.say(f"{late_name} wants to read the panel's feedback before writing their own")
    box.click(
        late_user,
        box.latest_with(PAYMENTS_HM, "feedback_view"),
        "feedback_view",
        value=str(round_1.id),
    )
    demo.show()
    demo.say("A day passes, then another")
    box.advance_clock(timedelta(hours=24))
    demo.show()
    box.advance_clock(timedelta(hours=24))
    demo.show()
    box.give_feedback(
        late_user,
        late_id,
        "yes",
        "Good instincts on API design; a little slow on the concurrency bug but got there.",
    )
    demo.skip(f"{late_name} submits.")
    demo.thread("Alan Turing")
    demo.say("Priya presses Advance to Round 2")
    box.decide(PAYMENTS_HM, "decision_advance", round_1.id)
    demo.show()

    demo.scene("7. Round 2 with a director, then the offer")
    round_2 = box.book(alan, "round_2", availability="next Monday 8am-2pm, next Tuesday 8am-2pm")
    box.until_over(round_2.id)
    box.feedback_from_all(round_2.id, "strong_yes")
    demo.skip("Round 2 is booked, takes place and is reviewed: strong yes all round.")
    demo.say("Priya presses Advance to Decision & offer")
    box.decide(PAYMENTS_HM, "decision_advance", round_2.id)
    demo.show()
    decision = box.stage(alan, "decision")
    demo.say("Priya presses Make offer, notes the package and a start date, and confirms")
    box.decide(PAYMENTS_HM, "decision_offer", decision.id)
    demo.show()
    demo.thread("Alan Turing")

    demo.scene("8. Grace (L4): round 1 goes straight to the decision — no round 2")
    round_1 = box.run_stage(grace, "round_1", signal="no")
    demo.skip("Grace's round 1 is booked and takes place; the panel's feedback is a no.")
    demo.say("Priya presses Advance to Decision & offer: for an L4 there is no round 2")
    box.decide(PAYMENTS_HM, "decision_advance", round_1.id)
    demo.show()
    decision = box.stage(grace, "decision")
    demo.say("Priya presses Decline, picks a reason and confirms")
    box.decide(PAYMENTS_HM, "decision_decline", decision.id)
    demo.show()
    demo.thread("Grace Hopper")

    demo.scene("9. App Home")
    box.book(box.loop_id("Katherine Johnson"), "recruiter_screen")
    demo.skip("Katherine's first times have passed: Rosa picks new ones and confirms.")
    demo.say("Rosa opens loopbot's Home tab")
    box.slack.app_home_opened(RECRUITER)
    demo.show()


def _centralized_hiring(demo: Demo) -> None:
    box = demo.box
    demo.scene("10. Centralized hiring: one loop for two teams, and a pivot that keeps it all")
    demo.say(
        "Rosa types: /schedule-loop Margaret Hamilton L6 backend  (the backend pool: "
        "payments + streaming)"
    )
    demo.schedule(
        {
            "candidate_name": "Margaret Hamilton",
            "candidate_email": "margaret@example.com",
            "track": "ic",
            "level": "L6",
            "team": "pool:backend",
            "recruiter": RECRUITER,
            "hiring_manager": PAYMENTS_HM,
            "candidate_tz": "Europe/London",
            "availability": WEEKDAYS,
            "technical_format": "discussion",
        },
        text="Margaret Hamilton L6 backend",
    )
    demo.show()
    margaret = box.loop_id("Margaret Hamilton")

    screen = box.book(margaret, "recruiter_screen")
    box.until_over(screen.id)
    [(interview, _)] = box.interviews(screen.id)
    demo.skip("The recruiter screen is booked and takes place.")
    demo.say("Rosa's feedback form asks which teams Margaret leans toward; she ticks streaming")
    box.give_feedback(
        RECRUITER,
        interview.id,
        "yes",
        "Wants to work on live video at scale; open to payments too.",
        preferences=["streaming"],
    )
    demo.show(modals=True)
    box.decide(RECRUITER, "decision_advance", screen.id)
    for key in ("manager_screen", "technical_screen"):
        stage = box.run_stage(margaret, key)
        box.decide(PAYMENTS_HM, "decision_advance", stage.id)
    demo.skip("Manager screen and technical discussion happen; Priya advances her each time.")
    demo.say("Round 1 is planned from the whole pool while the loop is unfocused")
    round_1 = box.book(margaret, "round_1")
    demo.show()
    box.until_over(round_1.id)
    box.feedback_from_all(round_1.id, "strong_yes")
    demo.skip("Round 1 takes place; the panel's feedback is a strong yes.")
    demo.say("Anyone can ask which pools exist: /loop-pool")
    box.slack.slash_command("/loop-pool", "", RECRUITER)
    demo.show()

    demo.say("At the decision point Rosa presses Pivot: focus on streaming, as Margaret wants")
    box.pivot(
        RECRUITER,
        margaret,
        "team:streaming",
        "Margaret leans toward streaming and both panels agree she fits there.",
    )
    demo.show(modals=True)
    demo.say("Sven, streaming's hiring manager now, presses Advance to Round 2")
    box.decide(STREAMING_HM, "decision_advance", round_1.id)
    demo.show()
    demo.thread("Margaret Hamilton")


def _insights(demo: Demo, charts: Path) -> None:
    box = demo.box
    demo.scene("16. Insights: how these loops moved, where they waited, who carried them")
    demo.say("Rosa types: /loop-insights 8w  (the eight weeks this demo has run)")
    box.slack.slash_command("/loop-insights", "8w", RECRUITER)
    box.settle(timeout=60)  # drawing three charts takes a moment
    demo.show()
    written = demo.write_files(RECRUITER, charts)
    demo.out.write(
        "\nThe charts in Rosa's DM, as Slack received them, written next to this transcript:\n"
        + "".join(f"  {path}\n" for path in written)
    )
