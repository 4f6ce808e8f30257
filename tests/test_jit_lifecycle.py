"""JIT access end to end against FakeOkta/FakeGraph: request -> approve -> grant -> timed revoke (time by ``now=``)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import Engine

from opsgate.bot.errors import ValidationFailed
from opsgate.bot.jit import NotInCatalog, Revoker
from opsgate.bot.runs import Decider
from tests.execution_support import ALICE
from tests.jit_support import REQUESTER, actions, after, ask, grant, granted, jit, jit_env, revoker, second_gate


def removals(okta: Any) -> list[str]:
    return [r.path for r in okta.requests if r.method == "DELETE" and "/users/" in r.path]


async def test_full_lifecycle_okta(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        req = await ask(env)
        assert req.run.runbook_id == "RB-020" and req.run.status == "awaiting_approval"
        assert req.grant.status == "requested" and req.grant.duration_seconds == 60
        await env.approve(req.run)
        run = await env.settle(req.run.id)
        assert run.status == "succeeded"
        g = grant(env, req.run.id)
        assert g.status == "active" and g.member_before is False  # read before the add: not a member yet
        assert g.due_at is not None and g.granted_at is not None
        assert (g.due_at - g.granted_at).total_seconds() == 60
        assert REQUESTER in env.okta.group_members("Prod Admins")

        assert await revoker(env).revoke_due(now=g.granted_at) == []  # not due yet
        assert REQUESTER in env.okta.group_members("Prod Admins")

        done = await revoker(env).revoke_due(now=after(g, 3))
        assert [d.grant_id for d in done] == [g.id] and done[0].removed and done[0].lateness_seconds == 3
        assert REQUESTER not in env.okta.group_members("Prod Admins")
        g = grant(env, req.run.id)
        assert g.status == "revoked" and g.revoked_at == after(g, 3)
        assert await revoker(env).revoke_due(now=after(g, 100)) == []  # once only
        assert actions(env) == [
            "jit.resource_saved",
            "jit.resource_saved",
            "jit.granted",
            "jit.notice.granted",
            "jit.revoked",
            "jit.notice.revoked",
        ]
        revoked = next(e for e in env.chain() if e["action"] == "jit.revoked")
        assert revoked["data"]["lateness_seconds"] == 3 and revoked["data"]["removed"] is True
        assert env.verify().ok


async def test_requester_cannot_approve(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        req = await ask(env)
        me = Decider("slack:USAM", "<@USAM>", REQUESTER, True)
        outcome = await env.gate.decide(req.run.id, me, "approve", plan_hash=req.run.plan_hash)
        assert not outcome.changed
        assert env.get(req.run.id).status == "awaiting_approval"


async def test_catalog_refusal_and_duration_bound(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        with pytest.raises(NotInCatalog, match=r"not a just-in-time resource.*finance, prod-admin"):
            await ask(env, resource="root-everything")
        with pytest.raises(ValidationFailed, match="longer than prod-admin's maximum of 4h"):
            await ask(env, duration="5h")
        with pytest.raises(ValidationFailed, match="not a duration"):
            await ask(env, duration="soon")
        req = await ask(env, duration=None)  # the resource's default
        assert req.grant.duration_seconds == 3600 and req.run.params["duration"] == "1h"


async def test_denied_request_closes_grant(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        req = await ask(env)
        outcome = await env.gate.decide(req.run.id, ALICE, "deny", plan_hash=req.run.plan_hash, reason="no")
        assert outcome.changed
        await env.settle(req.run.id)
        assert grant(env, req.run.id).status == "denied"
        assert REQUESTER not in env.okta.group_members("Prod Admins")


async def test_revocation_due_while_down_runs_on_restart(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        g = await granted(env)
        env.services.close()  # the process dies before the due time
        restarted = second_gate(env)
        late: Revoker = restarted.extras["jit_revoker"]
        done = await late.revoke_due(now=after(g, 600))
        assert len(done) == 1 and done[0].lateness_seconds == 600
        assert REQUESTER not in env.okta.group_members("Prod Admins")
        restarted.services.close()


async def test_two_replicas_race_for_one_revocation(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        grants = [await granted(env, who=w) for w in (REQUESTER, "kim.park@acme.com")]
        other = second_gate(env)
        when = max(after(g) for g in grants)
        a, b = await asyncio.gather(revoker(env).revoke_due(now=when), other.extras["jit_revoker"].revoke_due(now=when))
        assert sorted(d.grant_id for d in a + b) == sorted(g.id for g in grants)
        assert len(removals(env.okta)) == 2  # one removal per grant, whoever claimed it
        assert env.okta.group_members("Prod Admins") == set()
        other.services.close()


async def test_early_release_and_approver_revoke(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        g = await granted(env, duration="2h")
        org = env.services.default_org_id
        with pytest.raises(Exception, match="no grant"):
            jit(env).end_early(org, g.id or 0, actor="slack:UKIM", email="kim.park@acme.com", is_approver=False)
        jit(env).end_early(org, g.id or 0, actor="slack:USAM", email=REQUESTER, is_approver=False, now=g.granted_at)
        done = await revoker(env).revoke_due(now=g.granted_at)
        assert len(done) == 1 and REQUESTER not in env.okta.group_members("Prod Admins")
        assert "jit.released" in actions(env)

        g2 = await granted(env, who="kim.park@acme.com", duration="2h")
        jit(env).end_early(org, g2.id or 0, actor=ALICE.actor, email=ALICE.email, is_approver=True, now=g2.granted_at)
        assert len(await revoker(env).revoke_due(now=g2.granted_at)) == 1
        assert "jit.revoked_early" in actions(env)


async def test_extension_is_a_new_approved_request(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        first = await granted(env)
        org = env.services.default_org_id
        ext = await env.services.db(jit(env).extend, org, first.id or 0, "30m", "still on it", "slack:USAM", REQUESTER)
        assert ext.run.id != first.run_id and ext.run.status == "awaiting_approval"
        assert grant(env, ext.run.id).extended_from == first.id
        await env.approve(ext.run)
        assert (await env.settle(ext.run.id)).status == "succeeded"
        second = grant(env, ext.run.id)
        # the first grant's end keeps the member (the extension is active) ...
        done = await revoker(env).revoke_due(now=after(first))
        assert len(done) == 1 and not done[0].removed
        assert REQUESTER in env.okta.group_members("Prod Admins")
        # ... and the extension's end removes them
        done = await revoker(env).revoke_due(now=after(second))
        assert len(done) == 1 and done[0].removed
        assert REQUESTER not in env.okta.group_members("Prod Admins")


async def test_entra_membership_before_the_grant_is_kept(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        assert "kim.park@acme.com" in env.graph.group_members("Finance")
        g = await granted(env, resource="finance", who="kim.park@acme.com")
        assert g.member_before is True
        done = await revoker(env).revoke_due(now=after(g))
        assert len(done) == 1 and not done[0].removed
        assert "kim.park@acme.com" in env.graph.group_members("Finance")
        assert grant(env, g.run_id).status == "revoked"


async def test_okta_membership_before_the_grant_is_kept(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        env.okta.add_member("Prod Admins", "kim.park@acme.com")  # a standing member asks for it anyway
        g = await granted(env, who="kim.park@acme.com")
        assert g.member_before is True
        check = next(s for s in env.get(g.run_id).steps if s["op"] == "okta.check_membership")
        assert check["outcome"] == "ok" and check["detail"].startswith("already a member")
        kim = env.okta.user("kim.park@acme.com")["id"]
        assert f"GET /api/v1/users/{kim}/groups" in env.okta.unchecked  # outside the trimmed spec, checked by hand
        done = await revoker(env).revoke_due(now=after(g))
        assert len(done) == 1 and not done[0].removed and "member before" in done[0].detail
        assert "kim.park@acme.com" in env.okta.group_members("Prod Admins")
        assert removals(env.okta) == []  # nothing was taken away
        assert grant(env, g.run_id).status == "revoked"
        granted_entry = next(e for e in env.chain() if e["action"] == "jit.granted")
        assert granted_entry["data"]["member_before"] is True


async def test_entra_new_member_is_removed(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        g = await granted(env, resource="finance", who=REQUESTER)
        assert g.member_before is False and REQUESTER in env.graph.group_members("Finance")
        await revoker(env).revoke_due(now=after(g))
        assert REQUESTER not in env.graph.group_members("Finance")


async def test_expiry_warning_claimed_once(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        g = await granted(env, duration="1h")
        assert g.due_at is not None
        from datetime import timedelta

        early = g.due_at - timedelta(minutes=30)
        assert await revoker(env).warn_expiring(now=early) == []
        soon = g.due_at - timedelta(minutes=9)
        other = second_gate(env)
        a, b = await asyncio.gather(
            revoker(env).warn_expiring(now=soon), other.extras["jit_revoker"].warn_expiring(now=soon)
        )
        assert a + b == [g.id]
        assert actions(env).count("jit.notice.expiring") == 1
        other.services.close()


async def test_failed_then_retried_grant_still_gets_its_revocation(db_url: str, engine: Engine) -> None:
    from opsgate.bot.jit import ResourceSpec
    from opsgate.bot.jit.catalog import add_resource

    async with jit_env(db_url, engine) as env:
        add_resource(env.services, env.services.default_org_id, ResourceSpec("ops", "okta", "Ops On Call", "1h", "1h"),
                     actor="test")  # fmt: skip
        req = await ask(env, resource="ops")
        await env.approve(req.run)
        assert (await env.settle(req.run.id)).status == "failed"  # the group does not exist yet
        assert grant(env, req.run.id).status == "requested"
        env.okta.add_group("Ops On Call")
        outcome = await env.executor.retry(req.run.id, ALICE)
        assert outcome.run.status == "succeeded", outcome.message
        g = grant(env, req.run.id)
        assert g.status == "active"
        await revoker(env).revoke_due(now=after(g))
        assert REQUESTER not in env.okta.group_members("Ops On Call")


async def test_attach_schedules_the_revocation_job_once(db_url: str, engine: Engine) -> None:
    from opsgate.bot.jit import attach

    async with jit_env(db_url, engine) as env:
        attach(env.gate)  # attaching again (tests) replaces the workers, never the job
        names = [name for name, _job, _interval in env.gate.scheduler._jobs]
        assert names.count("jit-revocations") == 1
        g = await granted(env)
        job = next(job for name, job, _ in env.gate.scheduler._jobs if name == "jit-revocations")
        await job()  # the real job at the real time: not due yet, nothing happens
        assert grant(env, g.run_id).status == "active"
