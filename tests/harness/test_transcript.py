from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from loopbot.demo.fake_slack import FakeSlack
from loopbot.demo.transcript import (
    StaticDirectory,
    blocks_to_text,
    format_date_token,
    mrkdwn_to_text,
    render_transcript,
)

# 2024-06-03 13:00 UTC: 09:00 in New York (EDT), 15:00 in Berlin (CEST), 14:00 in London.
EPOCH = int(datetime(2024, 6, 3, 13, 0, tzinfo=UTC).timestamp())
NOW = datetime(2024, 6, 3, 8, 0, tzinfo=UTC)
TOKEN = f"<!date^{EPOCH}^{{date_short_pretty}} {{time}}|Jun 3, 2024 13:00 UTC>"

DIRECTORY = StaticDirectory(
    users={
        "U0ADA": ("Ada Lovelace", "Europe/London"),
        "U0GRACE": ("Grace Hopper", "America/New_York"),
        "U0KLAUS": ("Klaus Berg", "Europe/Berlin"),
    },
    channels={"C0RECRUIT": "recruiting"},
    dms={"D0GRACE": "U0GRACE"},
    triggers={"trig-1": "U0KLAUS"},
)


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


# --------------------------------------------------------------------------- dates


def test_same_epoch_in_each_readers_zone() -> None:
    blocks = [section(f"Interview {TOKEN}")]
    assert blocks_to_text(blocks, "America/New_York", now=NOW) == "Interview today 09:00"
    assert blocks_to_text(blocks, "Europe/Berlin", now=NOW) == "Interview today 15:00"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{date_num}", "2024-06-03"),
        ("{date}", "June 3rd, 2024"),
        ("{date_short}", "Jun 3, 2024"),
        ("{date_long}", "Monday, June 3rd, 2024"),
        ("{date_pretty}", "today"),
        ("{date_short_pretty}", "today"),
        ("{date_long_pretty}", "today"),
        ("{time}", "09:00"),
        ("{time_secs}", "09:00:00"),
        ("{ago}", "in 5 hours"),
        ("at {time} on {date_short}", "at 09:00 on Jun 3, 2024"),
        ("{unknown_token}", "{unknown_token}"),
    ],
)
def test_date_token_formats(template: str, expected: str) -> None:
    assert format_date_token(EPOCH, template, "America/New_York", NOW) == expected


def test_pretty_dates_are_relative_to_the_readers_day() -> None:
    late = datetime(2024, 6, 3, 23, 30, tzinfo=UTC)  # already June 4th in Berlin
    assert format_date_token(EPOCH, "{date_pretty}", "Europe/Berlin", late) == "yesterday"
    assert format_date_token(EPOCH, "{date_pretty}", "America/New_York", late) == "today"
    early = datetime(2024, 6, 2, 12, 0, tzinfo=UTC)
    assert format_date_token(EPOCH, "{date_short_pretty}", "UTC", early) == "tomorrow"
    far = datetime(2024, 5, 1, tzinfo=UTC)
    assert format_date_token(EPOCH, "{date_long_pretty}", "UTC", far) == "Monday, June 3rd, 2024"
    assert format_date_token(EPOCH, "{ago}", "UTC", datetime(2024, 6, 5, 13, tzinfo=UTC)) == (
        "2 days ago"
    )


def test_date_token_with_a_link_and_ordinals() -> None:
    token = f"<!date^{EPOCH}^{{date}}^https://example.com|fallback>"
    assert mrkdwn_to_text(token, "UTC") == "June 3rd, 2024"
    eleventh = int(datetime(2024, 6, 11, 12, tzinfo=UTC).timestamp())
    assert format_date_token(eleventh, "{date}", "UTC") == "June 11th, 2024"


# --------------------------------------------------------------------------- mrkdwn


def test_mentions_channels_links_and_escapes() -> None:
    text = (
        "<@U0ADA> and <@U0NOBODY|bob> in <#C0RECRUIT> / <#C0OTHER|other>: "
        "<!here> see <https://x.test/loop/1|the loop> &lt;3 &amp; <mailto:a@b.c|a@b.c>"
    )
    assert mrkdwn_to_text(text, "UTC", directory=DIRECTORY) == (
        "@Ada Lovelace and @bob in #recruiting / #other: "
        "@here see the loop (https://x.test/loop/1) <3 & a@b.c (a@b.c)"
    )


