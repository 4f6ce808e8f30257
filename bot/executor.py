"""The executor: runs approved runbooks against Okta and Microsoft Graph, at most once, step by step.

Order (DESIGN.md): change the target system, record the durable result, then notify.

1. **Claim.** A ``run.execute`` outbox row (written when the run was approved) names the run. One transaction locks
   it, re-plans it with the runbook and, if the plan is still the one approved, moves it approved -> executing
   claimed by this worker. A second replica, or a replayed row, finds it no longer ``approved`` and does nothing.
   If the plan changed, nothing runs: the run goes back to awaiting_approval ("replanned") and a fresh card is
   requested.
2. **Execute.** One step at a time (``runbooks.execution``); after each step one transaction appends its journal
   entry to the run and a ``run.step`` entry to the audit chain. A heartbeat shows the claim is alive.
3. **Finish.** executing -> succeeded | failed (what was done and what was not); the transition's listeners enqueue
   card updates and Jira comments, which never change the recorded result.

Approvers may "Retry from the failed step" (:meth:`Executor.retry`): the plan is re-checked, steps that succeeded
are not redone. A run left ``executing`` by a process that died is found by :meth:`Executor.recover_interrupted`
(at start and periodically) and failed with "interrupted; check the target system", unless every remaining step
is idempotent by nature and the runbook says so, in which case it resumes.

Sandbox mode (``settings.sandbox_mode``): every run gets a recorder instead of the real clients; the whole flow
runs, steps are journaled ``sandbox`` with the calls that would have been sent, and nothing is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import structlog

from opsgate.bot import execution_tx as tx
from opsgate.bot.connector_factory import ConnectorSet
from opsgate.bot.notifications import EXECUTE
from opsgate.bot.runs import Decider, Outcome
from opsgate.runbooks.base import PlanStep
from opsgate.runbooks.connectors import RetryPolicy
from opsgate.runbooks.execution import ExecutionOptions, PlanRunner
from opsgate.store.models import Run, utcnow
from opsgate.store.outbox import OutboxItem

if TYPE_CHECKING:
    from aiohttp import web

    from opsgate.bot.gate import OpsGate

log = structlog.get_logger("opsgate.executor")

HEARTBEAT = timedelta(seconds=15)  # how often a running claim shows it is alive
LEASE = timedelta(seconds=90)  # a claim silent this long belongs to a worker that is gone
RECOVER_EVERY = timedelta(seconds=30)


def new_worker_id() -> str:
    """``host:pid:token``: which process claimed a run (the token tells this life of a pid from a previous one)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim_is_dead(claimed_by: str | None, me: str) -> bool:
    """Whether ``claimed_by`` is certainly a process that no longer runs: same host, and either this very pid in an
    earlier life (a restart in a container) or a pid that is gone. Other hosts are judged by their heartbeat."""
    if not claimed_by or claimed_by == me:
        return False
    try:
        host, pid, _token = claimed_by.rsplit(":", 2)
        my_host, my_pid, _mine = me.rsplit(":", 2)
        if host != my_host:
            return False
        return pid == my_pid or not _pid_alive(int(pid))
    except ValueError:
        return False


