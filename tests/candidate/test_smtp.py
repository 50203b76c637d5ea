"""The SMTP adapter against real aiosmtpd servers: what the outbox retries and what it
gives up on, STARTTLS before a password, and the parts and invites of a message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from aiosmtpd.controller import Controller

from bot.ics import Invite, render_invite
from bot.mail.compose import render
from bot.mail.envelope import Attachment, envelope
from bot.mail.port import MailRefused, MailUnavailable
from bot.mail.smtp import SmtpMail, parse_smtp_url
from bot.outbox.ports import MailTransport, mail_payload
from bot.outbox.transport import GiveUp, OutboxCall, RetryLater
from loopbot.demo.mail_sink import MailSink, free_port


def _message(to: str = "ada@example.com"):
    start = datetime(2026, 12, 1, 14, tzinfo=UTC)
    ics = render_invite(
        Invite("uid-1@loopbot", start, start + timedelta(minutes=45), "Round 1", "Design"),
        start,
    )
    return envelope(
        "Hiring <hiring@example.com>",
        to,
        "Ada Lovelace",
        "Your Round 1 is confirmed",
        "Hello Ada",
        "<p>Hello Ada</p>",
        (Attachment("interview-1.ics", ics),),
    )


class _Answer:
    def __init__(self, code: str):
        self.code = code

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return self.code


@pytest.fixture
def answering():
    made = []

    def start(code: str) -> str:
        port = free_port()
        controller = Controller(_Answer(code), hostname="127.0.0.1", port=port)
        controller.start()
        made.append(controller)
        return f"smtp://127.0.0.1:{port}"

    yield start
    for controller in made:
        controller.stop()


def test_delivers_text_html_and_invites():
    with MailSink() as sink:
        SmtpMail.from_url(sink.url).send(_message())
        [received] = sink.received
    assert received.rcpt_tos == ("ada@example.com",)
    message = received.message
    assert message.get_body(("plain",)).get_content().strip() == "Hello Ada"
    assert "<p>Hello Ada</p>" in message.get_body(("html",)).get_content()
    [part] = list(message.iter_attachments())
    assert part.get_content_type() == "text/calendar" and part.get_param("method") == "REQUEST"
    content = part.get_content()
    calendar = icalendar.Calendar.from_ical(
        content if isinstance(content, str) else content.decode()
    )
    assert calendar["METHOD"] == "REQUEST"


def test_5xx_is_refused_for_good_and_4xx_is_retried(answering):
    with pytest.raises(MailRefused):
        SmtpMail.from_url(answering("550 no such user")).send(_message())
    with pytest.raises(MailUnavailable):
        SmtpMail.from_url(answering("451 try again later")).send(_message())
    transport = MailTransport(SmtpMail.from_url(answering("550 no such user")))
    call = OutboxCall(1, "k", "mail.send", mail_payload("k", _message()), None, datetime.now(UTC))
    with pytest.raises(GiveUp):
        transport.send(call)


def test_a_server_that_is_down_is_retried():
    transport = MailTransport(SmtpMail.from_url(f"smtp://127.0.0.1:{free_port()}", timeout=2))
    call = OutboxCall(1, "k", "mail.send", mail_payload("k", _message()), None, datetime.now(UTC))
    with pytest.raises(RetryLater):
        transport.send(call)


def test_no_password_without_starttls():
    with MailSink() as sink:
        mail = SmtpMail.from_url(f"smtp://user:secret@127.0.0.1:{sink.port}")
        with pytest.raises(MailRefused, match="STARTTLS"):
            mail.send(_message())
        assert sink.received == []


def test_the_message_id_is_the_same_for_every_attempt():
    first = mail_payload("candidate:1:x", _message())["message"]
    second = mail_payload("candidate:1:x", _message())["message"]
    ids = [line for line in (first + second).splitlines() if line.startswith("Message-ID")]
    assert len(ids) == 2 and ids[0] == ids[1] and "@example.com>" in ids[0]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://host", ("smtp", "host", 25, None, None)),
        ("smtp://u%40x:p%3A@host:587", ("smtp", "host", 587, "u@x", "p:")),
        ("smtps://u:p@host", ("smtps", "host", 465, "u", "p")),
    ],
)
def test_smtp_urls(url, expected):
    a = parse_smtp_url(url)
    assert (a.scheme, a.host, a.port, a.username, a.password) == expected


@pytest.mark.parametrize("url", ["http://host", "smtp://", "smtp://u@host", "smtp://host:x"])
def test_bad_smtp_urls(url):
    with pytest.raises(ValueError):
        parse_smtp_url(url)


def test_templates_escape_what_people_typed():
    rendered = render("note", "Hi", body="Hello <b>Ada</b> & co\n\nBye", signature="")
    assert "&lt;b&gt;Ada&lt;/b&gt; &amp; co" in rendered.html
    assert "Hello <b>Ada</b> & co" in rendered.text
