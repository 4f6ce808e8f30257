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


# wrk script that POSTs a new signed-in ingest per request (each thread its own issue keys); each bench appends its
# own ``done`` function to print what it needs
WRK_INGEST = r"""
local counter = 0
local next_id = 0
function setup(thread) thread:set("thread_id", next_id); next_id = next_id + 1 end
request = function()
  counter = counter + 1
  local key = "BT" .. thread_id .. "-" .. counter
  local body = '{"source":"jira","ticket":{"issueKey":"' .. key .. '","summary":"Lost my phone, please reset MFA",' ..
    '"description":"New phone, Okta Verify is gone. Please reset my MFA.","reporterEmail":"sam.lee@acme.com",' ..
    '"url":"https://acme.atlassian.net/browse/' .. key .. '"}}'
  return wrk.format("POST", "/api/v1/tickets/ingest",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")}, body)
end
"""
