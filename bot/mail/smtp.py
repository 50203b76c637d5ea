"""The mail port over SMTP with the standard library's `smtplib`.

`LOOPBOT_SMTP_URL` says how to reach the server:
- `smtp://user:pass@host:587` — STARTTLS before logging in (refused if the server lacks it);
- `smtps://user:pass@host:465` — TLS from the first byte;
- `smtp://host:25` — no credentials: STARTTLS when the server offers it, plain otherwise.

4xx replies, refused connections and timeouts are `MailUnavailable` (the outbox retries);
5xx replies are `MailRefused` (a dead letter the recruiter hears about).
"""

from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from bot.mail.port import MailRefused, MailUnavailable

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
ADDRESS = re.compile(r"[^\s<>@]+@[^\s<>@]+")


@dataclass(frozen=True)
class SmtpAddress:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpAddress:
    """Raises ValueError with a sentence naming what is wrong."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError(f"scheme {parts.scheme or 'none'!r} is neither smtp nor smtps")
    if not parts.hostname:
        raise ValueError("names no host")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise ValueError("has a port that is not a number") from None
    if bool(parts.username) != bool(parts.password):
        raise ValueError("gives a user without a password (or the other way round)")
    return SmtpAddress(
        parts.scheme,
        parts.hostname,
        port,
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password else None,
    )


class SmtpMail:
    def __init__(
        self, address: SmtpAddress, timeout: float = 20.0, tls: ssl.SSLContext | None = None
    ):
        self.address = address
        self.timeout = timeout
        self.tls = tls or ssl.create_default_context()

    @classmethod
    def from_url(cls, url: str, timeout: float = 20.0) -> SmtpMail:
        return cls(parse_smtp_url(url), timeout)

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as server:
                refused = server.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            code = max(c for c, _ in error.recipients.values())
            # How many, not who: the reason is stored and logged.
            raise _by_code(code, f"{code}: {len(error.recipients)} recipient(s) refused") from error
        except smtplib.SMTPResponseException as error:
            raise _by_code(error.smtp_code, _said(error)) from error
        except (smtplib.SMTPException, OSError) as error:
            raise MailUnavailable(f"{type(error).__name__}: {error}") from error
        if refused:  # some recipients took it, some did not: those will not take a retry either
            raise MailRefused(f"{len(refused)} recipient(s) refused")

    def _connect(self) -> smtplib.SMTP:
        a = self.address
        if a.scheme == "smtps":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                a.host, a.port, timeout=self.timeout, context=self.tls
            )
        else:
            server = smtplib.SMTP(a.host, a.port, timeout=self.timeout)
            try:
                server.ehlo()
                if server.has_extn("starttls"):
                    server.starttls(context=self.tls)
                    server.ehlo()
                elif a.username:
                    raise MailRefused("the server offers no STARTTLS; refusing to send a password")
            except BaseException:
                server.close()
                raise
        if a.username and a.password:
            server.login(a.username, a.password)
        return server


def _said(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    # Servers often echo the address; the reason is stored and logged, so it goes.
    return f"{error.smtp_code} {ADDRESS.sub('<address>', text)[:200]}"


def _by_code(code: int, reason: str) -> MailUnavailable | MailRefused:
    return MailRefused(reason) if 500 <= code < 600 else MailUnavailable(reason)
