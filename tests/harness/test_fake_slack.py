import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from slack_sdk import WebClient, WebhookClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import (
    FixedValueRetryIntervalCalculator,
)

from loopbot.demo.fake_slack import FakeSlack

SECTION = [{"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}]


def raw_post(url: str, data: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


# --------------------------------------------------------------------------- basics


def test_binds_a_free_port_and_exposes_base_url(fake: FakeSlack) -> None:
    assert fake.port > 0
    assert fake.url == f"http://127.0.0.1:{fake.port}/"
    assert fake.base_url == f"{fake.url}api/"


def test_auth_test(client: WebClient) -> None:
    response = client.auth_test()
    assert response["team_id"] == "T0LOOPBOT"
    assert response["user_id"] == "U0LOOPBOT"
    assert response["bot_id"].startswith("B")
    assert response["url"].startswith("https://")


def test_users_info_has_time_zone_and_email(client: WebClient) -> None:
    user = client.users_info(user="U0GRACE")["user"]
    assert user["real_name"] == "Grace Hopper"
    assert user["tz"] == "America/New_York"
    assert user["tz_offset"] in (-5 * 3600, -4 * 3600)
    assert user["tz_label"]
    assert user["profile"]["email"] == "grace@example.com"


def test_users_info_unknown_user(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as failure:
        client.users_info(user="U0NOBODY")
    assert failure.value.response["error"] == "user_not_found"


def test_lookup_by_email(client: WebClient) -> None:
    assert client.users_lookupByEmail(email="ADA@example.com")["user"]["id"] == "U0ADA"
    with pytest.raises(SlackApiError) as failure:
        client.users_lookupByEmail(email="nobody@example.com")
    assert failure.value.response["error"] == "users_not_found"


def test_conversations_open_gives_a_stable_dm_id(client: WebClient) -> None:
    first = client.conversations_open(users="U0ADA")["channel"]["id"]
    second = client.conversations_open(users=["U0ADA"])["channel"]["id"]
    assert first == second
    assert first.startswith("D")
    assert client.conversations_open(users="U0GRACE")["channel"]["id"] != first


def test_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as failure:
        client.api_call("nothing.here")
    assert failure.value.response["error"] == "unknown_method"


def test_missing_and_wrong_tokens(fake: FakeSlack) -> None:
    url = fake.base_url + "auth.test"
    assert raw_post(url, b"", {})[1] == {"ok": False, "error": "not_authed"}
    assert raw_post(url, b"", {"Authorization": "Bearer xoxp-user"})[1]["error"] == "invalid_auth"
    ok = raw_post(url, b"", {"Authorization": "Bearer xoxb-1"})[1]
    assert ok["ok"] is True
    # Slack also takes the token as a form argument.
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert raw_post(url, b"token=xoxb-1", form)[1]["ok"] is True


def test_a_configured_token_is_enforced() -> None:
    with FakeSlack(token="xoxb-right") as fake:
        right = WebClient(base_url=fake.base_url, token="xoxb-right")
        wrong = WebClient(base_url=fake.base_url, token="xoxb-wrong")
        assert right.auth_test()["ok"]
        with pytest.raises(SlackApiError) as failure:
            wrong.auth_test()
        assert failure.value.response["error"] == "invalid_auth"


def test_form_json_and_query_params_are_merged_and_decoded(fake: FakeSlack) -> None:
    headers = {
        "Authorization": "Bearer xoxb-1",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    form = f"text=hi&blocks={urllib.parse.quote(json.dumps(SECTION))}".encode()
    status, body = raw_post(fake.base_url + "chat.postMessage?channel=C0RECRUIT", form, headers)
    assert status == 200 and body["ok"]
    call = fake.calls_to("chat.postMessage")[-1]
    assert call.params == {"channel": "C0RECRUIT", "text": "hi", "blocks": SECTION}
    assert call.headers["authorization"] == "Bearer xoxb-1"
    assert call.body == form

    json_headers = {"Authorization": "Bearer xoxb-1", "Content-Type": "application/json"}
    payload = json.dumps({"channel": "C0RECRUIT", "blocks": json.dumps(SECTION)}).encode()
    raw_post(fake.base_url + "chat.postMessage", payload, json_headers)
    assert fake.calls_to("chat.postMessage")[-1].params["blocks"] == SECTION


# --------------------------------------------------------------------------- messages


def test_post_to_a_user_id_lands_in_their_dm(client: WebClient, fake: FakeSlack) -> None:
    posted = client.chat_postMessage(channel="U0ADA", text="hi", blocks=SECTION)
    dm = client.conversations_open(users="U0ADA")["channel"]["id"]
    assert posted["channel"] == dm
    assert posted["message"]["blocks"] == SECTION
    assert [m["text"] for m in fake.messages("U0ADA")] == ["hi"]
    assert fake.messages(dm) == fake.messages("U0ADA")


def test_ts_values_are_unique_and_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel="C0RECRUIT", text=str(i))["ts"] for i in range(5)]
    assert abs(float(stamps[0]) - time.time()) < 60  # wall-clock time, like Slack's
    assert len(set(stamps)) == 5
    assert [float(s) for s in stamps] == sorted(float(s) for s in stamps)


def test_post_message_errors(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as no_text, pytest.warns(UserWarning):
        client.chat_postMessage(channel="C0RECRUIT", text="")
    assert no_text.value.response["error"] == "no_text"
    with pytest.raises(SlackApiError) as no_channel:
        client.chat_postMessage(channel="#nowhere", text="x")
    assert no_channel.value.response["error"] == "channel_not_found"


def test_threads_updates_and_deletes(client: WebClient, fake: FakeSlack) -> None:
    parent = client.chat_postMessage(channel="#recruiting", text="Loop for Grace")
    assert parent["channel"] == "C0RECRUIT"
    client.chat_postMessage(channel="C0RECRUIT", text="feedback 1", thread_ts=parent["ts"])
    reply = client.chat_postMessage(channel="C0RECRUIT", text="fb 2", thread_ts=parent["ts"])
    other = client.chat_postMessage(channel="C0RECRUIT", text="another loop")
    client.chat_update(channel="C0RECRUIT", ts=parent["ts"], text="Loop for Grace (decided)")

    top = fake.messages("#recruiting")
    assert [m["text"] for m in top] == ["Loop for Grace (decided)", "another loop"]
    assert [r["text"] for r in top[0]["replies"]] == ["feedback 1", "fb 2"]
    assert top[0]["reply_count"] == 2
    assert fake.thread("C0RECRUIT", parent["ts"])[-1]["ts"] == reply["ts"]

    client.chat_delete(channel="C0RECRUIT", ts=other["ts"])
    assert len(fake.messages("C0RECRUIT")) == 1
    with pytest.raises(SlackApiError) as missing:
        client.chat_update(channel="C0RECRUIT", ts="1.000000", text="x")
    assert missing.value.response["error"] == "message_not_found"


def test_ephemeral_and_reactions(client: WebClient, fake: FakeSlack) -> None:
    response = client.chat_postEphemeral(channel="C0RECRUIT", user="U0ADA", text="psst")
    assert response["message_ts"]
    assert [e["text"] for e in fake.ephemerals("U0ADA")] == ["psst"]
    posted = client.chat_postMessage(channel="C0RECRUIT", text="done")
    client.reactions_add(channel="C0RECRUIT", timestamp=posted["ts"], name="white_check_mark")
    assert fake.messages("C0RECRUIT")[0]["reactions"][0]["name"] == "white_check_mark"
    with pytest.raises(SlackApiError) as twice:
        client.reactions_add(channel="C0RECRUIT", timestamp=posted["ts"], name="white_check_mark")
    assert twice.value.response["error"] == "already_reacted"


# --------------------------------------------------------------------------- views


MODAL = {
    "type": "modal",
    "callback_id": "schedule_loop",
    "title": {"type": "plain_text", "text": "Schedule a loop"},
    "submit": {"type": "plain_text", "text": "Plan"},
    "blocks": [
        {
            "type": "input",
            "block_id": "candidate",
            "label": {"type": "plain_text", "text": "Candidate"},
            "element": {"type": "plain_text_input", "action_id": "name"},
        }
    ],
}


def test_views_open_update_push(client: WebClient, fake: FakeSlack) -> None:
    fake.triggers["111.222.abc"] = "U0ADA"
    opened = client.views_open(trigger_id="111.222.abc", view=MODAL)["view"]
    assert opened["id"] == "V0000001"
    assert opened["callback_id"] == "schedule_loop"
    assert opened["hash"]
    assert fake.views_of("U0ADA")[0]["id"] == opened["id"]

    changed = dict(MODAL, title={"type": "plain_text", "text": "Step 2"})
    updated = client.views_update(view_id=opened["id"], view=changed, hash=opened["hash"])["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    with pytest.raises(SlackApiError) as conflict:
        client.views_update(view_id=opened["id"], view=changed, hash=opened["hash"])
    assert conflict.value.response["error"] == "hash_conflict"

    external = client.views_open(trigger_id="t2", view=dict(MODAL, external_id="loop-7"))
    by_external = client.views_update(external_id="loop-7", view=changed)["view"]
    assert by_external["id"] == external["view"]["id"]
    with pytest.raises(SlackApiError) as missing:
        client.views_update(view_id="V9999999", view=changed)
    assert missing.value.response["error"] == "not_found"

    pushed = client.views_push(trigger_id="111.222.abc", view=MODAL)["view"]
    assert pushed["previous_view_id"] == opened["id"]

    with pytest.raises(SlackApiError) as no_trigger:
        client.api_call("views.open", json={"view": MODAL})
    assert no_trigger.value.response["error"] == "invalid_arguments"


def test_views_publish(client: WebClient, fake: FakeSlack) -> None:
    home = {"type": "home", "blocks": SECTION}
    published = client.views_publish(user_id="U0GRACE", view=home)["view"]
    assert published["type"] == "home"
    assert fake.home_view("U0GRACE")["blocks"] == SECTION
    again = client.views_publish(user_id="U0GRACE", view=home)["view"]
    assert again["id"] == published["id"]


# --------------------------------------------------------------------------- files


def test_files_upload_v2_end_to_end(client: WebClient, fake: FakeSlack) -> None:
    response = client.files_upload_v2(
        channel="C0RECRUIT",
        content="candidate,decision\nGrace,hire\n",
        filename="decision.csv",
        title="Decision",
        initial_comment="Final decision attached",
    )
    file_id = response["file"]["id"]
    stored = fake.file(file_id)
    assert stored["content"] == b"candidate,decision\nGrace,hire\n"
    assert stored["name"] == "decision.csv" and stored["title"] == "Decision"
    assert [c.method for c in fake.calls] == [
        "files.getUploadURLExternal",
        "file_upload",
        "files.completeUploadExternal",
    ]
    message = fake.messages("C0RECRUIT")[0]
    assert message["text"] == "Final decision attached"
    assert message["files"][0]["id"] == file_id


def test_complete_upload_of_a_file_never_uploaded(client: WebClient) -> None:
    file_id = client.files_getUploadURLExternal(filename="x.txt", length=3)["file_id"]
    with pytest.raises(SlackApiError) as failure:
        client.files_completeUploadExternal(files=[{"id": file_id, "title": "x"}])
    assert failure.value.response["error"] == "file_not_found"


# --------------------------------------------------------------------------- response_url


def test_response_url_posts_are_recorded(fake: FakeSlack) -> None:
    url = fake.new_response_url(user_id="U0ADA", channel_id="C0RECRUIT")
    assert url.startswith(fake.url)
    response = WebhookClient(url).send(text="Only you can see this", response_type="ephemeral")
    assert response.status_code == 200
    call = fake.wait_for("response_url")
    assert call.params["text"] == "Only you can see this"
    assert call.meta["user_id"] == "U0ADA"
    assert fake.ephemerals("U0ADA")[0]["text"] == "Only you can see this"


def test_response_url_replace_original(client: WebClient, fake: FakeSlack) -> None:
    posted = client.chat_postMessage(channel="C0RECRUIT", text="Pick a slot")
    url = fake.new_response_url("U0ADA", "C0RECRUIT", posted["ts"])
    WebhookClient(url).send(text="Slot picked", replace_original=True)
    assert fake.messages("C0RECRUIT")[0]["text"] == "Slot picked"


# --------------------------------------------------------------------------- recording


def test_wait_for_waits_for_a_call_made_later(client: WebClient, fake: FakeSlack) -> None:
    timer = threading.Timer(0.1, lambda: client.chat_postMessage(channel="U0ADA", text="late"))
    timer.start()
    call = fake.wait_for("chat.postMessage", lambda c: c.params.get("text") == "late", 3)
    timer.join()
    assert call.status == 200 and call.ok
    assert call.response["channel"].startswith("D")


def test_wait_for_failure_lists_what_was_recorded(client: WebClient, fake: FakeSlack) -> None:
    client.chat_postMessage(channel="U0ADA", text="something else")
    with pytest.raises(AssertionError) as failure:
        fake.wait_for("views.open", timeout=0.05)
    message = str(failure.value)
    assert "views.open" in message
    assert "chat.postMessage [200]" in message and "something else" in message


def test_reset_forgets_calls_and_state_but_keeps_the_directory(
    client: WebClient, fake: FakeSlack
) -> None:
    client.chat_postMessage(channel="U0ADA", text="x")
    fake.fail_next("auth.test", error="account_inactive")
    fake.reset()
    assert fake.calls == [] and fake.messages("U0ADA") == []
    assert client.auth_test()["ok"]
    assert client.users_info(user="U0ADA")["user"]["real_name"] == "Ada Lovelace"


def test_concurrent_posts_are_all_recorded(fake: FakeSlack) -> None:
    def post(n: int) -> None:
        WebClient(base_url=fake.base_url, token="xoxb-t").chat_postMessage(
            channel="C0RECRUIT", text=str(n)
        )

    threads = [threading.Thread(target=post, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fake.calls_to("chat.postMessage")) == 20
    assert len({m["ts"] for m in fake.messages("C0RECRUIT")}) == 20


# --------------------------------------------------------------------------- faults


def test_fail_next_with_an_error(client: WebClient, fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", error="channel_is_archived", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as failure:
            client.chat_postMessage(channel="C0RECRUIT", text="x")
        assert failure.value.response["error"] == "channel_is_archived"
    assert client.chat_postMessage(channel="C0RECRUIT", text="x")["ok"]
    assert [c.ok for c in fake.calls_to("chat.postMessage")] == [False, False, True]
    assert len(fake.messages("C0RECRUIT")) == 1


def test_rate_limit_without_retries_surfaces_429(client: WebClient, fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as failure:
        client.chat_postMessage(channel="C0RECRUIT", text="x")
    assert failure.value.response.status_code == 429
    assert failure.value.response.headers["Retry-After"] == "7"
    assert failure.value.response["error"] == "ratelimited"
    assert fake.calls_to("chat.postMessage")[0].status == 429


def test_rate_limit_retry_handler_recovers(fake: FakeSlack) -> None:
    client = WebClient(
        base_url=fake.base_url,
        token="xoxb-test",
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    fake.fail_next("chat.postMessage", retry_after=0)
    response = client.chat_postMessage(channel="C0RECRUIT", text="eventually")
    assert response["ok"]
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]
    assert [m["text"] for m in fake.messages("C0RECRUIT")] == ["eventually"]


def test_server_error_retry_handler_recovers(fake: FakeSlack) -> None:
    fast = FixedValueRetryIntervalCalculator(fixed_internal=0.01)
    client = WebClient(
        base_url=fake.base_url,
        token="xoxb-test",
        retry_handlers=[ServerErrorRetryHandler(max_retry_count=3, interval_calculator=fast)],
    )
    fake.fail_next("views.publish", status=503, times=2)
    response = client.views_publish(user_id="U0ADA", view={"type": "home", "blocks": []})
    assert response["ok"]
    assert [c.status for c in fake.calls_to("views.publish")] == [503, 503, 200]


def test_server_error_without_retries(client: WebClient, fake: FakeSlack) -> None:
    fake.fail_next("auth.test", status=500)
    with pytest.raises(SlackApiError) as failure:
        client.auth_test()
    assert failure.value.response.status_code == 500


def test_fail_next_needs_something_to_fail_with(fake: FakeSlack) -> None:
    with pytest.raises(ValueError):
        fake.fail_next("auth.test")


def test_latency_for_one_method_and_for_all(client: WebClient, fake: FakeSlack) -> None:
    fake.set_latency("auth.test", 0.3)
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    client.users_info(user="U0ADA")
    assert time.monotonic() - started < 0.3

    fake.set_latency(None, 0.2)
    started = time.monotonic()
    client.users_info(user="U0ADA")
    assert time.monotonic() - started >= 0.2
    fake.set_latency(None, 0)
    fake.set_latency("auth.test", 0)


def test_latency_beyond_the_client_timeout(fake: FakeSlack) -> None:
    impatient = WebClient(base_url=fake.base_url, token="xoxb-t", timeout=1, retry_handlers=[])
    fake.set_latency("chat.postMessage", 1.5)
    with pytest.raises(TimeoutError):
        impatient.chat_postMessage(channel="C0RECRUIT", text="slow")
    # Slack processed it even though the client gave up: the classic duplicate-post trap.
    assert fake.calls_to("chat.postMessage")[0].status == 200


# --- what the outbox relies on: history windows, metadata on request, outages ----------------

OUTBOX_METADATA = {"event_type": "loopbot_outbox", "event_payload": {"outbox_id": 7, "key": "k"}}


def test_history_shows_metadata_only_when_asked_and_pages_within_a_window(
    client: WebClient,
) -> None:
    first = client.chat_postMessage(channel="C0RECRUIT", text="first")["ts"]
    tagged = client.chat_postMessage(channel="C0RECRUIT", text="tagged", metadata=OUTBOX_METADATA)
    client.chat_postMessage(channel="C0RECRUIT", text="third")

    plain = client.conversations_history(channel="C0RECRUIT")["messages"]
    assert [m["text"] for m in plain] == ["third", "tagged", "first"]  # newest first
    assert all("metadata" not in m for m in plain)

    page = client.conversations_history(
        channel="C0RECRUIT", include_all_metadata=True, limit=2, oldest=first
    )
    assert [m["text"] for m in page["messages"]] == ["third", "tagged"]
    assert page["messages"][1]["metadata"] == OUTBOX_METADATA
    assert page["has_more"] is True
    rest = client.conversations_history(
        channel="C0RECRUIT", limit=2, oldest=first, cursor=page["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in rest["messages"]] == ["first"] and rest["has_more"] is False
    later = client.conversations_history(channel="C0RECRUIT", oldest=tagged["ts"])["messages"]
    assert [m["text"] for m in later] == ["third", "tagged"]


def test_replies_carry_metadata_when_asked(client: WebClient) -> None:
    root = client.chat_postMessage(channel="C0RECRUIT", text="root")["ts"]
    client.chat_postMessage(
        channel="C0RECRUIT", thread_ts=root, text="reply", metadata=OUTBOX_METADATA
    )
    found = client.conversations_replies(channel="C0RECRUIT", ts=root, include_all_metadata=True)
    assert [m.get("metadata") for m in found["messages"]] == [None, OUTBOX_METADATA]


def test_an_outage_fails_every_call_until_it_ends(fake: FakeSlack, client: WebClient) -> None:
    fake.outage(503)
    for call in (
        lambda: client.auth_test(),
        lambda: client.chat_postMessage(channel="C0RECRUIT", text="x"),
    ):
        with pytest.raises(SlackApiError) as refused:
            call()
        assert refused.value.response.status_code == 503
    fake.outage(None)
    assert client.chat_postMessage(channel="C0RECRUIT", text="back")["ok"]
    assert [m["text"] for m in fake.messages("C0RECRUIT")] == ["back"]


def test_a_message_deleted_by_hand_cannot_be_edited(fake: FakeSlack, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C0RECRUIT", text="x")["ts"]
    fake.delete_message("C0RECRUIT", ts)
    with pytest.raises(SlackApiError) as refused:
        client.chat_update(channel="C0RECRUIT", ts=ts, text="y")
    assert refused.value.response["error"] == "message_not_found"
