import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from loopbot.demo.fake_slack import FakeSlack
from loopbot.demo.signing import sign
from loopbot.demo.slack_requests import SlackRequests
from loopbot.demo.transcript import render_transcript

SECRET = "test-signing-secret"


@dataclass
class Captured:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class CaptureServer:
    """Stands in for the bot: remembers each request and answers 200 ``{}``."""

    requests: list[Captured] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def last(self) -> Captured:
        return self.requests[-1]

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.last.body.decode()).items()}

    def payload(self) -> dict[str, Any]:
        return json.loads(self.form()["payload"])


def serve(handler_class: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def capture() -> Iterator[tuple[CaptureServer, SlackRequests]]:
    captured = CaptureServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            captured.requests.append(Captured(self.path, dict(self.headers.items()), body))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: Any) -> None:
            return

    server, url = serve(Handler)
    yield captured, SlackRequests(url, SECRET)
    server.shutdown()
    server.server_close()


def verify(captured: Captured, secret: str = SECRET) -> bool:
    return SignatureVerifier(secret).is_valid(
        body=captured.body,
        timestamp=captured.headers.get("X-Slack-Request-Timestamp", ""),
        signature=captured.headers.get("X-Slack-Signature", ""),
    )


# --------------------------------------------------------------------------- signing


def test_sign_matches_slack_sdk() -> None:
    verifier = SignatureVerifier(SECRET)
    assert verifier.generate_signature(timestamp="1531420618", body="a=b") == sign(
        SECRET, 1531420618, b"a=b"
    )


def test_requests_verify_with_signature_verifier(capture) -> None:
    captured, requests = capture
    response = requests.url_verification("abc")
    assert response.status == 200 and response.json() == {}
    assert captured.last.path == "/slack/events"
    assert verify(captured.last)
    requests.slash_command("/schedule-loop", "Grace", "U0ADA")
    assert verify(captured.last)
    requests.block_action("U0ADA", "confirm", "yes")
    assert verify(captured.last)


def test_forged_stale_unsigned_and_other_secret(capture) -> None:
    captured, requests = capture
    requests.url_verification("abc", forged=True)
    assert not verify(captured.last)

    requests.url_verification("abc", timestamp=int(time.time()) - 600)
    assert not verify(captured.last)
    # The HMAC itself is right; only its age fails.
    headers = captured.last.headers
    expected = sign(SECRET, headers["X-Slack-Request-Timestamp"], captured.last.body)
    assert headers["X-Slack-Signature"] == expected

    requests.url_verification("abc", unsigned=True)
    assert "X-Slack-Signature" not in captured.last.headers
    assert "X-Slack-Request-Timestamp" not in captured.last.headers

    requests.url_verification("abc", sign_with="another-secret")
    assert not verify(captured.last)
    assert verify(captured.last, "another-secret")


def test_url_keeps_an_explicit_path() -> None:
    assert SlackRequests("http://h:1", SECRET).url == "http://h:1/slack/events"
    assert SlackRequests("http://h:1/", SECRET).url == "http://h:1/slack/events"
    assert SlackRequests("http://h:1/custom", SECRET).url == "http://h:1/custom"


# --------------------------------------------------------------------------- shapes


def test_event_envelope_and_retry_headers(capture) -> None:
    captured, requests = capture
    requests.event({"type": "app_home_opened", "user": "U0ADA"}, event_id="Ev1")
    body = json.loads(captured.last.body)
    assert body["type"] == "event_callback"
    assert body["event_id"] == "Ev1"
    assert body["team_id"] == "T0LOOPBOT"
    assert body["event"]["user"] == "U0ADA" and body["event"]["event_ts"]
    assert "X-Slack-Retry-Num" not in captured.last.headers

    requests.event({"type": "app_home_opened", "user": "U0ADA"}, event_id="Ev1", retry_num=1)
    assert captured.last.headers["X-Slack-Retry-Num"] == "1"
    assert captured.last.headers["X-Slack-Retry-Reason"] == "http_timeout"
    assert json.loads(captured.last.body)["event_id"] == "Ev1"