# --------------------------------------------------------------------------- Block Kit


def test_block_kit_rendering() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Loop for Grace"}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*Panel* with <@U0KLAUS>"},
            "fields": [
                {"type": "mrkdwn", "text": "*Stage*\nOnsite"},
                {"type": "plain_text", "text": "60 min"},
            ],
            "accessory": {
                "type": "button",
                "action_id": "open",
                "text": {"type": "plain_text", "text": "Open"},
            },
        },
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Starts {TOKEN}"}]},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Confirm"}},
                {"type": "button", "text": {"type": "plain_text", "text": "Decline"}},
                {
                    "type": "static_select",
                    "placeholder": {"type": "plain_text", "text": "Other slot"},
                    "options": [],
                },
            ],
        },
        {"type": "image", "image_url": "https://x.test/a.png", "alt_text": "org chart"},
        {"type": "mystery"},
    ]
    assert blocks_to_text(blocks, "Europe/Berlin", directory=DIRECTORY, now=NOW).splitlines() == [
        "# Loop for Grace",
        "*Panel* with @Klaus Berg",
        "*Stage*",
        "Onsite",
        "60 min  [ Open ]",
        "────────",
        "› Starts today 15:00",
        "[ Confirm ]  [ Decline ]  [ Other slot ▾ ]",
        "(image: org chart)",
        "(mystery block)",
    ]


def test_input_blocks() -> None:
    option = {"text": {"type": "plain_text", "text": "Onsite"}, "value": "onsite"}
    blocks = [
        {
            "type": "input",
            "label": {"type": "plain_text", "text": "Candidate"},
            "element": {
                "type": "plain_text_input",
                "placeholder": {"type": "plain_text", "text": "Full name"},
            },
            "hint": {"type": "plain_text", "text": "As on the CV"},
        },
        {
            "type": "input",
            "optional": True,
            "label": {"type": "plain_text", "text": "Notes"},
            "element": {"type": "plain_text_input", "initial_value": "Prefers mornings"},
        },
        {
            "type": "input",
            "label": {"type": "plain_text", "text": "Panel"},
            "element": {"type": "multi_users_select", "initial_users": ["U0ADA", "U0GRACE"]},
        },
        {
            "type": "input",
            "label": {"type": "plain_text", "text": "Format"},
            "element": {
                "type": "radio_buttons",
                "initial_option": option,
                "options": [option, {"text": {"type": "plain_text", "text": "Remote"}}],
            },
        },
        {
            "type": "input",
            "label": {"type": "plain_text", "text": "Day"},
            "element": {"type": "datepicker", "initial_date": "2024-06-03"},
        },
    ]
    assert blocks_to_text(blocks, "UTC", directory=DIRECTORY).splitlines() == [
        "Candidate: [ placeholder: Full name ]",
        "  (As on the CV)",
        "Notes (optional): [ Prefers mornings ]",
        "Panel: [ @Ada Lovelace, @Grace Hopper ▾ ]",
        "Format: (•) Onsite  ( ) Remote",
        "Day: [ date: 2024-06-03 ]",
    ]


# --------------------------------------------------------------------------- transcript


