"""Benchmark: concurrent audit-chain appends on PostgreSQL, against a raw advisory-locked append loop.

Per run, for --seconds each (default 8), two spawned processes append concurrently:

  a. raw: psycopg, one transaction per append: ``pg_advisory_xact_lock``, read the last (seq, hash), insert
     seq + 1 with a sha256 hash, commit (the baseline);
  b. OpsGate: ``opsgate.store.audit.append`` inside ``opsgate.store.db.transaction(engine)``, one entry each.

Afterwards both chains are checked (``audit.verify``: no broken link, no gap, count == head seq; the raw table is
recomputed the same way). Goal (issue 3): >= 1,000 appends/s and >= 50% of the raw loop. Exit 1 only if a chain is
broken. Runs in a fresh schema (dropped at the end) of the database at OPSGATE_BENCH_DATABASE_URL, else
OPSGATE_TEST_DATABASE_URL, else postgresql+psycopg://postgres@127.0.0.1:5432/test; skipped if unreachable.

    .venv/bin/python bench/chain_pg.py [--seconds S] [--runs K]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import multiprocessing
import os
import sys
import threading
import time
import uuid
from multiprocessing.synchronize import Barrier
from typing import Any
from urllib.parse import quote

import psycopg
from _common import median, rate_line
from sqlalchemy import create_engine, make_url, text

from opsgate.store import audit
from opsgate.store.db import make_engine, transaction
from opsgate.store.migrate import migrate

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WORKERS = 2
LOCK_KEY = 72657399
GOAL_RATE, GOAL_RATIO = 1000.0, 0.5
GENESIS = "0" * 64
RAW_DDL = "CREATE TABLE raw_chain (seq bigint PRIMARY KEY, prev_hash text NOT NULL, hash text NOT NULL, body text)"


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as a libpq connection URI (query options such as search_path carried over)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def raw_worker(url: str, wid: int, seconds: float, barrier: Barrier, results: Any) -> None:
    try:
        with psycopg.connect(libpq_url(url), autocommit=True) as conn:
            barrier.wait()
            count, i, deadline = 0, 0, time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                    last = conn.execute("SELECT seq, hash FROM raw_chain ORDER BY seq DESC LIMIT 1").fetchone()
                    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
                    body = json.dumps({"w": wid, "i": i}, separators=(",", ":"))
                    digest = hashlib.sha256((prev + body).encode()).hexdigest()
                    conn.execute("INSERT INTO raw_chain VALUES (%s, %s, %s, %s)", (seq + 1, prev, digest, body))
                count, i = count + 1, i + 1
        results.put((wid, count, None))
    except Exception as exc:
        barrier.abort()  # do not leave the others waiting for a worker that never comes
        results.put((wid, 0, f"{type(exc).__name__}: {exc}"))


def opsgate_worker(url: str, wid: int, seconds: float, barrier: Barrier, results: Any) -> None:
    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            org_id = int(conn.execute(text("SELECT id FROM orgs WHERE slug = 'default'")).scalar_one())
        count, i = 0, 0

        def one() -> None:
            with transaction(engine) as session:
                audit.append(
                    session,
                    org_id=org_id,
                    actor=f"bench:{wid}",
                    action="bench.append",
                    subject=f"item:{wid}:{i}",
                    data={"worker": wid, "i": i, "runbook": "okta.reset_mfa"},
                )

        one()  # warm up the pool and statement caches (verified, not counted)
        barrier.wait()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            i += 1
            one()
            count += 1
        engine.dispose()
        results.put((wid, count, None))
    except Exception as exc:
        barrier.abort()  # do not leave the others waiting for a worker that never comes
        results.put((wid, 0, f"{type(exc).__name__}: {exc}"))


def run_workers(target: Any, url: str, seconds: float) -> tuple[float, list[str]]:
    """Start WORKERS spawned processes on ``target``; return appends/s over the timed window and any errors."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(WORKERS + 1), ctx.Queue()
    procs = [ctx.Process(target=target, args=(url, w, seconds, barrier, results)) for w in range(WORKERS)]
    for p in procs:
        p.start()
    with contextlib.suppress(threading.BrokenBarrierError):  # a worker failed early; its error is on the queue
        barrier.wait(timeout=120)
    outcomes = [results.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    errors = [f"worker {w}: {err}" for w, _, err in outcomes if err]
    return sum(c for _, c, _ in outcomes) / seconds, errors


def check_raw(url: str) -> tuple[bool, int, str]:
    """Recompute the raw table's chain: contiguous seq from 1, each prev_hash the previous hash, each hash right."""
    prev, expected = GENESIS, 1
    with psycopg.connect(libpq_url(url)) as conn:
        for seq, prev_hash, digest, body in conn.execute(
            "SELECT seq, prev_hash, hash, body FROM raw_chain ORDER BY seq"
        ):
            if seq != expected or prev_hash != prev:
                return False, expected - 1, f"gap or broken link at seq {seq}"
            if hashlib.sha256((prev + body).encode()).hexdigest() != digest:
                return False, expected - 1, f"bad hash at seq {seq}"
            prev, expected = digest, expected + 1
    return True, expected - 1, ""


def check_opsgate(url: str) -> tuple[bool, int, str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            org_id = int(conn.execute(text("SELECT id FROM orgs WHERE slug = 'default'")).scalar_one())
            head_seq = int(
                conn.execute(text("SELECT seq FROM audit_heads WHERE org_id = :o"), {"o": org_id}).scalar_one()
            )
        result = audit.verify(engine, org_id, "default")
    finally:
        engine.dispose()
    if not result.ok:
        return False, result.count, f"broken at seq {result.bad_seq}: {result.problem}"
    if result.count != head_seq:
        return False, result.count, f"{result.count} entries but head seq {head_seq}"
    return True, result.count, ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each timed window (default 8)")
    parser.add_argument("--runs", type=int, default=3, help="runs; medians reported (default 3)")
    args = parser.parse_args(argv)
    base = os.environ.get("OPSGATE_BENCH_DATABASE_URL") or os.environ.get("OPSGATE_TEST_DATABASE_URL") or DEFAULT_URL
    shown = make_url(base).render_as_string(hide_password=True)
    if base.startswith("postgresql://"):
        base = "postgresql+psycopg://" + base.removeprefix("postgresql://")
    admin = create_engine(base, connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as conn:
            version = str(conn.execute(text("SHOW server_version")).scalar_one())
    except Exception as exc:
        print(f"skipped: PostgreSQL not reachable at {shown} ({type(exc).__name__})")
        return 0

    schema = "bench_" + uuid.uuid4().hex[:12]
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options={quote('-csearch_path=' + schema)}"
    broken: list[str] = []
    try:
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        with psycopg.connect(libpq_url(url), autocommit=True) as conn:
            conn.execute(RAW_DDL)
        print(f"chain_pg: PostgreSQL {version} at {shown}, schema {schema}; {WORKERS} processes x {args.seconds:g}s")
        raw_rates: list[float] = []
        og_rates: list[float] = []
        for run in range(1, max(1, args.runs) + 1):
            if run % 2:  # alternate which loop goes first, so drift on the host does not favour one
                raw_rate, raw_err = run_workers(raw_worker, url, args.seconds)
                og_rate, og_err = run_workers(opsgate_worker, url, args.seconds)
            else:
                og_rate, og_err = run_workers(opsgate_worker, url, args.seconds)
                raw_rate, raw_err = run_workers(raw_worker, url, args.seconds)
            raw_ok, raw_n, raw_problem = check_raw(url)
            og_ok, og_n, og_problem = check_opsgate(url)
            for err in raw_err + og_err:
                print(f"  run {run}: ERROR {err}")
            if not raw_ok:
                broken.append(f"raw chain: {raw_problem}")
            if not og_ok:
                broken.append(f"OpsGate chain: {og_problem}")
            verdict = "both chains linear, no gaps" if raw_ok and og_ok else "CHAIN BROKEN"
            print(
                f"  run {run}: raw {raw_rate:,.0f}/s, OpsGate {og_rate:,.0f}/s, ratio {og_rate / raw_rate:.1%}"
                f"  ({verdict}; raw {raw_n:,} entries, OpsGate {og_n:,} entries)"
            )
            if raw_err or og_err:
                return 1 if broken else 2
            raw_rates.append(raw_rate)
            og_rates.append(og_rate)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    raw_med, og_med = median(raw_rates), median(og_rates)
    print("\nappends/s (median):")
    rate_line("a. raw advisory-locked loop", raw_med, "appends", raw_rates)
    rate_line("b. OpsGate audit.append", og_med, "appends", og_rates)
    ratio = og_med / raw_med if raw_med else 0.0
    met = og_med >= GOAL_RATE and ratio >= GOAL_RATIO
    print(
        f"  b/a {ratio:.1%}  (goal >= 1,000 appends/s and >= 50% of the raw loop)  {'GOAL MET' if met else 'GOAL MISSED'}"
    )
    if broken:
        print("CHAIN BROKEN: " + "; ".join(broken))
        return 1
    print("zero broken links, zero gaps in both chains")
    return 0


if __name__ == "__main__":
    sys.exit(main())
