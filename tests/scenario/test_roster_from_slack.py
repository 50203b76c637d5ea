"""The roster from Slack, over HTTP to the fake Slack: `loopbot roster import` resolves rows
that give an email (users.lookupByEmail), `--merge` updates only the people listed, and
`loopbot roster sync` maps user groups (usergroups.list, usergroups.users.list) to teams,
roles and interview types: a dry run by default that changes nothing, `--apply` to change."""

from __future__ import annotations

import pytest

from loopbot.cli import main
from loopbot.demo.sandbox import BOT_TOKEN
from storage.models import AuditEvent, Interviewer
from tests.scenario.flows import rows

HEADER = "email,name,roles,teams,interview_types,tz,working_hours,working_days,weekly_cap"
MAPPING = """
[groups.payments-eng]
teams = ["payments"]
roles = ["engineer"]
interview_types = ["coding"]

[groups.S0DESIGN]
interview_types = ["system_design"]
"""


@pytest.fixture
def cli(sandbox, database_url, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env
    for name, value in {
        "DATABASE_URL": database_url,
        "SLACK_API_URL": sandbox.fake.base_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LOOPBOT_TEMPLATES_FILE", raising=False)

    def run(*argv: str) -> int:
        return main(list(argv))

    return run


def people(box) -> dict[str, Interviewer]:
    return {p.slack_user_id: p for p in rows(box, Interviewer)}


def test_import_resolves_emails_and_merge_leaves_everyone_else(sandbox, cli, tmp_path, capsys):
    sandbox.fake.add_user("U0NEW01", "Nia New", "nia@example.com", "Europe/Berlin")
    before = people(sandbox)
    file = tmp_path / "new.csv"
    file.write_text(HEADER + "\nnia@example.com,Nia New,engineer,payments,coding,,,,3\n")
    assert cli("roster", "import", str(file), "--merge") == 0
    assert "1 added, 0 updated, 1 in all (everyone else unchanged)" in capsys.readouterr().out
    after = people(sandbox)
    nia = after["U0NEW01"]
    assert (nia.email, nia.tz, nia.weekly_cap) == ("nia@example.com", "Europe/Berlin", 3)
    assert all(after[k].active for k in before), "a merge deactivates no one"
    [call] = sandbox.fake.calls_to("users.lookupByEmail")
    assert call.params["email"] == "nia@example.com"


def test_an_unknown_email_imports_nothing(sandbox, cli, tmp_path, capsys):
    file = tmp_path / "bad.csv"
    file.write_text(HEADER + "\nnobody@example.com,No Body,engineer,payments,coding,,,,3\n")
    assert cli("roster", "import", str(file), "--merge") == 2
    err = capsys.readouterr().err
    assert "line 2, column email: no one in Slack has the email nobody@example.com" in err
    assert "nothing was imported" in err


def test_sync_is_a_dry_run_by_default_and_applies_on_request(sandbox, cli, tmp_path, capsys):
    fake = sandbox.fake
    fake.add_user("U0NEW01", "Nia New", "nia@example.com", "Europe/Berlin")
    # Ben and Gus are payments engineers; Ben and Nia are in the group now, Gus has left it.
    fake.add_usergroup("S0PAYENG", "payments-eng", "Payments engineers", ["U0PAY02", "U0NEW01"])
    fake.add_usergroup("S0DESIGN", "design-interviewers", "Design", ["U0PAY02"])
    mapping = tmp_path / "groups.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    before = {
        k: (p.active, p.teams, p.roles, p.interview_types) for k, p in people(sandbox).items()
    }
    audit_before = len(rows(sandbox, AuditEvent))

    assert cli("roster", "sync", str(mapping)) == 0
    out = capsys.readouterr().out
    assert "+ Nia New (teams payments; roles engineer; interview_types coding)" in out
    assert (
        "~ Ben Okafor: interview_types coding, system_design, take_home_review, "
        "technical_discussion" in out
    )
    assert "- Gus Moreno (in none of the groups)" in out
    # Recruiters, managers and directors hold roles no group gives: they stay.
    assert "Rosa Recruiter" not in out and "Priya Patel" not in out
    assert "(dry run: nothing changed)" in out
    after = {k: (p.active, p.teams, p.roles, p.interview_types) for k, p in people(sandbox).items()}
    assert after == before and len(rows(sandbox, AuditEvent)) == audit_before
    assert fake.calls_to("usergroups.users.list")

    assert cli("roster", "sync", str(mapping), "--apply") == 0
    assert "nothing changed" not in capsys.readouterr().out
    now = people(sandbox)
    assert now["U0NEW01"].active and now["U0NEW01"].teams == ["payments"]
    # What no group manages (his technical discussions, take-home reviews) stays his.
    assert now["U0PAY02"].interview_types == [
        "coding",
        "system_design",
        "take_home_review",
        "technical_discussion",
    ]
    assert not now["U0PAY07"].active
    assert now["U0REC01"].active
    [synced] = [e for e in rows(sandbox, AuditEvent) if e.action == "roster_synced"]
    assert synced.detail["added"] == 1
    # Nothing left to do: a second sync reports no change.
    assert cli("roster", "sync", str(mapping)) == 0
    assert "0 to add, 0 to update, 0 to deactivate" in capsys.readouterr().out


def test_sync_names_a_group_slack_does_not_have(sandbox, cli, tmp_path, capsys):
    mapping = tmp_path / "groups.toml"
    mapping.write_text('[groups.nope]\nteams = ["x"]\n', encoding="utf-8")
    assert cli("roster", "sync", str(mapping)) == 2
    assert "no Slack user group 'nope'" in capsys.readouterr().err
