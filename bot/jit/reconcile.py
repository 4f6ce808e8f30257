"""The reconciler of managed JIT resources: a ``managed: true`` group exists only for JIT, so anyone in it without an
active grant is removed, whether a revocation was lost or someone added a member by hand.

What an IT admin should know:

* Every replica polls once a minute (or every ``OPSGATE_JIT_RECONCILE_INTERVAL`` if shorter) and claims the managed
  resources whose last round ended at least an interval ago (default 15 minutes). A claim is a 10-minute lease in
  ``jit_reconcile_leases``, so two replicas never reconcile the same group at the same time and a replica that dies
  mid-round hands the group over once the lease passes.
* A member stays when their login, email or userPrincipalName (case-insensitive) is the requester email of an active
  grant of the resource, or of a grant whose approved run is executing right now (its add lands before the grant
  turns active). Grants are read after the members are listed and again just before each removal, so a grant that
  turns active meanwhile keeps its member. An active grant whose member is missing from the group is not the
  reconciler's business.
* Managed means nobody has standing membership: people who were in the group before their first grant are removed
  too once no grant of theirs is active.
* Members the directory cannot map to a person are left alone and listed as skipped: Entra ID service principals,
  devices, contacts and nested groups (JIT grants go to people only; removing an integration's identity is an
  admin's call), and users whose addresses the app may not read. Okta groups hold users only.
* Each removal is audited (``jit.reconciled_removal``) as soon as it happens; a failed one is audited
  (``jit.reconcile_removal_failed``), never stops the rest and is retried at the next round. A round that removed or
  failed to remove someone is summed up (``jit.reconciled``) and, when it removed someone, posted to the approval
  channel through the outbox (``jit.reconcile_report``). A round that changes nothing is only logged. A group that
  cannot be read (directory down, group renamed) is audited as ``jit.reconcile_failed`` and tried at the next round.
* Sandbox mode sends nothing: the listing is recorded and answers no member, so nothing is removed.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import structlog

from opsgate.bot.chat import ChatUnavailable
from opsgate.bot.connector_factory import ConnectorSet
from opsgate.bot.outbox_worker import RetryLater
from opsgate.runbooks.connectors import ConnectorError
from opsgate.runbooks.connectors.models import GroupMember
from opsgate.runbooks.steps import Connectors, not_configured
from opsgate.store import audit, outbox
from opsgate.store import jit_reconcile as leases
from opsgate.store.models import JitResource, utcnow
from opsgate.store.outbox import OutboxItem

if TYPE_CHECKING:
    from opsgate.bot.gate import OpsGate
    from opsgate.bot.services import Services

log = structlog.get_logger("opsgate.jit")

REPORT = "jit.reconcile_report"
ACTOR = "system:jit-reconciler"
LEASE = timedelta(minutes=10)
POLL = timedelta(minutes=1)
_SYSTEM_NAMES = {"okta": "Okta", "graph": "Entra ID"}


@dataclass
class ResourceRound:
    """What one round did (or, dry, would do) to one managed resource's group."""

    org_id: int
    resource: str
    system: str
    group: str
    members: int = 0
    kept: int = 0
    removed: list[str] = field(default_factory=list)
    would_remove: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (member, error)
    skipped: list[str] = field(default_factory=list)
    error: str | None = None  # the group could not be read: nothing was removed
    busy: bool = False  # another replica is reconciling it right now

    @property
    def where(self) -> str:
        return f"{_SYSTEM_NAMES.get(self.system, self.system)} group {self.group!r} ({self.resource})"

    def lines(self) -> list[str]:
        """The CLI's account of the round."""
        if self.busy:
            return [f"{self.resource}: skipped, another OpsGate process is reconciling it now"]
        if self.error is not None:
            return [f"{self.resource}: could not reconcile {self.where}: {self.error}"]
        out = [f"{self.resource}: {self.members} member(s) in {self.where}, {self.kept} with an active grant"]
        out += [f"  removed {m}" for m in self.removed]
        out += [f"  would remove {m}" for m in self.would_remove]
        out += [f"  could not remove {m}: {e} (retried next round)" for m, e in self.failed]
        out += [f"  left alone {m} (not a person OpsGate can match to a grant)" for m in self.skipped]
        return out

    def report(self) -> str:
        """The line posted to the approval channel when members were removed."""
        names = ", ".join(self.removed)
        text = (
            f"JIT reconciler: removed {len(self.removed)} member(s) without an active grant from {self.where}: {names}."
        )
        if self.failed:
            text += " Could not remove " + ", ".join(m for m, _ in self.failed) + "; retried at the next round."
        return text


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[:100]


