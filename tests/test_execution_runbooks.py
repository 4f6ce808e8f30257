"""Every shipped runbook, approved through the real path, executes against FakeOkta / FakeGraph; the fakes' state
shows the change, the run's journal and the audit chain show each step."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlmodel import col

from opsgate.bot.notifications import CARD_UPDATE
from opsgate.runbooks.base import PlanStep
from opsgate.runbooks.execution import PlanRunner
from opsgate.runbooks.steps import Connectors
from opsgate.store.models import OutboxMessage
from tests.execution_support import Env, open_env, writes


@pytest.fixture
async def env(db_url: str, engine: Engine) -> AsyncIterator[Env]:
    async with open_env(db_url, engine) as env:
        yield env


def assert_journal(env: Env, run_id: str, outcomes: list[str]) -> None:
    run = env.get(run_id)
    assert [s["outcome"] for s in run.steps] == outcomes
    assert [s["index"] for s in run.steps] == list(range(len(outcomes)))
    assert all(s["at"].endswith("Z") and s["description"] for s in run.steps)
    audited = env.step_entries(run_id)
    ran = [s for s in run.steps if s["outcome"] != "skipped"]
    assert [(e["data"]["index"], e["data"]["outcome"]) for e in audited] == [(s["index"], s["outcome"]) for s in ran]
    assert env.verify().ok


async def test_mfa_reset_removes_every_factor(env: Env) -> None:
    assert env.okta.factor_types("sam.lee@acme.com") == ["push", "sms"]
    run = await env.run("mfa_reset", "sam.lee@acme.com")
    assert run.status == "succeeded", run.failure
    assert env.okta.factor_types("sam.lee@acme.com") == []
    assert_journal(env, run.id, ["ok", "ok", "ok"])
    assert "2 factor(s) enrolled: push, sms" in run.steps[1]["detail"]
    assert run.claimed_by == env.executor.worker_id and run.failure is None
    actions = [e["action"] for e in env.chain() if e["subject"] == f"run:{run.id}"]
    assert actions == [
        "run.created",
        "run.approved",
        "run.executing",
        "run.step",
        "run.step",
        "run.step",
        "run.succeeded",
    ]
    with env.services.read_session() as session:  # the card is re-rendered after the result is recorded
        rows = session.execute(select(OutboxMessage).where(col(OutboxMessage.run_id) == run.id)).scalars()
        updates = [r.payload["event"] for r in rows if r.kind == CARD_UPDATE]
    assert "succeeded" in updates


async def test_password_reset_sends_the_reset_email(env: Env) -> None:
    run = await env.run("password_reset", "kim.park@acme.com")
    assert run.status == "succeeded", run.failure
    assert env.okta.emails == [("reset_password", "kim.park@acme.com")]
    assert env.okta.status("kim.park@acme.com") == "RECOVERY"
    assert_journal(env, run.id, ["ok", "ok"])
    assert "emailed a reset link" in run.steps[1]["detail"]


async def test_offboarding_suspends_after_two_approvals(env: Env) -> None:
    run = await env.run("offboarding", "kim.park@acme.com")
    assert run.status == "succeeded", run.failure
    assert env.okta.status("kim.park@acme.com") == "SUSPENDED"
    assert_journal(env, run.id, ["ok", "ok"])


async def test_offboarding_an_already_suspended_user_changes_nothing(env: Env) -> None:
    run = await env.run("offboarding", "omar.said@acme.com")
    assert run.status == "succeeded", run.failure
    assert "already suspended" in run.steps[1]["detail"]
    assert writes(env.okta.requests) == []


async def test_new_hire_creates_okta_and_entra_users_and_assigns_the_licence(env: Env) -> None:
    params = {"first_name": "Nora", "last_name": "Quinn", "email": "nora.quinn@acme.com", "license": "E3"}
    run = await env.run("new_hire", "nora.quinn@acme.com", params)
    assert run.status == "succeeded", run.failure
    okta_user = env.okta.user("nora.quinn@acme.com")
    assert okta_user["status"] == "PROVISIONED" and okta_user["profile"]["firstName"] == "Nora"
    assert ("activation", "nora.quinn@acme.com") in env.okta.emails
    entra = env.graph.user("nora.quinn@acme.com")
    assert entra["displayName"] == "Nora Quinn" and entra["usageLocation"] == "US" and entra["accountEnabled"]
    assert entra["passwordProfile"] == {"forceChangePasswordNextSignIn": True}
    assert env.graph.licences("nora.quinn@acme.com") == {"SPE_E3"}
    assert env.graph.sku("SPE_E3")["consumedUnits"] == 4
    assert_journal(env, run.id, ["ok", "ok", "ok"])
    assert okta_user["id"] in run.steps[0]["detail"] and entra["id"] in run.steps[1]["detail"]


async def test_licence_assignment(env: Env) -> None:
    run = await env.run("license_assign", "kim.park@acme.com", {"license": "E3"})
    assert run.status == "succeeded", run.failure
    assert env.graph.licences("kim.park@acme.com") == {"SPE_E3"}
    assert_journal(env, run.id, ["ok", "ok"])


async def test_account_unlock_reenables_sign_in_and_revokes_sessions(env: Env) -> None:
    assert env.graph.user("sam.lee@acme.com")["accountEnabled"] is False
    run = await env.run("account_unlock", "sam.lee@acme.com")
    assert run.status == "succeeded", run.failure
    user = env.graph.user("sam.lee@acme.com")
    assert user["accountEnabled"] is True and user["sessionsRevoked"] == 1
    assert_journal(env, run.id, ["ok", "ok", "ok"])


async def test_group_add_and_remove(env: Env) -> None:
    added = await env.run("group_membership", "sam.lee@acme.com", {"group": "Finance", "action": "add"})
    assert added.status == "succeeded", added.failure
    assert env.graph.group_members("Finance") == {"kim.park@acme.com", "sam.lee@acme.com"}
    removed = await env.run("group_membership", "kim.park@acme.com", {"group": "Finance", "action": "remove"})
    assert removed.status == "succeeded", removed.failure
    assert env.graph.group_members("Finance") == {"sam.lee@acme.com"}
    assert_journal(env, removed.id, ["ok", "ok", "ok"])


async def test_jit_grant_adds_the_requester_to_the_okta_group(env: Env) -> None:
    params = {"resource": "prod-admin", "duration": "2h", "group": "Prod Admins", "group_system": "okta"}
    run = await env.run("jit_access", "kim.park@acme.com", params)
    assert run.status == "succeeded", run.failure
    assert env.okta.group_members("Prod Admins") == {"kim.park@acme.com"}


async def test_licence_table_extended_by_settings_and_default_okta_groups(db_url: str, engine: Engine) -> None:
    def staff_group(okta: Any, _graph: Any) -> str:
        return str(okta.add_group("All Staff"))

    def own_both(_okta: Any, graph: Any) -> str:
        graph.add_sku("ENTERPRISEPACK", enabled=10)
        return "E3=ENTERPRISEPACK|SPE_E3"  # this tenant prefers its Office 365 E3 seats

    async with open_env(db_url, engine, OPSGATE_OKTA_DEFAULT_GROUPS=staff_group, OPSGATE_LICENSE_SKUS=own_both) as env:
        params = {"first_name": "Nora", "last_name": "Quinn", "email": "nora.quinn@acme.com", "license": "E3"}
        run = await env.run("new_hire", "nora.quinn@acme.com", params)
        assert run.status == "succeeded", run.failure
        assert env.graph.licences("nora.quinn@acme.com") == {"ENTERPRISEPACK"}
        assert env.okta.group_members("All Staff") == {"nora.quinn@acme.com"}
        assert "added to 1 default group(s)" in run.steps[0]["detail"]


async def test_a_licence_already_held_needs_no_free_seat(env: Env) -> None:
    first = await env.run("license_assign", "kim.park@acme.com", {"license": "E3"})
    assert first.status == "succeeded"
    env.graph.sku("SPE_E3")["prepaidUnits"]["enabled"] = 4  # now full: 4 of 4
    again = await env.run("license_assign", "kim.park@acme.com", {"license": "E3"})
    assert again.status == "succeeded", again.failure
    assert "already had SPE_E3" in again.steps[1]["detail"]
    other = await env.run("license_assign", "sam.lee@acme.com", {"license": "E3"})
    assert other.status == "failed" and "no free seats for SPE_E3: 4 of 4 assigned" in (other.failure or "")


async def test_runner_performs_a_jit_revocation_plan_without_the_database(env: Env) -> None:
    env.okta.add_member("Prod Admins", "kim.park@acme.com")
    args = {"login": "kim.park@acme.com", "name": "Prod Admins"}
    plan = [
        PlanStep("okta.find_user", "okta", "GET", "/api/v1/users", "Look up", {"login": "kim.park@acme.com"}),
        PlanStep("okta.find_group", "okta", "GET", "/api/v1/groups", "Find the group", {"name": "Prod Admins"}),
        PlanStep("okta.remove_from_group", "okta", "DELETE", "/api/v1/groups/x/users/y", "Remove", args),
    ]
    okta = env.executor.connectors.okta()
    recorded: list[dict[str, Any]] = []

    async def record(entry: dict[str, Any]) -> bool:
        recorded.append(entry)
        return True

    result = await PlanRunner(plan, Connectors(okta=okta)).run([], record)
    assert result.ok and [e["outcome"] for e in recorded] == ["ok", "ok", "ok"]
    assert env.okta.group_members("Prod Admins") == set()
    user_id = env.okta.user("kim.park@acme.com")["id"]
    assert recorded[0]["ids"] == {"okta.user:kim.park@acme.com": user_id}
