from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from loopbot.demo.fake_slack import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        server.add_user("U0ADA", "Ada Lovelace", "ada@example.com", "Europe/London")
        server.add_user("U0GRACE", "Grace Hopper", "grace@example.com", "America/New_York")
        server.add_user("U0KLAUS", "Klaus Berg", "klaus@example.com", "Europe/Berlin")
        server.add_channel("C0RECRUIT", "recruiting")
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    # No retry handlers by default, so each test sees the fake's raw answer.
    return WebClient(base_url=fake.base_url, token="xoxb-test", retry_handlers=[], timeout=5)
