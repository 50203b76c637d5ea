"""The whole bot on a fake Slack: what `loopbot demo` and the scenario tests drive.

Everything is real but Slack itself: the served HTTP endpoint, Bolt's signature
checks, the database and its migrations, the outbox sender. People act through
`SlackRequests` (signed exactly as Slack signs), and what the bot says lands in
`FakeSlack`, which records every call with its whole body.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from importlib.resources import files
from typing import Any

from bot.clock import Clock
from bot.people import import_roster
from bot.roster import parse_roster
from bot.settings import Settings
from loopbot.demo.fake_slack import FakeSlack
from loopbot.demo.slack_requests import Response, SlackRequests
from loopbot.runtime import Runtime
from storage.models import Interview, Loop, Stage

SIGNING_SECRET = "sandbox-signing-secret"
BOT_TOKEN = "xoxb-sandbox-token"
RECRUITING_CHANNEL = "C0RECRUIT"
# Availability that fits most of the sample org, for stages planned later in a loop.
WEEKDAYS = (
    "next Monday 9am-6pm, next Tuesday 9am-6pm, next Wednesday 9am-6pm, "
    "next Thursday 9am-6pm, next Friday 9am-6pm"
)


def sample_roster_csv() -> str:
    return files("loopbot").joinpath("sample_roster.csv").read_text(encoding="utf-8")


class Sandbox:
    def __init__(
        self,
        database_url: str,
        *,
        clock: Clock | None = None,
        roster_csv: str | None = None,
        env: dict[str, str] | None = None,
    ):
        self.fake = FakeSlack(token=BOT_TOKEN).start()
        self.fake.add_channel(RECRUITING_CHANNEL, "recruiting")
        self.roster_csv = sample_roster_csv() if roster_csv is None else roster_csv
        for row in csv.DictReader(io.StringIO(self.roster_csv)):
            self.fake.add_user(row["slack_user_id"], row["name"], row["email"], row["tz"] or "UTC")
        settings = Settings.from_env(
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": self.fake.base_url,
                "DATABASE_URL": database_url,
                "LOOPBOT_RECRUITING_CHANNEL": RECRUITING_CHANNEL,
                **(env or {}),
            },
            dotenv=None,
        )
        try:
            self.runtime = Runtime(settings, clock=clock)
            self.runtime.sender.poll_seconds = 0.05
            self.url = self.runtime.start()
            # Start-up look-ups (auth.test, zones) done: what a test does next is its own.
            self.runtime.warmed.wait(10)
        except BaseException:
            self.fake.stop()
            raise
        self.slack = SlackRequests(
            self.url,
            SIGNING_SECRET,
            triggers=self.fake.triggers,
            response_urls=self.fake.new_response_url,
            directory=self.fake,
        )

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self.runtime.stop()
        self.fake.stop()

    # --- set-up -----------------------------------------------------------------------------

    def import_roster(self) -> None:
        templates = self.runtime.services.templates
        entries = parse_roster(
            self.roster_csv,
            known_roles=templates.roles,
            known_interview_types=templates.interview_types,
        )
        with self.runtime.uow() as uow:
            import_roster(uow, entries, actor="sandbox")
            uow.commit()

    @property
    def now(self) -> datetime:
        return self.runtime.services.clock.now()

    # --- acting as people -------------------------------------------------------------------

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until the bot has sent everything it queued."""
        if not self.runtime.settle(timeout):
            raise AssertionError("the bot did not finish its work in time")

    def open_schedule_loop(self, user: str, text: str = "") -> dict:
        """/schedule-loop as `user`; returns the modal Slack would show them."""
        before = len(self.fake.calls_to("views.open"))
        response = self.slack.slash_command("/schedule-loop", text, user)
        assert response.status == 200, response.text
        self.fake.wait_for("views.open", lambda c: len(self.fake.calls_to("views.open")) > before)
        return self.fake.calls_to("views.open")[-1].response["view"]

    def submit(self, user: str, view: dict, values: dict[str, Any]) -> Response:
        """Submit a modal with block_id → value (strings for text, user ids for user
        selects, option values for selects and radio buttons)."""
        state: dict[str, dict[str, Any]] = {}
        for block in view.get("blocks", []):
            if block.get("type") != "input" or block["block_id"] not in values:
                continue
            element = block["element"]
            state[block["block_id"]] = {
                element["action_id"]: _state_value(element, values[block["block_id"]])
            }
        response = self.slack.view_submission(user, view, state)
        return response

    def advance_clock(self, delta: timedelta) -> int:
        """Move the clock and fire every prompt that falls due; returns how many ran."""
        self.runtime.clock.advance(delta)
        fired = self.runtime.run_due_prompts()
        self.settle()
        return fired

    def schedule_loop(self, user: str, fields: dict[str, Any], text: str = "") -> Response:
        """/schedule-loop, then fill in and submit the form as `user` would."""
        view = self.open_schedule_loop(user, text)
        response = self.submit(user, view, fields)
        self.settle()
        return response

    def recruiting(self) -> list[dict]:
        """The decision threads' root messages (each with its "replies")."""
        return self.fake.messages(RECRUITING_CHANNEL)

    def dms(self, user: str) -> list[dict]:
        return self.fake.messages(self.fake.dm_channel(user))

    def click(self, user: str, message: dict, action_id: str, value: str | None = None):
        return self.slack.block_action(user, action_id, value=value, message=message)

    # --- higher-level moves people make (the demo and the scenario tests share them) -------

    def latest_with(self, user: str, action_id: str) -> dict:
        """The newest message in `user`'s DM (or the recruiting thread) with that button."""
        candidates = list(self.dms(user))
        for root in self.recruiting():
            candidates += [root, *root.get("replies", [])]
        found = [m for m in candidates if _has_action(m, action_id)]
        if not found:
            raise AssertionError(f"no message with {action_id} for {user}")
        return max(found, key=lambda m: float(m.get("ts", 0)))

    def press(self, user: str, action_id: str, value: str | None = None) -> None:
        """Press the newest `action_id` button `user` can see, and let the bot finish."""
        message = self.latest_with(user, action_id)
        self.click(user, message, action_id, value=value)
        self.settle()

    def last_modal(self, callback_id: str) -> dict:
        calls = [
            c
            for c in self.fake.calls_to("views.open")
            if c.params["view"].get("callback_id") == callback_id
        ]
        return calls[-1].response["view"]

    def give_feedback(
        self,
        user: str,
        interview_id: int,
        signal: str,
        notes: str,
        rating: str = "3",
        preferences: list[str] | None = None,
    ) -> Response:
        """Open the feedback form from the DM button and submit it (with the teams the
        candidate leans toward, when the form asks)."""
        message = next(
            m
            for m in reversed(self.dms(user))
            if _has_action(m, "feedback_open", str(interview_id))
        )
        self.click(user, message, "feedback_open", value=str(interview_id))
        self.settle()
        form = self.last_modal("feedback")
        values: dict[str, Any] = {"signal": signal, "notes": notes}
        for block in form["blocks"]:
            if block.get("block_id", "").startswith("rating:"):
                values[block["block_id"]] = rating
        if preferences is not None:
            values["preferences"] = preferences
        response = self.submit(user, form, values)
        self.settle()
        return response

    # --- a loop's life, stage by stage ------------------------------------------------------

    def loop_id(self, candidate_name: str) -> int:
        with self.runtime.uow() as uow:
            for loop in uow.loops.open_loops() + uow.loops.closed_loops():
                if uow.loops.candidate(loop.candidate_id).name == candidate_name:
                    return loop.id
        raise AssertionError(f"no loop for {candidate_name}")

    def loop(self, loop_id: int) -> Loop:
        with self.runtime.uow() as uow:
            return uow.loops.get(loop_id)

    def stage(self, loop_id: int, key: str) -> Stage:
        with self.runtime.uow() as uow:
            return next(s for s in uow.loops.stages(loop_id) if s.key == key)

    def interviews(self, stage_id: int) -> list[tuple[Interview, str]]:
        """The stage's live interviews, each with its interviewer's Slack id."""
        with self.runtime.uow() as uow:
            return [
                (i, uow.interviewers.get(i.interviewer_id).slack_user_id)
                for i in uow.loops.interviews(stage_id)
                if i.status in ("confirmed", "completed")
            ]

    def book(
        self, loop_id: int, key: str, availability: str = WEEKDAYS, recruiter: str = "U0REC01"
    ) -> Stage:
        """The recruiter confirms the stage's proposal, giving new times first when no
        panel fits the candidate's old ones (or the proposal's hold on them has expired)."""
        stage = self.stage(loop_id, key)
        if not self._bookable(stage.proposal):
            self.press(
                recruiter, "proposal_pick_time", value=f"{stage.id}:{stage.proposal['version']}"
            )
            answer = self.submit(
                recruiter, self.last_modal("replan_stage"), {"availability": availability}
            )
            if answer.body:
                raise AssertionError(f"new times for {key} refused: {answer.text}")
            self.settle()
            stage = self.stage(loop_id, key)
        if stage.proposal.get("kind") != "plan":
            raise AssertionError(f"no panel for {key}: {stage.proposal}")
        self.press(recruiter, "proposal_confirm", value=f"{stage.id}:{stage.proposal['version']}")
        stage = self.stage(loop_id, key)
        if stage.status != "scheduled":
            said = [c.params.get("text") for c in self.fake.calls_to("response_url")][-1:]
            raise AssertionError(f"{key} was not booked: {said}")
        return stage

    def _bookable(self, proposal: dict) -> bool:
        slots = proposal.get("slots", [])
        return (
            proposal.get("kind") == "plan"
            and not proposal.get("expired")
            and all(datetime.fromisoformat(s["start"]) > self.now for s in slots)
        )

    def until_over(self, stage_id: int, extra: timedelta = timedelta(minutes=1)) -> int:
        """Move the clock past the stage's last interview; returns the prompts fired."""
        end = max(i.end_at for i, _ in self.interviews(stage_id))
        return self.advance_clock(max(end - self.now, timedelta(0)) + extra)

    def feedback_from_all(
        self,
        stage_id: int,
        signal: str = "yes",
        notes: str = "Clear thinking and good trade-offs; asked sharp "
        "questions about the real system.",
    ) -> None:
        for interview, user in self.interviews(stage_id):
            response = self.give_feedback(user, interview.id, signal, notes)
            if response.body:
                raise AssertionError(f"feedback refused: {response.text}")

    def run_stage(self, loop_id: int, key: str, signal: str = "yes") -> Stage:
        """Book a stage, let its interviews happen, collect everyone's feedback."""
        stage = self.book(loop_id, key)
        self.until_over(stage.id)
        self.feedback_from_all(stage.id, signal)
        return self.stage(loop_id, key)

    def pivot(
        self,
        user: str,
        loop_id: int,
        target: str,
        reason: str,
        manager: str = "",
        why: str = "candidate_preference",
    ) -> Response:
        """Press Pivot on the loop's thread and submit the form."""
        self.press(user, "loop_pivot", value=str(loop_id))
        values = {"target": target, "reason": reason, "why": why}
        if manager:
            values["hiring_manager"] = manager
        response = self.submit(user, self.last_modal("pivot_loop"), values)
        self.settle()
        return response

    def decide(
        self, user: str, action_id: str, stage_id: int, values: dict[str, Any] | None = None
    ) -> Response | None:
        """Press a decision button (advance, decline, offer) in the loop's thread; Decline
        and Make offer open a form, submitted with `values` (or a plausible reason)."""
        self.press(user, action_id, value=str(stage_id))
        form = DECISION_FORMS.get(action_id)
        if form is None:
            return None
        opened = [
            c
            for c in self.fake.calls_to("views.open")
            if c.params["view"].get("callback_id") == form
            and c.params["view"].get("private_metadata") == str(stage_id)
        ]
        if not opened:
            return None  # refused: the ephemeral answer says why
        response = self.submit(user, opened[-1].response["view"], values or DECISION_VALUES[form])
        self.settle()
        return response


