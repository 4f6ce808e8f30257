"""JIT expiry under load: 1,000 grants expiring over 60 s, two replicas polling the same database.

Goal (issue 9): each grant is revoked exactly once (FakeOkta records one removal per grant) and the p99 lateness
(revoked_at - due_at) is <= the scheduler interval + 5 s.

    .venv/bin/python -m bench.jit_expiry [--grants 1000] [--spread 60] [--interval 5] [--db URL]

Without ``--db`` a fresh SQLite file is used; pass a PostgreSQL URL to measure that backend. The grants are
opened through the real request path (run + card + grant row) and then made active directly (approval and
execution are not what is measured here).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import concurrent.futures
import contextlib
import sys
import tempfile
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlmodel import col

from opsgate.bot.connector_factory import ConnectorSet
from opsgate.bot.gate import build_gate
from opsgate.bot.jit import ResourceSpec, Revoker, attach
from opsgate.bot.jit.catalog import add_resource
from opsgate.bot.services import Services
from opsgate.bot.settings import Settings
from opsgate.store.db import make_engine
from opsgate.store.migrate import migrate
from opsgate.store.models import JitGrant, utcnow

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.fakes.okta import FakeOkta
from tests.fakes.server import serve

GROUP = "Bench Admins"


def _settings(url: str, okta_url: str, token: str, interval: int) -> Settings:
    values: dict[str, Any] = {
        "OPSGATE_DATABASE_URL": url,
        "OPSGATE_SECRET_KEY": "x" * 40,
        "OKTA_ORG_URL": okta_url,
        "OKTA_API_TOKEN": token,
        "OPSGATE_SCHEDULER_INTERVAL": f"{interval}s",
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def _open_grants(services: Services, service: Any, n: int) -> list[int]:
    org = services.default_org_id
    ids = []
    for i in range(n):
        made = service.request(org, "bench", "1h", "bench", f"api:user{i}@acme.com", f"user{i}@acme.com")
        ids.append(made.grant.id)
    return ids


def _activate(services: Services, ids: list[int], spread: float) -> None:
    start = utcnow() + timedelta(seconds=2)
    with services.transaction() as session:
        for i, grant_id in enumerate(ids):
            due = start + timedelta(seconds=spread * i / max(1, len(ids) - 1))
            session.execute(
                update(JitGrant)
                .where(col(JitGrant.id) == grant_id)
                .values(status="active", granted_at=utcnow(), due_at=due, member_before=None)
            )


def _lateness(services: Services) -> tuple[list[float], int]:
    with services.read_session() as session:
        grants = list(session.execute(select(JitGrant)).scalars())
    late = [(g.revoked_at - g.due_at).total_seconds() for g in grants if g.revoked_at and g.due_at]
    return sorted(late), sum(1 for g in grants if g.status != "revoked")


@contextlib.contextmanager
def _fake_in_thread(okta: FakeOkta) -> Iterator[str]:
    """Serve the fake from its own thread and event loop, so its request checking (OpenAPI validation of every
    call) does not sit in the replicas' event loop and count as their lateness."""
    loop = asyncio.new_event_loop()
    started: concurrent.futures.Future[str] = concurrent.futures.Future()
    stop = asyncio.Event()

    async def run() -> None:
        async with serve(okta.app) as url:
            started.set_result(url)
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    try:
        yield started.result(timeout=30)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)


async def _poll(revoker: Revoker, interval: float, stop: asyncio.Event) -> int:
    count = 0
    while not stop.is_set():
        count += len(await revoker.revoke_due())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
    return count


async def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--grants", type=int, default=1000)
    ap.add_argument("--spread", type=float, default=60.0)
    ap.add_argument("--interval", type=int, default=5)
    ap.add_argument("--db")
    args = ap.parse_args(argv)
    url = args.db or f"sqlite:///{tempfile.mkdtemp(prefix='jit-bench-')}/bench.db"
    okta = FakeOkta()
    okta.add_group(GROUP)
    for i in range(args.grants):
        okta.add_user(f"user{i}@acme.com")
        okta.add_member(GROUP, f"user{i}@acme.com")
    with _fake_in_thread(okta) as okta_url:
        settings = _settings(url, okta_url, okta.api_token, args.interval)
        engine = make_engine(url)
        migrate(engine)
        replicas = []
        for _ in range(2):
            services = Services(settings, make_engine(url))
            gate = build_gate(services)
            replicas.append((services, attach(gate, connectors=ConnectorSet(settings))))
        services, revoker = replicas[0]
        add_resource(services, services.default_org_id, ResourceSpec("bench", "okta", GROUP, "1d", "1h"), actor="bench")
        ids = await services.db(_open_grants, services, revoker.service, args.grants)
        await services.db(_activate, services, ids, args.spread)
        print(
            f"jit_expiry: {args.grants} grants due over {args.spread:.0f} s, 2 replicas polling every {args.interval} s"
        )
        stop = asyncio.Event()
        polls = [asyncio.create_task(_poll(r, args.interval, stop)) for _s, r in replicas]
        deadline = asyncio.get_running_loop().time() + args.spread + args.interval * 3 + 30
        while asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(1)
            _late, left = await services.db(_lateness, services)
            if left == 0:
                break
        stop.set()
        counts = await asyncio.gather(*polls)
        late, left = await services.db(_lateness, services)
        removals = collections.Counter(r.path for r in okta.requests if r.method == "DELETE")
        for s, r in replicas:
            await r.connectors.aclose()
            s.close()
    p99 = late[min(len(late) - 1, int(len(late) * 0.99))] if late else float("inf")
    once = len(removals) == args.grants and all(v == 1 for v in removals.values())
    goal = args.interval + 5
    print(f"  revoked per replica               {counts}")
    print(f"  not revoked                       {left}")
    print(f"  removals in the fake              {sum(removals.values())} ({len(removals)} distinct)")
    print(f"  lateness p50 / p99 / max          {late[len(late) // 2]:.2f} / {p99:.2f} / {late[-1]:.2f} s")
    ok = once and left == 0 and p99 <= goal
    print(f"  each once, p99 <= {goal} s            {'GOAL MET' if ok else 'GOAL MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
