"""Medians and percentiles of durations, in hours."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import timedelta


def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: Sequence[float], percent: int) -> float | None:
    """Linear interpolation between the closest ranks (what spreadsheets' PERCENTILE.INC and
    numpy's default do), so an exported figure can be checked in the spreadsheet itself."""
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


class HoursSpread:
    """Median and p90 of a dataclass's sorted `hours` (durations, one per observation)."""

    hours: tuple[float, ...]

    @property
    def median(self) -> float | None:
        return median(self.hours)

    @property
    def p90(self) -> float | None:
        return percentile(self.hours, 90)
