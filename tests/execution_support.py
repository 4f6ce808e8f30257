"""Shared set-up for the execution tests: a gate whose executor talks to FakeOkta and FakeGraph on loopback.

Runs are created through the real path (``propose`` + ``gate.ingest.request``), approved with ``gate.decide`` and
delivered by the outbox worker, exactly as in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Engine

from opsgate.bot.connector_factory import ConnectorSet
from opsgate.bot.executor import Executor, attach
from opsgate.bot.gate import OpsGate, build_gate
from opsgate.bot.proposals import propose
from opsgate.bot.runs import Decider
from opsgate.bot.services import Services
from opsgate.runbooks.base import Target
from opsgate.runbooks.connectors import RetryPolicy
from opsgate.store import audit
from opsgate.store.models import Run
from tests.conftest import make_settings
from tests.fakes.graph import FakeGraph
from tests.fakes.okta import FakeOkta
from tests.fakes.server import serve

ALICE = Decider("slack:UALICE", "<@UALICE>", "alice@acme.com", True)
BOB = Decider("slack:UBOB", "<@UBOB>", "bob@acme.com", True)
REQUESTER = "sarah.chen@acme.com"
TERMINAL = frozenset({"succeeded", "failed", "denied", "expired", "cancelled", "awaiting_approval", "no_action"})


class Sleeps(list[float]):
    """A RetryPolicy sleep that records the waits instead of waiting."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)
        await asyncio.sleep(0)


def seed_okta() -> FakeOkta:
    okta = FakeOkta()
    okta.add_user("sam.lee@acme.com", first="Sam", last="Lee", factors=["push", "sms"])
    okta.add_user("kim.park@acme.com", first="Kim", last="Park")
    okta.add_user("omar.said@acme.com", first="Omar", last="Said", status="SUSPENDED")
    okta.add_group("Prod Admins")
    return okta


def seed_graph() -> FakeGraph:
    graph = FakeGraph()
    graph.add_user("sam.lee@acme.com", display_name="Sam Lee", account_enabled=False)
    graph.add_user("kim.park@acme.com", display_name="Kim Park")
    graph.add_group("Finance")
    graph.add_group("Marketing")
    graph.add_group("Marketing")
    graph.add_member("Finance", "kim.park@acme.com")
    graph.add_sku("SPE_E3", enabled=5, consumed=3)
    graph.add_sku("POWER_BI_PRO", enabled=2, consumed=2)
    return graph


@dataclass
class Fault:
    """Requests matching ``method`` and a path containing ``path`` wait for ``release`` (when given), then get
    ``response`` (when given) instead of reaching the fake, ``times`` times."""

    method: str
    path: str
    response: Callable[[], httpx.Response] | None = None
    release: asyncio.Event | None = None
    times: int = 1
    reached: asyncio.Event = field(default_factory=asyncio.Event)


