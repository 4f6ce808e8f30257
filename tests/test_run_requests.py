"""``POST /api/v1/runs``: runs requested through the API wait for approval like any other."""

from __future__ import annotations

from opsgate.bot.gate import OpsGate
from opsgate.bot.runs import Decider
from tests.helpers import auth, count, live_client, make_key


async def test_request_a_group_change_and_the_requester_cannot_approve_it(gate: OpsGate) -> None:
    key = make_key(gate.services, "runbook:request")
    body = {
        "runbook": "RB-013",
        "target": {"email": "Sam.Lee@acme.com"},
        "params": {"group": "VPN Users", "action": "add"},
        "reason": "needs VPN for the Lisbon office",
        "requesterEmail": "kim@acme.com",
    }
    async with live_client(gate) as client:
        resp = await client.post("/api/v1/runs", json=body, headers=auth(key))
        run = await resp.json()
    assert resp.status == 201, run
    assert run["status"] == "awaiting_approval" and run["runbook"] == "RB-013"
    assert run["targetUser"]["email"] == "sam.lee@acme.com" and run["params"] == {"group": "VPN Users", "action": "add"}
    assert any("VPN Users" in step["description"] for step in run["plan"])
    assert count(gate.services, "SELECT count(*) FROM outbox WHERE kind = 'chat.approval_card'") == 1
    refused = gate.runs.decide(
        run["id"], Decider("slack:UK", "<@UK>", "kim@acme.com", True), "approve", plan_hash=run["planHash"]
    )
    assert not refused.changed and "You asked for this run" in refused.message


async def test_bad_requests_are_refused_with_paths_and_store_nothing(gate: OpsGate) -> None:
    key = make_key(gate.services, "runbook:request")
    reader = make_key(gate.services, "audit:read")
    async with live_client(gate) as client:
        wrong_scope = await client.post("/api/v1/runs", json={}, headers=auth(reader))
        assert wrong_scope.status == 403
        resp = await client.post(
            "/api/v1/runs", json={"runbook": "RB-999", "target": {"email": "x"}}, headers=auth(key)
        )
        problem = await resp.json()
        assert resp.status == 422 and {e["path"] for e in problem["errors"]} == {
            "$.runbook",
            "$.target.email",
            "$.reason",
        }
        resp = await client.post(
            "/api/v1/runs",
            json={
                "runbook": "RB-006",
                "target": {"email": "a@acme.com"},
                "params": {"license": "Adobe"},
                "reason": "r",
            },
            headers=auth(key),
        )
        problem = await resp.json()
        assert resp.status == 422 and problem["errors"][0]["path"] == "$.params" and "license" in problem["detail"]
    assert count(gate.services, "SELECT count(*) FROM runs") == 0


async def test_jit_access_is_only_requested_through_the_catalog(gate: OpsGate) -> None:
    key = make_key(gate.services, "runbook:request")
    body = {
        "runbook": "RB-020",
        "target": {"email": "sam@acme.com"},
        "reason": "prod debugging",
        "params": {"resource": "x", "duration": "1h", "group": "Prod DB Admins", "group_system": "okta"},
    }
    async with live_client(gate) as client:
        resp = await client.post("/api/v1/runs", json=body, headers=auth(key))
        problem = await resp.json()
    assert resp.status == 422 and "/api/v1/jit/requests" in problem["errors"][0]["message"]
    assert count(gate.services, "SELECT count(*) FROM runs") == 0
