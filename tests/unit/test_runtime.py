"""How `loopbot serve` chooses its transport: HTTP on $PORT, or Socket Mode with an app token."""

from __future__ import annotations

import pytest
import slack_bolt.adapter.socket_mode as socket_mode

from bot.settings import Settings
from loopbot import runtime as runtime_module
from loopbot.runtime import Runtime


class Stop(Exception):
    pass


def settings(tmp_path, **extra) -> Settings:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",  # nothing listens: no Slack call may matter
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "LOOPBOT_RUN_SCHEDULER": "false",
        **extra,
    }
    return Settings.from_env(env, dotenv=None)


def test_serve_uses_socket_mode_when_an_app_token_is_set(tmp_path, monkeypatch):
    started = {}

    class FakeSocketMode:
        def __init__(self, app, app_token):
            started["app"], started["token"] = app, app_token

        def start(self):
            raise Stop

    monkeypatch.setattr(socket_mode, "SocketModeHandler", FakeSocketMode)
    runtime = Runtime(settings(tmp_path, SLACK_APP_TOKEN="xapp-1-test"))
    try:
        with pytest.raises(Stop):
            runtime.serve_forever()
    finally:
        runtime.stop()
    assert started["token"] == "xapp-1-test" and started["app"] is runtime.bolt
    assert runtime.http is None  # no HTTP listener in Socket Mode


def test_serve_listens_over_http_on_port_without_an_app_token(tmp_path, monkeypatch):
    import socket

    with socket.socket() as probe:  # a port that is free right now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    seen = {}

    def serve_forever(self):
        seen["port"] = self.port
        raise Stop

    monkeypatch.setattr(runtime_module.HttpServer, "serve_forever", serve_forever)
    runtime = Runtime(settings(tmp_path, PORT=str(port)))
    try:
        with pytest.raises(Stop):
            runtime.serve_forever(host="127.0.0.1")
    finally:
        runtime.stop()
    assert seen["port"] == port
