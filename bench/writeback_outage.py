"""Benchmark: Jira write-back through an outage, and approvals while Jira is down.

A fake Jira (tests/fakes/jira.py, Cloud, on loopback) answers 503 for a while, then refuses connections (its port is
closed), then comes back with one 429 (``Retry-After: 2``) on the next comment, then accepts. Meanwhile approvers
keep deciding runs whose issues live on that Jira. The outbox worker runs as in production (a tick, plus a kick
after each decision), with the product's backoff shape (base, doubling, cap; shortened here to keep the run short).

Printed: every comment attempt, whether each decision's comment landed exactly once, the time from recovery to
the last comment landing against the backoff cap (+10%), the wait after the 429 against ``Retry-After``, and the
decision latency before and during the outage. Figures only: the exit code is 0 whatever they say.

    .venv/bin/python bench/writeback_outage.py [--outage-503 S] [--outage-refused S] [--base S] [--cap S] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import pathlib
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the fakes live in tests/

import structlog  # noqa: E402
from aiohttp.test_utils import TestClient, TestServer  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlmodel import col  # noqa: E402

from opsgate.bot.app import build_app  # noqa: E402
from opsgate.bot.gate import OpsGate, build_gate  # noqa: E402
from opsgate.bot.jira import attach  # noqa: E402
from opsgate.bot.outbox_worker import Backoff  # noqa: E402
from opsgate.bot.runs import Decider  # noqa: E402
from opsgate.bot.services import Services  # noqa: E402
from opsgate.bot.settings import Settings  # noqa: E402
from opsgate.handlers.http import ingest, jira_webhooks  # noqa: E402
from opsgate.store.migrate import migrate  # noqa: E402
from opsgate.store.models import OutboxMessage  # noqa: E402
from tests.fakes.jira import FakeJira  # noqa: E402
from tests.fakes.server import free_port, serve  # noqa: E402
from tests.helpers import auth, make_key, ticket_body  # noqa: E402

APPROVER = Decider("slack:UBENCH", "<@UBENCH>", "approver@acme.example", True)
RETRY_AFTER = 2


def quiet_logs() -> None:
    import logging

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))


class Phases:
    """When each phase began (monotonic seconds)."""

    def __init__(self) -> None:
        self.marks: dict[str, float] = {}

    def mark(self, name: str) -> None:
        self.marks[name] = time.monotonic()


@contextlib.asynccontextmanager
async def jira_server(fake: FakeJira, port: int) -> AsyncIterator[None]:
    async with serve(fake.app, port):
        yield


async def worker(gate: OpsGate, stop: asyncio.Event, tick: float) -> None:
    while not stop.is_set():
        await gate.outbox.run_once()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), tick)


async def open_runs(http: TestClient, gate: OpsGate, fake: FakeJira, base: str, n: int) -> list[tuple[str, str]]:
    key = make_key(gate.services, "ticket:ingest")
    out = []
    for i in range(n):
        issue = fake.add_issue("ITSM", f"Lost my phone {i} - need MFA reset")
        body = ticket_body(key=issue.key, url=f"{base}/browse/{issue.key}", reporter=f"user{i}@acme.example")
        resp = await http.post("/api/v1/tickets/ingest", json=body, headers=auth(key))
        out.append((issue.key, str((await resp.json())["runId"])))
    return out


async def decide(gate: OpsGate, run_id: str) -> float:
    run = gate.runs.get(run_id)
    started = time.perf_counter()
    outcome = await gate.decide(run_id, APPROVER, "approve", plan_hash=run.plan_hash)
    elapsed = time.perf_counter() - started
    assert outcome.changed, outcome.message
    return elapsed


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def bench(args: argparse.Namespace) -> None:
    quiet_logs()
    fake = FakeJira("Cloud")
    fake.add_project("ITSM", "IT Service Management")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tmp = tempfile.mkdtemp(prefix="opsgate-bench-")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        OPSGATE_DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.db",
        OPSGATE_SECRET_KEY="b" * 40,
        OPSGATE_SANDBOX="false",
        JIRA_URL=base,
        JIRA_EMAIL=fake.email,
        JIRA_API_TOKEN=fake.api_token,
        JIRA_PROJECT_KEY="ITSM",
    )
    services = Services(settings)
    migrate(services.engine, settings.default_org)
    gate = build_gate(services)
    gate.outbox.backoff = Backoff(base=args.base, cap=args.cap)
    gw = attach(gate)
    http = TestClient(TestServer(build_app(gate, registrars=[ingest.register, jira_webhooks.register], background=[])))
    await http.start_server()
    phases = Phases()
    stop = asyncio.Event()
    before: list[float] = []
    during: list[float] = []
    decided_at: dict[str, float] = {}
    try:
        async with jira_server(fake, port):
            runs = await open_runs(http, gate, fake, base, args.runs + args.baseline)
            loop_task = asyncio.create_task(worker(gate, stop, args.tick))
            for i, (key, run_id) in enumerate(runs[: args.baseline]):  # Jira up: the baseline
                latency = await decide(gate, run_id)
                if i:  # the first decision warms up threads and connections; not counted
                    before.append(latency)
                decided_at[key] = time.monotonic()
                await asyncio.sleep(0.05)
            await asyncio.sleep(1.0)
            outage_runs = runs[args.baseline :]
            phases.mark("503")
            fake.down("503")
            spacing = (args.outage_503 + args.outage_refused) / max(1, len(outage_runs) + 1)
            pending = list(outage_runs)
            t_end_503 = time.monotonic() + args.outage_503
            while time.monotonic() < t_end_503:
                if pending:
                    key, run_id = pending.pop(0)
                    during.append(await decide(gate, run_id))
                    decided_at[key] = time.monotonic()
                await asyncio.sleep(min(spacing, max(0.0, t_end_503 - time.monotonic())))
        phases.mark("refused")  # the port is closed: connections are refused
        t_end = time.monotonic() + args.outage_refused
        while time.monotonic() < t_end:
            if pending:
                key, run_id = pending.pop(0)
                during.append(await decide(gate, run_id))
                decided_at[key] = time.monotonic()
            await asyncio.sleep(min(spacing, max(0.0, t_end - time.monotonic())))
        for key, run_id in pending:
            during.append(await decide(gate, run_id))
            decided_at[key] = time.monotonic()
        fake.up()
        fake.rate_limit_next(1, retry_after=RETRY_AFTER, path="/comment")
        async with jira_server(fake, port):
            phases.mark("up")
            deadline = time.monotonic() + args.cap * 1.1 + 30
            while time.monotonic() < deadline:
                if all(fake.issues[k].comments for k, _ in runs):
                    break
                await asyncio.sleep(0.05)
            phases.mark("done")
            await asyncio.sleep(max(1.0, args.tick * 3))  # any duplicate would show up now
            stop.set()
            await loop_task
        report(args, fake, runs, phases, before, during, decided_at, services)
    finally:
        await http.close()
        gw.close()


def report(
    args: argparse.Namespace,
    fake: FakeJira,
    runs: list[tuple[str, str]],
    phases: Phases,
    before: list[float],
    during: list[float],
    decided_at: dict[str, float],
    services: Services,
) -> None:
    m = phases.marks
    outage_keys = [k for k, _ in runs[args.baseline :]]
    print(
        f"writeback_outage: {len(runs)} runs on one fake Jira Cloud; backoff base {args.base:g}s cap {args.cap:g}s; "
        f"outage: 503 for {args.outage_503:g}s, refused for {args.outage_refused:g}s, then one 429 "
        f"(Retry-After: {RETRY_AFTER}), then accepted"
    )
    with services.read_session() as session:
        rows = list(session.execute(select(OutboxMessage).where(col(OutboxMessage.kind) == "jira.comment")).scalars())
    attempts = {r.payload["issue_key"]: r.attempts for r in rows}
    gave_up = sum(1 for r in rows if r.gave_up_at is not None)
    print(
        "  per issue: comments | attempts (all, refused ones too) | requests that reached Jira | landed after recovery"
    )
    landing = []
    for key, _run in runs:
        posts = fake.comment_posts(key)
        reached = [r for r in fake.requests if f"/issue/{key}/comment" in r.path]
        statuses = ",".join(f"{r.method} {r.status or 'reset'}" for r in reached)
        ok = [p for p in posts if p.status == 201]
        after = (ok[-1].time - m["up"]) if ok and key in outage_keys else None
        if after is not None:
            landing.append(after)
        exact = "exactly once" if len(fake.issues[key].comments) == 1 else f"{len(fake.issues[key].comments)} comments"
        when = f"{after:6.2f}s" if after is not None else "   (before the outage)"
        print(f"    {key:<8} {exact:<13} | {attempts.get(key, 0):>3} | {statuses:<40} | {when}")
    bound = args.cap * 1.1
    if landing:
        print(
            f"  recovery -> last comment landed: {max(landing):.2f}s "
            f"(backoff cap {args.cap:g}s, +10% = {bound:.2f}s): {'within' if max(landing) <= bound else 'OVER'} the cap"
        )
    for first in (r for r in fake.requests if r.status == 429):
        later = [r for r in fake.requests if r.path == first.path and r.time > first.time]
        gap = later[0].time - first.time if later else float("nan")
        print(
            f"  429 on {first.method} {first.path} (Retry-After: {first.retry_after}s): the next request there came "
            f"{gap:.2f}s later ({'not sooner than' if gap >= (first.retry_after or 0) else 'SOONER than'} Retry-After)"
        )
    print(f"  fake Jira's Retry-After pacing violations: {len(fake.pacing_violations)}")
    print(f"  give-ups: {gave_up}; spec violations: {len(fake.violations)}")
    if before and during:
        print(
            f"  decision latency  before: median {statistics.median(before) * 1000:6.1f} ms  "
            f"p95 {pct(before, 0.95) * 1000:6.1f} ms  max {max(before) * 1000:6.1f} ms  (n={len(before)}, after a warm-up)"
        )
        print(
            f"                    during: median {statistics.median(during) * 1000:6.1f} ms  "
            f"p95 {pct(during, 0.95) * 1000:6.1f} ms  max {max(during) * 1000:6.1f} ms  (n={len(during)})"
        )
    print(f"  total outage {m['up'] - m['503']:.1f}s; all comments in {m['done'] - m['503']:.1f}s after it began")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outage-503", type=float, default=5.0, help="seconds of 503 answers")
    parser.add_argument("--outage-refused", type=float, default=5.0, help="seconds of refused connections")
    parser.add_argument("--base", type=float, default=1.0, help="backoff base seconds (product default 2)")
    parser.add_argument("--cap", type=float, default=10.0, help="backoff cap seconds (product default 300)")
    parser.add_argument("--runs", type=int, default=6, help="decisions made during the outage")
    parser.add_argument("--baseline", type=int, default=6, help="decisions made before the outage")
    parser.add_argument("--tick", type=float, default=0.2, help="outbox worker tick seconds")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    asyncio.run(bench(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
