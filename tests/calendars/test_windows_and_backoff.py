"""The pieces both cloud adapters share: request splitting, whole-day blocks, the retry policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.calendars.backoff import Backoff, parse_retry_after
from bot.calendars.port import CalendarRefused, CalendarUnavailable
from bot.calendars.windows import batches, covers_whole_days, rfc3339, spans

BERLIN = ZoneInfo("Europe/Berlin")


def test_batches_drop_repeats_and_keep_order():
    assert list(batches(["a", "b", "a", "c", "d"], 2)) == [["a", "b"], ["c", "d"]]
    assert list(batches([], 50)) == []


def test_spans_cover_the_window_without_gaps():
    start = datetime(2030, 1, 1, tzinfo=UTC)
    pieces = list(spans(start, start + timedelta(days=100), timedelta(days=41)))
    assert [b - a for a, b in pieces] == [timedelta(days=41)] * 2 + [timedelta(days=18)]
    assert all(pieces[n][1] == pieces[n + 1][0] for n in range(len(pieces) - 1))


@pytest.mark.parametrize(
    "start, end, whole",
    [
        (datetime(2030, 5, 6, tzinfo=BERLIN), datetime(2030, 5, 7, tzinfo=BERLIN), True),
        (datetime(2030, 5, 6, tzinfo=BERLIN), datetime(2030, 5, 9, tzinfo=BERLIN), True),
        # The night clocks go forward: a 23-hour local day.
        (datetime(2030, 3, 31, tzinfo=BERLIN), datetime(2030, 4, 1, tzinfo=BERLIN), True),
        (datetime(2030, 5, 6, 9, tzinfo=UTC), datetime(2030, 5, 6, 17, tzinfo=UTC), False),
        (datetime(2030, 5, 6, 9, tzinfo=UTC), datetime(2030, 5, 7, 21, tzinfo=UTC), False),
    ],
)
def test_whole_days(start, end, whole):
    assert covers_whole_days(start, end) is whole


def test_rfc3339_is_utc_with_a_z_and_refuses_naive_times():
    assert rfc3339(datetime(2030, 5, 6, 11, 30, 5, 999, tzinfo=BERLIN)) == "2030-05-06T09:30:05Z"
    with pytest.raises(ValueError):
        rfc3339(datetime(2030, 5, 6))


@pytest.mark.parametrize(
    "raw, seconds",
    [("7", 7.0), (" 0 ", 0.0), ("-1", None), (None, None), ("Wed, 21 Oct 2015 07:28:00 GMT", None)],
)
def test_retry_after(raw, seconds):
    assert parse_retry_after(raw) == seconds


def flaky(failures: list[Exception]):
    calls = []

    def operation():
        calls.append(1)
        if failures:
            raise failures.pop(0)
        return "done"

    return operation, calls


def test_backoff_retries_what_may_pass_and_honours_retry_after():
    sleeps: list[float] = []
    operation, calls = flaky(
        [CalendarUnavailable("429", retry_after=3), CalendarUnavailable("503")]
    )
    assert Backoff(first_wait=0.5, sleep=sleeps.append).run(operation) == "done"
    assert len(calls) == 3
    assert sleeps[0] == 3 and 0.5 <= sleeps[1] <= 2.0


def test_backoff_never_retries_a_refusal():
    operation, calls = flaky([CalendarRefused("404")])
    with pytest.raises(CalendarRefused):
        Backoff(sleep=lambda _: None).run(operation)
    assert len(calls) == 1


def test_backoff_stops_within_its_budget():
    sleeps: list[float] = []
    operation, calls = flaky([CalendarUnavailable("503", retry_after=20)] * 10)
    with pytest.raises(CalendarUnavailable) as caught:
        Backoff(attempts=10, max_wait=30, budget=50, sleep=sleeps.append).run(operation)
    assert caught.value.retry_after == 20
    assert sum(sleeps) <= 50 and len(calls) < 10
