"""Sandbox mode runs the whole flow and sends nothing; no secret ever reaches a journal, the chain or the logs."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from sqlalchemy import Engine
from structlog.testing import capture_logs

from tests.execution_support import Env, open_env

NEW_HIRE = {"first_name": "Nora", "last_name": "Quinn", "email": "nora.quinn@acme.com", "license": "E3"}
EVERY_RUNBOOK: list[tuple[str, str, dict[str, Any]]] = [
    ("password_reset", "kim.park@acme.com", {}),
    ("mfa_reset", "sam.lee@acme.com", {}),
    ("new_hire", "nora.quinn@acme.com", NEW_HIRE),
    ("license_assign", "kim.park@acme.com", {"license": "Power BI Pro"}),  # no free seat: not checked in sandbox
    ("account_unlock", "sam.lee@acme.com", {}),
    ("offboarding", "kim.park@acme.com", {}),
    ("group_membership", "sam.lee@acme.com", {"group": "Finance", "action": "add"}),
    (
        "jit_access",
        "kim.park@acme.com",
        {"resource": "r", "duration": "1h", "group": "Finance", "group_system": "graph"},
    ),
]


def assert_sent_nothing(env: Env) -> None:
    assert env.okta.requests == [] and env.graph.requests == [] and env.graph.token_requests == 0


@pytest.mark.parametrize("credentials", ["configured", "absent"])
async def test_sandbox_runs_every_runbook_and_sends_nothing(db_url: str, engine: Engine, credentials: str) -> None:
    if credentials == "configured":
        overrides: dict[str, Any] = {"OPSGATE_SANDBOX": "true"}
    else:  # no credentials at all: sandbox by default
        overrides = {k: None for k in ("OKTA_ORG_URL", "OKTA_API_TOKEN", "GRAPH_TENANT_ID", "GRAPH_CLIENT_SECRET")}
    async with open_env(db_url, engine, **overrides) as env:
        assert env.services.settings.sandbox_mode
        for intent, target, params in EVERY_RUNBOOK:
            run = await env.run(intent, target, params)
            assert run.status == "succeeded", (intent, run.failure)
            assert {s["outcome"] for s in run.steps} == {"sandbox"}, intent
            assert len(run.steps) == len(run.plan)
            for step in run.steps:
                assert step["detail"].startswith("sandbox, nothing sent: ") and step["calls"]
        assert_sent_nothing(env)
        hire = next(e for e in env.chain() if e["action"] == "run.step" and e["data"]["op"] == "graph.create_user")
        assert hire["data"]["outcome"] == "sandbox" and "graph: POST /v1.0/users" in hire["data"]["detail"]
        succeeded = [e["data"]["sandbox"] for e in env.chain() if e["action"] == "run.succeeded"]
        assert succeeded == [True] * len(EVERY_RUNBOOK)
        assert env.verify().ok


async def test_no_secret_reaches_the_journal_the_chain_or_the_logs(
    db_url: str, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with open_env(db_url, engine, OPSGATE_OKTA_RESET_SENDS_EMAIL="false") as env:
        with capture_logs() as logs:
            hire = await env.run("new_hire", "nora.quinn@acme.com", NEW_HIRE)
            reset = await env.run("password_reset", "kim.park@acme.com")
            env.okta.fail_next(4, status=503, only="reset_factors")
            failed = await env.run("mfa_reset", "sam.lee@acme.com")
        assert hire.status == "succeeded" and reset.status == "succeeded" and failed.status == "failed"
        assert env.okta.emails == [("activation", "nora.quinn@acme.com")]  # the reset link was returned, not sent
        assert "not recorded by OpsGate" in reset.steps[1]["detail"]
        created = next(r for r in env.graph.requests if r.method == "POST" and r.path == "/v1.0/users")
        password = json.loads(created.body)["passwordProfile"]["password"]
        assert len(password) >= 16
        secrets = [password, env.okta.api_token, env.graph.client_secret, *env.graph.tokens]
        haystack = "\n".join(
            [
                json.dumps(env.chain()),
                json.dumps([r.steps for r in (env.get(hire.id), env.get(reset.id), env.get(failed.id))]),
                str(failed.failure),
                repr(logs),
                caplog.text,
            ]
        )
        for secret in secrets:
            assert secret not in haystack
        assert "/reset_password/" not in haystack  # the fake's one-time link
        assert "HTTP 503" in str(failed.failure)
