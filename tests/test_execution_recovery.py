"""At most once: a changed plan runs nothing and asks again, racing executors run each step once, and a run
interrupted by a dying process is failed ("interrupted; check the target system") or, when safe, resumed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from opsgate.bot.connector_factory import ConnectorSet
from opsgate.bot.executor import Executor, claim_is_dead
from opsgate.bot.notifications import CARD_REQUEST, EXECUTE
from opsgate.store import outbox
from opsgate.store.models import Run
from tests.execution_support import ALICE, BOB, Env, Fault, FaultyTransport, open_env
from tests.helpers import count

NEW_HIRE = {"first_name": "Nora", "last_name": "Quinn", "email": "nora.quinn@acme.com", "license": "E3"}


@pytest.fixture
async def env(db_url: str, engine: Engine) -> AsyncIterator[Env]:
    async with open_env(db_url, engine) as env:
        yield env


def entries(env: Env, run_id: str, action: str) -> int:
    return count(
        env.services,
        "SELECT count(*) FROM audit_entries WHERE action = :a AND subject = :s",
        a=action,
        s=f"run:{run_id}",
    )


async def approve_quietly(env: Env, run: Run) -> None:
    """Approve without kicking the outbox, so the test decides who delivers the execute row."""
    for decider in (ALICE, BOB)[: run.approvals_required]:
        outcome = await env.services.db(env.gate.runs.decide, run.id, decider, "approve", plan_hash=run.plan_hash)
        assert outcome.changed, outcome.message


def other_executor(env: Env, **kwargs: object) -> Executor:
    return Executor(env.gate, connectors=ConnectorSet(env.services.settings, retry=env.retry), **kwargs)  # type: ignore[arg-type]


# --- plan changed between approval and execution --------------------------------------------------------------------


async def test_changed_plan_runs_nothing_and_requests_a_fresh_card(env: Env) -> None:
    run = env.request("new_hire", "nora.quinn@acme.com", NEW_HIRE)
    await env.approve(run)
    env.services.settings.graph_usage_location = "GB"  # the admin changed a setting the plan depends on
    replanned = await env.settle(run.id)
    assert replanned.status == "awaiting_approval" and replanned.approvals == []
    assert replanned.plan_hash != run.plan_hash and replanned.plan[1]["body"]["usageLocation"] == "GB"
    assert replanned.deadline_at is not None and replanned.decided_by is None
    assert env.okta.requests == [] and env.graph.requests == []
    assert entries(env, run.id, "run.replanned") == 1 and entries(env, run.id, "run.executing") == 0
    cards = count(
        env.services,
        "SELECT count(*) FROM outbox WHERE kind = :k AND dedupe_key = :d",
        k=CARD_REQUEST,
        d=f"card:{run.id}:{replanned.plan_hash}",
    )
    assert cards == 1

    stale = await env.gate.decide(run.id, BOB, "approve", plan_hash=run.plan_hash)
    assert not stale.ok and "out of date" in stale.message
    await env.approve(replanned)  # the fresh card, approved again, runs
    done = await env.settle(run.id)
    assert done.status == "succeeded", done.failure
    assert env.graph.user("nora.quinn@acme.com")["usageLocation"] == "GB"


# --- at most once ---------------------------------------------------------------------------------------------------


async def test_racing_executors_and_replayed_rows_run_each_step_once(env: Env) -> None:
    run = env.request("mfa_reset", "sam.lee@acme.com")
    await approve_quietly(env, run)
    with env.services.transaction() as session:  # a replayed execute row for the same approval
        outbox.enqueue(
            session,
            org_id=run.org_id,
            kind=EXECUTE,
            dedupe_key=f"replay:{run.id}",
            run_id=run.id,
            payload={"run_id": run.id, "plan_hash": run.plan_hash},
        )
    second = other_executor(env)
    try:
        results = await asyncio.gather(
            env.executor.execute(run.id), second.execute(run.id), env.gate.outbox.run_once(), second.execute(run.id)
        )
        await env.gate.outbox.run_once()
    finally:
        await second.aclose()
    assert sum(1 for r in results[:2] + results[3:] if r is not None) <= 1
    done = env.get(run.id)
    assert done.status == "succeeded" and env.okta.factor_types("sam.lee@acme.com") == []
    resets = [r for r in env.okta.requests if r.path.endswith("/lifecycle/reset_factors")]
    lists = [r for r in env.okta.requests if r.path.endswith("/factors")]
    assert len(resets) == 1 and len(lists) == 1
    assert entries(env, run.id, "run.executing") == 1 and entries(env, run.id, "run.step") == 3
    assert entries(env, run.id, "run.succeeded") == 1
    with env.services.read_session() as session:
        assert outbox.pending(session, run_id=run.id, kind=EXECUTE) == []
    assert env.verify().ok


# --- restarts -------------------------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def crashed_mid_step(
    db_url: str, engine: Engine, intent: str, target: str, path: str, worker_id: str | None = None
) -> AsyncIterator[tuple[Env, Run]]:
    """A run whose executor dies while the step sending ``path`` waits for its answer."""
    hang = Fault("POST", path, release=asyncio.Event())
    async with open_env(db_url, engine, transport=FaultyTransport(hang)) as env:
        if worker_id is not None:
            env.executor.worker_id = worker_id
        run = env.request(intent, target)
        await approve_quietly(env, run)
        task = asyncio.get_running_loop().create_task(env.executor.execute(run.id))
        await hang.reached.wait()
        task.cancel()  # the process is killed while the request is in flight
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert env.get(run.id).status == "executing"
        yield env, run


async def test_interrupted_run_is_failed_after_restart(db_url: str, engine: Engine) -> None:
    async with crashed_mid_step(db_url, engine, "offboarding", "kim.park@acme.com", "/lifecycle/suspend") as (env, run):
        restarted = other_executor(env)  # the next life of this process
        try:
            assert await restarted.recover_interrupted() == [run.id]
            assert await restarted.recover_interrupted() == []
        finally:
            await restarted.aclose()
        final = env.get(run.id)
        assert final.status == "failed"
        assert (final.failure or "").startswith(
            "interrupted; check the target system: step 2 of 2 (Suspend kim.park@acme.com"
        )
        assert [s["outcome"] for s in final.steps] == ["ok", "failed"] and final.steps[1]["interrupted"] is True
        assert env.okta.status("kim.park@acme.com") == "ACTIVE"  # it never reached Okta; the admin checks
        steps = [(e["data"]["index"], e["data"]["outcome"]) for e in env.step_entries(run.id)]
        assert steps == [(0, "ok"), (1, "failed")]
        assert env.verify().ok


async def test_interrupted_idempotent_run_resumes(db_url: str, engine: Engine) -> None:
    async with crashed_mid_step(db_url, engine, "mfa_reset", "sam.lee@acme.com", "/lifecycle/reset_factors") as (
        env,
        run,
    ):
        restarted = other_executor(env)
        try:
            assert await restarted.recover_interrupted() == [run.id]
        finally:
            await restarted.aclose()
        final = env.get(run.id)
        assert final.status == "succeeded" and final.claimed_by == restarted.worker_id
        assert env.okta.factor_types("sam.lee@acme.com") == []
        assert [s["outcome"] for s in final.steps] == ["ok", "ok", "ok"]
        assert entries(env, run.id, "run.resumed") == 1


async def test_another_hosts_claim_waits_for_its_lease(db_url: str, engine: Engine) -> None:
    async with crashed_mid_step(
        db_url, engine, "password_reset", "kim.park@acme.com", "/lifecycle/reset_password", "db-2:4242:aaaa"
    ) as (env, run):
        restarted = other_executor(env)
        try:
            assert await restarted.recover_interrupted() == []  # its heartbeat is fresh: maybe still running
            assert env.get(run.id).status == "executing"
            assert await restarted.recover_interrupted(stale_after=timedelta(0)) == [run.id]
        finally:
            await restarted.aclose()
        assert env.get(run.id).status == "failed"


async def test_heartbeat_keeps_a_long_step_claimed(db_url: str, engine: Engine) -> None:
    hang = Fault("POST", "/lifecycle/suspend", release=asyncio.Event())
    async with open_env(db_url, engine, transport=FaultyTransport(hang)) as env:
        env.executor.heartbeat = timedelta(milliseconds=20)
        run = env.request("offboarding", "kim.park@acme.com")
        await approve_quietly(env, run)
        task = asyncio.get_running_loop().create_task(env.executor.execute(run.id))
        await hang.reached.wait()
        claimed_at = env.get(run.id).updated_at
        for _ in range(200):
            if env.get(run.id).updated_at > claimed_at:
                break
            await asyncio.sleep(0.02)
        assert env.get(run.id).updated_at > claimed_at
        assert await env.executor.recover_interrupted(stale_after=timedelta(0)) == []  # its own live run
        hang.release.set()  # type: ignore[union-attr]
        outcome = await task
        assert outcome is not None and outcome.ok and env.okta.status("kim.park@acme.com") == "SUSPENDED"


def test_claim_is_dead_only_for_this_hosts_dead_processes() -> None:
    me = "host-a:100:beef"
    assert claim_is_dead("host-a:100:dead", me)  # this pid in an earlier life
    assert claim_is_dead("host-a:999999999:dead", me)  # no such process
    assert not claim_is_dead("host-b:100:dead", me)  # another host: judged by its heartbeat
    assert not claim_is_dead(me, me) and not claim_is_dead(None, me) and not claim_is_dead("garbage", me)


async def test_app_lifecycle_recovers_at_start_and_closes_the_clients(db_url: str, engine: Engine) -> None:
    async with crashed_mid_step(db_url, engine, "offboarding", "kim.park@acme.com", "/lifecycle/suspend") as (env, run):
        restarted = other_executor(env)
        assert restarted.connectors.okta() is not None
        lifecycle = restarted.context()(None)  # type: ignore[arg-type]
        await lifecycle.__anext__()  # app start: interrupted runs are settled before serving
        assert env.get(run.id).status == "failed"
        with contextlib.suppress(StopAsyncIteration):
            await lifecycle.__anext__()  # app shutdown
        assert restarted.connectors._okta is None and restarted.connectors._graph is None
