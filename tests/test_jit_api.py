"""JIT over HTTP (problem+json errors, scope) and the catalog CLI and file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine

from opsgate.bot.app import build_app
from opsgate.bot.errors import ValidationFailed
from opsgate.bot.jit import load_resources_file
from opsgate.bot.jit.catalog import list_resources
from opsgate.bot.jit.cli import add_jit_commands
from opsgate.handlers.http import jit as jit_http
from tests.conftest import make_settings
from tests.helpers import auth, make_key
from tests.jit_support import REQUESTER, after, granted, jit_env, revoker


async def test_request_and_release_over_http(db_url: str, engine: Engine) -> None:
    async with jit_env(db_url, engine) as env:
        key = make_key(env.services, "runbook:request")
        reader = make_key(env.services, "audit:read")
        client = TestClient(TestServer(build_app(env.gate, registrars=[jit_http.register], background=[])))
        await client.start_server()
        try:
            body = {"resource": "prod-admin", "duration": "2h", "reason": "incident 42", "requesterEmail": REQUESTER}
            resp = await client.post("/api/v1/jit/requests", json=body, headers=auth(key))
            assert resp.status == 201, await resp.text()
            made = await resp.json()
            assert made["run"]["status"] == "awaiting_approval" and made["grant"]["status"] == "requested"
            assert made["grant"]["durationSeconds"] == 7200

            resp = await client.post("/api/v1/jit/requests", json={**body, "resource": "nope"}, headers=auth(key))
            assert resp.status == 422 and resp.content_type == "application/problem+json"
            assert "not a just-in-time resource" in (await resp.json())["detail"]
            resp = await client.post("/api/v1/jit/requests", json={**body, "duration": "9h"}, headers=auth(key))
            assert resp.status == 422 and "maximum of 4h" in (await resp.json())["detail"]
            resp = await client.post("/api/v1/jit/requests", json={"resource": "prod-admin"}, headers=auth(key))
            assert resp.status == 422
            paths = {e["path"] for e in (await resp.json())["errors"]}
            assert paths == {"$.reason", "$.requesterEmail"}
            resp = await client.post("/api/v1/jit/requests", json=body, headers=auth(reader))
            assert resp.status == 403

            g = await granted(env, duration="2h")
            resp = await client.post(
                f"/api/v1/jit/grants/{g.id}/release", json={"requesterEmail": "kim.park@acme.com"}, headers=auth(key)
            )
            assert resp.status == 404
            resp = await client.post(
                f"/api/v1/jit/grants/{g.id}/release", json={"requesterEmail": REQUESTER}, headers=auth(key)
            )
            assert resp.status == 200, await resp.text()
            assert len(await revoker(env).revoke_due(now=after(g, 1))) == 1
            assert REQUESTER not in env.okta.group_members("Prod Admins")
        finally:
            await client.close()


def _cli(db_url: str, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_jit_commands(parser.add_subparsers(dest="cmd"))
    args = parser.parse_args(list(argv))
    result: int = args.func(args, make_settings(db_url))
    return result


def test_cli_add_list_remove(db_url: str, engine: Engine, capsys: Any) -> None:
    assert (
        _cli(
            db_url,
            "jit",
            "resources",
            "add",
            "prod-db-admin",
            "--okta-group",
            "Prod DB Admins",
            "--jira-project",
            "ops",
            "--max",
            "4h",
            "--default",
            "1h",
            "--approver",
            "slack:UOWNER",
            "--managed",
        )
        == 0
    )
    assert (
        "prod-db-admin: Okta group 'Prod DB Admins', default 1h, max 4h, Jira OPS, managed" in capsys.readouterr().out
    )
    assert _cli(db_url, "jit", "resources", "list") == 0
    assert capsys.readouterr().out.startswith("prod-db-admin:")
    with pytest.raises(ValidationFailed, match="default must not be longer than max"):
        _cli(db_url, "jit", "resources", "add", "x", "--entra-group", "X", "--max", "1h", "--default", "2h")
    with pytest.raises(ValidationFailed, match="exactly one"):
        _cli(db_url, "jit", "resources", "add", "x", "--max", "1h")
    assert _cli(db_url, "jit", "resources", "remove", "prod-db-admin") == 0
    assert _cli(db_url, "jit", "resources", "remove", "prod-db-admin") == 1


def test_resources_file(services: Any, tmp_path: Path) -> None:
    path = tmp_path / "jit-resources.yml"
    path.write_text(
        "resources:\n"
        "  prod-db-admin:\n    okta_group: Prod DB Admins\n    jira_project: OPS\n    max: 4h\n    default: 1h\n"
        "  finance-read:\n    entra_group: Finance Readers\n    max: 2h\n    area: finance\n    managed: true\n"
        "    approvers: [slack:UOWNER]\n",
        encoding="utf-8",
    )
    assert load_resources_file(services, path) == ["prod-db-admin", "finance-read"]
    rows = {r.name: r for r in list_resources(services, services.default_org_id)}
    assert rows["finance-read"].system == "graph" and rows["finance-read"].default_seconds == 7200
    assert rows["finance-read"].managed and rows["finance-read"].extra_approvers == ["slack:UOWNER"]
    path.write_text("resources:\n  bad:\n    okta_group: A\n    entra_group: B\n    max: 1h\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="exactly one"):
        load_resources_file(services, path)
