"""Slack date tokens, mentions and escaping."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.slack_text import escape, mention, span, when

TOKEN = re.compile(r"^<!date\^(\d+)\^([^|]+)\|([^>]+)>$")


def parts(token: str) -> tuple[int, str, str]:
    match = TOKEN.match(token)
    assert match, token
    return int(match.group(1)), match.group(2), match.group(3)


def test_when_has_the_epoch_style_and_a_utc_fallback():
    moment = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    epoch, style, fallback = parts(when(moment))
    assert epoch == 1795528800
    assert datetime.fromtimestamp(epoch, UTC) == moment
    assert style == "{date_short_pretty} {time}"
    assert fallback == "Tue 24 Nov 2026 14:00 UTC"


@pytest.mark.parametrize(
    "zone",
    [ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata"), timezone(timedelta(hours=-3))],
)
def test_the_same_instant_gives_the_same_token_in_every_zone(zone):
    moment = datetime(2026, 3, 8, 6, 30, tzinfo=UTC)  # the morning US clocks change
    local = moment.astimezone(zone)
    assert when(local) == when(moment)
    assert parts(when(local))[2] == "Sun 08 Mar 2026 06:30 UTC"


def test_fallback_is_utc_even_across_a_date_line():
    late = datetime(2026, 11, 24, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert parts(when(late))[2] == "Wed 25 Nov 2026 07:30 UTC"


def test_custom_style():
    moment = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    assert parts(when(moment, "{time}"))[1] == "{time}"


def test_span_joins_a_full_start_and_a_time_only_end():
    start = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    end = start + timedelta(minutes=45)
    first, second = span(start, end).split("–")
    assert parts(first)[0] == int(start.timestamp())
    assert parts(second)[0] == int(end.timestamp())
    assert parts(second)[1] == "{time}"


def test_mention():
    assert mention("U0ADA") == "<@U0ADA>"


@pytest.mark.parametrize(
    "typed, safe",
    [
        ("Ada & Co", "Ada &amp; Co"),
        ("<!channel> hi", "&lt;!channel&gt; hi"),
        ("<@U0BOSS>", "&lt;@U0BOSS&gt;"),
        ("a &lt; b", "a &amp;lt; b"),  # & first, so existing entities are not half-escaped
        ("plain *bold* _it_", "plain *bold* _it_"),
    ],
)
def test_escape(typed, safe):
    assert escape(typed) == safe
    assert "<" not in escape(typed) and ">" not in escape(typed)
