"""Helpers shared by tests: a live OpsGate app on loopback, keys, ingest bodies."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from opsgate.bot import keys
from opsgate.bot.app import build_app
from opsgate.bot.gate import OpsGate
from opsgate.bot.services import Services


def make_key(services: Services, *scopes: str, rate_limit: int | None = None, org: str = "default") -> str:
    created = keys.create(
        services, org=org, name="test", scopes=list(scopes), rate_limit_per_min=rate_limit, actor="test"
    )
    return created.key


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def ticket_body(
    key: str = "ITSM-1",
    summary: str = "Lost my phone - need MFA reset",
    description: str | None = "I got a new phone and Okta Verify is gone. Please reset my MFA.",
    reporter: str | None = "sarah.chen@acme.com",
    url: str | None = None,
) -> dict[str, Any]:
    return {
        "source": "jira",
        "ticket": {
            "issueKey": key,
            "summary": summary,
            "description": description,
            "url": url if url is not None else f"https://acme.atlassian.net/browse/{key}",
            "reporterEmail": reporter,
        },
    }


@contextlib.asynccontextmanager
async def live_client(gate: OpsGate) -> AsyncIterator[TestClient]:
    client = TestClient(TestServer(build_app(gate)))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


def count(services: Services, sql: str, **params: Any) -> int:
    with services.engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())
