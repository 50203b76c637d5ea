"""`loopbot serve` with Google or Microsoft calendars checks them at start, against the stand-ins:
anything wrong is one line naming the variable and the fix, exit 2, and no database touched."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from loopbot.cli import main
from tests.calendars.providers import ORGANIZER
from tests.standins.google_calendar import EVENTS_SCOPE, GoogleCalendarStandin
from tests.standins.graph import GraphStandin

LOOPBOT = Path(sys.executable).with_name("loopbot")
OTHER_GUID = "11111111-2222-4333-8444-555555555555"
CLEARED = (
    "SLACK_APP_TOKEN",
    "LOOPBOT_CALENDAR_ORGANIZER",
    "LOOPBOT_PUBLIC_URL",
    "LOOPBOT_TEMPLATES_FILE",
    "LOOPBOT_GOOGLE_CREDENTIALS",
    "LOOPBOT_GOOGLE_ORGANIZER",
    "LOOPBOT_GOOGLE_API_URL",
    "LOOPBOT_MS_TENANT_ID",
    "LOOPBOT_MS_CLIENT_ID",
    "LOOPBOT_MS_CLIENT_SECRET",
    "LOOPBOT_MS_ORGANIZER",
    "LOOPBOT_MS_GRAPH_URL",
    "LOOPBOT_MS_LOGIN_URL",
)


@pytest.fixture
def base_env(monkeypatch, tmp_path) -> dict[str, str]:
    """Slack settings and a database path, run from tmp_path (no .env picked up)."""
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return {
        "SLACK_BOT_TOKEN": "xoxb-calendar-start",
        "SLACK_SIGNING_SECRET": "calendar-start-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'start.db'}",
    }


@pytest.fixture
def google(tmp_path) -> Iterator[tuple[GoogleCalendarStandin, Path]]:
    with GoogleCalendarStandin() as standin:
        standin.store.add_user(ORGANIZER)
        yield standin, standin.write_key_file(tmp_path / "service-account.json")


@pytest.fixture
def graph() -> Iterator[GraphStandin]:
    with GraphStandin() as standin:
        standin.mailboxes.add_user(ORGANIZER)
        yield standin


def google_env(standin: GoogleCalendarStandin, key_file: Path) -> dict[str, str]:
    return {
        "LOOPBOT_CALENDAR": "google",
        "LOOPBOT_GOOGLE_CREDENTIALS": str(key_file),
        "LOOPBOT_CALENDAR_ORGANIZER": ORGANIZER,
        "LOOPBOT_GOOGLE_API_URL": standin.url,
    }


def graph_env(standin: GraphStandin) -> dict[str, str]:
    return {
        "LOOPBOT_CALENDAR": "microsoft",
        "LOOPBOT_MS_TENANT_ID": standin.tenant_id,
        "LOOPBOT_MS_CLIENT_ID": standin.client_id,
        "LOOPBOT_MS_CLIENT_SECRET": standin.client_secret,
        "LOOPBOT_CALENDAR_ORGANIZER": ORGANIZER,
        "LOOPBOT_MS_GRAPH_URL": standin.graph_url,
        "LOOPBOT_MS_LOGIN_URL": standin.login_url,
    }


def serve(monkeypatch, capsys, tmp_path, env: dict[str, str]) -> str:
    """`loopbot serve` through main(): asserts exit 2, one line, no database; the line."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = main(["serve"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("loopbot: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert not (tmp_path / "start.db").exists()  # refused before the database is touched
    return err[len("loopbot: ") : -1]


# --------------------------------------------------------------------------- Google


def test_a_credential_file_that_is_not_there(monkeypatch, capsys, tmp_path, base_env, google):
    standin, _ = google
    env = {**base_env, **google_env(standin, tmp_path / "nowhere.json")}
    line = serve(monkeypatch, capsys, tmp_path, env)
    assert line.startswith("LOOPBOT_GOOGLE_CREDENTIALS names no file")
    assert "Service accounts > Keys" in line


def test_a_credential_file_of_unreadable_json(monkeypatch, capsys, tmp_path, base_env, google):
    standin, key_file = google
    key_file.write_text('{"type": "service_account", "private_key": ')
    line = serve(monkeypatch, capsys, tmp_path, {**base_env, **google_env(standin, key_file)})
    assert line.startswith("LOOPBOT_GOOGLE_CREDENTIALS is not a JSON key file")


