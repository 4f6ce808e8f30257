"""The Jira gateway: one object per process that owns the Jira clients and wires write-back, sync and tickets
into the gate.

``attach(gate)`` registers the run-transition listener, the outbox handlers (``jira.comment``,
``jira.transition``, ``jira.note``) and a periodic self-test of every site (which also runs at start), creates the
default org's site from the environment, and stores the gateway as ``gate.extras["jira"]``.

Jira calls run in the gateway's own worker threads, never in the store's: a slow or unreachable Jira can hold only
these threads, so approvals and card updates carry on. One client per integration is kept and rebuilt when the
integration's URL or credentials change.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import structlog

from opsgate.bot.gate import OpsGate
from opsgate.bot.jira.client import JiraCallError, JiraClient, NotJira
from opsgate.bot.jira.config import JiraSite
from opsgate.bot.jira.integrations import Integrations
from opsgate.bot.jira.notes import NOTE, NoteDelivery
from opsgate.bot.jira.selftest import Check, SelfTest
from opsgate.bot.jira.sync import WebhookSync
from opsgate.bot.jira.tickets import Tickets
from opsgate.bot.jira.transitions import Transitions
from opsgate.bot.jira.writeback import COMMENT, TRANSITION, WriteBack
from opsgate.bot.outbox_worker import GiveUp, RetryLater
from opsgate.store.crypto import SecretKeyError

T = TypeVar("T")
log = structlog.get_logger("opsgate.jira")
EXTRA_KEY = "jira"
JIRA_THREADS = 8


class JiraGateway:
    def __init__(
        self, gate: OpsGate, *, connect: Callable[..., JiraClient] | None = None, threads: int = JIRA_THREADS
    ) -> None:
        self.gate = gate
        self.services = gate.services
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="opsgate-jira")
        self.integrations = Integrations(self.services, blocking=self.blocking, connect=connect)
        self._clients: dict[str, tuple[str, JiraClient]] = {}
        self._lock = threading.Lock()
        self.writeback = WriteBack(self)
        self.transitions = Transitions(self)
        self.sync = WebhookSync(self)
        self.tickets = Tickets(self)
        self.notes = NoteDelivery(gate.cards, gate.surfaces)
        # Told every scheduled self-test result (the Jira summary's connection health and /readyz detail).
        self.health_listeners: list[Callable[[JiraSite, SelfTest], None]] = []

    # --- threads and clients --------------------------------------------------------------------------------

    async def blocking(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn)

    async def site(self, integration_id: str) -> JiraSite | None:
        """A site with its secrets (for calls and signatures)."""
        return await self.services.db(self.integrations.load, integration_id, secrets=True)

    @staticmethod
    def _fingerprint(site: JiraSite) -> str:
        c = site.credentials()
        return hashlib.sha256(f"{c.base_url}\n{c.auth}\n{c.email}\n{c.token}".encode()).hexdigest()

    def client(self, site: JiraSite) -> JiraClient:
        """Blocking: the site's client, connected on first use (``serverInfo`` picks Cloud or Server)."""
        fingerprint = self._fingerprint(site)
        with self._lock:
            cached = self._clients.get(site.id)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        client = self.integrations.connect(site.credentials())
        if not (site.config.account_id or site.config.account_name):
            # Learn OpsGate's own Jira account, so webhooks it causes do not echo back.
            self.integrations.remember_account(site.id, client.myself(), client.deployment)
        with self._lock:
            self._clients[site.id] = (fingerprint, client)
        return client

    def forget(self, integration_id: str) -> None:
        with self._lock:
            gone = self._clients.pop(integration_id, None)
        if gone is not None:
            gone[1].close()

    async def call(self, site: JiraSite, fn: Callable[[JiraClient], T]) -> T:
        """Run ``fn(client)`` in a Jira thread. Raises :class:`JiraCallError`."""
        try:
            return await self.blocking(lambda: fn(self.client(site)))
        except JiraCallError as err:
            if err.status in (401, 403):
                self.forget(site.id)
            raise

    async def deliver(self, site: JiraSite, fn: Callable[[JiraClient], T]) -> T:
        """:meth:`call` for outbox handlers: temporary trouble retries later, the rest gives up (visibly)."""
        try:
            return await self.call(site, fn)
        except NotJira as err:  # e.g. a maintenance page answering 200: the site was Jira when it was saved
            raise RetryLater(str(err)) from None
        except JiraCallError as err:
            if err.temporary:
                raise RetryLater(str(err), err.retry_after) from None
            raise GiveUp(str(err)) from None

    # --- checks ---------------------------------------------------------------------------------------------

    async def health(self) -> None:
        """Self-test every site (at start and every OPSGATE_JIRA_HEALTH_INTERVAL); problems are logged."""
        for site in await self.services.db(self.integrations.sites):
            try:
                test = await self.integrations.self_test(site)
            except SecretKeyError as exc:
                log.error("jira_self_test_failed", integration=site.id, url=site.base_url, problem=str(exc))
                self._tell(site, SelfTest([Check("site", False, f"stored credentials unreadable: {exc}")]))
                continue
            self._tell(site, test)
            if test.ok:
                log.info("jira_self_test_ok", integration=site.id, url=site.base_url, deployment=test.deployment)
            else:
                log.warning("jira_self_test_failed", integration=site.id, url=site.base_url, problems=test.problems())

    def _tell(self, site: JiraSite, test: SelfTest) -> None:
        for listener in self.health_listeners:
            try:
                listener(site, test)
            except Exception:
                log.exception("jira_health_listener_failed", integration=site.id)

    def close(self) -> None:
        for integration_id in list(self._clients):
            self.forget(integration_id)
        self._pool.shutdown(wait=False, cancel_futures=True)


def attach(gate: OpsGate, *, connect: Callable[..., JiraClient] | None = None) -> JiraGateway:
    """Wire the Jira gateway into ``gate`` (idempotent) and return it."""
    existing = gate.extras.get(EXTRA_KEY)
    if isinstance(existing, JiraGateway):
        return existing
    gw = JiraGateway(gate, connect=connect)
    gate.runs.on_transition(gw.writeback.listener)
    gate.outbox.register(COMMENT, gw.writeback.deliver_comment, on_give_up=gw.writeback.on_give_up)
    gate.outbox.register(TRANSITION, gw.transitions.deliver, on_give_up=gw.writeback.on_give_up)
    gate.outbox.register(NOTE, gw.notes)
    gate.scheduler.every(gate.services.settings.jira_health_interval, "jira-health", gw.health)
    try:
        site = gw.integrations.ensure_from_env()
        if site is not None:
            log.info("jira_site_from_env", integration=site.id, url=site.base_url)
    except Exception as exc:  # a bad JIRA_* setting must not keep OpsGate from serving approvals
        log.error("jira_env_integration_not_saved", problem=str(getattr(exc, "detail", exc)))
    gate.extras[EXTRA_KEY] = gw
    return gw
