"""``opsgate doctor``: one real authenticated read per configured integration, and a line saying OK or exactly what
to fix, plus the runbooks the credentials cannot run where the API can tell (Graph: the token's ``roles``; Okta:
its answer to a harmless read).

Checks are pluggable: a check is ``async (settings) -> list[CheckResult]``; :func:`default_checks` lists them
(Jira adds its own there). ``run_checks`` runs them in order; a check that crashes is reported, not raised.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import structlog

from opsgate.bot.connector_factory import ConnectorSet
from opsgate.bot.logs import configure_logging
from opsgate.bot.settings import Settings
from opsgate.runbooks import catalog
from opsgate.runbooks.connectors import RetryPolicy
from opsgate.runbooks.licence_map import LicenceMapError, parse_licence_skus
from opsgate.runbooks.permissions import GRAPH_OPS, OKTA_PERMISSIONS, graph_gaps

Status = Literal["ok", "warn", "fail", "skip"]
PERMISSIONS_DOC = "docs/permissions.md"
# One quick authenticated read: no long waits on a rate limit, at most one retry.
DOCTOR_RETRY = RetryPolicy(max_attempts=2, base=0.5, cap=2.0, max_retry_after=5.0)
DOCTOR_TIMEOUT = 10.0


@dataclass(frozen=True)
class CheckResult:
    name: str  # "okta", "graph", "mode", "licences"; integrations add theirs ("jira" ...)
    status: Status
    detail: str  # what is fine, or exactly what to fix
    cannot_run: tuple[str, ...] = ()  # "RB-007 Account Unlock: grant User.RevokeSessions.All (revoke_sessions)"

    def lines(self) -> list[str]:
        head = f"{self.status.upper():<5} {self.name}: {self.detail}"
        return [head, *(f"      cannot run {item}" for item in self.cannot_run)]


Check = Callable[[Settings], Awaitable[list[CheckResult]]]


def _named(runbook_id: str, system: str) -> str:
    """``RB-007 Account Unlock``; RB-020 says which kind of group it means (its resource picks the system)."""
    runbook = catalog.RUNBOOKS.get(runbook_id)
    title = f"{runbook_id} {runbook.title}" if runbook else runbook_id
    if runbook_id == "RB-020":
        title += " (Okta groups)" if system == "okta" else " (Entra ID groups)"
    return title


def _connectors(settings: Settings) -> ConnectorSet:
    # The licence table does not matter for an access check (and a bad one is reported by check_licences).
    return ConnectorSet(settings.model_copy(update={"license_skus": ()}), retry=DOCTOR_RETRY, timeout=DOCTOR_TIMEOUT)


async def check_mode(settings: Settings) -> list[CheckResult]:
    if not settings.sandbox_mode:
        return [CheckResult("mode", "ok", "live: approved runs change Okta and Microsoft 365")]
    why = "OPSGATE_SANDBOX=true" if settings.sandbox else "no Okta or Graph credentials are configured"
    return [CheckResult("mode", "warn", f"sandbox ({why}): approved runs are recorded, nothing is sent")]


async def check_licences(settings: Settings) -> list[CheckResult]:
    if not settings.license_skus:
        return []
    try:
        extra = parse_licence_skus(settings.license_skus)
    except LicenceMapError as exc:
        return [CheckResult("licences", "fail", str(exc))]
    names = ", ".join(f"{k}={'|'.join(v)}" for k, v in sorted(extra.items()))
    return [CheckResult("licences", "ok", f"OPSGATE_LICENSE_SKUS adds {names}")]


async def check_okta(settings: Settings) -> list[CheckResult]:
    okta_runbooks = tuple(_named(r, "okta") for r in OKTA_PERMISSIONS)
    if not settings.okta_org_url and not settings.okta_api_token:
        return [CheckResult("okta", "skip", "not configured (set OKTA_ORG_URL and OKTA_API_TOKEN)", okta_runbooks)]
    if not settings.okta_org_url or not settings.okta_api_token:
        missing = "OKTA_API_TOKEN" if settings.okta_org_url else "OKTA_ORG_URL"
        return [
            CheckResult(
                "okta", "fail", f"{missing} is not set (both OKTA_ORG_URL and OKTA_API_TOKEN are needed)", okta_runbooks
            )
        ]
    connectors = _connectors(settings)
    try:
        client = connectors.okta()
        assert client is not None
        access = await client.check_access()
    finally:
        await connectors.aclose()
    if not access.ok:
        return [CheckResult("okta", "fail", access.detail, okta_runbooks)]
    detail = (
        f"{access.detail}. Okta does not list a token's permissions: give its admin the role "
        f"{PERMISSIONS_DOC} names for each runbook"
    )
    return [CheckResult("okta", "ok", detail)]


async def check_graph(settings: Settings) -> list[CheckResult]:
    graph_runbooks = tuple(_named(r, "graph") for r in GRAPH_OPS)
    names = {
        "GRAPH_TENANT_ID": settings.graph_tenant_id,
        "GRAPH_CLIENT_ID": settings.graph_client_id,
        "GRAPH_CLIENT_SECRET": settings.graph_client_secret,
    }
    unset = [name for name, value in names.items() if not value]
    if len(unset) == len(names):
        detail = "not configured (set GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET)"
        return [CheckResult("graph", "skip", detail, graph_runbooks)]
    if unset:
        return [
            CheckResult(
                "graph", "fail", f"{', '.join(unset)} not set (all three GRAPH_ values are needed)", graph_runbooks
            )
        ]
    connectors = _connectors(settings)
    try:
        client = connectors.graph()
        assert client is not None
        access = await client.check_access()
    finally:
        await connectors.aclose()
    gaps = []
    for runbook_id in GRAPH_OPS:
        missing = graph_gaps(runbook_id, access.missing)
        if missing:
            gaps.append(f"{_named(runbook_id, 'graph')}: grant {', '.join(missing)}")
    if not access.ok:
        return [CheckResult("graph", "fail", access.detail, tuple(gaps) if access.roles else graph_runbooks)]
    if gaps:
        granted = ", ".join(sorted(access.roles)) or "none"
        detail = f"token accepted for tenant {settings.graph_tenant_id}; application permissions granted: {granted}"
        return [CheckResult("graph", "warn", detail, tuple(gaps))]
    return [CheckResult("graph", "ok", f"{access.detail}; every runbook's permissions are granted")]


def default_checks() -> list[Check]:
    """Every check ``opsgate doctor`` runs, in order; integrations add theirs here."""
    from opsgate.bot.jira.cli import jira_checks
    from opsgate.handlers.slack.doctor import check_slack

    return [check_mode, check_licences, check_okta, check_graph, jira_checks, check_slack]


async def run_checks(settings: Settings, checks: Sequence[Check] | None = None) -> list[CheckResult]:
    results: list[CheckResult] = []
    for check in checks if checks is not None else default_checks():
        try:
            results.extend(await check(settings))
        except Exception as exc:  # a broken check is a finding, not a crash of the whole report
            name = getattr(check, "__name__", "check").removeprefix("check_")
            results.append(CheckResult(name, "fail", f"the check itself failed ({type(exc).__name__}: {exc})"))
    return results


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    previous = structlog.get_config()
    configure_logging("error", json=False)  # stdout holds the report only (``--json`` stays parseable)
    try:
        results = asyncio.run(run_checks(settings))
    finally:
        structlog.configure(**previous)
    out = sys.stdout
    if getattr(args, "json", False):
        out.write(json.dumps([_as_json(r) for r in results]) + "\n")
    else:
        for result in results:
            for line in result.lines():
                out.write(line + "\n")
    return 1 if any(r.status == "fail" for r in results) else 0


def _as_json(result: CheckResult) -> dict[str, Any]:
    doc = asdict(result)
    doc["cannot_run"] = list(result.cannot_run)
    return doc


def add_doctor_command(subparsers: Any) -> None:
    """Register ``opsgate doctor`` on the CLI's subparsers (``bot/cli_more.extensions``)."""
    p = subparsers.add_parser(
        "doctor", help="check every configured integration with a real authenticated call and say what to fix"
    )
    p.add_argument("--json", action="store_true", help="one JSON array of {name, status, detail, cannot_run}")
    p.set_defaults(func=cmd_doctor)
