"""How fast `opsgate classify` is: 10,000 tickets (the dev set, cycled) through ``classify_jsonl``, beside the same
run's time to merely ``json.loads`` and ``json.dumps`` each line (the floor any implementation pays).

    .venv/bin/python bench/classify_speed.py [PATH] [--tickets 10000] [--runs 5]

Prints the median wall time of several runs of each, single-process and with one worker per CPU (what
`opsgate classify` does for long inputs), and the ratio to the JSON floor. Goal: 10k tickets in under 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from opsgate.runbooks.classifier import EmbeddedClassifier, classify_jsonl

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO.parent / "shared" / "data" / "tickets-dev.jsonl"


def ticket_lines(path: Path, count: int) -> list[str]:
    """Ingest-shaped ticket lines (``issueKey``, ``summary``, ``description``, ``reporterEmail``), cycled."""
    base = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip():
            obj = json.loads(raw)
            base.append(
                {
                    "issueKey": obj["id"],
                    "summary": obj["summary"],
                    "description": obj.get("description"),
                    "reporterEmail": obj.get("reporterEmail"),
                }
            )
    out = []
    for i in range(count):
        ticket = dict(base[i % len(base)])
        ticket["issueKey"] = f"{ticket['issueKey']}-{i}"
        out.append(json.dumps(ticket, ensure_ascii=False))
    return out


def json_only(lines: list[str]) -> int:
    n = 0
    for line in lines:
        n += len(json.dumps(json.loads(line), ensure_ascii=False))
    return n


def classify_all(lines: list[str], classifier: EmbeddedClassifier, workers: int | None = None) -> int:
    n = 0
    for out in classify_jsonl(lines, classifier, workers=workers):
        n += len(out)
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=None, help="processes (default: one per CPU, as the CLI)")
    args = parser.parse_args(argv)

    lines = ticket_lines(Path(args.path), args.tickets)
    classifier = EmbeddedClassifier()
    classify_all(lines[:200], classifier, workers=1)  # warm-up: imports, regex compilation
    base_times: list[float] = []
    single_times: list[float] = []
    run_times: list[float] = []
    for _ in range(args.runs):
        start = time.perf_counter()
        json_only(lines)
        base_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        classify_all(lines, classifier, workers=1)
        single_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        classify_all(lines, classifier, workers=args.workers)
        run_times.append(time.perf_counter() - start)
    base = statistics.median(base_times)
    single = statistics.median(single_times)
    run = statistics.median(run_times)
    processes = args.workers or os.cpu_count() or 1
    print(f"{len(lines)} tickets, median of {args.runs} runs, {os.cpu_count()} CPUs")
    print(f"  json.loads + json.dumps only      : {base:7.3f} s")
    print(
        f"  classify_jsonl, 1 process         : {single:7.3f} s  ({single / len(lines) * 1e6:.0f} us/ticket, "
        f"{single / base:.1f}x the JSON floor)"
    )
    print(f"  classify_jsonl, {processes} process(es)     : {run:7.3f} s  ({run / base:.1f}x the JSON floor)")
    print(f"  goal 10k < 5 s                    : {'met' if run * 10_000 / len(lines) < 5 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
