"""One line and exit 2 for an unreachable database and an unreadable roster; the outbox
commands an operator uses on dead letters."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import select

from bot.outbox import enqueue
from storage.db import make_engine
from storage.models import OutboxMessage
from storage.uow import UnitOfWork
from tests.cli import test_cli
from tests.cli.test_cli import one_line, run
from tests.fault.replicas import free_port

env = test_cli.env  # the same clean environment and database


@pytest.fixture(autouse=True)
def logging_restored():
    """`serve` sets up logging on the root logger; put it back for the tests after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def test_an_unreachable_database_is_one_line_and_exit_2(env, capsys):
    env(DATABASE_URL=f"postgresql+psycopg://loopbot@127.0.0.1:{free_port()}/loopbot")
    for argv in (("serve",), ("db", "upgrade"), ("roster", "export")):
        code, out, err = run(capsys, *argv)
        assert code == 2, argv
        line = one_line(err)
        assert line.startswith("DATABASE_URL cannot be reached (")
        assert "check the host, port, database name and credentials" in line


def test_a_roster_file_that_is_not_utf8_is_one_line_and_exit_2(env, capsys, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_bytes("slack_user_id,name,roles\nU1,Zoë Müller,engineer\n".encode("latin-1"))
    code, _, err = run(capsys, "roster", "import", str(roster))
    assert code == 2
    line = one_line(err)
    assert "not UTF-8 text" in line and "save it as CSV UTF-8" in line


def dead_letter(tmp_path, key: str) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with UnitOfWork(engine) as uow:
        enqueue(uow, key, "chat.postMessage", channel="C1", text="x")
        uow.flush()
        message = uow.session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one()
        message.status, message.last_error = "dead", "chat.postMessage: not_in_channel"
        uow.session.add(message)
        uow.commit()
    engine.dispose()


def statuses(tmp_path) -> dict[str, str]:
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with UnitOfWork(engine) as uow:
        found = {m.key: m.status for m in uow.session.exec(select(OutboxMessage))}
    engine.dispose()
    return found


def test_outbox_list_retry_and_dismiss(env, capsys, tmp_path):
    assert run(capsys, "db", "upgrade")[0] == 0
    dead_letter(tmp_path, "first")
    dead_letter(tmp_path, "second")
    code, out, _ = run(capsys, "outbox", "list")
    assert code == 0 and "dead letters: 2" in out and "not_in_channel" in out
    code, out, _ = run(capsys, "outbox", "retry", "1")
    assert code == 0 and "1 dead letter(s) queued again" in out
    assert statuses(tmp_path) == {"first": "pending", "second": "dead"}
    code, out, _ = run(capsys, "outbox", "dismiss")
    assert code == 0 and "1 dead letter(s) dismissed" in out
    assert statuses(tmp_path) == {"first": "pending", "second": "dismissed"}
