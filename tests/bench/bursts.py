"""Bursts of concurrent requests and their percentiles, for the ack benches.

A burst starts `size` requests at once (a barrier releases them together), times each HTTP
answer and returns the milliseconds. Speed is measured here and printed, never asserted."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

Send = Callable[[int], object]


FAILED: list[str] = []  # answers other than 200, reported after the figures


def burst(send: Send, size: int) -> list[float]:
    """Call `send(0..size-1)` from `size` threads at the same moment; the answers' times
    (an answer other than 200 counts with its time, and is listed in FAILED)."""
    gate = threading.Barrier(size)

    def one(index: int) -> float:
        gate.wait()
        began = time.perf_counter()
        try:
            response = send(index)
        except OSError as error:  # no answer at all (the client's timeout)
            elapsed = (time.perf_counter() - began) * 1000
            FAILED.append(f"{type(error).__name__} after {elapsed:.0f} ms")
            return elapsed
        elapsed = (time.perf_counter() - began) * 1000
        status = getattr(response, "status", 200)
        if status != 200:
            FAILED.append(f"HTTP {status} after {elapsed:.0f} ms")
        return elapsed

    with ThreadPoolExecutor(max_workers=size) as pool:
        return list(pool.map(one, range(size)))


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (p99 of 100 samples is the 99th smallest)."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def figures(samples: Sequence[float]) -> tuple[float, float, float]:
    return percentile(samples, 0.50), percentile(samples, 0.95), percentile(samples, 0.99)


def line(name: str, samples: Sequence[float]) -> str:
    p50, p95, p99 = figures(samples)
    failed = f"  ({len(FAILED)} not 200: {FAILED[0]})" if FAILED else ""
    FAILED.clear()
    return (
        f"  {name:<44} n={len(samples):<4} p50={p50:7.1f}  p95={p95:7.1f}  p99={p99:7.1f} ms"
        + failed
    )


def ratio_line(name: str, ours: Sequence[float], bare: Sequence[float]) -> str:
    mine, theirs = figures(ours), figures(bare)
    parts = [
        f"{label}×{m / t:5.2f}"
        for label, m, t in zip(("p50", "p95", "p99"), mine, theirs, strict=True)
    ]
    return f"  {name:<44} loopbot / bare Bolt: {'  '.join(parts)}"
