"""A finished message: plain text and HTML alternatives, `.ics` invites attached.

Built with `email.message.EmailMessage`; the Message-ID is added by the outbox
(`bot.outbox.ports.mail_payload`) from the row's key, the same for every attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    method: str = "REQUEST"  # the iCalendar METHOD inside, repeated on the content type


def envelope(
    sender: str,
    to: str,
    to_name: str,
    subject: str,
    text: str,
    html: str,
    attachments: tuple[Attachment, ...] = (),
    reply_to: str | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((to_name, to))
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for attachment in attachments:
        message.add_attachment(
            attachment.content.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            filename=attachment.filename,
            params={"method": attachment.method, "charset": "utf-8"},
        )
    return message
