"""The Jira summary service with the real ``jira`` library against the fake Jira (Cloud and Server) holding
thousands of issues: every number the Slack blocks show is compared with the fake's true count of the same JQL."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine, select
from sqlmodel import col

from opsgate.bot.app import build_app
from opsgate.bot.jira.client import JiraCallError
from opsgate.bot.jira.config import JiraConfig, JiraSite
from opsgate.bot.jira.selftest import Check, SelfTest
from opsgate.bot.jira.summary_cache import TtlCache
from opsgate.bot.jira.summary_data import DEFAULT_JQL
from opsgate.bot.jira.summary_health import HealthBoard
from opsgate.bot.services import Services
from opsgate.cards.blockkit.jira_summary import (
    SummaryBlock,
    TableState,
    home_blocks,
    project_message,
    projects_message,
    search_message,
)
from opsgate.cards.jira_summary_views import TableFilters
from opsgate.store.models import AuditEntry
from tests.fakes.jira import FakeJira
from tests.jira_summary_support import (
    PROJECT,
    assignee_truth,
    block,
    labelled,
    priority_truth,
    project_truth,
    seeded,
    stats,
    summary_env,
    validate,
)

DEPLOYMENTS = ["Cloud", "Server"]


def _searches(fake: FakeJira, mark: int = 0) -> list[Any]:
    return [r for r in fake.requests[mark:] if "/search" in r.path]


@pytest.mark.parametrize("deployment", DEPLOYMENTS)
async def test_project_numbers_are_the_true_counts_over_thousands(db_url: str, engine: Engine, deployment: str) -> None:
    fake = seeded(deployment)
    async with summary_env(db_url, engine, fake) as env:
        site = await env.site()
        view = await env.summary.project(site, "ops")
        message = project_message(view, TableState(site=site.id, project=view.key))
        validate(message["blocks"])
        assert len(message["blocks"]) <= 50
        truth = project_truth(fake)
        assert stats(message) == truth and truth["All issues"] == 3000
        by_priority = labelled(block(message, SummaryBlock.BY_PRIORITY))
        assert by_priority == {k: (t, o) for k, (t, o) in priority_truth(fake).items()}
        assert labelled(block(message, SummaryBlock.BY_ASSIGNEE)) == assignee_truth(fake)
        assert sum(t for t, _o in by_priority.values()) == 3000  # over the whole set, not a page
        assert SummaryBlock.SCAN not in json.dumps(message)
        # The whole set was paged through with the largest pages Jira allows and only the fields needed.
        pages = [r for r in _searches(fake) if "approximate" not in r.path]
        if deployment == "Cloud":
            assert {r.path for r in pages} == {"/rest/api/3/search/jql"}
            assert {r.query["maxResults"][0] for r in pages} == {"100"} and len(pages) == 30
            assert set(pages[0].query["fields"]) == {
                "summary",
                "status",
                "assignee",
                "priority",
                "updated",
                "resolutiondate",
            }
        else:
            assert {r.path for r in pages} == {"/jira/rest/api/2/search"}
            assert [r.query["startAt"][0] for r in pages] == ["0", "1000", "2000"]
        assert fake.violations == []


@pytest.mark.parametrize("deployment", DEPLOYMENTS)
async def test_home_split_of_the_default_jql_uses_jiras_counts(db_url: str, engine: Engine, deployment: str) -> None:
    fake = seeded(deployment)
    async with summary_env(db_url, engine, fake) as env:
        site = await env.site()
        view, pending = await env.summary.home_view(site, admin=False, budget=30)
        assert pending is None and view.jql == DEFAULT_JQL
        blocks = home_blocks([view], admin=False)
        validate(blocks)
        got = labelled(block({"blocks": blocks}, f"{SummaryBlock.HOME}.{site.id}"))
        scope = "updated >= -30d"
        to_do = fake.count(f'{scope} AND statusCategory = "To Do"')
        in_progress = fake.count(f'{scope} AND statusCategory = "In Progress"')
        done = fake.count(f"{scope} AND statusCategory = Done")
        assert {k: v for k, (v, _o) in got.items()} == {
            "To Do": to_do,
            "In Progress": in_progress,
            "Done": done,
            "Open": fake.count(f"{scope} AND statusCategory != Done"),
            "Total": fake.count(scope),
        }
        assert to_do and in_progress and done
        counts = [r for r in _searches(fake)]
        if deployment == "Cloud":  # approximate counts; never the old /search (410 Gone on Cloud)
            assert {r.path for r in counts} == {"/rest/api/3/search/approximate-count"} and len(counts) == 3
        else:
            assert {r.path for r in counts} == {"/jira/rest/api/2/search"}
            assert {r.query["maxResults"][0] for r in counts} == {"1"}
        assert fake.violations == []


async def test_search_table_filters_and_pages(db_url: str, engine: Engine) -> None:
    fake = seeded("Cloud", n=1200)
    async with summary_env(db_url, engine, fake) as env:
        site = await env.site()
        jql = "project = OPS AND priority in (High, Highest) ORDER BY updated DESC"
        view = await env.summary.search(site, jql)
        state = TableState(site=site.id, jql=jql)
        message = search_message(view, state)
        validate(message["blocks"])
        truth = fake.search(jql)
        split = {k: v for k, (v, _o) in labelled(block(message, SummaryBlock.STATS)).items()}
        assert split["Total"] == len(truth) == view.table.matching
        assert split["Open"] == fake.count(f"({jql.split(' ORDER')[0]}) AND statusCategory != Done")
        assert [r.key for r in view.table.rows] == [i.key for i in truth[:10]]
        agent = next(i.assignee for i in truth if i.assignee)
        page2 = await env.summary.search(site, jql, TableFilters(assignee=agent), page=1)
        mine = [i.key for i in truth if i.assignee == agent]
        assert page2.table.matching == len(mine) and [r.key for r in page2.table.rows] == mine[10:20]
        again = search_message(page2, state.but(assignee=agent, page=1))
        validate(again["blocks"])
        pager = block(again, SummaryBlock.PAGER)["elements"]
        assert [b["text"]["text"] for b in pager] == ["Previous", "Next"]
        assert TableState.decode(pager[1]["value"]).page == 2
        none = await env.summary.search(site, jql, TableFilters(status="Nope"))
        assert none.table.matching == 0 and none.table.rows == ()
        assert fake.violations == []


@pytest.mark.parametrize("deployment", DEPLOYMENTS)
async def test_invalid_jql_raises_jiras_own_message(db_url: str, engine: Engine, deployment: str) -> None:
    fake = seeded(deployment, n=10)
    async with summary_env(db_url, engine, fake) as env:
        site = await env.site()
        with pytest.raises(JiraCallError) as info:
            await env.summary.search(site, "project = OPS AND foo = bar")
        assert info.value.status == 400 and not info.value.temporary
        assert "Field 'foo' does not exist or you do not have permission to view it." in info.value.detail


async def test_second_call_is_answered_from_the_cache(db_url: str, engine: Engine) -> None:
    fake = seeded("Cloud", n=500)
    async with summary_env(db_url, engine, fake) as env:
        site = await env.site()
        first = await env.summary.project(site, PROJECT)
        await env.summary.home_view(site, admin=False, budget=30)
        mark = len(fake.requests)
        second = await env.summary.project(site, PROJECT, TableFilters(priority="High"), page=1)
        await env.summary.home_view(site, admin=False, budget=30)
        assert env.requests_since(mark) == [] and second.stats == first.stats
        env.summary.refresh(site.id)
        await env.summary.project(site, PROJECT)
        assert any("/search/jql" in r for r in env.requests_since(mark))


async def test_cache_ttl_expires(db_url: str, engine: Engine) -> None:
    fake = seeded("Server", n=50)
    now = [1000.0]
    async with summary_env(db_url, engine, fake, ttl=60, clock=lambda: now[0]) as env:
        site = await env.site()
        await env.summary.projects(site)
        mark = len(fake.requests)
        await env.summary.projects(site)
        assert env.requests_since(mark) == []
        now[0] += 61
        await env.summary.projects(site)
        assert env.requests_since(mark) == ["GET /jira/rest/api/2/project"]


@pytest.mark.parametrize("deployment", DEPLOYMENTS)
async def test_429_is_honoured(db_url: str, engine: Engine, deployment: str) -> None:
    fake = seeded(deployment, n=400)
    path = "/search/jql" if deployment == "Cloud" else "/rest/api/2/search"
    async with summary_env(db_url, engine, fake) as env:
        site = await env.site()
        fake.rate_limit_next(1, retry_after=1, path=path)
        view = await env.summary.project(site, PROJECT)
        assert view.stats.total == 400 and view.stats.open == project_truth(fake)["Open"]
        limited = [r for r in fake.requests if r.status == 429]
        assert len(limited) == 1 and limited[0].retry_after == 1
        assert fake.pacing_violations == [] and fake.violations == []


async def test_a_long_retry_after_is_reported_not_waited_out(db_url: str, engine: Engine) -> None:
    fake = seeded("Cloud", n=20)
    async with summary_env(db_url, engine, fake, patience=2) as env:
        site = await env.site()
        fake.rate_limit_next(1, retry_after=120, path="/search/jql")
        with pytest.raises(JiraCallError) as info:
            await env.summary.search(site, "project = OPS")
        assert info.value.status == 429 and info.value.retry_after == 120
        mark = len(fake.requests)
        with pytest.raises(JiraCallError):  # the site is left alone until Retry-After has passed
            await env.summary.search(site, "project = ITSM")
        assert env.requests_since(mark) == [] and fake.pacing_violations == []


@pytest.mark.parametrize("deployment", DEPLOYMENTS)
async def test_cap_note_and_exact_stats_when_the_cap_is_hit(db_url: str, engine: Engine, deployment: str) -> None:
    fake = seeded(deployment, n=1500)
    async with summary_env(db_url, engine, fake, cap=250) as env:
        site = await env.site()
        view = await env.summary.project(site, PROJECT)
        message = project_message(view, TableState(site=site.id, project=PROJECT))
        validate(message["blocks"])
        assert stats(message) == project_truth(fake)  # Jira's own counts over everything
        note = block(message, SummaryBlock.SCAN)["elements"][0]["text"]
        assert "matches 1500 issues" in note and "at most 250" in note and "250 most recently updated" in note
        assert sum(t for t, _o in labelled(block(message, SummaryBlock.BY_PRIORITY)).values()) == 250
        newest = [i.key for i in fake.search("project = OPS ORDER BY updated DESC")[:250]]
        assert [r.key for r in view.table.rows] == newest[:10]
        # A filter sees past the cap: Jira is asked with the filter in the JQL.
        agent = fake.search("project = OPS AND assignee is not EMPTY")[0].assignee
        assert agent is not None
        ref = agent if fake.cloud else fake.users[agent].username
        mine = await env.summary.project(site, PROJECT, TableFilters(assignee=ref))
        assert mine.table.matching == min(250, fake.count(f'project = OPS AND assignee = "{agent}"'))
        assert fake.violations == []


async def test_projects_are_listed_with_lead_and_type_and_paged(db_url: str, engine: Engine) -> None:
    fake = seeded("Cloud", n=5)
    for i in range(30):
        fake.add_project(f"P{i:02d}", f"Project {i}", type="business")
    async with summary_env(db_url, engine, fake) as env:
        site = await env.site()
        first = await env.summary.projects(site)
        second = await env.summary.projects(site, 1)
        assert (first.total, len(first.projects), len(second.projects), first.pages) == (32, 20, 12, 2)
        itsm = next(p for p in first.projects if p.key == "ITSM")
        assert (itsm.name, itsm.lead, itsm.type) == ("IT Service Management", "OpsGate Bot", "Service management")
        message = projects_message(first)
        validate(message["blocks"])
        assert "Next" in json.dumps(message) and "Previous" not in json.dumps(message)
        calls = [r for r in fake.requests if r.path.startswith("/rest/api/3/project")]
        assert len(calls) == 1 and parse_qs(f"expand={calls[0].query['expand'][0]}")["expand"] == ["lead"]


async def test_default_jql_is_validated_saved_and_audited(db_url: str, engine: Engine) -> None:
    fake = seeded("Cloud", n=300)
    async with summary_env(db_url, engine, fake) as env:
        site = await env.site()
        with pytest.raises(JiraCallError) as info:
            await env.summary.set_default_jql(site, "project = NOPE", actor="slack:UADMIN")
        assert "The value 'NOPE' does not exist for the field 'project'." in info.value.detail
        jql = "project = OPS AND assignee is EMPTY ORDER BY priority DESC"
        updated = await env.summary.set_default_jql(site, jql, actor="slack:UADMIN")
        assert updated.config.default_jql == jql and env.summary.home_jql(await env.site()) == jql
        view, _ = await env.summary.home_view(await env.site(), admin=False, budget=30)
        assert view.split is not None and view.split.total == fake.count("project = OPS AND assignee is EMPTY")
        # Another change to the integration keeps the scope.
        await env.gw.integrations.update(site.id, {"project_key": "OPS"}, actor="cli")
        assert (await env.site()).config.default_jql == jql
        await env.summary.set_default_jql(site, None, actor="slack:UADMIN")
        assert (await env.site()).config.default_jql is None
        with env.services.read_session() as session:
            q = select(AuditEntry).where(col(AuditEntry.action) == "integration.updated").order_by(col(AuditEntry.seq))
            changed = [json.loads(e.data)["changed"] for e in session.execute(q).scalars()]
        assert changed == [["default_jql"], ["project_key"], ["default_jql"]]


async def test_connection_health_reaches_readyz_without_secrets(db_url: str, engine: Engine) -> None:
    fake = seeded("Cloud", n=5)
    async with summary_env(db_url, engine, fake) as env:
        site = await env.site()
        assert env.summary.health.view(site.id).ok is None  # before the first scheduled check
        http = TestClient(TestServer(build_app(env.gate, registrars=[], background=[])))
        await http.start_server()

        async def readyz() -> dict[str, Any]:
            resp = await http.get("/readyz")
            assert resp.status == 200  # Jira's health is detail; readiness is the database
            body: dict[str, Any] = await resp.json()
            return body

        await env.gw.health()  # what the scheduler runs at start and every OPSGATE_JIRA_HEALTH_INTERVAL
        check = (await readyz())["checks"][f"jira:{site.id}"]
        assert (check["kind"], check["status"], check["deployment"], check["failedChecks"]) == (
            "jira",
            "ok",
            "Cloud",
            [],
        )
        fake.permissions["ADD_COMMENTS"] = False
        await env.gw.health()
        body = await readyz()
        assert body["checks"][f"jira:{site.id}"]["failedChecks"] == ["permissions"]
        view = env.summary.health.view(site.id)
        assert view.ok is False and "ADD_COMMENTS" in view.problems[0] and not view.stale
        fake.down()
        await env.gw.health()
        body = await readyz()
        assert body["checks"][f"jira:{site.id}"]["status"] == "failing"
        assert body["checks"][f"jira:{site.id}"]["failedChecks"] == ["site"]
        text = json.dumps(body)
        assert fake.api_token not in text and fake.email not in text and env.base not in text
        await http.close()


def test_health_goes_stale_when_the_check_stops(services: Services) -> None:
    now = [datetime(2026, 6, 9, 12, 0, tzinfo=UTC)]
    board = HealthBoard(services, timedelta(minutes=5), now=lambda: now[0])
    site = JiraSite("jira_x", 1, "x", "https://acme.atlassian.net", JiraConfig())
    board.record(site, SelfTest([Check("site", True, "ok")], "Cloud"))
    assert board.view("jira_x").ok is True and not board.view("jira_x").stale
    now[0] += timedelta(minutes=11)
    assert board.view("jira_x").stale
    board.forget("jira_x")
    assert board.view("jira_x").ok is None and "jira:jira_x" not in services.extensions["health_checks"]


async def test_cache_shares_one_read_remembers_failures_briefly_and_bounds_memory() -> None:
    now = [0.0]
    calls: list[str] = []
    cache: TtlCache[int] = TtlCache(60, clock=lambda: now[0], max_weight=10, weigh=lambda v: v)

    async def compute(key: str, value: int) -> int:
        calls.append(key)
        await asyncio.sleep(0.01)
        return value

    assert await asyncio.gather(cache.get("a", lambda: compute("a", 4)), cache.get("a", lambda: compute("a", 4))) == [
        4,
        4,
    ]
    assert calls == ["a"]  # two concurrent asks, one computation

    async def fail() -> int:
        calls.append("bad")
        raise JiraCallError("GET /x", "nope", status=400)

    for _ in range(2):
        with pytest.raises(JiraCallError):
            await cache.get("bad", fail)
    assert calls.count("bad") == 1
    now[0] += 11  # failures are kept for at most ERROR_TTL
    with pytest.raises(JiraCallError):
        await cache.get("bad", fail)
    assert calls.count("bad") == 2
    await cache.get("b", lambda: compute("b", 5))
    await cache.get("c", lambda: compute("c", 5))  # 4 + 5 + 5 > 10: the least recently used goes
    assert not cache.fresh("a") and cache.fresh("b") and cache.fresh("c") and cache.weight == 10
    now[0] += 61
    assert not cache.fresh("c")
