"""Turn recorded Slack Web API calls into "what each person sees".

``render_transcript(fake.calls, fake)`` gives a readable, chronological account of every DM,
channel post, ephemeral, modal and App Home the bot produced, with Block Kit rendered as text
and Slack date tokens shown in each reader's own time zone. ``blocks_to_text`` is the
lower-level piece for one message.

- ``directory``: who is who (the ``Directory`` protocol FakeSlack implements);
- ``dates``: Slack date tokens in a reader's zone;
- ``mrkdwn``: mrkdwn text with mentions, links and dates resolved;
- ``blocks``: Block Kit blocks and elements as lines of text;
- ``render``: the transcript, one entry per call, placed in a DM, channel, modal or Home tab.
"""

from loopbot.demo.transcript.blocks import blocks_to_text
from loopbot.demo.transcript.dates import format_date_token
from loopbot.demo.transcript.directory import Directory, StaticDirectory, UserInfo
from loopbot.demo.transcript.mrkdwn import mrkdwn_to_text
from loopbot.demo.transcript.render import render_transcript

__all__ = [
    "Directory",
    "StaticDirectory",
    "UserInfo",
    "blocks_to_text",
    "format_date_token",
    "mrkdwn_to_text",
    "render_transcript",
]