def test_slash_command_form(capture) -> None:
    captured, requests = capture
    requests.slash_command("/schedule-loop", "Grace Hopper", "U0ADA", channel_id="C0RECRUIT")
    assert captured.last.headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = captured.form()
    for key in (
        "token",
        "team_id",
        "team_domain",
        "channel_id",
        "channel_name",
        "user_id",
        "user_name",
        "command",
        "text",
        "api_app_id",
        "trigger_id",
        "response_url",
    ):
        assert form.get(key), key
    assert form["command"] == "/schedule-loop" and form["text"] == "Grace Hopper"
    assert requests.triggers[form["trigger_id"]] == "U0ADA"
    # Without a response_url factory nothing may leak to real Slack.
    assert urlsplit(form["response_url"]).hostname == "127.0.0.1"


def test_block_action_from_a_stored_message(capture) -> None:
    captured, requests = capture
    message = {
        "ts": "1700000000.000100",
        "channel": "D0ADA",
        "text": "Can you interview?",
        "blocks": [
            {
                "type": "actions",
                "block_id": "rsvp",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "accept",
                        "text": {"type": "plain_text", "text": "Accept"},
                        "value": "loop-1",
                    }
                ],
            }
        ],
        "replies": [],
    }
    requests.block_action("U0ADA", "accept", message=message)
    payload = captured.payload()
    assert payload["type"] == "block_actions"
    assert payload["user"]["id"] == "U0ADA"
    action = payload["actions"][0]
    assert action["action_id"] == "accept" and action["block_id"] == "rsvp"
    assert action["value"] == "loop-1" and action["type"] == "button"
    assert action["text"]["text"] == "Accept"
    assert payload["container"] == {
        "type": "message",
        "message_ts": "1700000000.000100",
        "channel_id": "D0ADA",
        "is_ephemeral": False,
    }
    assert payload["channel"]["id"] == "D0ADA"
    assert "channel" not in payload["message"] and "replies" not in payload["message"]
    assert requests.triggers[payload["trigger_id"]] == "U0ADA"
    assert payload["response_url"]


def test_block_action_select_value_inside_a_view(capture) -> None:
    captured, requests = capture
    option = {"text": {"type": "plain_text", "text": "Mon 9:00"}, "value": "slot-1"}
    view = {"id": "V0000001", "callback_id": "pick", "blocks": []}
    requests.block_action(
        "U0ADA",
        "slot",
        {"type": "static_select", "selected_option": option},
        block_id="slots",
        view=view,
    )
    payload = captured.payload()
    assert payload["container"] == {"type": "view", "view_id": "V0000001"}
    assert payload["actions"][0]["selected_option"] == option
    assert payload["view"]["callback_id"] == "pick"
    assert "response_url" not in payload


def test_view_submission_and_closed(capture) -> None:
    captured, requests = capture
    view = {"id": "V0000001", "callback_id": "schedule_loop", "private_metadata": "loop-7"}
    values = {
        "candidate": {"name": "Grace Hopper"},
        "role": {"pick": {"type": "static_select", "selected_option": {"value": "eng"}}},
    }
    requests.view_submission("U0ADA", view, values)
    payload = captured.payload()
    assert payload["type"] == "view_submission"
    submitted = payload["view"]
    assert submitted["callback_id"] == "schedule_loop"
    assert submitted["private_metadata"] == "loop-7"
    assert submitted["state"]["values"]["candidate"]["name"] == {
        "type": "plain_text_input",
        "value": "Grace Hopper",
    }
    assert submitted["state"]["values"]["role"]["pick"]["selected_option"]["value"] == "eng"

    requests.view_closed("U0ADA", view, is_cleared=True)
    closed = captured.payload()
    assert closed["type"] == "view_closed" and closed["is_cleared"] is True


# --------------------------------------------------------------------------- with Bolt


