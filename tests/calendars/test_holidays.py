"""Public holidays per country and company days off, as all-day busy time in each person's
own zone. Pure: no server."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.calendars.holidays import (
    DaysOff,
    HolidayTableError,
    Locality,
    extra_days_off,
    parse_region,
)
from bot.calendars.port import Busy, FreeBusy
from bot.settings import Settings

DECEMBER = (datetime(2026, 12, 21, tzinfo=UTC), datetime(2027, 1, 9, tzinfo=UTC))


def midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(), ZoneInfo(zone)).astimezone(UTC)


def days(blocks, zone: str) -> list[tuple[date, date]]:
    """Each block as (first day, last day) on the owner's wall calendar."""
    tz = ZoneInfo(zone)
    return [
        (b.start.astimezone(tz).date(), (b.end.astimezone(tz) - timedelta(seconds=1)).date())
        for b in blocks
    ]


def test_a_persons_country_gives_its_holidays_in_their_zone():
    off = DaysOff()
    blocks = off.busy(Locality("DE", "Europe/Berlin"), *DECEMBER)
    # Christmas Day and Boxing Day in one block, then New Year's Day
    assert [(b.start, b.end) for b in blocks] == [
        (
            midnight(date(2026, 12, 25), "Europe/Berlin"),
            midnight(date(2026, 12, 27), "Europe/Berlin"),
        ),
        (midnight(date(2027, 1, 1), "Europe/Berlin"), midnight(date(2027, 1, 2), "Europe/Berlin")),
    ]
    assert all(b.all_day and not b.tentative for b in blocks)


def test_subdivisions_add_their_own_days():
    off = DaysOff()
    national = off.days("DE", date(2027, 1, 1), date(2027, 1, 10))
    bavaria = off.days("DE-BY", date(2027, 1, 1), date(2027, 1, 10))
    assert date(2027, 1, 6) in bavaria and date(2027, 1, 6) not in national
    assert off.days("US", date(2026, 11, 26), date(2026, 11, 26)) == {
        date(2026, 11, 26): "Thanksgiving Day"
    }


def test_people_without_a_country_get_loopbot_holidays_and_everyone_gets_company_days():
    off = DaysOff(default_regions=("US",), company_days=frozenset({date(2026, 12, 24)}))
    nowhere = off.busy(Locality(None, "America/Los_Angeles"), *DECEMBER)
    assert days(nowhere, "America/Los_Angeles") == [
        (date(2026, 12, 24), date(2026, 12, 25)),
        (date(2027, 1, 1), date(2027, 1, 1)),
    ]
    assert nowhere[0].start == midnight(date(2026, 12, 24), "America/Los_Angeles")
    japan = off.busy(Locality("JP", "Asia/Tokyo"), *DECEMBER)
    assert date(2026, 12, 25) not in {
        b.start.astimezone(ZoneInfo("Asia/Tokyo")).date() for b in japan
    }
    assert midnight(date(2026, 12, 24), "Asia/Tokyo") in {b.start for b in japan}
    assert DaysOff().busy(Locality(None, "UTC"), *DECEMBER) == ()


def test_only_days_that_overlap_the_window():
    off = DaysOff(default_regions=("GB",))
    window = (datetime(2026, 12, 25, 12, tzinfo=UTC), datetime(2026, 12, 25, 18, tzinfo=UTC))
    (block,) = off.busy(Locality(None, "Europe/London"), *window)
    assert (block.start, block.end) == (
        datetime(2026, 12, 25, tzinfo=UTC),
        datetime(2026, 12, 26, tzinfo=UTC),
    )  # Boxing Day is outside the window
    assert (
        off.busy(Locality(None, "Europe/London"), DECEMBER[0], DECEMBER[0] + timedelta(days=1))
        == ()
    )


def test_added_to_a_providers_free_busy():
    met = Busy(datetime(2026, 12, 22, 9, tzinfo=UTC), datetime(2026, 12, 22, 10, tzinfo=UTC))
    answer = FreeBusy(busy={"ada": (met,)}, unreadable={"chen": "couldn't reach the server"})
    off = DaysOff(company_days=frozenset({date(2026, 12, 21)}))
    merged = off.add_to(
        answer, {"ada": Locality(None, "UTC"), "chen": Locality("GB", "Europe/London")}, *DECEMBER
    )
    assert merged.busy["ada"][0].start == datetime(2026, 12, 21, tzinfo=UTC)
    assert merged.busy["ada"][1] == met
    assert merged.unreadable == {"chen": "couldn't reach the server"}
    # its days off are known even if its calendar is not: the company day, Christmas and
    # Boxing Day, Boxing Day's substitute on Monday the 28th, New Year's Day
    assert days(merged.busy["chen"], "Europe/London") == [
        (date(2026, 12, 21), date(2026, 12, 21)),
        (date(2026, 12, 25), date(2026, 12, 26)),
        (date(2026, 12, 28), date(2026, 12, 28)),
        (date(2027, 1, 1), date(2027, 1, 1)),
    ]


def test_region_codes():
    assert parse_region(" us-ca ") == "US-CA"
    assert parse_region("gb") == "GB"
    with pytest.raises(ValueError, match="unknown country code 'XX'"):
        parse_region("XX")
    with pytest.raises(ValueError, match="unknown subdivision 'US-ZZ' of US"):
        parse_region("US-ZZ")


def test_extra_dates_from_the_templates_file():
    document = tomllib.loads(
        '[holidays]\ndates = ["2026-12-24", 2026-12-31]\n[pools.x]\ntitle = "X"\n'
    )
    assert extra_days_off(document) == {date(2026, 12, 24), date(2026, 12, 31)}
    assert extra_days_off({}) == frozenset()


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ('holidays = "2026-12-24"', ("holidays",), "must be a table"),
        ('[holidays]\ndays = ["2026-12-24"]', ("holidays", "days"), "unknown key 'days'"),
        ('[holidays]\ndates = "2026-12-24"', ("holidays", "dates"), "must be a list"),
        ('[holidays]\ndates = ["2026-12-24", "24/12/2026"]', ("holidays", "dates", 1),
         "'24/12/2026' is not a date like 2026-12-24"),
        ("[holidays]\ndates = [2026-12-24T10:00:00]", ("holidays", "dates", 0), "is a time"),
    ],
)  # fmt: skip
def test_a_bad_holidays_table_names_the_key(text, path, message):
    with pytest.raises(HolidayTableError, match=message) as caught:
        extra_days_off(tomllib.loads(text))
    assert caught.value.path == path


def test_from_settings():
    settings = Settings.from_env(
        {"LOOPBOT_HOLIDAYS": "us-ny, GB"}, dotenv=None, require_slack=False
    )
    off = DaysOff.from_settings(settings, {"holidays": {"dates": ["2026-12-24"]}})
    assert off.default_regions == ("US-NY", "GB")
    assert off.company_days == {date(2026, 12, 24)}
