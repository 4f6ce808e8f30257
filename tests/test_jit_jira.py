"""The Jira task of a JIT request (FakeJira): created on request, moved and commented at grant and revoke; Jira
being down never blocks the grant, and the task catches up when Jira is back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from opsgate.bot.executor import attach as attach_executor
from opsgate.bot.jit import Revoker, attach
from opsgate.store import jit as rows
from opsgate.store.models import JitGrant
from tests.jira_support import Env, jira_env_gate
from tests.jit_support import seed_catalog

WHO = "sam.lee@acme.com"


def _wire(env: Env) -> tuple[Any, Revoker]:
    env.fake.add_project("OPS", "Operations")
    attach_executor(env.gate)  # sandbox: nothing sent to Okta
    revoker = attach(env.gate)
    seed_catalog(env.services)
    return env.gate.extras["jit"], revoker


def _grant(env: Env, run_id: str) -> JitGrant:
    with env.services.read_session() as session:
        found = rows.grant_for_run(session, run_id)
    assert found is not None
    return found


async def _request(env: Env, service: Any) -> JitGrant:
    made = await env.services.db(
        service.request, env.services.default_org_id, "prod-admin", "1m", "INC-7 hotfix", "slack:USAM", WHO
    )
    return made.grant  # type: ignore[no-any-return]


def _comments(env: Env, key: str) -> str:
    return " | ".join(str(c.body) for c in env.fake.issues[key].comments)


async def test_task_created_moved_and_done(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine, sandbox=True) as env:
        service, revoker = _wire(env)
        grant = await _request(env, service)
        await env.drain()
        key = _grant(env, grant.run_id).jira_issue_key
        assert key is not None and key.startswith("OPS-")
        issue = env.fake.issues[key]
        assert issue.summary == f"JIT access: prod-admin for {WHO} (1m)" and issue.status == "To Do"

        await env.approve(grant.run_id)
        await env.drain(20)
        active = _grant(env, grant.run_id)
        assert active.status == "active"
        await env.drain()
        assert env.fake.issues[key].status == "In Progress"
        assert "Access granted" in _comments(env, key)

        assert active.due_at is not None
        await revoker.revoke_due(now=active.due_at)
        await env.drain()
        assert env.fake.issues[key].status == "Done"
        assert "Access revoked" in _comments(env, key)


async def test_jira_down_never_blocks_the_grant(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine, sandbox=True) as env:
        service, revoker = _wire(env)
        env.fake.down()
        grant = await _request(env, service)
        await env.approve(grant.run_id)
        await env.drain(20)
        active = _grant(env, grant.run_id)
        assert active.status == "active" and active.jira_issue_key is None
        assert active.due_at is not None
        assert len(await revoker.revoke_due(now=active.due_at)) == 1
        assert _grant(env, grant.run_id).status == "revoked"

        env.fake.up()
        for _ in range(4):
            env.make_due("jit.jira")
            await env.drain()
        key = _grant(env, grant.run_id).jira_issue_key
        assert key is not None and env.fake.issues[key].status == "Done"
        assert "Access granted" in _comments(env, key) and "Access revoked" in _comments(env, key)
