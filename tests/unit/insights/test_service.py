"""/loop-insights' service: who may ask, how the text is read, and the DM it queues."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from PIL import Image
from sqlmodel import select

from bot.errors import InputError, PermissionDenied
from bot.insights.period import EXAMPLE
from bot.insights.service import InsightsService
from bot.planning.template_loader import load_templates
from storage.db import make_engine, upgrade
from storage.models import AuditEvent, OutboxMessage
from storage.uow import UnitOfWorkFactory
from tests.storage.insight_store import store
from tests.unit.insights import dataset as fixed

NOW = fixed.NOW


@pytest.fixture(scope="module")
def uow(tmp_path_factory) -> Iterator[UnitOfWorkFactory]:
    """One database for the module (the tests read, or queue under keys of their own)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('insights') / 'insights.db'}")
    upgrade(engine)
    store(engine)
    yield UnitOfWorkFactory(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def service() -> InsightsService:
    templates = load_templates("loopbot/sample_templates.toml")
    return InsightsService(templates, default_tz="UTC", overdue_after=timedelta(hours=48))


def outbox(uow, actor: str) -> list[OutboxMessage]:
    with uow() as work:
        messages = work.session.exec(select(OutboxMessage).order_by(OutboxMessage.id))
        return [m for m in messages if m.payload.get("user") == actor]


def test_a_recruiter_gets_the_summary_and_three_charts_in_their_dm(uow, service):
    answer = service.answer(uow, "U_ADA", "payments 2026-10-19..2026-11-01", "T1", NOW)
    lines = answer.splitlines()
    assert lines[0] == "*Insights · team payments · 2026-10-19 – 2026-11-01*"
    assert lines[-1] == "_The charts are on their way to your DM with loopbot._"
    [message] = outbox(uow, "U_ADA")
    assert (message.key, message.method) == ("insights:U_ADA:T1", "loopbot.dm_files")
    assert message.payload["user"] == "U_ADA"
    assert message.payload["initial_comment"] == "\n".join(lines[:-1])
    files = message.payload["files"]
    assert [f["filename"] for f in files] == ["funnel.png", "time-to-schedule.png", "load.png"]
    for f in files:
        picture = Image.open(io.BytesIO(base64.b64decode(f["content_base64"])))
        assert (picture.format, picture.size) == ("PNG", (1200, 720))
        assert f["alt_txt"].startswith(f["title"])
    with uow() as work:
        [event] = work.session.exec(
            select(AuditEvent).where(AuditEvent.action == "insights_sent")
        ).all()
    assert (event.actor, event.detail["scope"]) == ("U_ADA", "team payments")


def test_the_same_command_delivered_twice_queues_one_dm(uow, service):
    service.answer(uow, "U_BEN", "", "T2", NOW)
    service.answer(uow, "U_BEN", "", "T2", NOW)
    assert [m.key for m in outbox(uow, "U_BEN")] == ["insights:U_BEN:T2"]


@pytest.mark.parametrize(
    ("text", "scope", "label"),
    [
        ("", "all teams", "last 30 days"),
        ("this quarter", "all teams", "this quarter (Q4 2026)"),
        ("backend", "pool backend", "last 30 days"),
        ("streaming 8w", "team streaming", "last 56 days"),
        ("payments  last month", "team payments", "last month (October 2026)"),
    ],
)
def test_the_text_is_an_optional_team_or_pool_then_an_optional_period(
    uow, service, text, scope, label
):
    with uow() as work:
        figures = service.figures(work, "U_EVE", text, NOW)
    assert (figures.scope.label, figures.period.label) == (scope, label)
    assert figures.period.zone == "Europe/London"  # Eve's own


@pytest.mark.parametrize(
    ("text", "field", "problem", "example"),
    [
        ("payments next decade", "period", "can't read 'next decade' as a period", EXAMPLE),
        ("payments 2026-13-01..2026-12-01", "period", "2026-13-01 is not a date", EXAMPLE),
        (
            "ads 30d",
            "team or pool",
            "'ads' is not a team, a pool or a period",
            "`/loop-insights payments 30d` (teams and pools: payments or search or streaming "
            f"or backend; periods: {EXAMPLE})",
        ),
    ],
)
def test_an_unreadable_request_says_what_and_shows_an_example(
    uow, service, text, field, problem, example
):
    with uow() as work, pytest.raises(InputError) as refused:
        service.figures(work, "U_ADA", text, NOW)
    assert (refused.value.field, refused.value.message, refused.value.example) == (
        field,
        problem,
        example,
    )


@pytest.mark.parametrize("actor", ["U_CHEN", "U_FINN", "U_NOBODY"])
def test_only_recruiters_coordinators_and_hiring_managers_may_ask(uow, service, actor):
    with pytest.raises(PermissionDenied, match="recruiters, coordinators and hiring managers"):
        service.answer(uow, actor, "", "T3", NOW)
    assert outbox(uow, actor) == []


def test_a_recruiters_week_on_their_home_tab(uow, service):
    with uow() as work:
        ada = work.interviewers.by_slack_id("U_ADA")
        chen = work.interviewers.by_slack_id("U_CHEN")
        # Sunday 25 October, noon: Ada's week (Berlin) runs from Monday 19 October, 00:00
        # CEST, to Monday 26 October, 00:00 CET.
        week = service.weekly(work, ada, fixed.october(25, 12))
        assert service.weekly(work, chen, NOW) == []
    assert week == [
        "*2* loops started · *6* stages booked · median time to schedule *2.7 d*",
        "Feedback: median 1.0 h after the interview",
    ]
