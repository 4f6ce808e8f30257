"""A slow delivery (a runbook executing against a slow Okta) never holds the cards of other runs back: it runs as
its own task, and its row is recorded when it ends."""

from __future__ import annotations

import asyncio

from opsgate.bot.outbox_worker import OutboxWorker
from opsgate.bot.services import Services
from opsgate.store import outbox
from opsgate.store.outbox import OutboxItem


def _enqueue(services: Services, kind: str, key: str) -> None:
    with services.transaction() as session:
        outbox.enqueue(session, org_id=services.default_org_id, kind=kind, dedupe_key=key, payload={"key": key})


def _pending(services: Services) -> list[str]:
    with services.read_session() as session:
        return [str(r.dedupe_key) for r in outbox.pending(session)]


async def test_a_slow_detached_delivery_lets_cards_through_and_is_recorded_when_done(services: Services) -> None:
    worker = OutboxWorker(services)
    release = asyncio.Event()
    delivered: list[str] = []

    async def execute(item: OutboxItem) -> None:
        await release.wait()  # Okta takes its time
        delivered.append(str(item.payload["key"]))

    async def card(item: OutboxItem) -> None:
        delivered.append(str(item.payload["key"]))

    worker.register("run.execute", execute, detached=True)
    worker.register("chat.approval_card", card)
    _enqueue(services, "run.execute", "execute-1")
    assert await asyncio.wait_for(worker.run_once(), 5) == 1  # returns at once: the execution runs beside it
    _enqueue(services, "chat.approval_card", "card-2")
    assert await asyncio.wait_for(worker.run_once(), 5) == 1
    assert delivered == ["card-2"] and _pending(services) == ["execute-1"]  # claimed, still running
    release.set()
    await asyncio.gather(*list(worker._kicks))
    assert delivered == ["card-2", "execute-1"] and _pending(services) == []
