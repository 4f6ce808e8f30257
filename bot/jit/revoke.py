"""Timed work of JIT access: revocations, expiry warnings and the notice outbox handler.

Every replica polls (``gate.scheduler``); the work is claimed from the database, so a grant is revoked once
however many replicas run, and a revocation missed while every process was down runs at the first poll after
start, its lateness recorded on the audit chain. A claim is a lease (``revoke_claimed_until``): a replica that
dies mid-revocation leaves the grant active and claimable again once the lease passes.

What people see follows the grant, through the outbox in the same transaction as the change: the revocation and
the expiry warning re-render the run's approval card (``chat.card_update``, as a run transition does), and the
grant becoming active or ending re-publishes the requester's home view (``jit.home``, best effort; Slack's App
Home registers itself with :func:`add_home_publisher`). A release or an early revoke only makes the grant due: the
card changes when the removal is done, seconds later, not in between.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import structlog
from sqlmodel import Session

from opsgate.bot.chat import ChatUnavailable
from opsgate.bot.connector_factory import ConnectorSet
from opsgate.bot.jit.jira import KIND as JIRA_KIND
from opsgate.bot.jit.jira import JitJira, enqueue_jira
from opsgate.bot.jit.service import NOTICE, RUNBOOK_ID, JitService, _at, enqueue_notice
from opsgate.bot.notifications import request_card_update
from opsgate.bot.outbox_worker import RetryLater
from opsgate.runbooks.connectors import ConnectorError, ConnectorHalt, ErrorCode
from opsgate.store import audit, outbox
from opsgate.store import jit as rows
from opsgate.store import runs as run_rows
from opsgate.store.audit import AuditRecord
from opsgate.store.models import JitGrant, Run, utcnow
from opsgate.store.outbox import OutboxItem

if TYPE_CHECKING:
    from opsgate.bot.gate import OpsGate

log = structlog.get_logger("opsgate.jit")

LEASE = timedelta(seconds=60)
WARN_AHEAD = timedelta(minutes=10)
BATCH = 50
CONCURRENCY = 8  # removals in flight per replica (one claimed batch at a time)
HOME = "jit.home"  # outbox kind: show the requester their App Home again (granted, ended)
HOME_PUBLISHERS = "jit_home_publishers"  # gate.extras key: {surface name: HomePublisher}
HOME_GIVE_UP = timedelta(hours=1)  # a tab is re-published whenever it is opened anyway

# (requester, requester email) -> publish that person's home view on one surface. Raises ChatUnavailable for
# temporary trouble (the item is retried); anything else is logged and dropped (best effort).
HomePublisher = Callable[[str, str], Awaitable[None]]


def add_home_publisher(gate: OpsGate, surface: str, publisher: HomePublisher) -> None:
    """A chat surface with a home view (Slack's App Home) registers how to re-publish it for a requester; once per
    surface (registering again replaces)."""
    gate.extras.setdefault(HOME_PUBLISHERS, {})[surface] = publisher


def enqueue_home(session: Session, grant: JitGrant, key: int | str) -> None:
    """Re-publish the requester's home view after their grant started or ended (same transaction as the change)."""
    outbox.enqueue(
        session,
        org_id=grant.org_id,
        kind=HOME,
        dedupe_key=f"jit.home:{grant.id}:{key}",
        payload={"grant_id": grant.id, "requester": grant.requester, "email": grant.requester_email},
        run_id=grant.run_id,
        give_up_after=HOME_GIVE_UP,
    )


def on_run_transition(session: Session, run: Run, event: str, record: AuditRecord) -> None:
    """A just-in-time run that succeeded made its grant active (the JIT service's listener ran first, in this
    transaction): the requester's home view then lists it. The card itself is re-rendered by the run's own
    ``chat.card_update``."""
    if run.runbook_id != RUNBOOK_ID or event != "succeeded":
        return
    grant = rows.grant_for_run(session, run.id)
    if grant is not None and grant.status == rows.ACTIVE:
        enqueue_home(session, grant, record.seq)


@dataclass(frozen=True)
class Revocation:
    grant_id: int
    run_id: str
    removed: bool
    lateness_seconds: float
    detail: str


class Revoker:
    def __init__(self, gate: OpsGate, service: JitService, connectors: ConnectorSet | None = None) -> None:
        self.gate = gate
        self.service = service
        self.services = gate.services
        self._connectors = connectors

    @property
    def connectors(self) -> ConnectorSet:
        if self._connectors is None:
            executor = self.gate.extras.get("executor")
            found = getattr(executor, "connectors", None)
            self._connectors = found if isinstance(found, ConnectorSet) else ConnectorSet(self.services.settings)
        return self._connectors

    def _due(self, now: datetime) -> tuple[bool, bool]:
        with self.services.read_session() as session:
            return rows.any_due(session, now=now, ahead=WARN_AHEAD)

    def _claim(self, now: datetime, limit: int) -> list[JitGrant]:
        if not self._due(now)[0]:
            return []
        with self.services.transaction() as session:
            return rows.claim_due_revocations(session, now=now, lease=LEASE, limit=limit)

    async def revoke_due(self, now: datetime | None = None, *, limit: int = BATCH) -> list[Revocation]:
        """Claim due grants and revoke each; returns what this worker did."""
        real = now is None  # tests pass ``now``; in production the revocation time is the clock after removal
        claim_at = now or utcnow()
        done: list[Revocation] = []
        groups: dict[tuple[str, str], str] = {}  # group ids looked up during this poll (one lookup per group)
        in_flight = asyncio.Semaphore(CONCURRENCY)

        async def one(grant: JitGrant) -> Revocation | None:
            async with in_flight:
                return await self._revoke(grant, None if real else claim_at, groups)

        while True:  # batch after batch, so a backlog (a restart after downtime) drains in one poll
            claimed = await self.services.db(self._claim, claim_at, limit)

            results = await asyncio.gather(*(one(g) for g in claimed))
            done.extend(r for r in results if r is not None)
            if len(claimed) < limit:
                return done

    def _context(self, grant: JitGrant) -> tuple[Run, list[JitGrant]]:
        with self.services.read_session() as session:
            run = run_rows.get(session, grant.run_id)
            assert run is not None
            return run, rows.other_active(session, grant)

    async def _remove(self, grant: JitGrant, groups: dict[tuple[str, str], str]) -> tuple[bool, str]:
        """Take the requester out of the group (unless they were in it before). Returns (removed, detail)."""
        if grant.member_before:
            return False, "kept: the requester was a member before the grant"
        run, overlapping = await self.services.db(self._context, grant)
        if overlapping:
            return False, f"kept: grant {overlapping[0].id} of the same resource is still active"
        group, system = str(run.params["group"]), str(run.params["group_system"])
        connectors, sandbox = self.connectors.for_run()
        if system == "okta":
            if connectors.okta is None:
                raise ConnectorHalt(
                    "okta", "remove_from_group", None, "Okta is not configured", code=ErrorCode.PRECONDITION
                )
            user = await connectors.okta.require_user(grant.requester_email)
            if ("okta", group) not in groups:
                groups["okta", group] = (await connectors.okta.find_group(group)).id
            await connectors.okta.remove_from_group(groups["okta", group], user.id)
        else:
            if connectors.graph is None:
                raise ConnectorHalt(
                    "graph", "remove_member", None, "Microsoft Graph is not configured", code=ErrorCode.PRECONDITION
                )
            graph_user = await connectors.graph.require_user(grant.requester_email)
            if ("graph", group) not in groups:
                groups["graph", group] = (await connectors.graph.find_group(group)).id
            await connectors.graph.remove_member(groups["graph", group], graph_user.id)
        if sandbox is not None:
            return True, f"sandbox mode: removal from {group!r} recorded, nothing sent"
        return True, f"removed from {group!r}"

    async def _revoke(
        self, grant: JitGrant, now: datetime | None, groups: dict[tuple[str, str], str]
    ) -> Revocation | None:
        try:
            removed, detail = await self._remove(grant, groups)
        except ConnectorError as exc:
            log.warning("jit.revoke_failed", grant=grant.id, error=str(exc))
            await self.services.db(self._failed, grant, str(exc))
            return None  # the lease passes and the next poll retries
        return await self.services.db(self._finish, grant, now, removed, detail)

    def _failed(self, grant: JitGrant, error: str) -> None:
        with self.services.transaction() as session:
            audit.append(
                session,
                org_id=grant.org_id,
                actor="system:jit",
                action="jit.revoke_failed",
                subject=f"jit_grant:{grant.id}",
                data={"run": grant.run_id, "error": error[:500]},
            )

    def _finish(self, grant: JitGrant, now: datetime | None, removed: bool, detail: str) -> Revocation | None:
        actual = now or utcnow()
        with self.services.transaction() as session:
            row = rows.get_grant(session, grant.id or 0, lock=True)
            if row is None or row.status != rows.ACTIVE:
                return None
            due = row.due_at or actual
            late = max(0.0, (actual - due).total_seconds())
            rows.save_grant(session, row, {"status": "revoked", "revoked_at": actual, "revoke_claimed_until": None})
            record = audit.append(
                session,
                org_id=row.org_id,
                actor="system:jit",
                action="jit.revoked",
                subject=f"jit_grant:{row.id}",
                data={
                    "run": row.run_id,
                    "resource": row.resource,
                    "requester": row.requester_email,
                    "due_at": _at(due),
                    "revoked_at": _at(actual),
                    "lateness_seconds": round(late, 3),
                    "removed": removed,
                    "detail": detail,
                },
            )
            enqueue_notice(session, row, "revoked", f"Access to {row.resource} has ended ({detail}).")
            enqueue_jira(
                session, row, "revoked",
                f"Access revoked at {_at(actual)} (due {_at(due)}, {round(late)} s late): {detail}.",
            )  # fmt: skip
            # Not a run transition, so nothing else re-renders the card: it now says when access ended (and who
            # ended it early); the requester's App Home drops the grant.
            request_card_update(session, org_id=row.org_id, run_id=row.run_id, event="jit.revoked", seq=record.seq)
            enqueue_home(session, row, record.seq)
            assert row.id is not None
            return Revocation(row.id, row.run_id, removed, late, detail)

    # --- warnings -------------------------------------------------------------------------------------------------

    def _warn(self, now: datetime) -> list[int]:
        if not self._due(now)[1]:
            return []
        with self.services.transaction() as session:
            warned = rows.claim_warnings(session, now=now, ahead=WARN_AHEAD, limit=BATCH)
            for grant in warned:
                enqueue_notice(
                    session,
                    grant,
                    "expiring",
                    f"Your access to {grant.resource} ends at {_at(grant.due_at)} (in under 10 minutes). "
                    "Ask to extend with a new request if you still need it.",
                )
                # The card's "time left" is as of its last render: bring it up to date once, 10 minutes ahead.
                request_card_update(session, org_id=grant.org_id, run_id=grant.run_id, event="jit.expiring")
            return [g.id for g in warned if g.id is not None]

    async def warn_expiring(self, now: datetime | None = None) -> list[int]:
        return await self.services.db(self._warn, now or utcnow())

    async def tick(self) -> None:
        await self.warn_expiring()
        await self.revoke_due()

    # --- notices --------------------------------------------------------------------------------------------------

    async def deliver_notice(self, item: OutboxItem) -> None:
        """Tell the requester privately (a DM on every surface that knows them) and leave the same line under the
        run's card, so approvers see the grant's story where they approved it. When only one of the two goes
        through, the notice is retried whole: a duplicate line beats a lost one."""
        run_id, text = str(item.payload["run_id"]), str(item.payload["text"])
        run = await self.services.db(self._run, run_id)
        try:
            if run is not None:
                for surface in self.gate.cards.active():
                    await surface.send_direct(run.requester, text)
            await self.gate.cards.post_in_threads(run_id, text)
        except ChatUnavailable as exc:
            raise RetryLater(str(exc), getattr(exc, "retry_after", None)) from exc

    def _run(self, run_id: str) -> Run | None:
        with self.services.read_session() as session:
            return run_rows.get(session, run_id)

    async def deliver_home(self, item: OutboxItem) -> None:
        """Best effort: each surface with a home view re-publishes it for the requester. Temporary trouble retries
        the item (for up to an hour); any other failure is logged and dropped, since the tab is rebuilt whenever
        it is opened."""
        requester, email = str(item.payload.get("requester") or ""), str(item.payload.get("email") or "")
        publishers: dict[str, HomePublisher] = self.gate.extras.get(HOME_PUBLISHERS) or {}
        for surface, publish in sorted(publishers.items()):
            try:
                await publish(requester, email)
            except ChatUnavailable as exc:
                raise RetryLater(f"{surface}: {exc}", exc.retry_after) from exc
            except Exception:
                log.exception("jit_home_not_published", surface=surface, grant=item.payload.get("grant_id"))


def attach(gate: OpsGate, *, connectors: ConnectorSet | None = None) -> Revoker:
    """Wire JIT into a gate: the run listeners, the notice and home-view handlers and the periodic revocation job.
    The service is ``gate.extras["jit"]``, the revoker ``gate.extras["jit_revoker"]``."""
    service = JitService(gate)
    revoker = Revoker(gate, service, connectors)
    first = "jit" not in gate.extras
    gate.extras["jit"] = service
    gate.extras["jit_revoker"] = revoker
    if first:
        gate.runs.on_transition(
            lambda session, run, event, record: gate.extras["jit"].on_transition(session, run, event, record)
        )
        gate.runs.on_transition(on_run_transition)  # after the service's listener: the grant is active by then
        gate.outbox.register(NOTICE, lambda item: gate.extras["jit_revoker"].deliver_notice(item))
        gate.outbox.register(HOME, lambda item: gate.extras["jit_revoker"].deliver_home(item))
        gate.outbox.register(JIRA_KIND, JitJira(gate).deliver)

        async def job() -> None:
            await gate.extras["jit_revoker"].tick()

        gate.scheduler.every(gate.services.settings.scheduler_interval, "jit-revocations", job)
    return revoker