class Executor:
    """One per process (see :func:`attach`); ``worker_id`` names this process on the runs it claims."""

    def __init__(
        self,
        gate: OpsGate,
        *,
        connectors: ConnectorSet | None = None,
        retry: RetryPolicy | None = None,
        worker_id: str | None = None,
        heartbeat: timedelta = HEARTBEAT,
        lease: timedelta = LEASE,
    ) -> None:
        self.gate = gate
        self.services = gate.services
        self.machine = gate.runs
        self.connectors = connectors or ConnectorSet(gate.services.settings, retry=retry)
        self.worker_id = worker_id or new_worker_id()
        self.heartbeat = heartbeat
        self.lease = lease
        self._active: set[str] = set()  # runs this executor is running right now

    # --- entry points ---------------------------------------------------------------------------------------

    async def handle(self, item: OutboxItem) -> None:
        """The ``run.execute`` outbox handler."""
        await self.execute(str(item.payload["run_id"]))

    async def execute(self, run_id: str) -> Outcome | None:
        """Claim and run an approved run; None when there was nothing for this worker to do."""
        claim = await self.services.db(tx.claim, self.machine, run_id, self.worker_id)
        if claim.kind == "replanned":
            log.info("run.replanned", run=run_id, note="plan changed since approval; nothing ran; fresh card")
        if claim.kind != "claimed" or claim.run is None:
            return None
        return await self._run(claim.run)

    async def retry(self, run_id: str, decider: Decider) -> Outcome:
        """Retry from the failed step: approvers only, plan re-checked, succeeded steps not redone."""
        started = await self.services.db(tx.start_retry, self.machine, run_id, self.worker_id, decider)
        if not started.changed:
            return started
        final = await self._run(started.run)
        return Outcome(final.ok, True, final.run, f"{started.message} {final.message}", final.event)

    async def recover_interrupted(self, *, stale_after: timedelta | None = None) -> list[str]:
        """Runs left ``executing`` by a worker that is gone: failed as interrupted, or resumed when safe.
        Returns the ids acted on. Runs at start and periodically (a replica may die at any time)."""
        cutoff = utcnow() - (stale_after if stale_after is not None else self.lease)

        def is_stale(run: Run) -> bool:
            if run.id in self._active:
                return False
            return run.updated_at <= cutoff or claim_is_dead(run.claimed_by, self.worker_id)

        acted: list[str] = []
        for run_id in await self.services.db(tx.executing_ids, self.machine):
            if run_id in self._active:
                continue
            found = await self.services.db(tx.recover, self.machine, run_id, self.worker_id, is_stale)
            if found.kind == "skipped" or found.run is None:
                continue
            acted.append(run_id)
            log.warning("run.recovered", run=run_id, outcome=found.kind)
            if found.kind == "resume":
                await self._run(found.run)
        return acted

    # --- running ----------------------------------------------------------------------------------------------

    async def _run(self, run: Run) -> Outcome:
        settings = self.services.settings
        plan = [PlanStep.from_dict(s) for s in run.plan]
        connectors, sandbox = self.connectors.for_run()
        runner = PlanRunner(
            plan,
            connectors,
            options=ExecutionOptions(
                send_reset_email=settings.okta_reset_sends_email, licences=self.connectors.licences
            ),
            sandbox=sandbox,
        )

        async def record(step: dict[str, Any]) -> bool:
            log.info("run.step", run=run.id, index=step["index"], op=step["op"], outcome=step["outcome"])
            return await self.services.db(tx.record_step, self.machine, run.id, self.worker_id, step)

        self._active.add(run.id)
        beat = asyncio.get_running_loop().create_task(self._beat(run.id))
        try:
            result = await runner.run(list(run.steps), record)
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
            self._active.discard(run.id)
        if result.lost_claim:
            log.warning("run.claim_lost", run=run.id, worker=self.worker_id)
            return Outcome(False, False, run, "Another worker took this run over; this one stopped.")
        final = await self.services.db(tx.finish, self.machine, run.id, self.worker_id, result)
        if final is None:
            return Outcome(False, False, run, "Another worker took this run over; this one stopped.")
        log.info("run.finished", run=run.id, status=final.status, sandbox=sandbox is not None)
        if result.ok:
            what = "recorded in sandbox mode, nothing sent" if sandbox is not None else "succeeded"
            return Outcome(True, True, final, f"All {len(plan)} steps {what}.", "succeeded")
        return Outcome(False, True, final, result.failure or "Failed.", "failed")

    async def _beat(self, run_id: str) -> None:
        while True:
            await asyncio.sleep(self.heartbeat.total_seconds())
            try:
                await self.services.db(tx.heartbeat, self.machine, run_id, self.worker_id)
            except Exception:
                log.exception("run.heartbeat_failed", run=run_id)

    # --- lifecycle --------------------------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the connectors' HTTP clients (at shutdown)."""
        await self.connectors.aclose()

    def context(self) -> Callable[[web.Application], AsyncIterator[None]]:
        """An aiohttp cleanup context: recover interrupted runs at start, close the connectors at shutdown."""

        async def ctx(_app: web.Application) -> AsyncIterator[None]:
            try:
                await self.recover_interrupted()
            except Exception:
                log.exception("run.recovery_failed")
            yield
            await self.aclose()

        return ctx


def attach(
    gate: OpsGate,
    *,
    connectors: ConnectorSet | None = None,
    retry: RetryPolicy | None = None,
    worker_id: str | None = None,
) -> Executor:
    """Create this process's executor, register it for ``run.execute`` rows and periodic recovery, and keep it as
    ``gate.extras["executor"]``."""
    executor = Executor(gate, connectors=connectors, retry=retry, worker_id=worker_id)
    first = "executor" not in gate.extras
    gate.extras["executor"] = executor  # attaching again replaces the executor (tests); the job finds the new one
    gate.outbox.register(EXECUTE, executor.handle, detached=True)  # a slow Okta call never holds cards back
    if first:

        async def recover() -> None:
            await gate.extras["executor"].recover_interrupted()

        gate.scheduler.every(RECOVER_EVERY, "executor.recover", recover)
    return executor
