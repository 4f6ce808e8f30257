"""Preconditions fail with nothing changed; a mid-run failure says what landed and is retried from the failed
step without redoing what succeeded; a storm of 429s is ridden out."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import Engine

from opsgate.bot.runs import Decider
from tests.execution_support import ALICE, BOB, Env, Fault, FaultyTransport, open_env, writes


@pytest.fixture
async def env(db_url: str, engine: Engine) -> AsyncIterator[Env]:
    async with open_env(db_url, engine) as env:
        yield env


NEW_HIRE = {"first_name": "Nora", "last_name": "Quinn", "email": "nora.quinn@acme.com", "license": "E3"}


def nothing_changed(env: Env) -> None:
    assert writes(env.okta.requests) == []
    assert writes(env.graph.api_requests()) == []


# --- preconditions ----------------------------------------------------------------------------------------------


async def test_missing_user_fails_with_nothing_changed(env: Env) -> None:
    run = await env.run("mfa_reset", "nobody@acme.com")
    assert run.status == "failed"
    assert [s["outcome"] for s in run.steps] == ["failed", "skipped", "skipped"]
    assert "no Okta user with login or email 'nobody@acme.com'" in run.steps[0]["detail"]
    assert run.failure is not None and run.failure.startswith("Step 1 of 3 (Look up the Okta user nobody@acme.com)")
    assert "Nothing was changed." in run.failure and "Not done: Reset every MFA factor" in run.failure
    nothing_changed(env)
    assert [e["data"]["outcome"] for e in env.step_entries(run.id)] == ["failed"]
    assert env.verify().ok


async def test_missing_entra_user_fails_the_unlock(env: Env) -> None:
    run = await env.run("account_unlock", "ghost@acme.com")
    assert run.status == "failed" and "no Entra ID user 'ghost@acme.com'" in run.steps[0]["detail"]
    nothing_changed(env)


async def test_no_free_seat_fails_before_anything_is_assigned(env: Env) -> None:
    run = await env.run("license_assign", "kim.park@acme.com", {"license": "Power BI Pro"})
    assert run.status == "failed"
    assert [s["outcome"] for s in run.steps] == ["ok", "failed"]
    assert "precondition not met: no free seats for POWER_BI_PRO: 2 of 2 assigned" in run.steps[1]["detail"]
    assert run.failure is not None and "Nothing was changed." in run.failure
    nothing_changed(env)


async def test_new_hire_without_a_free_seat_creates_nobody(env: Env) -> None:
    run = await env.run("new_hire", "nora.quinn@acme.com", {**NEW_HIRE, "license": "Power BI Pro"})
    assert run.status == "failed"
    assert [s["outcome"] for s in run.steps] == ["skipped", "skipped", "failed"]
    assert "no free seats for POWER_BI_PRO" in (run.failure or "")
    assert "nora.quinn@acme.com" not in {u["profile"]["login"] for u in env.okta.users.values()}
    assert "nora.quinn@acme.com" not in {u["userPrincipalName"] for u in env.graph.users.values()}
    nothing_changed(env)


async def test_new_hire_who_already_exists_in_okta_creates_nothing(env: Env) -> None:
    env.okta.add_user("nora.quinn@acme.com", first="Nora", last="Quinn")
    run = await env.run("new_hire", "nora.quinn@acme.com", NEW_HIRE)
    assert run.status == "failed"
    assert run.steps[0]["outcome"] == "failed" and "already exists" in run.steps[0]["detail"]
    nothing_changed(env)


@pytest.mark.parametrize(
    ("group", "problem"),
    [("Payroll", "no Entra ID group named 'Payroll'"), ("Marketing", "several Entra ID groups are named 'Marketing'")],
)
async def test_missing_or_ambiguous_group_fails_with_nothing_changed(env: Env, group: str, problem: str) -> None:
    run = await env.run("group_membership", "sam.lee@acme.com", {"group": group, "action": "add"})
    assert run.status == "failed"
    assert [s["outcome"] for s in run.steps] == ["ok", "failed", "skipped"]
    assert problem in run.steps[1]["detail"]
    nothing_changed(env)


async def test_suspended_okta_user_cannot_have_a_password_reset(env: Env) -> None:
    run = await env.run("password_reset", "omar.said@acme.com")
    assert run.status == "failed" and "omar.said@acme.com is SUSPENDED in Okta" in run.steps[1]["detail"]
    nothing_changed(env)


async def test_unconfigured_system_fails_before_any_call(db_url: str, engine: Engine) -> None:
    async with open_env(db_url, engine, GRAPH_TENANT_ID=None, OPSGATE_SANDBOX="false") as env:
        run = await env.run("account_unlock", "sam.lee@acme.com")
        assert run.status == "failed"
        assert run.steps[0]["detail"].startswith("Microsoft Graph is not configured: set GRAPH_TENANT_ID")
        assert env.graph.requests == []


# --- mid-run failure and retry --------------------------------------------------------------------------------------


async def test_mid_run_failure_says_which_half_landed_and_retry_resumes_there(env: Env) -> None:
    env.graph.fail_next(4, status=503, only="assignLicense")  # every attempt of the retry policy
    run = await env.run("new_hire", "nora.quinn@acme.com", NEW_HIRE)
    assert run.status == "failed"
    assert [s["outcome"] for s in run.steps] == ["ok", "ok", "failed"]
    assert "HTTP 503" in run.steps[2]["detail"] and "assignLicense" in run.steps[2]["detail"]
    failure = run.failure or ""
    assert failure.startswith("Step 3 of 3 (Assign the E3 licence")
    assert "Done: Create and activate the Okta user nora.quinn@acme.com; Create the Entra ID user" in failure
    assert "Not done: Assign the E3 licence" in failure
    assert "The Okta half landed; the Microsoft 365 half partly landed." in failure
    assert env.graph.licences("nora.quinn@acme.com") == set()

    refused = await env.executor.retry(run.id, Decider("slack:UMAL", "<@UMAL>", "mal@acme.com", False))
    assert not refused.ok and "Only configured approvers" in refused.message
    own = await env.executor.retry(run.id, Decider("slack:US", "<@US>", "sarah.chen@acme.com", True))
    assert not own.ok and "You asked for this run" in own.message

    outcome = await env.executor.retry(run.id, ALICE)
    assert outcome.ok and outcome.changed and outcome.message.startswith("Retrying from step 3.")
    done = env.get(run.id)
    assert done.status == "succeeded" and done.failure is None
    assert env.graph.licences("nora.quinn@acme.com") == {"SPE_E3"}
    assert writes(env.okta.requests).count("POST /api/v1/users") == 1
    assert writes(env.graph.api_requests()).count("POST /v1.0/users") == 1
    assert [s["outcome"] for s in done.steps] == ["ok", "ok", "ok"]
    steps = [(e["data"]["index"], e["data"]["outcome"]) for e in env.step_entries(run.id)]
    assert steps == [(0, "ok"), (1, "ok"), (2, "failed"), (2, "ok")]
    again = await env.executor.retry(run.id, BOB)
    assert not again.changed and "completed" in again.message
    assert env.verify().ok


async def test_entra_half_missing_is_reported(db_url: str, engine: Engine) -> None:
    refused = {"error": {"code": "Request_BadRequest", "message": "Invalid value for mailNickname."}}
    fault = Fault("POST", "/v1.0/users", response=lambda: httpx.Response(400, json=refused))
    async with open_env(db_url, engine, transport=FaultyTransport(fault)) as env:
        run = await env.run("new_hire", "nora.quinn@acme.com", NEW_HIRE)
        assert run.status == "failed"
        assert [s["outcome"] for s in run.steps] == ["ok", "failed", "skipped"]
        assert "Invalid value for mailNickname" in run.steps[1]["detail"] and "HTTP 400" in run.steps[1]["detail"]
        assert "The Okta half landed; the Microsoft 365 half did not land." in (run.failure or "")
        assert env.okta.user("nora.quinn@acme.com")["status"] == "PROVISIONED"


async def test_retry_refuses_a_changed_plan(env: Env) -> None:
    env.graph.fail_next(4, status=503, only="revokeSignInSessions")
    run = await env.run("account_unlock", "sam.lee@acme.com")
    assert run.status == "failed"
    env.services.settings.graph_usage_location = "GB"  # does not change this plan: retry allowed
    env.services.settings.okta_reset_sends_email = False
    outcome = await env.executor.retry(run.id, ALICE)
    assert outcome.ok and env.get(run.id).status == "succeeded"
    assert [e["data"]["index"] for e in env.step_entries(run.id)] == [0, 1, 2, 2]

    env.okta.fail_next(4, status=503, only="reset_password")
    reset = await env.run("password_reset", "kim.park@acme.com")
    assert reset.status == "failed"
    env.services.settings.okta_reset_sends_email = True  # the plan now says sendEmail=true: not what was approved
    refused = await env.executor.retry(reset.id, ALICE)
    assert not refused.ok and not refused.changed and "plan changed" in refused.message
    assert env.get(reset.id).status == "failed"


# --- rate limits ---------------------------------------------------------------------------------------------------


async def test_rate_limit_storm_is_ridden_out(db_url: str, engine: Engine) -> None:
    reset = str(int(time.time()) + 1)

    def throttled() -> httpx.Response:
        body = {"errorCode": "E0000047", "errorSummary": "API call exceeded rate limit due to too many requests."}
        return httpx.Response(429, json=body, headers={"X-Rate-Limit-Reset": reset})

    # A 429 means "not processed", so even the create (not idempotent) is sent again.
    create = Fault("POST", "/api/v1/users", response=throttled, times=3)
    async with open_env(db_url, engine, transport=FaultyTransport(create)) as env:
        env.okta.fail_next(3, status=429, headers={"X-Rate-Limit-Reset": reset}, only="/api/v1/users")
        for path in ("/v1.0/users", "subscribedSkus", "assignLicense"):
            env.graph.fail_next(3, status=429, headers={"Retry-After": "7"}, only=path)
        run = await env.run("new_hire", "nora.quinn@acme.com", NEW_HIRE)
        assert run.status == "succeeded", run.failure
        assert env.graph.licences("nora.quinn@acme.com") == {"SPE_E3"}
        assert env.okta.user("nora.quinn@acme.com")["status"] == "PROVISIONED"
        assert create.times == 0 and writes(env.okta.requests).count("POST /api/v1/users") == 1
        assert writes(env.graph.api_requests()).count("POST /v1.0/users") == 1
        assert len(env.sleeps) == 15
        assert sum(1 for s in env.sleeps if s >= 7) == 9  # Retry-After honoured, never shorter
