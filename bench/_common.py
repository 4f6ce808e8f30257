"""Shared helpers for the benchmarks: medians of repeated runs and one-line goal reports."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Wall-clock seconds for one call of ``fn`` and its result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median_time(fn: Callable[[], T], runs: int) -> tuple[float, list[float], T]:
    """Call ``fn`` ``runs`` times; return the median seconds, every run's seconds and the last result."""
    results = [timed(fn) for _ in range(max(1, runs))]
    times = [seconds for seconds, _ in results]
    return statistics.median(times), times, results[-1][1]


def median(values: list[float]) -> float:
    return statistics.median(values)


def rate_line(label: str, per_second: float, unit: str, samples: list[float] | None = None) -> None:
    """``label  123,456 unit/s`` with the individual runs (in the same unit) when given."""
    extra = ""
    if samples:
        extra = "  (runs: " + ", ".join(f"{s:,.0f}" for s in samples) + ")"
    print(f"  {label:<34} {per_second:>12,.0f} {unit}/s{extra}")


def ratio_line(label: str, value: float, baseline: float, goal: float) -> bool:
    """Print ``value / baseline`` against ``goal`` (a fraction) with GOAL MET / GOAL MISSED; return whether met."""
    ratio = value / baseline if baseline else 0.0
    met = ratio >= goal
    verdict = "GOAL MET" if met else "GOAL MISSED"
    print(f"  {label:<34} {ratio:>8.1%}  (goal >= {goal:.0%})  {verdict}")
    return met
