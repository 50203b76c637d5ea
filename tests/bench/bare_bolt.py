"""The reference the ack bench compares loopbot with: a bare Bolt app as its docs write it,
on the same server stack (waitress, the same thread counts, the same listener pool size) and
the same fake Slack. Each listener acks first, then makes the Web API call loopbot makes for
that kind of request (views.open for the command, an answer on the response_url for a click,
a DM for a modal submission)."""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.executor import InFlightExecutor
from loopbot.runtime import LISTENER_THREADS
from loopbot.web import HttpServer

FORM = {
    "type": "modal",
    "callback_id": "bare_form",
    "title": {"type": "plain_text", "text": "Bare form"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}],
}


class BareBolt:
    def __init__(self, signing_secret: str, api_url: str, token: str):
        self.listeners = InFlightExecutor(max_workers=LISTENER_THREADS)
        client = WebClient(token=token, base_url=api_url)
        app = App(
            client=client,
            signing_secret=signing_secret,
            token_verification_enabled=False,
            process_before_response=False,
            listener_executor=self.listeners,
        )

        @app.command("/schedule-loop")
        def command(ack, command, client):
            ack()
            client.views_open(trigger_id=command["trigger_id"], view=FORM)

        @app.action("proposal_swap")
        def click(ack, respond):
            ack()
            respond(text="done", response_type="ephemeral", replace_original=False)

        @app.view("schedule_loop")
        def submit(ack, body, client):
            ack()
            client.chat_postMessage(channel=body["user"]["id"], text="created")

        handler = SlackRequestHandler(app)

        def wsgi(environ, start_response):
            return handler(environ, start_response)

        self.http = HttpServer(wsgi, "127.0.0.1", 0, loop_timeout=0.05)

    def start(self) -> str:
        self.http.start()
        return self.http.url

    def stop(self) -> None:
        self.http.stop()
        self.listeners.shutdown(wait=True, cancel_futures=True)
