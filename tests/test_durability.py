"""Crash safety: ``kill -9`` of the server in the middle of a stream of ingests loses no acknowledged write, and
two server processes on one database still make one run per issue key."""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp
import pytest
from sqlalchemy import create_engine, text

from opsgate.store import audit
from tests.fakes.server import free_port
from tests.helpers import ticket_body

OPSGATE = str(pathlib.Path(sys.executable).parent / "opsgate")


def _key(db_url: str, rate: int = 1_000_000) -> str:
    out = subprocess.run(
        [OPSGATE, "keys", "create", "--name", "jira", "--scope", "ticket:ingest", "--rate-limit", str(rate), "--json"],
        env={**os.environ, "OPSGATE_DATABASE_URL": db_url},
        capture_output=True,
        text=True,
        check=True,
    )
    return str(json.loads(out.stdout)["key"])


@contextmanager
def server(db_url: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    proc = subprocess.Popen(
        [OPSGATE, "serve", "--port", str(port)],
        env={**os.environ, "OPSGATE_DATABASE_URL": db_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


async def _stream(base: str, key: str, n: int, prefix: str, acked: list[str]) -> None:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {key}"}) as http:
        for i in range(n):
            try:
                async with http.post(
                    base + "/api/v1/tickets/ingest", json=ticket_body(key=f"{prefix}-{i + 1}")
                ) as resp:
                    if resp.status == 200:
                        acked.append((await resp.json())["runId"])
            except aiohttp.ClientError:
                return


def test_kill_9_loses_no_acknowledged_ingest(db_url: str) -> None:
    key = _key(db_url)
    acked: list[str] = []
    with server(db_url) as (proc, base):

        async def go() -> None:
            task = asyncio.ensure_future(asyncio.gather(*(_stream(base, key, 400, f"K{w}", acked) for w in range(4))))
            deadline = time.monotonic() + 60
            while len(acked) < 60 and time.monotonic() < deadline and not task.done():
                await asyncio.sleep(0.01)
            os.kill(proc.pid, signal.SIGKILL)
            await task

        asyncio.run(go())
    assert len(acked) >= 60
    engine = create_engine(db_url)
    with engine.connect() as conn:
        stored = {r[0] for r in conn.execute(text("SELECT id FROM runs"))}
        org_id = conn.execute(text("SELECT id FROM orgs WHERE slug = 'default'")).scalar_one()
        ingested = conn.execute(text("SELECT count(*) FROM audit_entries WHERE action = 'run.ingested'")).scalar_one()
    assert set(acked) <= stored
    assert ingested == len(stored)
    from opsgate.store.db import make_engine

    result = audit.verify(make_engine(db_url), org_id, "default")
    assert result.ok, result.problem
    engine.dispose()


def test_two_server_processes_storm_makes_one_run(db_url: str) -> None:
    key = _key(db_url)
    with server(db_url) as (_p1, base1), server(db_url) as (_p2, base2):

        async def storm() -> list[dict[str, object]]:
            conn = aiohttp.TCPConnector(limit=600)
            async with aiohttp.ClientSession(connector=conn, headers={"Authorization": f"Bearer {key}"}) as http:

                async def one(i: int) -> dict[str, object]:
                    base = base1 if i % 2 else base2
                    async with http.post(base + "/api/v1/tickets/ingest", json=ticket_body(key="STORM-1")) as resp:
                        assert resp.status == 200, await resp.text()
                        return dict(await resp.json())

                return await asyncio.gather(*(one(i) for i in range(500)))

        results = asyncio.run(storm())
    assert len({r["runId"] for r in results}) == 1
    assert sum(1 for r in results if r["duplicate"] is False) == 1
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM runs")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM audit_entries WHERE action='run.ingested'")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM outbox WHERE kind='chat.approval_card'")).scalar_one() == 1
    engine.dispose()


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
