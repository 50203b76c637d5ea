"""The outbox: calls to the outside world are queued in the action's transaction and sent
after it, by a sender that retries what can be retried and never sends twice.

`enqueue` / `publish` (queue.py) are what services call; `OutboxSender` (sender.py) delivers
through the transport registered for each row's method (transport.py; Slack in slack.py,
calendars and mail in ports.py)."""

from bot.outbox.queue import CONTENT, DUE_AT_ONCE, enqueue, publish
from bot.outbox.sender import OutboxSender
from bot.outbox.slack import SlackTransport, attachment
from bot.outbox.transport import (
    GiveUp,
    MaybeSent,
    OutboxCall,
    RetryLater,
    Transport,
    Transports,
)

__all__ = [
    "CONTENT",
    "DUE_AT_ONCE",
    "GiveUp",
    "MaybeSent",
    "OutboxCall",
    "OutboxSender",
    "RetryLater",
    "SlackTransport",
    "Transport",
    "Transports",
    "attachment",
    "enqueue",
    "publish",
]