class FaultyTransport(httpx.AsyncBaseTransport):
    """The real transport, with faults injected between the connector and the fake (a lost answer, a hang)."""

    def __init__(self, *faults: Fault) -> None:
        self.faults = list(faults)
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for fault in self.faults:
            if fault.times > 0 and request.method == fault.method and fault.path in request.url.path:
                fault.times -= 1
                fault.reached.set()
                if fault.release is not None:
                    await fault.release.wait()
                if fault.response is not None:
                    return fault.response()
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Env:
    gate: OpsGate
    executor: Executor
    okta: FakeOkta
    graph: FakeGraph
    sleeps: Sleeps
    retry: RetryPolicy

    @property
    def services(self) -> Services:
        return self.gate.services

    def get(self, run_id: str) -> Run:
        return self.gate.runs.get(run_id)

    def request(
        self, intent: str, target: str | None, params: dict[str, Any] | None = None, requester: str = REQUESTER
    ) -> Run:
        proposal = propose(
            intent,
            Target(target) if target else None,
            params or {},
            confidence=0.95,
            reason="test",
            settings=self.services.settings,
        )
        assert proposal.status == "awaiting_approval", proposal.reason
        return self.gate.ingest.request(
            org_id=self.services.default_org_id,
            source="api",
            requester=f"jira:{requester}",
            requester_email=requester,
            summary=f"{intent} for {target}",
            proposal=proposal,
        )

    async def approve(self, run: Run) -> None:
        for decider in (ALICE, BOB)[: run.approvals_required]:
            outcome = await self.gate.decide(run.id, decider, "approve", plan_hash=run.plan_hash)
            assert outcome.ok and outcome.changed, outcome.message

    async def settle(self, run_id: str) -> Run:
        """Deliver the outbox until the run stops moving, and let any kicked delivery finish."""
        for _ in range(200):
            await self.gate.outbox.run_once()
            run = self.get(run_id)
            if run.status in TERMINAL:
                break
            await asyncio.sleep(0.01)
        kicks = list(getattr(self.gate.outbox, "_kicks", ()))
        if kicks:
            await asyncio.gather(*kicks)
        return self.get(run_id)

    async def run(self, intent: str, target: str | None, params: dict[str, Any] | None = None) -> Run:
        run = self.request(intent, target, params)
        await self.approve(run)
        return await self.settle(run.id)

    def chain(self) -> list[dict[str, Any]]:
        out = io.StringIO()
        audit.export(self.services.engine, self.services.default_org_id, "default", out)
        return [json.loads(line) for line in out.getvalue().splitlines()]

    def verify(self) -> audit.Verification:
        return audit.verify(self.services.engine, self.services.default_org_id, "default")

    def step_entries(self, run_id: str) -> list[dict[str, Any]]:
        return [e for e in self.chain() if e["action"] == "run.step" and e["subject"] == f"run:{run_id}"]


def fake_settings(db_url: str, okta: FakeOkta, graph: FakeGraph, okta_url: str, graph_url: str, **env: Any) -> Any:
    values: dict[str, Any] = {
        "OKTA_ORG_URL": okta_url,
        "OKTA_API_TOKEN": okta.api_token,
        "GRAPH_URL": graph_url,
        "GRAPH_LOGIN_URL": graph_url,
        "GRAPH_TENANT_ID": graph.tenant_id,
        "GRAPH_CLIENT_ID": graph.client_id,
        "GRAPH_CLIENT_SECRET": graph.client_secret,
    }
    values.update({k: v(okta, graph) if callable(v) else v for k, v in env.items()})
    return make_settings(db_url, **{k: v for k, v in values.items() if v is not None})


@contextlib.asynccontextmanager
async def open_env(
    db_url: str, engine: Engine, *, transport: httpx.AsyncBaseTransport | None = None, **env: Any
) -> AsyncIterator[Env]:
    """A gate with an attached executor against freshly seeded fakes; ``env`` overrides settings (None unsets; a
    callable gets the seeded fakes, for ids)."""
    okta, graph = seed_okta(), seed_graph()
    async with serve(okta.app) as okta_url, serve(graph.app) as graph_url:
        settings = fake_settings(db_url, okta, graph, okta_url, graph_url, **env)
        services = Services(settings, engine)
        gate = build_gate(services)
        sleeps = Sleeps()
        retry = RetryPolicy(sleep=sleeps, jitter=lambda: 0.0)
        executor = attach(gate, connectors=ConnectorSet(settings, retry=retry, transport=transport))
        try:
            yield Env(gate, executor, okta, graph, sleeps, retry)
        finally:
            await executor.aclose()
            services.close()
    assert okta.violations == [], okta.violations
    assert graph.violations == [], graph.violations


def writes(requests: list[Any]) -> list[str]:
    """The requests that could change something (anything but GET), as ``METHOD path``."""
    return [f"{r.method} {r.path}" for r in requests if r.method != "GET"]
