"""The server as a client sees it: health, readiness, metrics, OpenAPI, bearer keys and scopes, audit paging."""

from __future__ import annotations

import json

from aiohttp.test_utils import TestClient, TestServer

from opsgate.bot import keys
from opsgate.bot.app import build_app
from opsgate.bot.gate import build_gate
from opsgate.bot.services import Services


async def _client(services: Services) -> TestClient:
    client = TestClient(TestServer(build_app(build_gate(services), registrars=[])))
    await client.start_server()
    return client


async def test_health_readiness_and_metrics(services: Services) -> None:
    client = await _client(services)
    try:
        assert (await (await client.get("/healthz")).json()) == {"status": "ok"}
        ready = await client.get("/readyz")
        body = await ready.json()
        assert ready.status == 200 and body["database"] == "ok" and body["sandbox"] is True
        metrics = await (await client.get("/metrics")).text()
        assert 'opsgate_http_requests_total{route="/healthz",status="200"} 1.0' in metrics
    finally:
        await client.close()


async def test_unknown_route_is_a_problem_document(services: Services) -> None:
    client = await _client(services)
    try:
        resp = await client.get("/nope")
        assert resp.status == 404 and resp.content_type == "application/problem+json"
        assert (await resp.json())["code"] == "not_found"
    finally:
        await client.close()


async def test_keys_are_scope_gated_and_revocable(services: Services) -> None:
    ingest_key = keys.create(
        services, org="default", name="jira", scopes=["ticket:ingest"], rate_limit_per_min=None, actor="test"
    )
    reader = keys.create(
        services, org="default", name="siem", scopes=["audit:read"], rate_limit_per_min=None, actor="test"
    )
    client = await _client(services)
    try:
        missing = await client.get("/api/v1/audit")
        assert missing.status == 401 and missing.content_type == "application/problem+json"
        assert (await missing.json())["code"] == "unauthenticated"

        forged = await client.get("/api/v1/audit", headers={"Authorization": reader.key[:-2] + "xx"})
        assert forged.status == 401

        wrong = await client.get("/api/v1/audit", headers={"Authorization": f"Bearer {ingest_key.key}"})
        problem = await wrong.json()
        assert wrong.status == 403 and problem["code"] == "insufficient_scope" and "audit:read" in problem["detail"]
        assert ingest_key.key not in json.dumps(problem)

        ok = await client.get("/api/v1/audit?limit=1", headers={"Authorization": f"Bearer {reader.key}"})
        page = await ok.json()
        assert ok.status == 200 and [e["action"] for e in page["entries"]] == ["api_key.created"]
        assert page["next"] == "/api/v1/audit?after=1&limit=1"
        rest = await (await client.get(page["next"], headers={"Authorization": f"Bearer {reader.key}"})).json()
        assert [e["seq"] for e in rest["entries"]] == [2]

        bad = await client.get("/api/v1/audit?limit=0", headers={"Authorization": f"Bearer {reader.key}"})
        assert bad.status == 422 and (await bad.json())["errors"][0]["path"] == "query.limit"

        keys.revoke(services, org="default", key_id=reader.id, actor="test")
        revoked = await client.get("/api/v1/audit", headers={"Authorization": f"Bearer {reader.key}"})
        assert revoked.status == 401
    finally:
        await client.close()


async def test_a_key_never_sees_another_orgs_chain(services: Services) -> None:
    from opsgate.store.orgs import ensure_org

    with services.transaction() as session:
        ensure_org(session, "other")
    keys.create(services, org="default", name="d", scopes=["ticket:ingest"], rate_limit_per_min=None, actor="t")
    other = keys.create(services, org="other", name="o", scopes=["audit:read"], rate_limit_per_min=None, actor="t")
    client = await _client(services)
    try:
        page = await (await client.get("/api/v1/audit", headers={"Authorization": f"Bearer {other.key}"})).json()
        assert [(e["org"], e["subject"]) for e in page["entries"]] == [("other", f"api_key:{other.id}")]
    finally:
        await client.close()


async def test_openapi_document_is_served_and_valid(services: Services) -> None:
    from openapi_spec_validator import validate

    client = await _client(services)
    try:
        doc = await (await client.get("/api/v1/openapi.json")).json()
    finally:
        await client.close()
    validate(doc)
    assert doc["openapi"].startswith("3.1")
