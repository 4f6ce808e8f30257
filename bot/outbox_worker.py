"""Delivers outbox rows: claims due rows from the database, hands each to the handler registered for its kind, and
records the outcome (delivered, retry later with capped exponential backoff honouring ``Retry-After``, or given up
visibly once its give-up time passes).

Handlers raise :class:`RetryLater` for temporary trouble (429, 5xx, connection refused) and :class:`GiveUp` for
permanent trouble (404, 403); anything else is treated as temporary and logged as a failure.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta

import structlog

from opsgate.bot.services import Services
from opsgate.store import outbox
from opsgate.store.models import utcnow

log = structlog.get_logger("opsgate.outbox")

Handler = Callable[[outbox.OutboxItem], Awaitable[None]]
GiveUpHandler = Callable[[outbox.OutboxItem, str], Awaitable[None]]


class RetryLater(Exception):
    def __init__(self, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class GiveUp(Exception):
    pass


@dataclass(frozen=True)
class Backoff:
    base: float = 2.0
    cap: float = 300.0
    max_attempts: int | None = None  # None: until the row's give-up time

    def delay(self, attempts: int, retry_after: float | None) -> float:
        """Seconds before the next attempt after ``attempts`` failures; never shorter than ``Retry-After``."""
        computed = min(self.cap, self.base * (2 ** max(0, attempts - 1)))
        return float(max(computed, retry_after or 0.0))


class OutboxWorker:
    def __init__(self, services: Services, backoff: Backoff | None = None) -> None:
        self.services = services
        self.backoff = backoff or Backoff()
        self.handlers: dict[str, Handler] = {}
        self.give_up_handlers: dict[str, GiveUpHandler] = {}
        self.detached: set[str] = set()
        # Deliveries under way outside the tick: kicks, and detached handlers (tests wait for these to settle).
        self._kicks: set[asyncio.Task[object]] = set()

    def register(
        self, kind: str, handler: Handler, on_give_up: GiveUpHandler | None = None, *, detached: bool = False
    ) -> None:
        """``detached``: the handler may take long (a runbook's execution against Okta and Graph), so it runs as
        its own task and the tick goes on delivering cards and comments meanwhile; its outcome is recorded when it
        ends. Its row stays claimed by the lease, and whatever the handler does must itself be safe against a second
        delivery (the executor claims the run)."""
        self.handlers[kind] = handler
        if on_give_up is not None:
            self.give_up_handlers[kind] = on_give_up
        if detached:
            self.detached.add(kind)

    def kick(self) -> None:
        """Deliver soon rather than at the next tick (after a click, so the card updates at once)."""
        self._background(self.run_once())

    def _background(self, work: Coroutine[object, object, object]) -> None:
        task: asyncio.Task[object] = asyncio.get_running_loop().create_task(work)
        self._kicks.add(task)
        task.add_done_callback(self._kicks.discard)

    async def run_once(self, limit: int = 20, rounds: int = 10) -> int:
        """Deliver what is due now, in claimed batches of ``limit`` while full ones keep coming (up to ``rounds``
        batches, then the next tick): a burst of tickets gets its cards out without waiting a second per batch.
        Returns how many rows were attempted."""
        if not self.handlers:
            return 0
        kinds = tuple(self.handlers)
        attempted = 0
        for _ in range(rounds):
            items = await self.services.db(self._claim, kinds, limit)
            for item in items:
                if item.kind in self.detached:
                    self._background(self._deliver(item))
                else:
                    await self._deliver(item)
            attempted += len(items)
            if len(items) < limit:
                break
        return attempted

    def _claim(self, kinds: tuple[str, ...], limit: int) -> list[outbox.OutboxItem]:
        with self.services.read_session() as session:
            if not outbox.any_due(session, kinds=kinds):
                return []
        with self.services.transaction() as session:
            return outbox.claim_due(session, kinds=kinds, limit=limit)

    async def _deliver(self, item: outbox.OutboxItem) -> None:
        handler = self.handlers[item.kind]
        try:
            await handler(item)
        except GiveUp as exc:
            await self._give_up(item, str(exc))
            return
        except RetryLater as exc:
            await self._retry(item, str(exc), exc.retry_after)
            return
        except Exception as exc:  # a bug or an unexpected answer: retry, but say so loudly
            log.exception("outbox_delivery_failed", kind=item.kind, item=item.id)
            await self._retry(item, f"{type(exc).__name__}: {exc}", None)
            return
        # Shares a commit with whatever else is queued (ingests, other deliveries): one tiny write per message.
        await self.services.write(outbox.mark_delivered, item.id)

    async def _retry(self, item: outbox.OutboxItem, error: str, retry_after: float | None) -> None:
        attempts = item.attempts + 1
        at = utcnow() + timedelta(seconds=self.backoff.delay(attempts, retry_after))
        out_of_time = item.give_up_at is not None and at > item.give_up_at
        out_of_tries = self.backoff.max_attempts is not None and attempts >= self.backoff.max_attempts
        if out_of_time or out_of_tries:
            await self._give_up(item, error)
            return
        log.info("outbox_retry", kind=item.kind, item=item.id, attempts=attempts, at=at.isoformat(), error=error)

        def write() -> None:
            with self.services.transaction() as session:
                outbox.schedule_retry(session, item.id, at=at, error=error)

        await self.services.db(write)

    async def _give_up(self, item: outbox.OutboxItem, error: str) -> None:
        log.warning("outbox_gave_up", kind=item.kind, item=item.id, error=error)

        def write() -> None:
            with self.services.transaction() as session:
                outbox.mark_gave_up(session, item.id, error=error)

        await self.services.db(write)
        notify = self.give_up_handlers.get(item.kind)
        if notify is not None:
            try:
                await notify(item, error)
            except Exception:
                log.exception("outbox_give_up_notice_failed", kind=item.kind, item=item.id)
