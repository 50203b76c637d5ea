"""Wiring the candidate's side: the SMTP adapter as the outbox's `mail.` transport, and the
hooks the loop use cases call, when `LOOPBOT_SMTP_URL` is set."""

from __future__ import annotations

from datetime import timedelta

from bot.candidate.config import CandidateConfig
from bot.candidate.links import CandidateLinks
from bot.candidate.side import CandidateSide
from bot.mail.smtp import SmtpMail
from bot.outbox import Transports
from bot.outbox.ports import MailTransport
from bot.settings import Settings

LINK_LIFETIME = timedelta(days=21)


def register_mail(settings: Settings, transports: Transports) -> None:
    if settings.smtp_url:
        transports.register("mail.", MailTransport(SmtpMail.from_url(settings.smtp_url)))


def candidate_side(settings: Settings) -> CandidateSide | None:
    if not settings.smtp_url:
        return None
    assert settings.mail_from and settings.secret_key and settings.public_url  # checked in settings
    return CandidateSide(
        CandidateConfig(
            mail_from=settings.mail_from,
            links=CandidateLinks(settings.secret_key, settings.public_url, LINK_LIFETIME),
            scheduling=settings.candidate_scheduling,
            auto_confirm=settings.candidate_auto_confirm,
            video_url=settings.video_url_for,
        )
    )
