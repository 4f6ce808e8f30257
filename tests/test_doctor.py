"""``opsgate doctor`` against FakeOkta and FakeGraph: OK lines, exactly what to fix, which runbooks cannot run."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from opsgate.bot.doctor import CheckResult, add_doctor_command, default_checks, run_checks
from opsgate.bot.settings import Settings
from opsgate.runbooks import catalog
from opsgate.runbooks.base import Target
from opsgate.runbooks.permissions import GRAPH_OPS, OKTA_PERMISSIONS
from tests.conftest import make_settings
from tests.execution_support import fake_settings
from tests.fakes.graph import FakeGraph
from tests.fakes.okta import FakeOkta
from tests.fakes.server import serve


@contextlib.asynccontextmanager
async def doctor_env(
    tmp_path: Any, *, roles: tuple[str, ...] | None = None, **env: Any
) -> AsyncIterator[tuple[Settings, FakeOkta, FakeGraph]]:
    okta = FakeOkta()
    okta.add_user("sam.lee@acme.com")
    graph = FakeGraph() if roles is None else FakeGraph(roles=roles)
    async with serve(okta.app) as okta_url, serve(graph.app) as graph_url:
        yield fake_settings(f"sqlite:///{tmp_path}/d.db", okta, graph, okta_url, graph_url, **env), okta, graph
    assert okta.violations == [] and graph.violations == []


def by_name(results: list[CheckResult]) -> dict[str, CheckResult]:
    return {r.name: r for r in results}


async def test_everything_configured_and_permitted(tmp_path: Any) -> None:
    async with doctor_env(tmp_path) as (settings, okta, graph):
        results = by_name(await run_checks(settings))
        assert results["mode"].status == "ok"
        assert results["okta"].status == "ok" and "token accepted by http://127.0.0.1" in results["okta"].detail
        assert "docs/permissions.md" in results["okta"].detail
        assert results["graph"].status == "ok" and results["graph"].cannot_run == ()
        assert len(okta.requests) == 1 and okta.requests[0].path == "/api/v1/users"  # one authenticated read
        assert [r.path for r in graph.api_requests()] == ["/v1.0/users"] and graph.token_requests == 1


async def test_missing_graph_permissions_name_the_runbooks_and_the_grant(tmp_path: Any) -> None:
    async with doctor_env(tmp_path, roles=("User.Read.All", "GroupMember.ReadWrite.All")) as (settings, _o, _g):
        graph = by_name(await run_checks(settings))["graph"]
        assert graph.status == "warn" and "GroupMember.ReadWrite.All, User.Read.All" in graph.detail
        assert graph.cannot_run == (
            "RB-003 New Hire Provisioning: grant User.ReadWrite.All (create_user), LicenseAssignment.Read.All "
            "(resolve_license), LicenseAssignment.ReadWrite.All (assign_license)",
            "RB-006 M365 License Assignment: grant LicenseAssignment.Read.All (resolve_license), "
            "LicenseAssignment.ReadWrite.All (assign_license)",
            "RB-007 Account Unlock: grant User.EnableDisableAccount.All (enable_sign_in), "
            "User.RevokeSessions.All (revoke_sessions)",
        )
        assert "cannot run RB-007 Account Unlock" in "\n".join(graph.lines())


async def test_a_token_that_cannot_read_users_fails_with_every_runbook_listed(tmp_path: Any) -> None:
    async with doctor_env(tmp_path, roles=("GroupMember.ReadWrite.All",)) as (settings, _o, _g):
        graph = by_name(await run_checks(settings))["graph"]
        assert graph.status == "fail" and "HTTP 403" in graph.detail
        assert {line.split(":")[0] for line in graph.cannot_run} == {
            "RB-003 New Hire Provisioning",
            "RB-006 M365 License Assignment",
            "RB-007 Account Unlock",
            "RB-013 Group Add/Remove",
            "RB-020 Just-in-time Access (Entra ID groups)",
        }


async def test_wrong_credentials_say_what_to_fix(tmp_path: Any) -> None:
    async with doctor_env(tmp_path, OKTA_API_TOKEN="wrong-token", GRAPH_CLIENT_SECRET="wrong-secret") as (s, _o, _g):
        results = by_name(await run_checks(s))
        okta, graph = results["okta"], results["graph"]
        assert okta.status == "fail" and "API token rejected" in okta.detail
        assert "create a new token in Security > API > Tokens" in okta.detail
        assert len(okta.cannot_run) == len(OKTA_PERMISSIONS)
        assert (
            graph.status == "fail" and "check GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET" in graph.detail
        )
        assert "AADSTS7000215" in graph.detail and len(graph.cannot_run) == len(GRAPH_OPS)
        text = "\n".join(line for r in results.values() for line in r.lines())
        assert "wrong-token" not in text and "wrong-secret" not in text


async def test_okta_forbidden_lists_every_okta_runbook(tmp_path: Any) -> None:
    async with doctor_env(tmp_path) as (settings, okta, _g):
        okta.fail_next(1, status=403)
        result = by_name(await run_checks(settings))["okta"]
        assert result.status == "fail" and "may not read users" in result.detail
        assert result.cannot_run == (
            "RB-001 Password Reset",
            "RB-002 MFA Reset",
            "RB-003 New Hire Provisioning",
            "RB-011 Offboarding (suspend)",
            "RB-020 Just-in-time Access (Okta groups)",
        )


async def test_not_configured_and_half_configured(tmp_path: Any) -> None:
    settings = make_settings(f"sqlite:///{tmp_path}/d.db", GRAPH_TENANT_ID="t", OPSGATE_LICENSE_SKUS="E3")
    results = by_name(await run_checks(settings))
    assert results["mode"].status == "warn" and "sandbox" in results["mode"].detail
    assert results["okta"].status == "skip" and "set OKTA_ORG_URL and OKTA_API_TOKEN" in results["okta"].detail
    graph = results["graph"]
    assert graph.status == "fail" and graph.detail.startswith("GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET not set")
    assert results["licences"].status == "fail" and "'E3' is not Name=SKU_PART" in results["licences"].detail


async def test_checks_are_pluggable_and_a_crashing_check_is_reported(tmp_path: Any) -> None:
    async def check_jira(_settings: Settings) -> list[CheckResult]:
        return [CheckResult("jira", "ok", "token accepted")]

    async def check_broken(_settings: Settings) -> list[CheckResult]:
        raise RuntimeError("boom")

    settings = make_settings(f"sqlite:///{tmp_path}/d.db")
    results = await run_checks(settings, [*default_checks(), check_jira, check_broken])
    assert [r.name for r in results][-2:] == ["jira", "broken"]
    assert results[-1].status == "fail" and "RuntimeError: boom" in results[-1].detail


async def test_cli_prints_lines_and_exits_non_zero_on_a_failure(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser(prog="opsgate")
    add_doctor_command(parser.add_subparsers(dest="command", required=True))
    async with doctor_env(tmp_path) as (settings, okta, _g):
        args = parser.parse_args(["doctor"])
        assert await asyncio.to_thread(args.func, args, settings) == 0
        out = capsys.readouterr().out
        assert "OK    okta: token accepted" in out and "OK    graph:" in out
        okta.fail_next(2, status=401)
        args = parser.parse_args(["doctor", "--json"])
        assert await asyncio.to_thread(args.func, args, settings) == 1
        doc = json.loads(capsys.readouterr().out)
        statuses = {d["name"]: d["status"] for d in doc}
        assert statuses == {"mode": "ok", "okta": "fail", "graph": "ok", "jira": "skip", "slack": "skip"}
        assert okta.api_token not in json.dumps(doc)


def test_permission_tables_cover_every_plan() -> None:
    """Every Graph op a shipped plan uses is declared for its runbook; every Okta runbook has its permissions."""
    samples: dict[str, dict[str, Any]] = {
        "RB-003": {"first_name": "A", "last_name": "B", "email": "a.b@acme.com", "license": "E3"},
        "RB-006": {"license": "E3"},
        "RB-013": {"group": "G", "action": "add"},
        "RB-020": {"resource": "r", "duration": "1h", "group": "G", "group_system": "graph"},
    }
    for runbook in catalog.RUNBOOKS.values():
        params = samples.get(runbook.id, {})
        variants = [params]
        if runbook.id == "RB-013":
            variants.append({**params, "action": "remove"})
        if runbook.id == "RB-020":
            variants.append({**params, "group_system": "okta"})
        for variant in variants:
            ops = {s.op for s in runbook.plan(Target("x@acme.com"), variant)}
            graph_ops = {op.removeprefix("graph.") for op in ops if op.startswith("graph.")}
            assert graph_ops <= set(GRAPH_OPS.get(runbook.id, ())), runbook.id
            if any(op.startswith("okta.") for op in ops):
                assert runbook.id in OKTA_PERMISSIONS
