"""The two app manifests describe the same app: manifest.yml over HTTP, and
manifest.socket-mode.yml over Socket Mode with no request URL anywhere."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def without_urls(value):
    if isinstance(value, dict):
        return {
            k: without_urls(v)
            for k, v in value.items()
            if k not in ("url", "request_url", "socket_mode_enabled")
        }
    if isinstance(value, list):
        return [without_urls(v) for v in value]
    return value


def test_the_socket_mode_manifest_is_the_http_one_without_urls():
    http, socket = load("manifest.yml"), load("manifest.socket-mode.yml")
    assert http["settings"]["socket_mode_enabled"] is False
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "loopbot.example.com" not in (ROOT / "manifest.socket-mode.yml").read_text()
    assert without_urls(socket) == without_urls(http)


def test_every_slash_command_the_bot_listens_for_is_in_both_manifests():
    source = (ROOT / "handlers" / "commands.py").read_text(encoding="utf-8")
    listened = set(re.findall(r'@app\.command\("(/[a-z-]+)"\)', source))
    assert "/loop-load" in listened
    for name in ("manifest.yml", "manifest.socket-mode.yml"):
        declared = {c["command"] for c in load(name)["features"]["slash_commands"]}
        assert declared == listened, name


def test_the_roster_from_slack_scopes_are_asked_for():
    scopes = load("manifest.socket-mode.yml")["oauth_config"]["scopes"]["bot"]
    assert {"users:read.email", "usergroups:read"} <= set(scopes)