def test_an_oauth_client_file_instead_of_a_key(monkeypatch, capsys, tmp_path, base_env, google):
    standin, key_file = google
    key_file.write_text(json.dumps({"installed": {"client_id": "x.apps.googleusercontent.com"}}))
    line = serve(monkeypatch, capsys, tmp_path, {**base_env, **google_env(standin, key_file)})
    assert line.startswith("LOOPBOT_GOOGLE_CREDENTIALS holds an OAuth client")


def test_delegation_without_the_free_busy_scope(monkeypatch, capsys, tmp_path, base_env, google):
    standin, key_file = google
    standin.delegated_scopes = {EVENTS_SCOPE}
    line = serve(monkeypatch, capsys, tmp_path, {**base_env, **google_env(standin, key_file)})
    assert line.startswith("LOOPBOT_GOOGLE_CREDENTIALS ")
    assert "Domain-wide delegation" in line and standin.client_id in line
    assert "calendar.freebusy" in line


def test_an_organizer_google_does_not_know(monkeypatch, capsys, tmp_path, base_env, google):
    standin, key_file = google
    env = {**base_env, **google_env(standin, key_file)}
    env["LOOPBOT_CALENDAR_ORGANIZER"] = "nobody@example.com"
    line = serve(monkeypatch, capsys, tmp_path, env)
    assert line.startswith("LOOPBOT_CALENDAR_ORGANIZER is not a user Google knows")


def test_google_unreachable_at_start(monkeypatch, capsys, tmp_path, base_env, google):
    standin, key_file = google
    env = {**base_env, **google_env(standin, key_file)}
    standin.stop()  # sign-in is the first call, and is not retried at start
    line = serve(monkeypatch, capsys, tmp_path, env)
    assert line.startswith("LOOPBOT_CALENDAR is google, but Google Calendar could not be reached")
    assert "LOOPBOT_CALENDAR=none" in line and "firewall, proxy" in line


# --------------------------------------------------------------------------- Microsoft


def test_a_wrong_tenant(monkeypatch, capsys, tmp_path, base_env, graph):
    env = {**base_env, **graph_env(graph), "LOOPBOT_MS_TENANT_ID": OTHER_GUID}
    line = serve(monkeypatch, capsys, tmp_path, env)
    assert line.startswith("LOOPBOT_MS_TENANT_ID names no tenant Microsoft knows")
    assert "App registrations" in line


def test_a_wrong_client_secret(monkeypatch, capsys, tmp_path, base_env, graph):
    env = {**base_env, **graph_env(graph), "LOOPBOT_MS_CLIENT_SECRET": "an-old-secret"}
    line = serve(monkeypatch, capsys, tmp_path, env)
    assert line.startswith("LOOPBOT_MS_CLIENT_SECRET is not a secret of that application")


def test_an_app_without_calendar_permission(monkeypatch, capsys, tmp_path, base_env, graph):
    graph.roles = {"User.Read.All"}
    line = serve(monkeypatch, capsys, tmp_path, {**base_env, **graph_env(graph)})
    assert line.startswith("LOOPBOT_MS_CLIENT_ID lacks the application permission")
    assert "Calendars.ReadWrite" in line and "Grant admin consent" in line


def test_microsoft_unreachable_at_start(monkeypatch, capsys, tmp_path, base_env, graph):
    env = {**base_env, **graph_env(graph)}
    graph.stop()
    line = serve(monkeypatch, capsys, tmp_path, env)
    assert line.startswith(
        "LOOPBOT_CALENDAR is microsoft, but Microsoft Graph could not be reached"
    )


# --------------------------------------------------------------------------- the real command


def test_the_installed_command_refuses_a_wrong_tenant_in_one_line(tmp_path, graph):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "SLACK_BOT_TOKEN": "xoxb-calendar-start",
        "SLACK_SIGNING_SECRET": "calendar-start-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'start.db'}",
        **graph_env(graph),
        "LOOPBOT_MS_TENANT_ID": OTHER_GUID,
    }
    result = subprocess.run(
        [str(LOOPBOT), "serve"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("loopbot: LOOPBOT_MS_TENANT_ID names no tenant")
    assert result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "start.db").exists()
