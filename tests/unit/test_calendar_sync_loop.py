"""The calendar sync's loop: a pass every interval, and one soon after a push wakes it."""

from __future__ import annotations

import threading

from bot.calendar_sync import SyncLoop


def test_a_wake_runs_a_pass_long_before_the_interval():
    passes = threading.Semaphore(0)
    loop = SyncLoop(passes.release, seconds=3600)
    loop.start()
    try:
        assert not passes.acquire(timeout=0.2)  # nothing before the interval or a wake
        loop.wake()
        assert passes.acquire(timeout=5)
    finally:
        loop.stop()


def test_a_failing_pass_does_not_stop_the_loop():
    calls = []
    done = threading.Event()

    def sync():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("provider down")
        done.set()

    loop = SyncLoop(sync, seconds=0.05)
    loop.start()
    try:
        assert done.wait(5)
    finally:
        loop.stop()
