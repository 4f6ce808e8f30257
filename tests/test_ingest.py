"""``POST /api/v1/tickets/ingest`` black-box, as Jira Automation calls it: every answer of the contract."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from opsgate.bot.gate import OpsGate
from tests.helpers import auth, count, live_client, make_key, ticket_body

INGEST = "/api/v1/tickets/ingest"


def _stored(gate: OpsGate) -> tuple[int, int, int]:
    s = gate.services
    return (
        count(s, "SELECT count(*) FROM runs"),
        count(s, "SELECT count(*) FROM audit_entries"),
        count(s, "SELECT count(*) FROM outbox"),
    )


async def test_actionable_ticket_awaits_approval_and_requests_one_card(gate: OpsGate) -> None:
    key = make_key(gate.services, "ticket:ingest")
    async with live_client(gate) as client:
        resp = await client.post(INGEST, json=ticket_body(), headers=auth(key))
        body = await resp.json()
    assert resp.status == 200, body
    assert set(body) == {
        "runId",
        "issueKey",
        "disposition",
        "status",
        "intent",
        "runbook",
        "confidence",
        "targetUser",
        "duplicate",
    }
    assert body["disposition"] == "awaiting_approval" and body["status"] == "awaiting_approval"
    assert body["intent"] == "mfa_reset" and body["runbook"] == "RB-002" and body["duplicate"] is False
    assert body["targetUser"] == {"email": "sarah.chen@acme.com", "name": None}
    assert 0.6 <= body["confidence"] <= 1
    assert count(gate.services, "SELECT count(*) FROM audit_entries WHERE action = 'run.ingested'") == 1
    assert count(gate.services, "SELECT count(*) FROM outbox WHERE kind = 'chat.approval_card'") == 1


async def test_unrecognised_ticket_is_no_action_with_no_card(gate: OpsGate) -> None:
    key = make_key(gate.services, "ticket:ingest")
    body = ticket_body(
        key="ITSM-2",
        summary="Printer on floor 3 is jammed again",
        description="The big printer near the kitchen shows paper jam.",
    )
    async with live_client(gate) as client:
        result = await (await client.post(INGEST, json=body, headers=auth(key))).json()
    assert result["disposition"] == "no_action" and result["status"] == "no_action"
    assert result["intent"] is None and result["runbook"] is None and result["targetUser"] is None
    assert count(gate.services, "SELECT count(*) FROM outbox") == 0


async def test_retry_returns_the_original_run_as_duplicate(gate: OpsGate) -> None:
    key = make_key(gate.services, "ticket:ingest")
    async with live_client(gate) as client:
        first = await (await client.post(INGEST, json=ticket_body(), headers=auth(key))).json()
        again = await (await client.post(INGEST, json=ticket_body(), headers=auth(key))).json()
    assert again["runId"] == first["runId"] and again["duplicate"] is True
    assert {k: v for k, v in again.items() if k != "duplicate"} == {k: v for k, v in first.items() if k != "duplicate"}
    assert _stored(gate)[0] == 1
    assert count(gate.services, "SELECT count(*) FROM audit_entries WHERE action = 'run.ingested'") == 1


async def test_same_issue_key_on_two_jira_sites_makes_two_runs(gate: OpsGate) -> None:
    key = make_key(gate.services, "ticket:ingest")
    async with live_client(gate) as client:
        a = await (
            await client.post(INGEST, json=ticket_body(url="https://a.atlassian.net/browse/ITSM-1"), headers=auth(key))
        ).json()
        b = await (
            await client.post(INGEST, json=ticket_body(url="https://b.atlassian.net/browse/ITSM-1"), headers=auth(key))
        ).json()
    assert a["runId"] != b["runId"] and not a["duplicate"] and not b["duplicate"]


async def test_concurrent_storm_yields_one_run(gate: OpsGate) -> None:
    key = make_key(gate.services, "ticket:ingest", rate_limit=100000)
    async with live_client(gate) as client:

        async def post() -> dict[str, Any]:
            resp = await client.post(INGEST, json=ticket_body(key="ITSM-77"), headers=auth(key))
            assert resp.status == 200
            return dict(await resp.json())

        results = await asyncio.gather(*(post() for _ in range(200)))
    assert len({r["runId"] for r in results}) == 1
    assert sum(not r["duplicate"] for r in results) == 1
    assert _stored(gate)[0] == 1
    assert count(gate.services, "SELECT count(*) FROM audit_entries WHERE action = 'run.ingested'") == 1
    assert count(gate.services, "SELECT count(*) FROM outbox WHERE kind = 'chat.approval_card'") == 1


async def _problem(client: Any, key: str | None, **kwargs: Any) -> tuple[int, dict[str, Any], Any]:
    headers = dict(kwargs.pop("headers", {}))
    if key:
        headers.update(auth(key))
    resp = await client.post(INGEST, headers=headers, **kwargs)
    assert resp.content_type == "application/problem+json"
    return resp.status, await resp.json(), resp.headers


async def test_every_error_of_the_contract_stores_nothing(gate: OpsGate) -> None:
    key = make_key(gate.services, "ticket:ingest")
    reader = make_key(gate.services, "audit:read")
    before = _stored(gate)
    async with live_client(gate) as client:
        status, p, _ = await _problem(client, None, json=ticket_body())
        assert (status, p["code"]) == (401, "unauthenticated")
        status, p, _ = await _problem(client, reader, json=ticket_body())
        assert (status, p["code"]) == (403, "insufficient_scope")
        status, p, _ = await _problem(client, key, data="issueKey=ITSM-1", headers={"Content-Type": "text/plain"})
        assert (status, p["code"]) == (415, "unsupported_media_type") and "application/json" in p["detail"]
        big = json.dumps(ticket_body(description="x" * 70000))
        status, p, _ = await _problem(client, key, data=big, headers={"Content-Type": "application/json"})
        assert (status, p["code"]) == (413, "payload_too_large")
        status, p, _ = await _problem(
            client, key, data='{"source": "jira", ', headers={"Content-Type": "application/json"}
        )
        assert (status, p["code"]) == (400, "invalid_json")
        status, p, _ = await _problem(client, key, json={**ticket_body(), "source": "servicenow"})
        assert (status, p["code"]) == (422, "unsupported_source") and "servicenow" in p["detail"]
        bad = ticket_body(summary="s" * 1001, reporter="not-an-email")
        bad["ticket"]["issueKey"] = ""
        status, p, _ = await _problem(client, key, json=bad)
        assert (status, p["code"]) == (422, "validation_error")
        assert {e["path"] for e in p["errors"]} == {"$.ticket.issueKey", "$.ticket.summary", "$.ticket.reporterEmail"}
        status, p, _ = await _problem(client, key, json=ticket_body(description="d" * 32001))
        assert status == 422 and [e["path"] for e in p["errors"]] == ["$.ticket.description"]
        status, p, _ = await _problem(client, key, json={"ticket": {"summary": 5}})
        assert status == 422 and {e["path"] for e in p["errors"]} >= {
            "$.source",
            "$.ticket.issueKey",
            "$.ticket.summary",
        }
        status, p, _ = await _problem(client, key, json=[1, 2])
        assert status == 422 and p["errors"][0]["path"] == "$"
    assert _stored(gate) == before


async def test_optional_fields_may_be_empty_or_null(gate: OpsGate) -> None:
    key = make_key(gate.services, "ticket:ingest")
    body = {
        "source": "jira",
        "ticket": {
            "issueKey": "itsm-9",
            "summary": "Need E3 licence",
            "description": None,
            "url": "",
            "reporterEmail": "",
        },
    }
    async with live_client(gate) as client:
        resp = await client.post(INGEST, json=body, headers=auth(key))
        result = await resp.json()
    assert resp.status == 200 and result["issueKey"] == "ITSM-9"
    assert result["disposition"] == "no_action"  # nobody to act on: no reporter, no email in the text


async def test_rate_limit_answers_429_with_retry_after_and_stores_nothing(gate: OpsGate) -> None:
    key = make_key(gate.services, "ticket:ingest", rate_limit=2)
    async with live_client(gate) as client:
        for i in range(2):
            assert (await client.post(INGEST, json=ticket_body(key=f"ITSM-{i + 1}"), headers=auth(key))).status == 200
        before = _stored(gate)
        status, p, headers = await _problem(client, key, json=ticket_body(key="ITSM-3"))
    assert (status, p["code"]) == (429, "rate_limited")
    assert int(headers["Retry-After"]) >= 1 and p["retryAfter"] == int(headers["Retry-After"])
    assert _stored(gate) == before


async def test_a_revoked_key_is_refused_at_once_even_just_after_use(gate: OpsGate) -> None:
    from opsgate.bot import keys as key_service

    key = make_key(gate.services, "ticket:ingest")
    async with live_client(gate) as client:
        assert (await client.post(INGEST, json=ticket_body(key="ITSM-5"), headers=auth(key))).status == 200
        key_id = key.split("_")[1]
        key_service.revoke(gate.services, org="default", key_id=key_id, actor="test")
        before = _stored(gate)
        status, p, _ = await _problem(client, key, json=ticket_body(key="ITSM-6"))
    assert (status, p["code"]) == (401, "unauthenticated") and "revoked" in p["detail"]
    assert _stored(gate) == before