def test_transcript_of_a_conversation(fake: FakeSlack) -> None:
    client = WebClient(base_url=fake.base_url, token="xoxb-test")
    invite = [
        section(f"<@U0GRACE>, can you interview on {TOKEN}?"),
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Confirm"}},
                {"type": "button", "text": {"type": "plain_text", "text": "Decline"}},
            ],
        },
    ]
    to_grace = client.chat_postMessage(channel="U0GRACE", text="invite", blocks=invite)
    client.chat_postMessage(channel="U0KLAUS", text="invite", blocks=invite)
    root = client.chat_postMessage(channel="C0RECRUIT", text=f"Loop for Grace, onsite {TOKEN}")
    client.chat_postMessage(channel="C0RECRUIT", text="Ada: hire", thread_ts=root["ts"])
    client.chat_update(channel=to_grace["channel"], ts=to_grace["ts"], text="Confirmed", blocks=[])
    client.chat_postEphemeral(channel="C0RECRUIT", user="U0ADA", text="Only you see this")
    fake.triggers["trig-9"] = "U0KLAUS"
    opened = client.views_open(
        trigger_id="trig-9",
        view={
            "type": "modal",
            "title": {"type": "plain_text", "text": "Feedback"},
            "submit": {"type": "plain_text", "text": "Send"},
            "blocks": [
                {
                    "type": "input",
                    "label": {"type": "plain_text", "text": "Verdict"},
                    "element": {"type": "plain_text_input", "initial_value": "Strong yes"},
                }
            ],
        },
    )
    client.views_update(
        view_id=opened["view"]["id"],
        view={"type": "modal", "title": {"type": "plain_text", "text": "Thanks"}, "blocks": []},
    )
    client.views_publish(user_id="U0ADA", view={"type": "home", "blocks": [section("3 loops")]})
    client.files_upload_v2(channel="C0RECRUIT", content="x", filename="loop.ics", title="Invite")
    client.reactions_add(channel="C0RECRUIT", timestamp=root["ts"], name="tada")
    fake.fail_next("chat.postMessage", error="channel_is_archived")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0RECRUIT", text="lost")

    transcript = render_transcript(fake.calls, fake, now=NOW)
    expected = """\
DM to Grace Hopper (America/New_York):
    @Grace Hopper, can you interview on today 09:00?
    [ Confirm ]  [ Decline ]

DM to Klaus Berg (Europe/Berlin):
    @Grace Hopper, can you interview on today 15:00?
    [ Confirm ]  [ Decline ]

#recruiting (times in UTC):
    Loop for Grace, onsite today 13:00

#recruiting:
  ↳ in thread on “Loop for Grace, onsite today 13:00”:
      Ada: hire

(updated) DM to Grace Hopper (America/New_York):
    Confirmed

only visible to Ada Lovelace (Europe/London) in #recruiting:
    Only you see this

modal shown to Klaus Berg (Europe/Berlin): Feedback
    Verdict: [ Strong yes ]
    [ Send ]  [ Cancel ]

(updated) modal shown to Klaus Berg (Europe/Berlin): Thanks
    [ Cancel ]

App Home of Ada Lovelace (Europe/London):
    3 loops

#recruiting:
    attached file loop.ics (“Invite”)

(reaction :tada:) on “Loop for Grace, onsite today 13:00” in #recruiting
"""
    assert transcript == expected
    with_failures = render_transcript(fake.calls, fake, now=NOW, show_failures=True)
    assert "(failed chat.postMessage: HTTP 200 channel_is_archived)" in with_failures


def test_channel_times_for_a_chosen_viewer() -> None:
    class Call:
        method = "chat.postMessage"
        params = {"channel": "C0RECRUIT", "text": f"Onsite {TOKEN}"}
        response = {"ok": True, "channel": "C0RECRUIT", "ts": "1.000100"}
        status = 200
        ok = True
        meta: dict = {}

    as_ada = render_transcript([Call()], DIRECTORY, viewer="U0ADA", now=NOW)
    assert as_ada.splitlines() == [
        "#recruiting (times as Ada Lovelace sees them, Europe/London):",
        "    Onsite today 14:00",
    ]
    in_tokyo = render_transcript([Call()], DIRECTORY, viewer_tz="Asia/Tokyo", now=NOW)
    assert in_tokyo.splitlines()[1] == "    Onsite today 22:00"


def test_dm_by_d_channel_and_modal_by_static_trigger_map() -> None:
    class Post:
        method = "chat.postMessage"
        params = {"channel": "D0GRACE", "text": "hello"}
        response = {"ok": True, "channel": "D0GRACE", "ts": "1.000100"}
        status = 200
        ok = True
        meta: dict = {}

    class Open:
        method = "views.open"
        params = {
            "trigger_id": "trig-1",
            "view": {"type": "modal", "title": {"type": "plain_text", "text": "Hi"}},
        }
        response = {"ok": True, "view": {"id": "V1"}}
        status = 200
        ok = True
        meta: dict = {}

    lines = render_transcript([Post(), Open()], DIRECTORY).splitlines()
    assert lines[0] == "DM to Grace Hopper (America/New_York):"
    assert "modal shown to Klaus Berg (Europe/Berlin): Hi" in lines
