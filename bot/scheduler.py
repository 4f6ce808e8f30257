"""Timed work, driven by apscheduler; the work itself is always claimed from the database, so any number of
replicas can run this scheduler and still act once (expiry, reminders, outbox delivery, JIT revocations).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import structlog
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = structlog.get_logger("opsgate.scheduler")

Job = Callable[[], Awaitable[object]]


class Scheduler:
    def __init__(self) -> None:
        self._jobs: list[tuple[str, Job, timedelta]] = []
        self._scheduler: AsyncIOScheduler | None = None

    def every(self, interval: timedelta, name: str, job: Job) -> None:
        self._jobs.append((name, job, interval))

    def start(self) -> None:
        scheduler = AsyncIOScheduler(timezone="UTC")
        for name, job, interval in self._jobs:
            scheduler.add_job(
                self._guarded(name, job),
                "interval",
                seconds=interval.total_seconds(),
                id=name,
                name=name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
                next_run_time=None,
            )
        scheduler.start()
        # First runs now rather than one interval after start: missed work (a revocation due while every replica
        # was down) is done as soon as a replica is up.
        for name, _job, _interval in self._jobs:
            job = scheduler.get_job(name)
            if job is not None:
                job.modify(next_run_time=_now())
        self._scheduler = scheduler

    async def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    @staticmethod
    def _guarded(name: str, job: Job) -> Job:
        async def run() -> None:
            try:
                await job()
            except asyncio.CancelledError:
                # Shutdown while the job ran: its work is claimed from the database with leases, so whatever it
                # left half-done is picked up again by the next poll (here or on another replica).
                log.info("scheduled_job_stopped", job=name)
            except Exception:
                log.exception("scheduled_job_failed", job=name)

        return run

    def context(self) -> Callable[[web.Application], AsyncIterator[None]]:
        """An aiohttp cleanup context that runs the scheduler for the app's lifetime."""

        async def ctx(_app: web.Application) -> AsyncIterator[None]:
            self.start()
            yield
            await self.stop()

        return ctx


def _now() -> datetime:
    return datetime.now(UTC)
