from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.planning.availability import AvailabilityError, parse_availability
from bot.planning.model import Interval

from .support import local

NOW = datetime(2026, 11, 21, 20, 0, tzinfo=UTC)  # Saturday 21 Nov 2026
NY, LA, BERLIN = "America/New_York", "America/Los_Angeles", "Europe/Berlin"


def parse(text: str, tz: str = NY, **extra) -> list[Interval]:
    return parse_availability(text, tz, NOW, **extra)


def span(tz, day, start, end, month=11):
    return Interval(local(tz, 2026, month, day, *start), local(tz, 2026, month, day, *end))


def test_weekdays_and_a_trailing_zone_for_the_whole_list():
    assert parse("Tue 2pm-6pm, Thu after 10am PT") == [
        span(LA, 24, (14,), (18,)),
        span(LA, 26, (10,), (18,)),
    ]


def test_own_zone_wins_and_default_zone_otherwise():
    assert parse("Tue 2pm-6pm Europe/Berlin; Wed 9am-11am") == [
        span(BERLIN, 24, (14,), (18,)),
        span(NY, 25, (9,), (11,)),
    ]


def test_next_monday_with_24_hour_range_and_iana_zone():
    assert parse("next Monday 9-12 Europe/Berlin") == [span(BERLIN, 23, (9,), (12,))]


def test_next_weekday_skips_today():
    monday_now = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert parse_availability("next Monday 9-12", NY, monday_now) == [span(NY, 30, (9,), (12,))]
    assert parse_availability("Monday 9-12", NY, monday_now) == [span(NY, 23, (9,), (12,))]


def test_iso_ranges_naive_with_offsets_and_z():
    assert parse("2026-11-24T09:00/2026-11-24T12:00") == [span(NY, 24, (9,), (12,))]
    assert parse("2026-11-24T09:00Z/2026-11-24T12:00+01:00") == [
        Interval(datetime(2026, 11, 24, 9, tzinfo=UTC), datetime(2026, 11, 24, 11, tzinfo=UTC))
    ]
    assert parse("2026-11-24T09:00/12:30", tz=BERLIN) == [span(BERLIN, 24, (9,), (12, 30))]


def test_month_day_and_day_month_dates():
    assert parse("Nov 24 1pm-5pm") == [span(NY, 24, (13,), (17,))]
    assert parse("24 November 1:30pm-5pm") == [span(NY, 24, (13, 30), (17,))]
    assert parse("Nov 24, 2026 1pm-5pm") == [span(NY, 24, (13,), (17,))]
    # A month-day well in the past means next year's.
    assert parse("Jan 5 10am-noon") == [
        Interval(local(NY, 2027, 1, 5, 10), local(NY, 2027, 1, 5, 12))
    ]


def test_tomorrow_until_noon_and_named_parts_of_day():
    assert parse("tomorrow 9am-noon") == [span(NY, 22, (9,), (12,))]
    assert parse("Wed morning\nThu afternoon") == [
        span(NY, 25, (9,), (12,)),
        span(NY, 26, (12,), (18,)),
    ]


def test_after_and_before_use_the_configurable_day_bounds():
    assert parse("Tue before 3pm") == [span(NY, 24, (9,), (15,))]
    assert parse("Tue after 10am", day_end=time(16)) == [span(NY, 24, (10,), (16,))]
    assert parse("Tue before 3pm", day_start=time(8)) == [span(NY, 24, (8,), (15,))]
    assert parse("Tue") == [span(NY, 24, (9,), (18,))]


def test_meridiem_is_shared_across_a_range():
    assert parse("Tue 2-6pm") == [span(NY, 24, (14,), (18,))]
    assert parse("Tue 11-1pm") == [span(NY, 24, (11,), (13,))]
    assert parse("Tue 10am-2") == [span(NY, 24, (10,), (14,))]


@pytest.mark.parametrize(
    ("abbreviation", "zone"),
    [
        ("PT", LA), ("PST", LA), ("PDT", LA), ("ET", NY), ("CT", "America/Chicago"),
        ("MT", "America/Denver"), ("GMT", "UTC"), ("UTC", "UTC"), ("CET", BERLIN),
        ("CEST", BERLIN), ("BST", "Europe/London"), ("IST", "Asia/Kolkata"),
        ("JST", "Asia/Tokyo"), ("AEST", "Australia/Sydney"),
    ],
)  # fmt: skip
def test_zone_abbreviations_map_to_iana_names(abbreviation, zone):
    assert parse(f"Tue 10am-11am {abbreviation}") == [span(zone, 24, (10,), (11,))]


def test_parts_are_sorted_and_merged():
    assert parse("Tue 3pm-5pm; Tue 1pm-3:30pm, Mon 9am-10am") == [
        span(NY, 23, (9,), (10,)),
        span(NY, 24, (13,), (17,)),
    ]


def test_a_dst_change_is_respected():
    oct_now = datetime(2026, 10, 20, tzinfo=UTC)
    result = parse_availability("Oct 30 9am-10am, Nov 2 9am-10am", NY, oct_now)
    assert [iv.start.hour for iv in result] == [13, 14]


@pytest.mark.parametrize(
    ("text", "fragment", "words"),
    [
        ("Tue 9-5", "Tue 9-5", "am or pm"),
        ("Tue 2pm-6pm, Thu 10am-noon XYZ", "Thu 10am-noon XYZ", "unknown time zone 'XYZ'"),
        ("Tue 1pm-3pm Mars/Olympus", "Tue 1pm-3pm Mars/Olympus", "unknown time zone"),
        ("Tue 6pm-2pm", "Tue 6pm-2pm", "ends before it starts"),
        ("Wed 1pm-2pm; Nov 20 1pm-5pm", "Nov 20 1pm-5pm", "already past"),
        ("11/24 1pm-5pm", "11/24 1pm-5pm", "day/month or month/day"),
        ("whenever", "whenever", "which day"),
        ("Tue around lunch", "Tue around lunch", "can't read the time"),
        ("Tue 13pm-2pm", "Tue 13pm-2pm", "no such time"),
        ("Feb 30 1pm-2pm", "Feb 30 1pm-2pm", "no such date"),
        ("2026-11-24T09:00/2026-11-24T08:00", "2026-11-24T09:00/2026-11-24T08:00", "ends before"),
        ("Tue after 7pm", "Tue after 7pm", "ends before it starts"),
        ("  ", "", "no availability"),
    ],
)
def test_errors_name_the_fragment_say_what_is_wrong_and_give_an_example(text, fragment, words):
    with pytest.raises(AvailabilityError) as caught:
        parse(text)
    error = caught.value
    assert error.fragment == fragment
    assert words in error.message
    assert error.example
    assert str(error) == f'"{fragment}": {error.message} (for example "{error.example}")'
    assert "\n" not in str(error)
    # The example itself is valid input.
    parse_availability(error.example, NY, NOW)