DECISION_FORMS = {
    "decision_decline": "decision_decline_form",
    "decision_offer": "decision_offer_form",
}
DECISION_VALUES: dict[str, dict[str, Any]] = {
    "decision_decline_form": {"why": "technical_bar", "details": "Missed failure handling twice"},
    "decision_offer_form": {
        "why": "strong_panel",
        "details": "",
        "compensation": "Band 5, standard equity",
        "start_date": "2099-01-04",
        "open_questions": "Relocation timing",
    },
}


def _has_action(message: dict, action_id: str, value: str | None = None) -> bool:
    for block in message.get("blocks", []):
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if (
                isinstance(element, dict)
                and element.get("action_id") == action_id
                and (value is None or element.get("value") == value)
            ):
                return True
    return False


def _state_value(element: dict, value: Any) -> dict:
    kind = element["type"]
    if kind == "users_select":
        return {"type": kind, "selected_user": value}
    if kind == "checkboxes":
        options = {o["value"]: o for o in element.get("options", [])}
        return {"type": kind, "selected_options": [options.get(v, {"value": v}) for v in value]}
    if kind == "datepicker":
        return {"type": kind, "selected_date": value}
    if kind in ("static_select", "radio_buttons"):
        options = element.get("options", [])
        chosen = next((o for o in options if o["value"] == value), None)
        return {"type": kind, "selected_option": chosen or {"value": value}}
    return {"type": kind, "value": value}
