"""Jira site integrations: validation at save (account and HTTP status on failure, a wrong URL named as such),
the self-test (project, missing permissions), Data Center with a bearer PAT, the environment's site, the CLI
(``opsgate jira add|list|test|update|remove``), the doctor checks, and secrets kept out of logs, audit and answers."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import Engine, text
from structlog.testing import capture_logs

from opsgate.bot.errors import Conflict
from opsgate.bot.jira.cli import add_jira_commands, jira_checks
from opsgate.bot.jira.integrations import IntegrationError, Integrations, JiraInput
from opsgate.bot.services import Services
from opsgate.store.audit import export
from tests.conftest import make_settings
from tests.fakes.jira import FakeJira
from tests.fakes.server import serve

TOKEN, PAT = "cloud-api-token-SECRET-1", "dc-personal-access-token-SECRET-2"


@pytest.fixture
async def cloud() -> AsyncIterator[tuple[FakeJira, str]]:
    fake = FakeJira("Cloud", api_token=TOKEN)
    fake.add_project("ITSM", "IT Service Management")
    async with serve(fake.app) as base:
        yield fake, base


@pytest.fixture
async def datacenter() -> AsyncIterator[tuple[FakeJira, str]]:
    fake = FakeJira("Server", base_path="/jira", pat=PAT)
    fake.add_project("OPS", "Operations")
    async with serve(fake.app) as base:
        yield fake, base + "/jira"


def _integrations(services: Services) -> Integrations:
    return Integrations(services)


def _cloud_input(base: str, fake: FakeJira, **kw: Any) -> JiraInput:
    return JiraInput(
        base, kw.pop("token", TOKEN), email=fake.email, webhook_secret="hook-SECRET-3", project_key="ITSM", **kw
    )


async def test_add_validates_with_myself_and_learns_the_account(
    services: Services, cloud: tuple[FakeJira, str]
) -> None:
    fake, base = cloud
    site, test = await _integrations(services).add(services.default_org_id, _cloud_input(base, fake), actor="cli")
    assert test.ok and [c.name for c in test.checks] == ["site", "account", "project", "permissions"]
    assert site.config.deployment == "Cloud" and site.config.account_id == fake.bot.account_id
    assert site.base_url == base and site.config.project_key == "ITSM"
    assert [r.path for r in fake.requests][:2] == ["/rest/api/3/serverInfo", "/rest/api/3/myself"]
    assert fake.violations == []


async def test_wrong_token_shows_the_account_and_jiras_status(services: Services, cloud: tuple[FakeJira, str]) -> None:
    fake, base = cloud
    with pytest.raises(IntegrationError) as info:
        await _integrations(services).add(services.default_org_id, _cloud_input(base, fake, token="wrong"), actor="cli")
    detail = info.value.detail
    assert "authentication failed" in detail and "as opsgate@acme.example" in detail
    assert "Jira answered HTTP 401" in detail and "not authenticated" in detail
    assert _integrations(services).sites() == []


async def test_datacenter_uses_a_bearer_pat_and_v2(services: Services, datacenter: tuple[FakeJira, str]) -> None:
    fake, base = datacenter
    with pytest.raises(IntegrationError, match=r"personal access token's account.*HTTP 401"):
        await _integrations(services).add(
            services.default_org_id, JiraInput(base + "/", "wrong", auth="pat"), actor="cli"
        )
    data = JiraInput(base, PAT, auth="pat", project_key="OPS")
    site, test = await _integrations(services).add(services.default_org_id, data, actor="cli")
    assert test.ok and site.config.deployment == "Server" and site.config.account_name == "opsgate"
    assert {r.path for r in fake.requests} >= {"/jira/rest/api/2/serverInfo", "/jira/rest/api/2/myself"}
    assert fake.violations == []


async def test_a_wrong_url_is_named_as_not_jira(services: Services) -> None:
    html = web.Application()

    async def page(_r: web.Request) -> web.Response:
        return web.Response(text="<html><body>Welcome to the intranet</body></html>", content_type="text/html")

    html.router.add_route("*", "/{tail:.*}", page)
    nothing = web.Application()
    async with serve(html) as html_base, serve(nothing) as empty_base:
        integrations = _integrations(services)
        with pytest.raises(IntegrationError, match=r"does not answer like a Jira site.*not Jira's JSON"):
            await integrations.add(services.default_org_id, JiraInput(html_base, "t", email="a@b.c"), actor="cli")
        with pytest.raises(IntegrationError, match=r"does not answer like a Jira site.*no Jira REST API"):
            await integrations.add(services.default_org_id, JiraInput(empty_base, "t", email="a@b.c"), actor="cli")
        with pytest.raises(IntegrationError, match="base URL"):
            await integrations.add(
                services.default_org_id, JiraInput(html_base + "/browse/X-1", "t", email="a@b.c"), actor="cli"
            )


async def test_self_test_names_missing_permissions_and_a_missing_project(
    services: Services, cloud: tuple[FakeJira, str]
) -> None:
    fake, base = cloud
    integrations = _integrations(services)
    site, _ = await integrations.add(services.default_org_id, _cloud_input(base, fake), actor="cli")
    fake.permissions["TRANSITION_ISSUES"] = False
    fake.permissions["ADD_COMMENTS"] = False
    test = await integrations.self_test(site)
    assert not test.ok and test.problems() == [
        "OpsGate Bot lacks Jira permissions in ITSM: TRANSITION_ISSUES, ADD_COMMENTS (grant them in the permission scheme)"
    ]
    updated, _ = await integrations.update(site.id, {"project_key": "NOPE"}, actor="cli")
    test = await integrations.self_test(updated)
    assert any(p.startswith("project NOPE is not visible to OpsGate Bot") and "HTTP 404" in p for p in test.problems())


async def test_several_sites_per_org_but_one_per_url(services: Services, cloud: tuple[FakeJira, str]) -> None:
    fake, base = cloud
    integrations = _integrations(services)
    await integrations.add(services.default_org_id, _cloud_input(base, fake), actor="cli")
    with pytest.raises(Conflict):
        await integrations.add(
            services.default_org_id, _cloud_input(base.upper().replace("HTTP", "http") + "/", fake), actor="cli"
        )
    other = FakeJira("Cloud", api_token=TOKEN)
    async with serve(other.app) as other_base:
        await integrations.add(services.default_org_id, _cloud_input(other_base, other), actor="cli")
    assert len(integrations.sites(services.default_org_id)) == 2


def _entries(services: Services) -> list[dict[str, Any]]:
    import io

    out = io.StringIO()
    export(services.engine, services.default_org_id, "default", out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def test_changes_are_audited_without_secrets_and_secrets_are_encrypted(
    services: Services, cloud: tuple[FakeJira, str], caplog: pytest.LogCaptureFixture
) -> None:
    fake, base = cloud
    integrations = _integrations(services)
    caplog.set_level(logging.DEBUG)
    with capture_logs() as logs:
        site, _ = await integrations.add(services.default_org_id, _cloud_input(base, fake), actor="cli")
        fake.api_token = "rotated-token-SECRET-4"
        await integrations.update(
            site.id, {"token": "rotated-token-SECRET-4", "state_mapping": {"succeeded": "Done"}}, actor="cli"
        )
        with pytest.raises(IntegrationError) as bad:
            await integrations.update(site.id, {"token": "bad-token-SECRET-5"}, actor="cli")
        public = integrations.public(integrations.sites()[0])
        await integrations.remove(site.id, actor="cli")
    actions = [e["action"] for e in _entries(services)]
    assert actions == ["integration.created", "integration.updated", "integration.deleted"]
    updated = _entries(services)[1]["data"]
    assert updated["changed"] == ["credentials", "state_mapping"] and updated["state_mapping"] == {"succeeded": "Done"}
    with services.engine.connect() as conn:
        stored = conn.execute(text("SELECT secrets FROM integrations")).scalars().all()
    everything = json.dumps(_entries(services)) + json.dumps(public) + json.dumps(logs) + caplog.text
    everything += bad.value.detail + "".join(stored)
    for secret in (TOKEN, "rotated-token-SECRET-4", "bad-token-SECRET-5", "hook-SECRET-3"):
        assert secret not in everything
    assert set(public) >= {"id", "url", "webhookUrl"} and "token" not in json.dumps(public).lower()


async def test_the_environment_site_is_created_once_and_kept_in_step(
    engine: Engine, db_url: str, cloud: tuple[FakeJira, str]
) -> None:
    fake, base = cloud
    env = {"JIRA_URL": base + "/", "JIRA_EMAIL": fake.email, "JIRA_API_TOKEN": TOKEN, "JIRA_PROJECT_KEY": "itsm"}
    services = Services(make_settings(db_url, **env), engine)
    first = Integrations(services).ensure_from_env()
    again = Integrations(services).ensure_from_env()
    assert first is not None and again is not None and first.id == again.id and first.base_url == base
    services.close()
    services = Services(make_settings(db_url, **(env | {"JIRA_API_TOKEN": "new-SECRET-6"})), engine)
    Integrations(services).ensure_from_env()
    entries = _entries(services)
    assert [e["action"] for e in entries] == ["integration.created", "integration.updated"]
    assert entries[1]["data"]["changed"] == ["credentials"] and "new-SECRET-6" not in json.dumps(entries)
    assert Integrations(services).load(first.id, secrets=True).secrets.token.get_secret_value() == "new-SECRET-6"  # type: ignore[union-attr]
    services.close()


# --- the CLI and the doctor ------------------------------------------------------------------------------------


def _cli(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="opsgate")
    add_jira_commands(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


async def test_cli_add_json_is_one_document_with_the_secret_shown_once(
    db_url: str, engine: Engine, cloud: tuple[FakeJira, str], capsys: pytest.CaptureFixture[str]
) -> None:
    fake, base = cloud
    settings = make_settings(db_url)
    add = _cli(["jira", "add", "--url", base, "--email", fake.email, "--token", TOKEN, "--project", "ITSM", "--json"])
    assert await asyncio.to_thread(add.func, add, settings) == 0
    added = json.loads(capsys.readouterr().out)  # the whole of stdout parses
    assert added["url"] == base and len(added["webhookSecret"]) >= 32 and TOKEN not in json.dumps(added)
    listing = _cli(["jira", "list", "--json"])
    assert await asyncio.to_thread(listing.func, listing, settings) == 0
    assert "webhookSecret" not in capsys.readouterr().out  # shown once, never again


async def test_cli_add_list_test_remove(
    db_url: str, engine: Engine, cloud: tuple[FakeJira, str], capsys: pytest.CaptureFixture[str]
) -> None:
    fake, base = cloud
    settings = make_settings(db_url, OPSGATE_PUBLIC_URL="https://opsgate.acme.example")
    add = _cli(
        [
            "jira",
            "add",
            "--url",
            base,
            "--email",
            fake.email,
            "--token",
            TOKEN,
            "--project",
            "ITSM",
            "--map",
            "succeeded=Done",
            "--map",
            "denied=Won't Do",
        ]
    )
    assert await asyncio.to_thread(add.func, add, settings) == 0
    out = capsys.readouterr().out
    assert "Added Jira site jira_" in out and "Webhook secret (shown once" in out and TOKEN not in out
    listing = _cli(["jira", "list", "--json"])
    assert await asyncio.to_thread(listing.func, listing, settings) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["url"] == base and row["webhookUrl"] == f"https://opsgate.acme.example/api/v1/webhooks/jira/{row['id']}"
    assert row["stateMapping"] == {"succeeded": "Done", "denied": "Won't Do"} and row["deployment"] == "Cloud"
    fake.permissions["CREATE_ISSUES"] = False
    check = _cli(["jira", "test", row["id"]])
    assert await asyncio.to_thread(check.func, check, settings) == 1
    assert "FAIL permissions: OpsGate Bot lacks Jira permissions in ITSM: CREATE_ISSUES" in capsys.readouterr().out
    [doctor] = [c for c in await jira_checks(settings) if c.status != "ok"]
    assert doctor.name == f"jira {base}: permissions" and doctor.status == "fail"
    assert "lacks Jira permissions in ITSM: CREATE_ISSUES" in doctor.detail and "permission scheme" in doctor.detail
    remove = _cli(["jira", "remove", row["id"]])
    assert await asyncio.to_thread(remove.func, remove, settings) == 0
    assert "Removed Jira site" in capsys.readouterr().out
    assert await asyncio.to_thread(listing.func, listing, settings) == 0
    assert json.loads(capsys.readouterr().out) == []


async def test_doctor_checks_the_environment_site_before_it_is_stored(
    db_url: str, engine: Engine, datacenter: tuple[FakeJira, str]
) -> None:
    _fake, base = datacenter
    settings = make_settings(db_url, JIRA_URL=base, JIRA_PAT=PAT, JIRA_PROJECT_KEY="OPS")
    checks = await jira_checks(settings)
    by_name = {c.name.rsplit(": ", 1)[1]: c for c in checks}
    assert by_name["site"].status == "ok" and "Jira Server" in by_name["site"].detail
    assert by_name["account"].status == "ok" and by_name["webhooks"].status == "warn"
    assert [c.status for c in await jira_checks(make_settings(db_url))] == ["skip"]
