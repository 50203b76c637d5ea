"""The `loopbot` command: exit codes, one-line errors, `db upgrade`, roster import/export."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from loopbot.cli import main
from storage.db import alembic_config, current_revision, make_engine

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "loopbot" / "sample_roster.csv"
LOOPBOT = Path(sys.executable).with_name("loopbot")
SETTINGS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "PORT",
    "LOOPBOT_RECRUITING_CHANNEL",
    "LOOPBOT_TEMPLATES_FILE",
    "LOOPBOT_DEFAULT_TZ",
    "LOOPBOT_RUN_SCHEDULER",
    "LOOPBOT_FEEDBACK_REMINDER_HOURS",
    "LOOPBOT_FEEDBACK_ESCALATION_HOURS",
    "LOOPBOT_INTERVIEW_REMINDER_MINUTES",
)
# `db` and `roster` are meant to need no Slack settings, but Settings.from_env ignores
# require_slack (see test_db_and_roster_need_no_slack_settings), so most tests provide them.
SLACK = {"SLACK_BOT_TOKEN": "xoxb-cli-test", "SLACK_SIGNING_SECRET": "cli-secret"}


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment, run from tmp_path (so no .env is picked up), with a fresh DB."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    values = {**SLACK, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def set_(**more: str | None) -> dict[str, str]:
        values.update(more)
        for name, value in values.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        return values

    set_()
    return set_


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert "Traceback" not in err
    assert err.startswith("loopbot: ")
    return err[len("loopbot: ") : -1]


def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def interviewer_count(tmp_path: Path) -> int | None:
    """None when the table does not even exist."""
    engine = make_engine(f"sqlite:///{db_path(tmp_path)}")
    try:
        if "interviewer" not in inspect(engine).get_table_names():
            return None
        with engine.connect() as connection:
            return connection.exec_driver_sql("SELECT count(*) FROM interviewer").scalar_one()
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- config errors


def test_serve_without_signing_secret(env, capsys):
    env(SLACK_SIGNING_SECRET=None)
    code, out, err = run(capsys, "serve")
    assert code == 2
    assert one_line(err).startswith("SLACK_SIGNING_SECRET is not set")
    assert out == ""


def test_serve_with_a_user_token(env, capsys):
    env(SLACK_BOT_TOKEN="xoxp-user")
    code, _, err = run(capsys, "serve")
    assert code == 2
    assert one_line(err).startswith("SLACK_BOT_TOKEN does not start with xoxb-")


def test_db_upgrade_with_a_driverless_postgres_url(env, capsys):
    env(DATABASE_URL="postgres://x")
    code, _, err = run(capsys, "db", "upgrade")
    assert code == 2
    message = one_line(err)
    assert message.startswith("DATABASE_URL names no driver")
    assert "postgresql+psycopg://" in message


def test_a_dotenv_in_the_working_directory_is_used(env, capsys, tmp_path):
    env(DATABASE_URL=None)
    (tmp_path / ".env").write_text("DATABASE_URL=mysql://nope\n")
    code, _, err = run(capsys, "db", "upgrade")
    assert code == 2 and one_line(err).startswith("DATABASE_URL is not a supported")


def test_db_and_roster_need_no_slack_settings(env, capsys, tmp_path):
    env(SLACK_BOT_TOKEN=None, SLACK_SIGNING_SECRET=None)
    code, _, err = run(capsys, "db", "upgrade")
    assert (code, err) == (0, "")
    code, _, err = run(capsys, "roster", "import", str(SAMPLE))
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    "toml, line, words",
    [
        ('roles = ["designer"]\n\n[levels\nL9 = "x"\n', 3, "invalid TOML"),
        ('roles = ["designer"]\n\n[tracks.engineering]\nbogus = 1\n', 4, "unknown key 'bogus'"),
    ],
)
def test_a_malformed_templates_file(env, capsys, tmp_path, toml, line, words):
    templates = tmp_path / "loops.toml"
    templates.write_text(toml)
    env(LOOPBOT_TEMPLATES_FILE=str(templates))
    code, out, err = run(capsys, "roster", "import", str(SAMPLE))
    assert code == 2
    message = one_line(err)
    assert message.startswith(f"{templates}:{line}: ")
    assert words in message
    assert interviewer_count(tmp_path) == 0


def test_a_templates_file_that_is_not_utf8(env, capsys, tmp_path):
    templates = tmp_path / "loops.toml"
    templates.write_bytes('roles = ["designer"]\n# caf\u00e9\n'.encode("latin-1"))
    env(LOOPBOT_TEMPLATES_FILE=str(templates))
    code, _, err = run(capsys, "roster", "import", str(SAMPLE))
    assert code == 2
    assert one_line(err) == f"{templates}:2: not UTF-8 text; save the file as UTF-8"


def test_a_missing_templates_file(env, capsys, tmp_path):
    env(LOOPBOT_TEMPLATES_FILE=str(tmp_path / "absent.toml"))
    code, _, err = run(capsys, "roster", "import", str(SAMPLE))
    assert code == 2 and one_line(err).startswith("LOOPBOT_TEMPLATES_FILE names no file")


def test_a_templates_file_extends_the_roles(env, capsys, tmp_path):
    templates = tmp_path / "loops.toml"
    templates.write_text('roles = ["designer"]\n')
    roster = tmp_path / "roster.csv"
    roster.write_text("slack_user_id,name,roles\nU0DES,Dee,designer\n")
    env(LOOPBOT_TEMPLATES_FILE=str(templates))
    code, out, _ = run(capsys, "roster", "import", str(roster))
    assert code == 0 and "1 added" in out


# --------------------------------------------------------------------------- db


def test_db_upgrade_creates_the_schema_at_head(env, capsys, tmp_path):
    assert not db_path(tmp_path).exists()
    code, out, err = run(capsys, "db", "upgrade")
    assert (code, err) == (0, "")
    engine = make_engine(f"sqlite:///{db_path(tmp_path)}")
    try:
        revision = current_revision(engine)
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert revision == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert out == f"schema at revision {revision}\n"
    assert {"interviewer", "loop", "interview", "outbox_message", "audit_event"} <= tables
    assert run(capsys, "db", "upgrade")[:2] == (0, out)  # again: a no-op


def test_db_current_does_not_migrate(env, capsys, tmp_path):
    code, out, _ = run(capsys, "db", "current")
    assert code == 0
    assert interviewer_count(tmp_path) is None  # no schema was created
    assert out == "schema at revision (none: run loopbot db upgrade)\n"


# --------------------------------------------------------------------------- roster


def test_roster_import_then_export_round_trips(env, capsys, tmp_path):
    people = len(SAMPLE.read_text().splitlines()) - 1
    code, out, err = run(capsys, "roster", "import", str(SAMPLE))
    assert (code, err) == (0, "")
    assert out == f"roster: {people} added, 0 updated, {people} in all\n"

    code, out, err = run(capsys, "roster", "export")
    assert (code, err) == (0, "")
    assert out == SAMPLE.read_text()

    exported = tmp_path / "out.csv"
    assert run(capsys, "roster", "export", "-o", str(exported)) == (0, "", "")
    assert exported.read_text() == SAMPLE.read_text()

    code, out, _ = run(capsys, "roster", "import", str(exported))  # re-import: all updates
    assert out == f"roster: 0 added, {people} updated, {people} in all\n"


def test_reimport_deactivates_people_left_out(env, capsys, tmp_path):
    run(capsys, "roster", "import", str(SAMPLE))
    lines = SAMPLE.read_text().splitlines(keepends=True)
    smaller = tmp_path / "smaller.csv"
    smaller.write_text("".join(lines[:3]))
    code, out, _ = run(capsys, "roster", "import", str(smaller))
    assert out == "roster: 0 added, 2 updated, 2 in all\n"
    assert run(capsys, "roster", "export")[1] == "".join(lines[:3])


def test_a_roster_with_a_byte_order_mark_imports(env, capsys, tmp_path):
    roster = tmp_path / "excel.csv"
    roster.write_bytes(b"\xef\xbb\xbf" + SAMPLE.read_bytes())
    code, out, err = run(capsys, "roster", "import", str(roster))
    assert (code, err) == (0, "")
    assert run(capsys, "roster", "export")[1] == SAMPLE.read_text()


def test_a_missing_roster_file(env, capsys, tmp_path):
    code, _, err = run(capsys, "roster", "import", str(tmp_path / "absent.csv"))
    assert code == 2
    assert one_line(err).startswith(f"cannot read {tmp_path / 'absent.csv'}")


def header_and(*rows: str) -> str:
    return SAMPLE.read_text().splitlines()[0] + "\n" + "\n".join(rows) + "\n"


GOOD = (
    "U0NEW01,Nia New,nia@example.com,engineer,payments,coding,Europe/Berlin,09:00-17:00,Mon-Fri,4"
)


@pytest.mark.parametrize(
    "text, where",
    [
        (SAMPLE.read_text().replace("weekly_cap", "weekly_quota"), "line 1, column weekly_quota"),
        (
            header_and(GOOD, GOOD.replace("Europe/Berlin", "Europe/Berln").replace("01", "02")),
            "line 3, column tz",
        ),
        (header_and(GOOD.replace("engineer", "wizard")), "line 2, column roles"),
        (header_and(GOOD, GOOD.replace("Nia New", "Nia Again")), "line 3, column slack_user_id"),
    ],
    ids=["unknown column", "bad tz", "bad role", "duplicate user id"],
)
def test_a_bad_roster_imports_nothing(env, capsys, tmp_path, text, where):
    roster = tmp_path / "bad.csv"
    roster.write_text(text)
    code, out, err = run(capsys, "roster", "import", str(roster))
    assert code == 2
    assert out == ""
    message = one_line(err)
    assert message.startswith(f"{roster}: ")
    assert where in message
    assert message.endswith("nothing was imported")
    assert interviewer_count(tmp_path) == 0


def test_a_bad_roster_leaves_the_existing_one_unchanged(env, capsys, tmp_path):
    run(capsys, "roster", "import", str(SAMPLE))
    before = run(capsys, "roster", "export")[1]
    roster = tmp_path / "bad.csv"
    roster.write_text(header_and(GOOD, GOOD.replace("Mon-Fri", "Fri-Mon").replace("01", "02")))
    code, _, err = run(capsys, "roster", "import", str(roster))
    assert code == 2 and "line 3, column working_days" in one_line(err)
    assert run(capsys, "roster", "export")[1] == before


# --------------------------------------------------------------------------- a real process


def loopbot_process(tmp_path: Path, *argv: str, **env: str) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), **env}
    return subprocess.run(
        [str(LOOPBOT), *argv], cwd=tmp_path, env=clean, capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def served_without_signing_secret(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """One real `loopbot serve` process (shared: starting Python costs a second or two)."""
    where = tmp_path_factory.mktemp("serve")
    result = loopbot_process(
        where, "serve", SLACK_BOT_TOKEN="xoxb-1", DATABASE_URL=f"sqlite:///{where / 'p.db'}"
    )
    return result, where


def test_the_installed_command_exits_2_without_a_traceback(served_without_signing_secret):
    result, where = served_without_signing_secret
    assert LOOPBOT.exists(), LOOPBOT
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("loopbot: SLACK_SIGNING_SECRET is not set")
    assert not (where / "p.db").exists()


def test_the_installed_command_prints_only_the_one_line(served_without_signing_secret):
    result, _ = served_without_signing_secret
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr


def test_the_installed_command_refuses_a_driverless_database_url(tmp_path):
    result = loopbot_process(tmp_path, "db", "upgrade", DATABASE_URL="postgres://x", **SLACK)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("loopbot: DATABASE_URL names no driver")
