"""The demo's candidate's side: the emails Ada receives (through a real SMTP server the demo
starts) and her page as she sees it, a self-scheduled round 1 and an accommodation request
she makes herself. Its own sandbox and clock, so it runs whatever the other scenes did."""

from __future__ import annotations

import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from importlib.resources import files
from pathlib import Path

from bot.clock import ManualClock
from loopbot.demo.mail_sink import MailSink
from loopbot.demo.page_text import mail_text, page_text
from loopbot.demo.sandbox import Sandbox

PUBLIC_URL = "https://loopbot.example.com"
RECRUITER, PAYMENTS_HM = "U0REC01", "U0PAYHM"
ADA = {
    "candidate_name": "Ada Lovelace",
    "candidate_email": "ada@example.com",
    "track": "ic",
    "level": "L5",
    "team": "payments",
    "recruiter": RECRUITER,
    "hiring_manager": PAYMENTS_HM,
    "candidate_tz": "Europe/London",
    "availability": "next Monday 9am-6pm, next Tuesday 9am-6pm, next Wednesday 9am-6pm",
    "technical_format": "discussion",
}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Ada's browser: GET and POST on her page, as a form without JavaScript sends them."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(_NoRedirect)

    def open(self, path: str, form: dict | None = None) -> tuple[int, str, str]:
        data = None if form is None else urllib.parse.urlencode(form, doseq=True).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as response:
                return response.status, response.read().decode(), ""
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode(), answer.headers.get("Location", "")

    def submit(self, path: str, form: dict) -> str:
        """POST, then follow the redirect the way a browser does; returns the page shown."""
        status, text, location = self.open(path, form)
        if status == 303:
            return self.open(location)[1]
        return text


def candidate_side(out, start: datetime) -> None:
    from loopbot.demo.script import Demo  # the transcript's helpers; the script calls us

    sample = files("loopbot").joinpath("sample_templates.toml")
    with tempfile.TemporaryDirectory(prefix="loopbot-demo-") as tmp, MailSink() as sink:
        env = {
            "LOOPBOT_TEMPLATES_FILE": str(sample),
            "LOOPBOT_SMTP_URL": sink.url,
            "LOOPBOT_MAIL_FROM": "Example Corp hiring <hiring@example.com>",
            "LOOPBOT_SECRET_KEY": "demo-only-secret-key-demo-only-secret-key",
            "LOOPBOT_PUBLIC_URL": PUBLIC_URL,
            "LOOPBOT_CANDIDATE_SCHEDULING": "self_schedule",
            "LOOPBOT_CANDIDATE_AUTO_CONFIRM": "true",
            "LOOPBOT_VIDEO_URL_TEMPLATE": "https://meet.example.com/{key}",
        }
        database = f"sqlite:///{Path(tmp) / 'candidate.db'}"
        with Sandbox(database, clock=ManualClock(start), env=env) as box:
            box.import_roster()
            _scenes(Demo(box, out), sink, Browser(box.url))


def _scenes(demo, sink: MailSink, browser: Browser) -> None:
    box, out = demo.box, demo.out
    seen = [0]

    def mail() -> str:
        """The newest emails Ada received, as she reads them; returns her page's path."""
        box.settle()
        messages = sink.messages()
        link = ""
        for message in messages[seen[0] :]:
            out.write(f"\n✉ email to Ada (via SMTP at {sink.url}):\n" + mail_text(message))
            text = message.get_body(("plain",)).get_content()
            found = re.search(re.escape(PUBLIC_URL) + r"(/c/[A-Za-z0-9._-]+)", text)
            link = found.group(1) if found else link
        seen[0] = len(messages)
        return link

    def page(html: str) -> None:
        out.write("\nAda's page, as she sees it on her phone:\n" + page_text(html))

    demo.scene("14. The candidate's side: Ada picks her own time and asks for what she needs")
    demo.say(
        "Candidate mail is on (LOOPBOT_CANDIDATE_SCHEDULING=self_schedule, auto-confirm). "
        "Rosa starts a loop for Ada Lovelace, L5, payments"
    )
    response = box.schedule_loop(RECRUITER, ADA, text="Ada Lovelace L5 payments")
    if response.body:
        raise RuntimeError(f"the form was refused: {response.text}")
    demo.show()
    path = mail()
    demo.say(f"Ada opens the link (served by loopbot itself, here at {box.url}{path[:12]}…)")
    status, html, _ = browser.open(path)
    page(html)
    demo.say("Ada tells us she uses a screen reader and would like 15 extra minutes")
    html = browser.submit(
        path,
        {
            "action": "accommodations",
            "accommodations": "I use a screen reader; please share documents in advance.",
            "extra_minutes": "15",
            "extra_break": "0",
        },
    )
    page(html)
    demo.show()
    demo.say("Ada picks the second time offered and presses Book this time")
    chosen = re.findall(r'name="start" value="([^"]+)"', html)[1]
    html = browser.submit(path, {"action": "pick", "start": chosen})
    page(html)
    mail()
    demo.show()

    demo.scene("15. Round 1, self-scheduled: the whole panel, at a time Ada chose")
    loop_id = box.loop_id("Ada Lovelace")
    screen = box.stage(loop_id, "recruiter_screen")
    box.until_over(screen.id)
    box.feedback_from_all(screen.id)
    box.decide(PAYMENTS_HM, "decision_advance", screen.id)
    for key in ("manager_screen", "technical_screen"):
        stage = box.run_stage(loop_id, key)
        box.decide(PAYMENTS_HM, "decision_advance", stage.id)
    demo.skip(
        "Ada's screens take place (each time she gets a link and a confirmation); Priya "
        "advances her to round 1."
    )
    seen[0] = len(sink.messages()) - 1
    path = mail()
    status, html, _ = browser.open(path)
    page(html)
    demo.say("Ada picks the first time: four interviews back to back, breaks included")
    first = re.findall(r'name="start" value="([^"]+)"', html)[0]
    browser.submit(path, {"action": "pick", "start": first})
    mail()
    demo.show()
    demo.say("Ada asks to move it: she will be travelling that day")
    html = browser.submit(
        path, {"action": "reschedule", "reason": "I am travelling that day; any day after works."}
    )
    demo.show()
