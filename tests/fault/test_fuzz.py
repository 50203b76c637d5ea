"""A seeded fuzz of correctly signed but malformed requests: the served app never answers 5xx.

Bodies are generated around what Slack sends (slash commands, button clicks, form submissions,
events) with every field free to be missing, of the wrong type, forged or absurd, plus plain
garbage; each is signed with the app's secret and POSTed to /slack/events. Nothing answers
500, and nothing reaches the error handler as an unhandled error: forged ids get an
ephemeral answer, malformed bodies a 400."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from bot.messages import action_ids
from loopbot.demo.sandbox import SIGNING_SECRET, Sandbox

EXAMPLES = 1100

ids = st.one_of(
    st.integers(min_value=-5, max_value=10**20).map(str),
    st.lists(st.integers(0, 10**12).map(str), min_size=1, max_size=4).map(":".join),
    st.text(max_size=12),
    st.sampled_from(["1", "1:1", "1:1:0", "2:7:1", "", ":", "1:", "999999999", "0x1", "１"]),
)
anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=4,
)


def maybe(strategy):
    """Usually the right shape, sometimes anything at all."""
    return st.one_of(strategy, strategy, strategy, anything)


users = maybe(st.sampled_from(["U0REC01", "U0ENG01", "U0NOBODY", ""]))
action_id = st.sampled_from(
    [
        action_ids.CONFIRM,
        action_ids.SWAP,
        action_ids.PICK_TIME,
        action_ids.USE_ALTERNATIVE,
        action_ids.CANT_MAKE_IT,
        action_ids.FEEDBACK_OPEN,
        action_ids.FEEDBACK_VIEW,
        action_ids.PIVOT,
        action_ids.ADVANCE,
        action_ids.DECLINE,
        action_ids.OFFER,
        "unknown_action",
    ]
)
callback_id = st.sampled_from(
    [
        action_ids.SCHEDULE_LOOP_VIEW,
        action_ids.REPLAN_VIEW,
        action_ids.FEEDBACK_VIEW_CALLBACK,
        action_ids.PIVOT_VIEW,
        "unknown_view",
    ]
)
element = st.fixed_dictionaries(
    {"type": st.sampled_from(["plain_text_input", "static_select", "checkboxes", "users_select"])},
    optional={
        "value": maybe(st.text(max_size=30)),
        "selected_option": maybe(st.fixed_dictionaries({"value": maybe(st.text(max_size=8))})),
        "selected_options": maybe(st.lists(st.fixed_dictionaries({"value": anything}))),
        "selected_user": users,
    },
)
state = st.dictionaries(
    st.sampled_from(["candidate_name", "availability", "signal", "notes", "target", "x"]),
    st.dictionaries(st.just("a"), element, min_size=1, max_size=1),
    max_size=4,
)
block_actions = st.fixed_dictionaries(
    {"type": st.just("block_actions")},
    optional={
        "user": maybe(st.fixed_dictionaries({"id": users})),
        "trigger_id": maybe(st.just("123.456.abc")),
        "response_url": st.just("http://127.0.0.1:9/nowhere"),
        "actions": maybe(
            st.lists(
                st.fixed_dictionaries(
                    {"action_id": maybe(action_id)}, optional={"value": maybe(ids)}
                ),
                max_size=2,
            )
        ),
    },
)
view_submission = st.fixed_dictionaries(
    {"type": st.sampled_from(["view_submission", "view_closed"])},
    optional={
        "user": maybe(st.fixed_dictionaries({"id": users})),
        "view": maybe(
            st.fixed_dictionaries(
                {"id": maybe(st.text(min_size=1, max_size=10)), "callback_id": maybe(callback_id)},
                optional={
                    "private_metadata": maybe(ids),
                    "state": maybe(st.fixed_dictionaries({"values": maybe(state)})),
                },
            )
        ),
    },
)
interactivity = st.one_of(
    block_actions,
    view_submission,
    st.fixed_dictionaries({"type": maybe(st.text(max_size=20))}),
    anything,
).map(lambda payload: urlencode({"payload": json.dumps(payload)}))
command = st.fixed_dictionaries(
    {"command": st.sampled_from(["/schedule-loop", "/loop-pool", "/nope", ""])},
    optional={
        "text": st.text(max_size=40),
        "user_id": st.sampled_from(["U0REC01", "U0NOBODY", ""]),
        "trigger_id": st.sampled_from(["123.456.abc", ""]),
        "response_url": st.just("http://127.0.0.1:9/nowhere"),
    },
).map(urlencode)
event = st.fixed_dictionaries(
    {"type": st.sampled_from(["event_callback", "url_verification", "app_rate_limited"])},
    optional={
        "event_id": maybe(st.text(max_size=300)),
        "challenge": maybe(st.text(max_size=10)),
        "event": maybe(
            st.fixed_dictionaries(
                {"type": maybe(st.sampled_from(["app_home_opened", "message"]))},
                optional={"user": users, "tab": maybe(st.sampled_from(["home", "messages"]))},
            )
        ),
    },
).map(json.dumps)
garbage = st.one_of(
    st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
    st.sampled_from(["{", "[]", "null", "payload=", "payload=%7B", "payload=[1]", '{"type": 5}']),
)
FORM, JSON = "application/x-www-form-urlencoded", "application/json"
bodies = st.one_of(
    st.tuples(interactivity, st.just(FORM)),
    st.tuples(command, st.just(FORM)),
    st.tuples(event, st.just(JSON)),
    st.tuples(
        st.one_of(garbage, interactivity, event), st.sampled_from([FORM, JSON, "text/plain"])
    ),
)


def post_signed(url: str, body: bytes, content_type: str) -> int:
    timestamp = str(int(time.time()))
    base = b"v0:" + timestamp.encode() + b":" + body
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        f"{url}/slack/events",
        data=body,
        method="POST",
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


class Unhandled(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(record.getMessage().splitlines()[0])


@pytest.fixture
def box(tmp_path, clock):
    with Sandbox(f"sqlite:///{tmp_path / 'fuzz.db'}", clock=clock) as sandbox:
        sandbox.import_roster()
        yield sandbox


def test_a_thousand_signed_malformed_requests_get_no_5xx(box):
    statuses: dict[int, int] = {}
    unhandled = Unhandled()
    logging.getLogger("loopbot").addHandler(unhandled)

    @seed(20261123)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(request=bodies)
    def one(request: tuple[str, str]):
        body, content_type = request
        status = post_signed(box.url, body.encode("utf-8", errors="surrogatepass"), content_type)
        statuses[status] = statuses.get(status, 0) + 1
        assert status < 500, (status, body[:300])

    try:
        one()
        box.runtime.listeners.wait_quiet(30)
    finally:
        logging.getLogger("loopbot").removeHandler(unhandled)
    assert sum(statuses.values()) >= 1000
    assert statuses.get(200, 0) > 100 and statuses.get(400, 0) > 100, statuses
    assert [r for r in unhandled.records if r.startswith("unhandled")] == []
