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
from loopbot.demo.mail_sink import MailSink, free_port, sink_handler


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


def _self_signed(tmp_path):
    """A certificate for 127.0.0.1, made here (cryptography comes with google-auth)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_starttls_then_login(tmp_path):
    import ssl

    from aiosmtpd.smtp import AuthResult

    cert, key = _self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))  # only over TLS: auth_require_tls
        ok = auth_data.password in ("s3cret", b"s3cret")
        return AuthResult(success=ok, handled=False)  # False: the server answers 535

    sink = MailSink()
    controller = Controller(
        sink_handler(sink),
        hostname="127.0.0.1",
        port=sink.port,
        tls_context=server_tls,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        client_tls = ssl.create_default_context(cafile=str(cert))
        address = parse_smtp_url(f"smtp://loopbot:s3cret@127.0.0.1:{sink.port}")
        SmtpMail(address, tls=client_tls).send(_message())
        wrong = parse_smtp_url(f"smtp://loopbot:wrong@127.0.0.1:{sink.port}")
        with pytest.raises(MailRefused):
            SmtpMail(wrong, tls=client_tls).send(_message())
    finally:
        controller.stop()
    assert [str(x, "utf-8") if isinstance(x, bytes) else x for x in logins[0]] == [
        "loopbot",
        "s3cret",
    ]
    assert len(sink.received) == 1


def test_a_refusal_does_not_name_the_candidate(answering):
    with pytest.raises(MailRefused) as refused:
        SmtpMail.from_url(answering("550 <ada@example.com> no such user")).send(_message())
    assert "ada@example.com" not in str(refused.value)
    assert str(refused.value).startswith("550")
