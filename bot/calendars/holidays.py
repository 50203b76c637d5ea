"""Days nobody interviews: public holidays per country (the `holidays` package) and company
days off. They apply whatever calendar provider is in use, `none` included.

Whose holidays: a person's roster `country` (ISO 3166 code, optionally with a subdivision:
`DE`, `US-CA`, `GB-SCT`); a person without one gets those of `LOOPBOT_HOLIDAYS` (a comma-
separated list, usually the one country the company is in). The company's own days off are
the `[holidays] dates` of the templates file and apply to everyone:

    [holidays]
    dates = ["2026-12-24", "2026-12-31"]   # or TOML dates: [2026-12-24]

Each day off is one all-day `Busy` from the person's local midnight to the next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import holidays as holiday_data

from bot.calendars.port import Busy, FreeBusy

if TYPE_CHECKING:
    from bot.settings import Settings


class HolidayTableError(ValueError):
    """A `[holidays]` table that cannot be used; `path` is the TOML key path of the fault
    (e.g. `("holidays", "dates", 2)`), for the templates loader to name its line."""

    def __init__(self, path: tuple[str | int, ...], message: str):
        super().__init__(message)
        self.path = path


def parse_region(code: str) -> str:
    """`us-ca` -> `US-CA`, checked against what the holidays package knows; ValueError
    naming the code otherwise. Also for the roster's `country` column."""
    country, _, subdivision = code.strip().upper().partition("-")
    supported = holiday_data.list_supported_countries()
    if country not in supported:
        raise ValueError(f"has an unknown country code {code.strip()!r}")
    if subdivision and subdivision not in supported[country]:
        raise ValueError(f"has an unknown subdivision {code.strip()!r} of {country}")
    return f"{country}-{subdivision}" if subdivision else country


def extra_days_off(document: Mapping[str, Any]) -> frozenset[dt.date]:
    """The company's days off from a loaded templates file (its `[holidays]` table)."""
    table = document.get("holidays")
    if table is None:
        return frozenset()
    if not isinstance(table, Mapping):
        raise HolidayTableError(("holidays",), "holidays must be a table with dates = [...]")
    for key in table:
        if key != "dates":
            raise HolidayTableError(
                ("holidays", key), f"unknown key {key!r} in holidays; expected: dates"
            )
    dates = table.get("dates", [])
    if not isinstance(dates, list):
        raise HolidayTableError(("holidays", "dates"), "holidays.dates must be a list of dates")
    days: set[dt.date] = set()
    for index, value in enumerate(dates):
        days.add(_date(value, ("holidays", "dates", index)))
    return frozenset(days)


def _date(value: object, path: tuple[str | int, ...]) -> dt.date:
    if isinstance(value, dt.datetime):
        raise HolidayTableError(path, f"{value} is a time; give a date like 2026-12-24")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise HolidayTableError(path, f"{value!r} is not a date like 2026-12-24")


@lru_cache(maxsize=256)
def _public(region: str, year: int) -> dict[dt.date, str]:
    country, _, subdivision = region.partition("-")
    return dict(holiday_data.country_holidays(country, subdiv=subdivision or None, years=year))


@dataclass(frozen=True)
class Locality:
    """Where someone is: the roster's `country` (None: LOOPBOT_HOLIDAYS) and IANA zone."""

    country: str | None
    zone: str


@dataclass(frozen=True)
class DaysOff:
    default_regions: tuple[str, ...] = ()  # LOOPBOT_HOLIDAYS, for people without a country
    company_days: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def from_settings(
        cls, settings: Settings, templates: Mapping[str, Any] | None = None
    ) -> DaysOff:
        """`templates`: the loaded templates document, for its `[holidays]` table."""
        return cls(tuple(settings.holidays), extra_days_off(templates or {}))

    def days(self, country: str | None, first: dt.date, last: dt.date) -> dict[dt.date, str]:
        """Every day off from `first` to `last` (both included) -> what it is."""
        regions = (parse_region(country),) if country else self.default_regions
        found: dict[dt.date, str] = {}
        for year in range(first.year, last.year + 1):
            for region in regions:
                for day, name in _public(region, year).items():
                    if first <= day <= last:
                        found.setdefault(day, name)
        for day in self.company_days:
            if first <= day <= last:
                found.setdefault(day, "Company day off")
        return dict(sorted(found.items()))

    def busy(self, where: Locality, start: dt.datetime, end: dt.datetime) -> tuple[Busy, ...]:
        """All-day blocks for this person's days off that overlap [start, end); consecutive
        days make one block."""
        zone = ZoneInfo(where.zone)
        first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
        blocks: list[Busy] = []
        for day in self.days(where.country, first, last):
            begin = dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)
            finish = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
            finish = finish.astimezone(dt.UTC)
            if begin >= end or finish <= start:
                continue
            if blocks and blocks[-1].end == begin:
                blocks[-1] = Busy(blocks[-1].start, finish, all_day=True)
            else:
                blocks.append(Busy(begin, finish, all_day=True))
        return tuple(blocks)

    def busy_for(
        self, people: Mapping[str, Locality], start: dt.datetime, end: dt.datetime
    ) -> dict[str, tuple[Busy, ...]]:
        return {name: self.busy(where, start, end) for name, where in people.items()}

    def add_to(
        self,
        free_busy: FreeBusy,
        people: Mapping[str, Locality],
        start: dt.datetime,
        end: dt.datetime,
    ) -> FreeBusy:
        """`free_busy` with everyone's days off added (an unreadable calendar stays listed
        as unreadable, and still gets its days off)."""
        merged: dict[str, tuple[Busy, ...]] = dict(free_busy.busy)
        for name, blocks in self.busy_for(people, start, end).items():
            merged[name] = _sorted(merged.get(name, ()), blocks)
        return FreeBusy(busy=merged, unreadable=dict(free_busy.unreadable))


def _sorted(*groups: Iterable[Busy]) -> tuple[Busy, ...]:
    return tuple(sorted((b for g in groups for b in g), key=lambda b: (b.start, b.end)))