class Reconciler:
    """Runs reconcile rounds. ``gate`` (when wired into a server) lends the executor's connectors and the chat
    surfaces the report is posted to; the CLI runs rounds with ``services`` and its own connectors only."""

    def __init__(
        self, services: Services, connectors: ConnectorSet | None = None, *, gate: OpsGate | None = None
    ) -> None:
        self.services = services
        self.gate = gate
        self.worker = _worker_id()
        self._connectors = connectors
        self._owned = False

    @property
    def connectors(self) -> ConnectorSet:
        if self._connectors is None:
            executor = self.gate.extras.get("executor") if self.gate is not None else None
            found = getattr(executor, "connectors", None)
            if isinstance(found, ConnectorSet):
                self._connectors = found
            else:
                self._connectors, self._owned = ConnectorSet(self.services.settings), True
        return self._connectors

    async def aclose(self) -> None:
        """Close the connectors only when this reconciler made them (the executor closes its own)."""
        if self._owned and self._connectors is not None:
            await self._connectors.aclose()

    # --- database ---------------------------------------------------------------------------------------------

    def _managed(self) -> list[JitResource]:
        with self.services.read_session() as session:
            return leases.managed_resources(session)

    def _protected(self, org_id: int, resource: str) -> set[str]:
        with self.services.read_session() as session:
            return leases.protected_emails(session, org_id=org_id, resource=resource)

    def _claim(self, row: JitResource, now: datetime, finished_before: datetime | None) -> bool:
        with self.services.transaction() as session:
            return leases.claim(
                session,
                org_id=row.org_id,
                resource=row.name,
                worker=self.worker,
                now=now,
                lease=LEASE,
                finished_before=finished_before,
            )

    def _release(self, row: JitResource, finished_at: datetime) -> None:
        with self.services.transaction() as session:
            leases.release(session, org_id=row.org_id, resource=row.name, worker=self.worker, finished_at=finished_at)

    def _audit(self, org_id: int, action: str, resource: str, data: dict[str, Any]) -> None:
        with self.services.transaction() as session:
            audit.append(session, org_id=org_id, actor=ACTOR, action=action, subject=f"jit:{resource}", data=data)

    def _summarise(self, result: ResourceRound) -> None:
        """The round's summary on the audit chain and, when someone was removed, its report in the outbox (one
        transaction: the report exists exactly when the summary does)."""
        with self.services.transaction() as session:
            record = audit.append(
                session,
                org_id=result.org_id,
                actor=ACTOR,
                action="jit.reconciled",
                subject=f"jit:{result.resource}",
                data={
                    "resource": result.resource,
                    "system": result.system,
                    "group": result.group,
                    "members": result.members,
                    "kept": result.kept,
                    "removed": result.removed,
                    "failed": [{"member": m, "error": e} for m, e in result.failed],
                    "skipped": result.skipped,
                },
            )
            if result.removed:
                outbox.enqueue(
                    session,
                    org_id=result.org_id,
                    kind=REPORT,
                    dedupe_key=f"jit-reconcile:{result.org_id}:{record.seq}",
                    payload={"resource": result.resource, "text": result.report()},
                    give_up_after=timedelta(hours=6),
                )

    # --- rounds -----------------------------------------------------------------------------------------------

    async def run_once(
        self, *, now: datetime | None = None, force: bool = False, dry_run: bool = False
    ) -> list[ResourceRound]:
        """One round over every managed resource this worker can claim. The periodic job takes only resources
        whose last round ended an interval ago; ``force`` (the CLI) takes every resource no one holds now.
        ``dry_run`` claims nothing and changes nothing: it reports who would be removed."""
        now = now or utcnow()
        interval = self.services.settings.jit_reconcile_interval
        finished_before = None if force or dry_run else now - interval
        results: list[ResourceRound] = []
        for row in await self.services.db(self._managed):
            if not dry_run and not await self.services.db(self._claim, row, now, finished_before):
                if force:
                    results.append(ResourceRound(row.org_id, row.name, row.system, row.group_name, busy=True))
                continue
            try:
                results.append(await self._round(row, dry_run))
            except Exception as exc:  # a bug met in one group must not stop the others
                log.exception("jit.reconcile_error", resource=row.name)
                error = f"unexpected error ({type(exc).__name__}); see the OpsGate logs"
                results.append(ResourceRound(row.org_id, row.name, row.system, row.group_name, error=error))
            finally:
                if not dry_run:
                    await self.services.db(self._release, row, now)
        return results

    async def _read_group(self, connectors: Connectors, row: JitResource) -> tuple[str, list[GroupMember]]:
        """The group's id and its direct members, from the resource's directory."""
        if row.system == "okta":
            if connectors.okta is None:
                raise not_configured("okta", "list_group_members")
            group_id = (await connectors.okta.find_group(row.group_name)).id
            return group_id, await connectors.okta.list_group_members(group_id)
        if connectors.graph is None:
            raise not_configured("graph", "list_group_members")
        group_id = (await connectors.graph.find_group(row.group_name)).id
        return group_id, await connectors.graph.list_group_members(group_id)

    @staticmethod
    async def _take_out(connectors: Connectors, system: str, group_id: str, member_id: str) -> bool:
        """Remove one member; False when Graph says it was no longer a member (Okta's removal is silent)."""
        if system == "okta":
            assert connectors.okta is not None
            await connectors.okta.remove_from_group(group_id, member_id)
            return True
        assert connectors.graph is not None
        return await connectors.graph.remove_member(group_id, member_id)

    async def _round(self, row: JitResource, dry_run: bool) -> ResourceRound:
        result = ResourceRound(row.org_id, row.name, row.system, row.group_name)
        connectors, sandbox = self.connectors.for_run()
        try:
            group_id, members = await self._read_group(connectors, row)
        except ConnectorError as exc:
            result.error = str(exc)
            log.warning("jit.reconcile_failed", resource=row.name, error=result.error)
            if not dry_run:
                data = {"resource": row.name, "group": row.group_name, "error": result.error[:500]}
                await self.services.db(self._audit, row.org_id, "jit.reconcile_failed", row.name, data)
            return result
        result.members = len(members)
        protected = await self.services.db(self._protected, row.org_id, row.name)  # read after the listing
        extra: list[GroupMember] = []
        for member in members:
            if not member.addresses:
                result.skipped.append(member.label)
            elif member.addresses & protected:
                result.kept += 1
            else:
                extra.append(member)
        for member in extra:
            if dry_run:
                result.would_remove.append(member.label)
            else:
                await self._remove(row, connectors, group_id, member, result)
        log.info(
            "jit.reconcile_round",
            resource=row.name,
            members=result.members,
            kept=result.kept,
            removed=len(result.removed),
            would_remove=len(result.would_remove),
            failed=len(result.failed),
            skipped=len(result.skipped),
            sandbox=sandbox is not None,
        )
        if result.removed or result.failed:
            await self.services.db(self._summarise, result)
        return result

    async def _remove(
        self, row: JitResource, connectors: Connectors, group_id: str, member: GroupMember, result: ResourceRound
    ) -> None:
        # A grant may have turned active since the listing: read again just before taking anyone out.
        if member.addresses & await self.services.db(self._protected, row.org_id, row.name):
            result.kept += 1
            return
        data: dict[str, Any] = {
            "resource": row.name,
            "system": row.system,
            "group": row.group_name,
            "member": member.label,
            "member_id": member.id,
        }
        try:
            gone = await self._take_out(connectors, row.system, group_id, member.id)
        except ConnectorError as exc:
            log.warning("jit.reconcile_removal_failed", resource=row.name, member=member.label, error=str(exc))
            result.failed.append((member.label, str(exc)))
            data["error"] = str(exc)[:500]
            await self.services.db(self._audit, row.org_id, "jit.reconcile_removal_failed", row.name, data)
            return
        if gone:
            result.removed.append(member.label)
            await self.services.db(self._audit, row.org_id, "jit.reconciled_removal", row.name, data)

    # --- report -----------------------------------------------------------------------------------------------

    async def deliver_report(self, item: OutboxItem) -> None:
        """Post the round's report in the approval channel of every active surface. When one surface is down the
        whole report is retried: a duplicate line beats a lost one."""
        text = str(item.payload["text"])
        assert self.gate is not None, "reports are delivered by a server's outbox worker"
        try:
            for surface in self.gate.cards.active():
                await surface.announce(text)
        except ChatUnavailable as exc:
            raise RetryLater(str(exc), exc.retry_after) from exc


def attach_reconciler(gate: OpsGate, connectors: ConnectorSet | None = None) -> Reconciler:
    """Wire the reconciler into a gate: the report handler and the periodic job (once per gate, like
    :func:`opsgate.bot.jit.revoke.attach`). The reconciler is ``gate.extras["jit_reconciler"]``."""
    reconciler = Reconciler(gate.services, connectors, gate=gate)
    first = "jit_reconciler" not in gate.extras
    gate.extras["jit_reconciler"] = reconciler
    if first:
        gate.outbox.register(REPORT, lambda item: gate.extras["jit_reconciler"].deliver_report(item))

        async def job() -> None:
            await gate.extras["jit_reconciler"].run_once()

        interval = gate.services.settings.jit_reconcile_interval
        gate.scheduler.every(max(min(interval, POLL), timedelta(seconds=1)), "jit-reconcile", job)
    return reconciler
