"""The mail port: loopbot hands over a finished RFC 5322 message and nothing else.

Messages are built with `email.message.EmailMessage` (plain text and HTML parts, `.ics`
attachments) and carry a Message-ID derived from the outbox key, so a re-send after a crash
can be recognised downstream. Adapters raise `MailUnavailable` when retrying may help
(connection refused, 4xx replies) and `MailRefused` when it cannot (5xx: bad address).
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol, runtime_checkable


class MailError(Exception):
    pass


class MailUnavailable(MailError):
    """Worth retrying: the server is down or said 4xx."""


class MailRefused(MailError):
    """Not worth retrying: the server said 5xx for this message or its recipients."""


@runtime_checkable
class MailPort(Protocol):
    def send(self, message: EmailMessage) -> None: ...
