"""The candidate's side settings (mail and the candidate's page), read by `Settings.from_env`.

Mail is on when `LOOPBOT_SMTP_URL` is set; then `LOOPBOT_MAIL_FROM`, `LOOPBOT_SECRET_KEY`
(signs the candidate's links) and `LOOPBOT_PUBLIC_URL` (the links' base) must be set too.
`LOOPBOT_CANDIDATE_SCHEDULING` (`availability`, `self_schedule` or `off`) says what the bot
emails the candidate when a stage opens; anything but `off` needs mail.
"""

from __future__ import annotations

import re
from email.utils import parseaddr
from typing import TYPE_CHECKING

from bot.settings import ConfigError

if TYPE_CHECKING:
    from bot.settings import _Reader

SCHEDULING = ("off", "availability", "self_schedule")
MIN_SECRET = 32


def candidate_settings(read: _Reader) -> dict[str, object]:
    from bot.mail.smtp import parse_smtp_url

    smtp_url = read.optional("LOOPBOT_SMTP_URL", "")
    if smtp_url is not None:
        try:
            parse_smtp_url(smtp_url)
        except ValueError as error:
            raise ConfigError(
                "LOOPBOT_SMTP_URL",
                f"{error}",
                "e.g. smtp://user:pass@mail.example.com:587 (STARTTLS), "
                "smtps://user:pass@mail.example.com:465 or smtp://localhost:25",
            ) from None
    scheduling = read.choice("LOOPBOT_CANDIDATE_SCHEDULING", "off", SCHEDULING)
    needs = (
        "LOOPBOT_SMTP_URL is set"
        if smtp_url
        else f"LOOPBOT_CANDIDATE_SCHEDULING={scheduling} emails the candidate"
    )
    if scheduling != "off" and smtp_url is None:
        raise ConfigError(
            "LOOPBOT_SMTP_URL",
            f"is not set but {needs}",
            "set it (e.g. smtp://user:pass@mail.example.com:587) or set "
            "LOOPBOT_CANDIDATE_SCHEDULING=off",
        )
    mail_from = read.optional("LOOPBOT_MAIL_FROM", "")
    secret = read.optional("LOOPBOT_SECRET_KEY", "")
    if smtp_url is not None:
        if mail_from is None or not re.fullmatch(
            r"[^@\s]+@[^@\s]+\.[^@\s]+", parseaddr(mail_from)[1]
        ):
            raise ConfigError(
                "LOOPBOT_MAIL_FROM",
                "is not set or not an address"
                if mail_from is None
                else f"is not an address ({mail_from!r})",
                f'set the sender candidates see, e.g. "Hiring team <hiring@example.com>" ({needs})',
            )
        if secret is None or len(secret) < MIN_SECRET:
            raise ConfigError(
                "LOOPBOT_SECRET_KEY",
                "is not set" if secret is None else f"is shorter than {MIN_SECRET} characters",
                "set a long random value, e.g. `python -c 'import secrets; "
                f"print(secrets.token_urlsafe(48))'` ({needs})",
            )
        if read.optional_url("LOOPBOT_PUBLIC_URL") is None:
            raise ConfigError(
                "LOOPBOT_PUBLIC_URL",
                "is not set",
                f"set the https:// address candidates reach loopbot at ({needs})",
            )
    return dict(
        smtp_url=smtp_url,
        mail_from=mail_from,
        secret_key=secret,
        candidate_scheduling=scheduling,
        candidate_auto_confirm=read.boolean("LOOPBOT_CANDIDATE_AUTO_CONFIRM", False),
    )
