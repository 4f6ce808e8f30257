"""The reconciler of managed JIT groups against FakeOkta/FakeGraph (real clients over loopback): who goes, who stays,
paging, failures retried, two replicas, dry runs, the schedule, the CLI and the report in Slack."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from opsgate.bot.jit import ResourceSpec
from opsgate.bot.jit.catalog import add_resource
from opsgate.bot.jit.reconcile import attach_reconciler
from opsgate.bot.services import Services
from opsgate.store import jit_reconcile as leases
from opsgate.store.models import utcnow
from tests.conftest import make_settings
from tests.execution_support import Env, Fault, FaultyTransport
from tests.fakes.okta import FakeOkta
from tests.fakes.server import serve
from tests.jit_support import REQUESTER, actions, ask, grant, granted, jit_env, reconciler, second_gate
from tests.test_slack_harness import CHANNEL, slack_env

KIM, LEE = "kim.park@acme.com", "lee.chan@acme.com"
GLASS, FIN = "DB Break Glass", "Finance Admins"


def managed(services: Services, name: str, system: str, group: str) -> None:
    spec = ResourceSpec(name, system, group, "1h", "1h", managed=True)
    add_resource(services, services.default_org_id, spec, actor="test")


def okta_glass(env: Env) -> None:
    env.okta.add_group(GLASS)
    managed(env.services, "break-glass", "okta", GLASS)


def deletes(fake: Any) -> list[str]:
    return [r.path for r in fake.requests if r.method == "DELETE"]


def entries(env: Env, action: str) -> list[dict[str, Any]]:
    return [e for e in env.chain() if e["action"] == action]


async def test_hand_added_member_goes_granted_members_stay_unmanaged_untouched(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        okta_glass(env)
        env.okta.add_user("Lee.Chan@Acme.com", first="Lee", last="Chan")  # login in another case than the grant
        await granted(env, resource="break-glass")
        await granted(env, resource="break-glass", who=LEE)
        env.okta.add_member(GLASS, KIM)  # by hand, no grant
        env.okta.add_member("Prod Admins", KIM)  # prod-admin is not managed: never listed, never touched

        (result,) = await reconciler(env).run_once()
        assert result.resource == "break-glass" and result.removed == [KIM] and result.kept == 2
        assert env.okta.group_members(GLASS) == {REQUESTER, "Lee.Chan@Acme.com"}
        assert KIM in env.okta.group_members("Prod Admins")
        prod = env.okta.group("Prod Admins")["id"]
        assert not any(
            r.path.startswith(f"/api/v1/groups/{prod}/users") for r in env.okta.requests if r.method != "PUT"
        )
        glass = env.okta.group(GLASS)["id"]
        assert f"GET /api/v1/groups/{glass}/users" in env.okta.unchecked  # outside the trimmed spec: hand-checked

        (removal,) = entries(env, "jit.reconciled_removal")
        assert removal["actor"] == "system:jit-reconciler" and removal["subject"] == "jit:break-glass"
        assert removal["data"] | {"member_id": "-"} == {
            "resource": "break-glass", "system": "okta", "group": GLASS, "member": KIM, "member_id": "-",
        }  # fmt: skip
        (summary,) = entries(env, "jit.reconciled")
        assert summary["data"]["removed"] == [KIM] and summary["data"]["kept"] == 2 and summary["data"]["members"] == 3
        assert env.verify().ok


async def test_report_reaches_the_slack_channel_and_quiet_rounds_post_nothing(db_url: str) -> None:
    okta = FakeOkta()
    okta.add_user(KIM)
    okta.add_group(GLASS)
    okta.add_member(GLASS, KIM)
    async with (
        serve(okta.app) as okta_url,
        slack_env(db_url, OKTA_ORG_URL=okta_url, OKTA_API_TOKEN=okta.api_token) as h,
    ):
        managed(h.gate.services, "break-glass", "okta", GLASS)
        rec = attach_reconciler(h.gate)  # no executor here: the reconciler makes its own Okta client
        try:
            (result,) = await rec.run_once()
            assert result.removed == [KIM] and okta.group_members(GLASS) == set()
            await h.settle()
            said = [m["text"] for m in h.fake.channel_messages(CHANNEL)]
            assert len(said) == 1 and said[0].startswith("JIT reconciler: removed 1 member(s) without an active")
            assert f"Okta group '{GLASS}' (break-glass): {KIM}." in said[0]

            (again,) = await rec.run_once(force=True)  # nothing left to remove: nothing is posted
            await h.settle()
            assert again.removed == [] and len(h.fake.channel_messages(CHANNEL)) == 1
            h.assert_clean()
        finally:
            await rec.aclose()
    assert okta.violations == []


async def test_graph_members_over_several_pages_and_non_people_left_alone(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        env.graph.add_group(FIN)
        managed(env.services, "finance-admin", "graph", FIN)
        await granted(env, resource="finance-admin")  # sam, added by the grant
        extra = [f"user{i}@acme.com" for i in range(3)]
        for upn in extra:
            env.graph.add_user(upn)
            env.graph.add_member(FIN, upn)
        robot = env.graph.add_principal_member(FIN, "Backup Robot")
        env.graph.page_cap = 2  # 5 members: three pages

        (result,) = await reconciler(env).run_once()
        assert sorted(result.removed) == extra and result.kept == 1 and result.members == 5
        assert result.skipped == [f"servicePrincipal {robot}"]
        assert env.graph.member_ids(FIN) == {env.graph.user(REQUESTER)["id"], robot}
        group = env.graph.group(FIN)["id"]
        pages = [r for r in env.graph.requests if r.path == f"/v1.0/groups/{group}/members"]
        assert len(pages) == 3 and [("$skiptoken" in p.query) for p in pages] == [False, True, True]
        assert pages[0].query == {"$select": "id,userPrincipalName,mail", "$top": "999"}
        assert env.graph.unchecked.count(f"GET /v1.0/groups/{group}/members") == 3
        assert entries(env, "jit.reconciled")[0]["data"]["skipped"] == [f"servicePrincipal {robot}"]


async def test_okta_members_over_several_pages(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        okta_glass(env)
        await granted(env, resource="break-glass")
        for i in range(4):
            env.okta.add_user(f"temp{i}@acme.com")
            env.okta.add_member(GLASS, f"temp{i}@acme.com")
        env.okta.page_cap = 2
        (result,) = await reconciler(env).run_once()
        assert len(result.removed) == 4 and result.kept == 1 and env.okta.group_members(GLASS) == {REQUESTER}
        glass = env.okta.group(GLASS)["id"]
        pages = [r.query for r in env.okta.requests if r.path == f"/api/v1/groups/{glass}/users"]
        assert len(pages) == 3 and pages[0] == {"limit": "200"} and all("after" in q for q in pages[1:])


async def test_members_graph_will_not_describe_are_skipped_not_removed(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        env.graph.add_group(FIN)
        managed(env.services, "finance-admin", "graph", FIN)
        env.graph.add_member(FIN, KIM)
        env.graph.roles = ["GroupMember.ReadWrite.All"]  # no user read: Graph answers ids and types only
        (result,) = await reconciler(env).run_once()
        assert result.removed == [] and result.skipped == [f"user {env.graph.user(KIM)['id']}"]
        assert KIM in env.graph.group_members(FIN) and entries(env, "jit.reconciled") == []


async def test_failed_removal_is_audited_does_not_stop_the_rest_and_is_retried(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        okta_glass(env)
        env.okta.add_user(LEE)
        env.okta.add_member(GLASS, KIM)
        env.okta.add_member(GLASS, LEE)
        kim = env.okta.user(KIM)["id"]
        env.okta.fail_next(env.retry.max_attempts, status=503, only=f"/users/{kim}")  # every attempt of this round
        start = utcnow()

        (first,) = await reconciler(env).run_once(now=start)
        assert first.removed == [LEE] and [m for m, _ in first.failed] == [KIM]
        assert env.okta.group_members(GLASS) == {KIM}
        (failure,) = entries(env, "jit.reconcile_removal_failed")
        assert failure["data"]["member"] == KIM and "503" in failure["data"]["error"]
        assert entries(env, "jit.reconciled")[0]["data"]["failed"][0]["member"] == KIM

        assert await reconciler(env).run_once(now=start + timedelta(minutes=5)) == []  # not due: interval is 15m
        (second,) = await reconciler(env).run_once(now=start + timedelta(minutes=15))
        assert second.removed == [KIM] and second.failed == [] and env.okta.group_members(GLASS) == set()
        assert actions(env, "jit.reconcile") == [
            "jit.reconcile_removal_failed", "jit.reconciled_removal", "jit.reconciled",  # kim failed, lee went
            "jit.reconciled_removal", "jit.reconciled",  # kim, at the next round
        ]  # fmt: skip


async def test_two_replicas_reconcile_at_once_and_each_member_goes_once(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        okta_glass(env)
        env.graph.add_group(FIN)
        managed(env.services, "finance-admin", "graph", FIN)
        env.okta.add_member(GLASS, KIM)
        env.okta.add_member(GLASS, REQUESTER)
        env.graph.add_member(FIN, KIM)
        other = second_gate(env)
        now = utcnow()
        a, b = await asyncio.gather(reconciler(env).run_once(now=now), other.extras["jit_reconciler"].run_once(now=now))
        assert sorted(r.resource for r in a + b) == ["break-glass", "finance-admin"]  # each claimed by one
        assert len(deletes(env.okta)) == 2 and len(set(deletes(env.okta))) == 2
        assert len(deletes(env.graph)) == 1
        assert env.okta.group_members(GLASS) == set() and env.graph.group_members(FIN) == set()
        assert len(entries(env, "jit.reconciled_removal")) == 3
        other.services.close()


async def test_dry_run_changes_nothing(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        okta_glass(env)
        env.okta.add_member(GLASS, KIM)
        (dry,) = await reconciler(env).run_once(dry_run=True)
        assert dry.would_remove == [KIM] and dry.removed == []
        assert "  would remove kim.park@acme.com" in dry.lines()
        assert deletes(env.okta) == [] and env.okta.group_members(GLASS) == {KIM}
        assert actions(env, "jit.reconcile") == []
        with env.services.read_session() as session:
            assert leases.lease_of(session, org_id=env.services.default_org_id, resource="break-glass") is None
        (real,) = await reconciler(env).run_once()  # the dry run did not count as a round
        assert real.removed == [KIM]


async def test_a_grant_being_executed_keeps_its_member(db_url: str, engine: Engine) -> None:
    release = asyncio.Event()
    hold = Fault("PUT", "/users/", release=release)  # the add to the group waits until released
    async with jit_env(db_url, engine, transport=FaultyTransport(hold)) as env:
        okta_glass(env)
        req = await ask(env, resource="break-glass")
        await env.approve(req.run)
        settling = asyncio.create_task(env.settle(req.run.id))
        await asyncio.wait_for(hold.reached.wait(), 10)
        env.okta.add_member(GLASS, REQUESTER)  # as if the add had landed and its answer were still on the way
        assert env.get(req.run.id).status == "executing" and grant(env, req.run.id).status == "requested"
        (result,) = await reconciler(env).run_once()
        assert result.removed == [] and result.kept == 1 and REQUESTER in env.okta.group_members(GLASS)
        release.set()
        assert (await settling).status == "succeeded"
        assert grant(env, req.run.id).status == "active"


async def test_the_periodic_job_is_scheduled_once_and_reconciles(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine, OPSGATE_JIT_RECONCILE_INTERVAL="30m") as env:
        attach_reconciler(env.gate)  # attaching again replaces the worker, never the job
        jobs = [(name, job, every) for name, job, every in env.gate.scheduler._jobs if name == "jit-reconcile"]
        assert len(jobs) == 1 and jobs[0][2] == timedelta(minutes=1)  # polls each minute, acts every 30m
        okta_glass(env)
        env.okta.add_member(GLASS, KIM)
        await jobs[0][1]()
        assert env.okta.group_members(GLASS) == set()
        env.okta.add_member(GLASS, KIM)
        await jobs[0][1]()  # the next round is 30 minutes away
        assert env.okta.group_members(GLASS) == {KIM}


async def _cli(db_url: str, okta: FakeOkta, okta_url: str, *args: str) -> tuple[int, str]:
    env = {**os.environ, "OPSGATE_DATABASE_URL": db_url, "OKTA_ORG_URL": okta_url, "OKTA_API_TOKEN": okta.api_token}
    opsgate = str(Path(sys.executable).parent / "opsgate")
    proc = await asyncio.create_subprocess_exec(
        opsgate, "jit", "reconcile", *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode() + err.decode()


async def test_cli_dry_run_then_a_round_now(db_url: str, engine: Engine) -> None:
    okta = FakeOkta()
    okta.add_user(KIM)
    okta.add_group(GLASS)
    okta.add_member(GLASS, KIM)
    services = Services(make_settings(db_url), engine)
    managed(services, "break-glass", "okta", GLASS)
    services.close()
    async with serve(okta.app) as okta_url:
        code, said = await _cli(db_url, okta, okta_url, "--dry-run")
        assert code == 0, said
        assert "break-glass: 1 member(s) in Okta group 'DB Break Glass' (break-glass), 0 with an active grant" in said
        assert "would remove kim.park@acme.com" in said and "dry run: nothing was removed" in said
        assert okta.group_members(GLASS) == {KIM}
        code, said = await _cli(db_url, okta, okta_url)
        assert code == 0 and "  removed kim.park@acme.com" in said, said
        assert okta.group_members(GLASS) == set()
    assert okta.violations == []
