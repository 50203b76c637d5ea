"""The candidate's side settings: each mistake is one ConfigError naming the variable."""

from __future__ import annotations

import pytest

from bot.settings import ConfigError, Settings

SLACK = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
MAIL = {
    "LOOPBOT_SMTP_URL": "smtp://user:pass@mail.example.com:587",
    "LOOPBOT_MAIL_FROM": "Hiring <hiring@example.com>",
    "LOOPBOT_SECRET_KEY": "k" * 40,
    "LOOPBOT_PUBLIC_URL": "https://loopbot.example.com",
}


def read(**env: str) -> Settings:
    return Settings.from_env({**SLACK, **env}, dotenv=None)


def test_off_by_default():
    settings = read()
    assert settings.smtp_url is None and settings.candidate_scheduling == "off"
    assert settings.candidate_auto_confirm is False


def test_all_set():
    settings = read(
        **MAIL, LOOPBOT_CANDIDATE_SCHEDULING="self_schedule", LOOPBOT_CANDIDATE_AUTO_CONFIRM="yes"
    )
    assert settings.smtp_url == MAIL["LOOPBOT_SMTP_URL"]
    assert settings.mail_from == MAIL["LOOPBOT_MAIL_FROM"]
    assert settings.candidate_scheduling == "self_schedule"
    assert settings.candidate_auto_confirm is True


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"LOOPBOT_CANDIDATE_SCHEDULING": "availability"}, "LOOPBOT_SMTP_URL"),
        ({**MAIL, "LOOPBOT_SMTP_URL": "http://mail"}, "LOOPBOT_SMTP_URL"),
        ({**MAIL, "LOOPBOT_MAIL_FROM": ""}, "LOOPBOT_MAIL_FROM"),
        ({**MAIL, "LOOPBOT_MAIL_FROM": "nobody"}, "LOOPBOT_MAIL_FROM"),
        ({**MAIL, "LOOPBOT_SECRET_KEY": ""}, "LOOPBOT_SECRET_KEY"),
        ({**MAIL, "LOOPBOT_SECRET_KEY": "short"}, "LOOPBOT_SECRET_KEY"),
        ({**MAIL, "LOOPBOT_PUBLIC_URL": ""}, "LOOPBOT_PUBLIC_URL"),
        ({**MAIL, "LOOPBOT_CANDIDATE_SCHEDULING": "sometimes"}, "LOOPBOT_CANDIDATE_SCHEDULING"),
        ({**MAIL, "LOOPBOT_CANDIDATE_AUTO_CONFIRM": "maybe"}, "LOOPBOT_CANDIDATE_AUTO_CONFIRM"),
    ],
)
def test_each_mistake_names_its_variable(env, variable):
    with pytest.raises(ConfigError) as raised:
        read(**env)
    assert raised.value.variable == variable
    assert "\n" not in str(raised.value)
