"""Group commit (store/batch.py): concurrent ingests share commits, yet each is answered only once durable, a
refused one changes nothing, and a failed commit fails every unit of its batch."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlmodel import Session

from opsgate.bot.gate import OpsGate
from opsgate.bot.services import Services
from opsgate.store import audit
from opsgate.store.batch import GroupCommitter
from tests.helpers import auth, count, live_client, make_key, ticket_body


def _note(session: Session, value: str) -> str:
    session.connection().execute(text("INSERT INTO probe (v) VALUES (:v)"), {"v": value})
    if value.startswith("bad"):
        raise ValueError(f"refused {value}")
    return value


@pytest.fixture
def probe(engine: Engine) -> Engine:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE probe (v VARCHAR(40) PRIMARY KEY)"))
    return engine


def _stored(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return {str(r[0]) for r in conn.execute(text("SELECT v FROM probe"))}


def _gate_until_all_queued(committer: GroupCommitter, n: int) -> threading.Event:
    """Hold the writer on its first unit until ``n`` more are queued, so they must share one batch."""
    release = threading.Event()
    real = committer._optimistic

    def held(batch: list[Any]) -> Any:
        release.wait(10)
        return real(batch)

    committer._optimistic = held  # type: ignore[method-assign]
    return release


def test_queued_units_share_a_commit_and_a_refused_one_is_rolled_back_alone(probe: Engine) -> None:
    committer = GroupCommitter(probe)
    release = _gate_until_all_queued(committer, 5)
    first = committer.submit(_note, "first")
    futures = [committer.submit(_note, v) for v in ("a", "bad-1", "b", "c")]
    release.set()
    assert first.result(10) == "first"
    assert [f.result(10) for f in (futures[0], futures[2], futures[3])] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="refused bad-1"):
        futures[1].result(10)
    assert _stored(probe) == {"first", "a", "b", "c"}
    assert committer.units == 5 and committer.batches <= 2  # "first" alone at most, then the four together
    committer.close()


def test_a_failed_commit_fails_every_unit_of_its_batch_and_stores_nothing(probe: Engine) -> None:
    committer = GroupCommitter(probe)
    release = _gate_until_all_queued(committer, 3)

    def refuse_commit(_conn: Any) -> None:
        raise RuntimeError("disk full")

    event.listen(probe, "commit", refuse_commit)
    try:
        futures = [committer.submit(_note, v) for v in ("x", "y", "z")]
        release.set()
        for future in futures:
            with pytest.raises(RuntimeError, match="disk full"):
                future.result(10)
    finally:
        event.remove(probe, "commit", refuse_commit)
    assert _stored(probe) == set()
    assert committer.submit(_note, "after").result(10) == "after"  # the writer goes on
    committer.close()


async def test_concurrent_ingests_each_get_a_run_and_a_linked_audit_entry(services: Services, gate: OpsGate) -> None:
    key = make_key(services, "ticket:ingest")
    async with live_client(gate) as client:
        answers = await asyncio.gather(
            *(client.post("/api/v1/tickets/ingest", json=ticket_body(f"GC-{i + 1}"), headers=auth(key)) for i in range(60))
        )
        bodies = [await a.json() for a in answers]
    assert {a.status for a in answers} == {200}
    assert len({b["runId"] for b in bodies}) == 60
    assert count(services, "SELECT count(*) FROM runs") == 60
    assert count(services, "SELECT count(*) FROM audit_entries WHERE action = 'run.ingested'") == 60
    report = audit.verify(services.engine, services.default_org_id, "default")
    assert report.ok, report


async def test_a_rate_limited_key_in_a_storm_stores_exactly_its_allowance(services: Services, gate: OpsGate) -> None:
    key = make_key(services, "ticket:ingest", rate_limit=5)
    async with live_client(gate) as client:
        answers = await asyncio.gather(
            *(client.post("/api/v1/tickets/ingest", json=ticket_body(f"RL-{i + 1}"), headers=auth(key)) for i in range(20))
        )
    statuses = sorted(a.status for a in answers)
    assert statuses.count(200) == 5 and statuses.count(429) == 15
    assert all(a.headers.get("Retry-After") for a in answers if a.status == 429)
    assert count(services, "SELECT count(*) FROM runs") == 5
    assert count(services, "SELECT count(*) FROM audit_entries WHERE action = 'run.ingested'") == 5


def test_a_unit_cancelled_before_it_ran_is_dropped_and_the_writer_goes_on(probe: Engine) -> None:
    committer = GroupCommitter(probe)
    release = _gate_until_all_queued(committer, 2)
    first = committer.submit(_note, "first")
    gone = committer.submit(_note, "gone")
    assert gone.cancel()  # the caller went away while the writer was busy
    release.set()
    assert first.result(10) == "first"
    assert committer.submit(_note, "later").result(10) == "later"  # the writer thread is alive
    assert _stored(probe) == {"first", "later"}
    committer.close()
