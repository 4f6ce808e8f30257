"""Shared set-up for the JIT tests (no tests here): a gate with the executor and JIT attached over FakeOkta and
FakeGraph, and the catalog the tests request from."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from opsgate.bot.gate import build_gate
from opsgate.bot.jit import ResourceSpec, Revoker, attach
from opsgate.bot.jit.catalog import add_resource
from opsgate.bot.jit.reconcile import Reconciler, attach_reconciler
from opsgate.bot.jit.service import JitRequest, JitService
from opsgate.bot.services import Services
from opsgate.store.models import JitGrant
from tests.execution_support import Env, open_env

REQUESTER = "sam.lee@acme.com"


def seed_catalog(services: Services) -> None:
    org = services.default_org_id
    add_resource(
        services, org, ResourceSpec("prod-admin", "okta", "Prod Admins", "4h", "1h", jira_project="OPS"), actor="cli"
    )
    add_resource(services, org, ResourceSpec("finance", "graph", "Finance", "2h", "30m"), actor="cli")


def jit(env: Env) -> JitService:
    service: JitService = env.gate.extras["jit"]
    return service


def revoker(env: Env) -> Revoker:
    found: Revoker = env.gate.extras["jit_revoker"]
    return found


def reconciler(env: Env) -> Reconciler:
    found: Reconciler = env.gate.extras["jit_reconciler"]
    return found


@contextlib.asynccontextmanager
async def jit_env(db_url: str, engine: Engine, **env: Any) -> AsyncIterator[Env]:
    async with open_env(db_url, engine, **env) as opened:
        attach(opened.gate, connectors=opened.executor.connectors)
        attach_reconciler(opened.gate, connectors=opened.executor.connectors)
        seed_catalog(opened.services)
        yield opened


def second_gate(env: Env) -> Any:
    """Another replica (or the process after a restart): a new gate over the same database and fakes."""
    services = Services(env.services.settings, env.services.engine)
    gate = build_gate(services)
    attach(gate, connectors=env.executor.connectors)
    attach_reconciler(gate, connectors=env.executor.connectors)
    return gate


async def ask(
    env: Env, resource: str = "prod-admin", duration: str | None = "1m", who: str = REQUESTER, **kw: Any
) -> JitRequest:
    return await env.services.db(
        jit(env).request,
        env.services.default_org_id,
        resource,
        duration,
        "deploy hotfix",
        f"slack:U{who[:3].upper()}",
        who,
        **kw,
    )


def grant(env: Env, run_id: str) -> JitGrant:
    from opsgate.store import jit as rows

    with env.services.read_session() as session:
        found = rows.grant_for_run(session, run_id)
    assert found is not None
    return found


async def granted(env: Env, resource: str = "prod-admin", duration: str = "1m", who: str = REQUESTER) -> JitGrant:
    req = await ask(env, resource, duration, who)
    await env.approve(req.run)
    run = await env.settle(req.run.id)
    assert run.status == "succeeded", (run.status, run.failure, run.steps)
    return grant(env, req.run.id)


def after(g: JitGrant, seconds: float = 1) -> datetime:
    assert g.due_at is not None
    return g.due_at + timedelta(seconds=seconds)


def actions(env: Env, prefix: str = "jit.") -> list[str]:
    return [e["action"] for e in env.chain() if e["action"].startswith(prefix)]
