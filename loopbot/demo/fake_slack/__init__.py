"""A fake Slack Web API on a local thread, for tests and ``loopbot demo``.

Point slack_sdk at it with ``WebClient(base_url=fake.base_url, token="xoxb-...")``. It answers
the methods loopbot uses with Slack's documented response shapes, keeps the resulting state
(messages, modals, App Home tabs, files) so tests can look at what people would see, records
every request in order, and can inject rate limits, server errors and latency.

- ``server``: the HTTP core (recording, faults, latency, parsing requests);
- ``workspace``: what the workspace holds (people, channels, messages, views, files);
- ``users``, ``conversations``, ``chat``, ``views``, ``files``: one module per Web API family;
- ``fake``: ``FakeSlack``, which puts them together and answers tests' questions.
"""

from loopbot.demo.fake_slack.fake import FakeSlack
from loopbot.demo.fake_slack.server import FILE_UPLOAD, RESPONSE_URL, Call
from loopbot.demo.fake_slack.workspace import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    TEAM_DOMAIN,
    TEAM_ID,
    TEAM_NAME,
    DirectoryUser,
    SlackApiFault,
)

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "FILE_UPLOAD",
    "RESPONSE_URL",
    "TEAM_DOMAIN",
    "TEAM_ID",
    "TEAM_NAME",
    "Call",
    "DirectoryUser",
    "FakeSlack",
    "SlackApiFault",
]
