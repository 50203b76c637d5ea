"""A sandbox with candidate mail on, delivering to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import pytest

from loopbot.demo.mail_sink import MailSink

SECRET = "test-secret-key-that-is-long-enough-for-loopbot"


@pytest.fixture
def sink():
    with MailSink() as running:
        yield running


@pytest.fixture
def candidate_env(sink):
    def env(**extra: str) -> dict[str, str]:
        return {
            "LOOPBOT_SMTP_URL": sink.url,
            "LOOPBOT_MAIL_FROM": "Hiring team <hiring@example.com>",
            "LOOPBOT_SECRET_KEY": SECRET,
            "LOOPBOT_PUBLIC_URL": "https://loopbot.example.com",
            "LOOPBOT_VIDEO_URL_TEMPLATE": "https://meet.example.com/{key}",
            **extra,
        }

    return env
