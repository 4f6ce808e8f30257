"""The live server answers exactly as its own OpenAPI document says, for every route and error code."""

from __future__ import annotations

import json
from typing import Any

from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from opsgate.bot.gate import OpsGate
from opsgate.handlers.http.openapi_doc import document
from tests.helpers import auth, live_client, make_key, ticket_body

SPEC = OpenAPI.from_dict(
    document(), config=Config(extra_media_type_deserializers={"application/problem+json": json.loads})
)


async def _check(client: Any, method: str, path: str, **kwargs: Any) -> int:
    resp = await getattr(client, method)(path, **kwargs)
    body = await resp.read()
    query = dict(resp.url.query)
    headers = dict(kwargs.get("headers", {}))
    data = kwargs.get("data") or (json.dumps(kwargs["json"]).encode() if "json" in kwargs else b"")
    req = MockRequest(
        "http://localhost",
        method,
        resp.url.path,
        args=query,
        headers=headers,
        data=data if isinstance(data, bytes) else data.encode(),
        content_type=headers.get("Content-Type", "application/json"),
    )
    mock = MockResponse(body, status_code=resp.status, content_type=resp.content_type, headers=dict(resp.headers))
    SPEC.validate_response(req, mock)
    return resp.status


async def test_every_route_and_error_matches_the_document(gate: OpsGate) -> None:
    ingest_key = make_key(gate.services, "ticket:ingest", rate_limit=3)
    reader = make_key(gate.services, "audit:read", "catalog:read")
    async with live_client(gate) as client:
        seen = []
        seen.append(await _check(client, "get", "/healthz"))
        seen.append(await _check(client, "get", "/readyz"))
        seen.append(await _check(client, "get", "/api/v1/openapi.json"))
        seen.append(
            await _check(client, "post", "/api/v1/tickets/ingest", json=ticket_body(), headers=auth(ingest_key))
        )
        seen.append(
            await _check(
                client, "post", "/api/v1/tickets/ingest", json={"source": "x", "ticket": {}}, headers=auth(ingest_key)
            )
        )
        seen.append(
            await _check(
                client,
                "post",
                "/api/v1/tickets/ingest",
                data=b"{",
                headers={**auth(ingest_key), "Content-Type": "application/json"},
            )
        )
        seen.append(
            await _check(
                client,
                "post",
                "/api/v1/tickets/ingest",
                data=b"x",
                headers={**auth(ingest_key), "Content-Type": "text/plain"},
            )
        )
        seen.append(
            await _check(
                client,
                "post",
                "/api/v1/tickets/ingest",
                data=b"{" + b" " * 70000 + b"}",
                headers={**auth(ingest_key), "Content-Type": "application/json"},
            )
        )
        seen.append(await _check(client, "post", "/api/v1/tickets/ingest", json=ticket_body(), headers=auth(reader)))
        seen.append(await _check(client, "post", "/api/v1/tickets/ingest", json=ticket_body()))
        for i in range(3):
            seen.append(
                await _check(
                    client,
                    "post",
                    "/api/v1/tickets/ingest",
                    json=ticket_body(key=f"OPS-{i + 1}"),
                    headers=auth(ingest_key),
                )
            )
        seen.append(await _check(client, "get", "/api/v1/runs", headers=auth(reader)))
        runs = await (await client.get("/api/v1/runs?limit=1", headers=auth(reader))).json()
        seen.append(await _check(client, "get", f"/api/v1/runs/{runs['runs'][0]['id']}", headers=auth(reader)))
        seen.append(await _check(client, "get", "/api/v1/runs/run_nope", headers=auth(reader)))
        seen.append(await _check(client, "get", "/api/v1/runs?status=bogus", headers=auth(reader)))
        seen.append(await _check(client, "get", "/api/v1/runbooks", headers=auth(reader)))
        seen.append(await _check(client, "get", "/api/v1/runbooks", headers=auth(ingest_key)))
        seen.append(await _check(client, "get", "/api/v1/audit?limit=2", headers=auth(reader)))
    assert set(seen) == {200, 400, 401, 403, 404, 413, 415, 422, 429}