@pytest.fixture
def bolt(fake: FakeSlack) -> Iterator[tuple[App, SlackRequests]]:
    """A real Bolt app behind a real HTTP server, talking to the fake Slack."""
    client = WebClient(base_url=fake.base_url, token="xoxb-test")
    app = App(signing_secret=SECRET, client=client, process_before_response=True)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            headers = {k.lower(): [v] for k, v in self.headers.items()}
            response = app.dispatch(BoltRequest(body=body, headers=headers))
            data = response.body.encode()
            self.send_response(response.status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server, url = serve(Handler)
    requests = SlackRequests(
        url,
        SECRET,
        triggers=fake.triggers,
        response_urls=fake.new_response_url,
        directory=fake,
    )
    yield app, requests
    server.shutdown()
    server.server_close()


MODAL = {
    "type": "modal",
    "callback_id": "schedule_loop",
    "title": {"type": "plain_text", "text": "Schedule a loop"},
    "submit": {"type": "plain_text", "text": "Plan"},
    "blocks": [
        {
            "type": "input",
            "block_id": "candidate",
            "label": {"type": "plain_text", "text": "Candidate"},
            "element": {
                "type": "plain_text_input",
                "action_id": "name",
                "placeholder": {"type": "plain_text", "text": "Full name"},
            },
        }
    ],
}


def test_bolt_accepts_every_kind_of_request(bolt, fake: FakeSlack) -> None:
    app, requests = bolt
    seen: dict[str, Any] = {}

    @app.command("/schedule-loop")
    def open_modal(ack, body, client) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.view("schedule_loop")
    def submitted(ack, view) -> None:
        seen["name"] = view["state"]["values"]["candidate"]["name"]["value"]
        ack()

    @app.action("accept")
    def accepted(ack, respond, body) -> None:
        ack()
        respond(f"Thanks <@{body['user']['id']}>")

    @app.event("app_home_opened")
    def home(event, client, request) -> None:
        seen["retry_num"] = request.headers.get("x-slack-retry-num")
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": []})

    challenge = requests.url_verification("xyz")
    assert challenge.status == 200 and challenge.json() == {"challenge": "xyz"}

    assert requests.slash_command("/schedule-loop", "", "U0ADA").status == 200
    opened = fake.wait_for("views.open")
    view = fake.view(opened.response["view"]["id"])
    assert fake.views_of("U0ADA")[0]["id"] == view["id"]

    assert requests.view_submission("U0ADA", view, {"candidate": {"name": "Grace"}}).status == 200
    assert seen["name"] == "Grace"

    posted = WebClient(base_url=fake.base_url, token="xoxb-t").chat_postMessage(
        channel="U0ADA",
        text="Interview?",
        blocks=[
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "accept",
                        "text": {"type": "plain_text", "text": "Accept"},
                    }
                ],
            }
        ],
    )
    message = next(m for m in fake.messages("U0ADA") if m["ts"] == posted["ts"])
    assert requests.block_action("U0ADA", "accept", message=message).status == 200
    responded = fake.wait_for("response_url")
    assert responded.params["text"] == "Thanks <@U0ADA>"
    assert responded.meta["user_id"] == "U0ADA"

    assert requests.event({"type": "app_home_opened", "user": "U0ADA"}, retry_num=2).status == 200
    fake.wait_for("views.publish")
    assert seen["retry_num"] == ["2"]

    transcript = render_transcript(fake.calls, fake)
    assert "modal shown to Ada Lovelace (Europe/London): Schedule a loop" in transcript
    assert "Candidate: [ placeholder: Full name ]" in transcript
    assert "only visible to Ada Lovelace (Europe/London):" in transcript
    assert "Thanks @Ada Lovelace" in transcript


def test_bolt_rejects_forged_stale_and_unsigned(bolt) -> None:
    app, requests = bolt
    calls: list[str] = []

    @app.command("/schedule-loop")
    def handle(ack) -> None:
        calls.append("handled")
        ack()

    assert requests.slash_command("/schedule-loop", "", "U0ADA", forged=True).status == 401
    stale = int(time.time()) - 10 * 60
    assert requests.slash_command("/schedule-loop", "", "U0ADA", timestamp=stale).status == 401
    assert requests.slash_command("/schedule-loop", "", "U0ADA", unsigned=True).status == 401
    assert calls == []
    assert requests.slash_command("/schedule-loop", "", "U0ADA").status == 200
    assert calls == ["handled"]
