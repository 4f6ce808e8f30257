"""A JIT resource's own approvers (e.g. its owner): one of them must approve, on top of the usual approval, and they
may approve that resource even when they are not configured OpsGate approvers."""

from __future__ import annotations

from sqlalchemy import Engine

from opsgate.bot.jit import ResourceSpec
from opsgate.bot.jit.catalog import add_resource
from opsgate.bot.runs import Decider
from tests.execution_support import ALICE, BOB
from tests.jit_support import ask, grant, jit_env

OWNER = Decider("slack:U0DBOWNER", "<@U0DBOWNER>", "dana.owner@acme.com", False)  # not a configured approver
STRANGER = Decider("slack:U0NOBODY", "<@U0NOBODY>", "nobody@acme.com", False)


def _owned(env: object, approvers: tuple[str, ...] = ("dana.owner@acme.com",)) -> None:
    services = env.services  # type: ignore[attr-defined]
    spec = ResourceSpec("prod-db", "okta", "Prod Admins", "4h", "1h", extra_approvers=approvers)
    add_resource(services, services.default_org_id, spec, actor="cli")


async def test_the_owner_must_give_one_of_the_approvals(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        _owned(env)
        req = await ask(env, "prod-db", "1h")
        run = req.run
        assert run.approvals_required == 2 and run.params["approvers"] == ["dana.owner@acme.com"]

        first = await env.gate.decide(run.id, ALICE, "approve", plan_hash=run.plan_hash)
        assert first.changed and "1 more needed" in first.message
        refused = await env.gate.decide(run.id, BOB, "approve", plan_hash=run.plan_hash)
        assert not refused.changed and "resource's own approvers (dana.owner@acme.com)" in refused.message
        assert env.get(run.id).status == "awaiting_approval"

        nobody = await env.gate.decide(run.id, STRANGER, "approve", plan_hash=run.plan_hash)
        assert not nobody.changed and "Only configured approvers" in nobody.message

        owner = await env.gate.decide(run.id, OWNER, "approve", plan_hash=run.plan_hash)
        assert owner.changed and owner.run.status == "approved"
        assert await env.settle(run.id) and grant(env, run.id).status == "active"
        approvals = env.get(run.id).approvals
        assert [a["actor"] for a in approvals] == [ALICE.actor, OWNER.actor] and approvals[1].get("named") is True


async def test_the_owner_may_approve_first_and_by_actor_id(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        _owned(env, ("slack:U0DBOWNER",))
        run = (await ask(env, "prod-db", "30m")).run
        owner = await env.gate.decide(run.id, OWNER, "approve", plan_hash=run.plan_hash)
        assert owner.changed and owner.run.status == "awaiting_approval"
        done = await env.gate.decide(run.id, BOB, "approve", plan_hash=run.plan_hash)
        assert done.changed and done.run.status == "approved"


async def test_the_owner_cannot_approve_their_own_request(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        _owned(env)
        run = (await ask(env, "prod-db", "1h", who="dana.owner@acme.com")).run
        own = await env.gate.decide(run.id, OWNER, "approve", plan_hash=run.plan_hash)
        assert not own.changed and "You asked for this run" in own.message


async def test_a_resource_without_approvers_needs_the_usual_approval(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        run = (await ask(env)).run
        assert run.approvals_required == 1 and "approvers" not in run.params
        assert (await env.gate.decide(run.id, ALICE, "approve", plan_hash=run.plan_hash)).run.status == "approved"
