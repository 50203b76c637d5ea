"""How the cloud adapters retry a call the provider asked them to repeat (tenacity underneath).

A call that raised `CalendarUnavailable` is tried again: after the provider's Retry-After when
it gave one, else after an exponentially growing, jittered wait. The adapter gives up early,
re-raising the last `CalendarUnavailable` with its `retry_after`, when the provider asks for a
longer pause than `max_wait` or when the next pause would take the pauses past `budget`: the
outbox then reschedules the whole operation instead of holding a worker thread for minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import tenacity

from bot.calendars.port import CalendarUnavailable

T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    attempts: int = 5  # tries in all, the first included
    first_wait: float = 0.5  # seconds before the first retry when the provider named no pause
    max_wait: float = 30.0  # the longest single pause; a longer Retry-After is handed upwards
    budget: float = 60.0  # seconds one call may spend pausing between tries, in all
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def run(self, operation: Callable[[], T]) -> T:
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(CalendarUnavailable),
            stop=(
                tenacity.stop_after_attempt(self.attempts)
                | self._over_budget
                | self._asked_to_wait_too_long
            ),
            wait=self._wait,
            sleep=self.sleep,
            reraise=True,
        )
        return retrying(operation)

    def _retry_after(self, state: tenacity.RetryCallState) -> float | None:
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        return error.retry_after if isinstance(error, CalendarUnavailable) else None

    def _over_budget(self, state: tenacity.RetryCallState) -> bool:
        return state.idle_for + state.upcoming_sleep > self.budget

    def _asked_to_wait_too_long(self, state: tenacity.RetryCallState) -> bool:
        retry_after = self._retry_after(state)
        return retry_after is not None and retry_after > self.max_wait

    def _wait(self, state: tenacity.RetryCallState) -> float:
        retry_after = self._retry_after(state)
        if retry_after is not None:
            return max(0.0, retry_after)
        jittered = tenacity.wait_exponential_jitter(
            multiplier=self.first_wait, jitter=self.first_wait, max=self.max_wait
        )
        return jittered(state)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds form; both Google and Graph send it so).
    An HTTP-date or garbage gives None: the caller's own backoff applies."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
