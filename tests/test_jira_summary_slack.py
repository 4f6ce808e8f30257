"""``/jira``, the issue table's selects and buttons, and the App Home section, through the real Bolt app with
really signed requests, the fake Slack Web API and the fake Jira (thousands of issues): every number in what Slack
receives is compared with the fake Jira's true count."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine

from opsgate.bot.gate import OpsGate, build_gate
from opsgate.bot.jira import JiraGateway, attach
from opsgate.bot.jira import summary as summary_module
from opsgate.bot.services import Services
from opsgate.cards.blockkit.jira_summary import SummaryAction, SummaryBlock
from opsgate.handlers.slack import build_bolt_app, build_runtime, events_handler, jira_summary, lifecycle
from opsgate.handlers.slack.runtime import SlackRuntime
from tests.conftest import make_settings
from tests.fakes.jira import FakeJira
from tests.fakes.server import serve
from tests.fakes.slack import (
    BOT_TOKEN,
    FakeSlack,
    app_home_opened_event,
    block_actions_body,
    event_body,
    signed_headers,
    slash_command_body,
)
from tests.jira_summary_support import PROJECT, block, labelled, project_truth, seeded, stats, validate
from tests.jira_support import jira_env
from tests.test_slack_harness import MALLORY, slack_env

SECRET = "0123456789abcdef0123456789abcdef"
ADMIN, VIEWER, OUTSIDER = "U0ADMIN", "U0VIEWER", "U0OUTSIDER"
VIEWERS = "S0JIRAVIEW"
dump = partial(json.dumps, ensure_ascii=False)


@dataclass
class Env:
    fake: FakeJira
    slack: FakeSlack
    slack_url: str
    gate: OpsGate
    gw: JiraGateway
    rt: SlackRuntime
    http: TestClient

    async def post(self, body: str) -> Any:
        resp = await self.http.post("/slack/events", data=body.encode(), headers=signed_headers(SECRET, body))
        assert resp.status == 200, await resp.text()
        raw = await resp.text()
        await self.rt.tasks.drain(30)
        return json.loads(raw) if raw.strip() else None

    async def command(self, user: str, text: str, name: str = "cmd") -> tuple[Any, list[dict[str, Any]]]:
        url = FakeSlack.response_url(self.slack_url, name)
        acked = await self.post(slash_command_body("/jira", text, user_id=user, response_url=url))
        return acked, self.slack.responses.get(name, [])

    async def act(
        self, user: str, message: dict[str, Any], action: str, value: str | None = None, name: str = "act"
    ) -> list[dict[str, Any]]:
        """Press a button (its own value) or choose ``value`` in a select of ``message``."""
        for b in message["blocks"]:
            for element in b.get("elements") or []:
                if element.get("action_id") == action:
                    kind = element["type"]
                    body = block_actions_body(
                        action,
                        element.get("value") if kind == "button" else value,
                        user_id=user,
                        block_id=b["block_id"],
                        action_type=kind,
                        response_url=FakeSlack.response_url(self.slack_url, name),
                    )
                    await self.post(body)
                    return self.slack.responses.get(name, [])
        raise AssertionError(f"no {action} in the message")

    async def open_home(self, user: str) -> dict[str, Any]:
        await self.post(event_body(app_home_opened_event(user)))
        return self.slack.home_views[user]


@contextlib.asynccontextmanager
async def slack_jira(
    db_url: str,
    engine: Engine,
    fake: FakeJira,
    *,
    ack_budget: float = 10.0,
    home_budget: float = 10.0,
    env: dict[str, str] | None = None,
    **options: Any,
) -> AsyncIterator[Env]:
    slack = FakeSlack()
    for user in (ADMIN, VIEWER, OUTSIDER):
        slack.add_user(user, f"{user.lower()}@acme.com")
    slack.add_usergroup(VIEWERS, [VIEWER])
    async with serve(fake.app) as jira_root, serve(slack.app) as slack_root:
        values = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack_root + "/api/",
            "OPSGATE_ADMINS": ADMIN,
            "OPSGATE_JIRA_VIEWER_GROUP": VIEWERS,
        }
        settings = make_settings(db_url, **jira_env(fake, jira_root + fake.base_path), **(values | (env or {})))
        gate = build_gate(Services(settings, engine))
        gw = attach(gate)
        assert summary_module.attach(gate, **options) is not None
        rt = build_runtime(gate)
        registrar = partial(jira_summary.register, ack_budget=ack_budget, home_budget=home_budget)
        bolt = build_bolt_app(gate, [registrar], rt=rt)
        app = web.Application()
        app.router.add_post("/slack/events", events_handler(bolt))
        app.cleanup_ctx.append(lifecycle(rt))
        http = TestClient(TestServer(app))
        await http.start_server()
        try:
            yield Env(fake, slack, slack_root, gate, gw, rt, http)
        finally:
            await http.close()
            gw.close()
            gate.services.close()
        assert slack.violations == [] and fake.violations == [] and fake.pacing_violations == []


async def test_project_command_answers_in_its_ack_with_the_true_counts(db_url: str, engine: Engine) -> None:
    fake = seeded("Cloud")
    async with slack_jira(db_url, engine, fake) as env:
        acked, responses = await env.command(VIEWER, "project OPS")
        assert acked["response_type"] == "ephemeral" and responses == []
        validate(acked["blocks"])
        assert stats(acked) == project_truth(fake)
        assert f"Open {project_truth(fake)['Open']}" in acked["text"]
        mark = len(fake.requests)
        again, _ = await env.command(VIEWER, "project ops", "again")
        assert stats(again) == stats(acked) and fake.requests[mark:] == []  # answered from the cache


async def test_slow_answer_goes_through_the_response_url(db_url: str, engine: Engine) -> None:
    fake = seeded("Server")
    async with slack_jira(db_url, engine, fake, ack_budget=0.0) as env:
        acked, responses = await env.command(VIEWER, "project OPS")
        assert "Reading Jira" in acked["text"] and acked["response_type"] == "ephemeral"
        (answer,) = responses
        assert answer["replace_original"] is True and answer["response_type"] == "ephemeral"
        validate(answer["blocks"])
        assert stats(answer) == project_truth(fake)


async def test_viewing_needs_the_viewer_group_and_config_needs_an_admin(db_url: str, engine: Engine) -> None:
    fake = seeded("Cloud", n=200)
    async with slack_jira(db_url, engine, fake) as env:
        mark = len(fake.requests)
        acked, _ = await env.command(OUTSIDER, "project OPS")
        assert "Jira viewer group" in acked["text"] and SummaryBlock.STATS not in dump(acked)
        acked, _ = await env.command(OUTSIDER, "search project = OPS")
        assert "Jira viewer group" in acked["text"]
        assert fake.requests[mark:] == [], "a refused request never reaches Jira"
        acked, _ = await env.command(ADMIN, "project OPS")  # admins may always look
        assert stats(acked)["All issues"] == 200
        acked, _ = await env.command(VIEWER, "config jql project = OPS")
        assert "Only OpsGate admins" in acked["text"]
        acked, _ = await env.command(ADMIN, "config")
        assert "updated &gt;= -30d" in dump(acked["blocks"]) and "built-in default" in dump(acked)
        acked, _ = await env.command(ADMIN, "config jql project = OPS AND assignee is EMPTY")
        assert "is now: project = OPS AND assignee is EMPTY" in acked["text"]
        acked, _ = await env.command(ADMIN, "config jql project = NOPE")
        assert "The value 'NOPE' does not exist for the field 'project'." in dump(acked)
        assert "unchanged" in acked["text"]


async def test_search_shows_jiras_message_for_invalid_jql(db_url: str, engine: Engine) -> None:
    fake = seeded("Server", n=50)
    async with slack_jira(db_url, engine, fake) as env:
        acked, _ = await env.command(VIEWER, "search project = OPS AND foo = bar")
        validate(acked["blocks"])
        text = dump(acked)
        assert "Jira did not accept this JQL." in text
        assert "Field 'foo' does not exist or you do not have permission to view it." in text
        acked, _ = await env.command(VIEWER, "project NOPE", "p")
        assert "No project could be found with key 'NOPE'." in dump(acked)


async def test_filters_and_pages_through_bolt(db_url: str, engine: Engine) -> None:
    fake = seeded("Cloud", n=800)
    async with slack_jira(db_url, engine, fake) as env:
        message, _ = await env.command(VIEWER, "project OPS")
        agent = next(u for u in fake.users.values() if u.account_id.startswith("bulk-"))
        (filtered,) = await env.act(VIEWER, message, SummaryAction.FILTER_ASSIGNEE, agent.account_id, "f")
        assert filtered["replace_original"] is True
        validate(filtered["blocks"])
        mine = [i.key for i in fake.search(f'project = OPS AND assignee = "{agent.account_id}" ORDER BY updated DESC')]
        heading = block(filtered, SummaryBlock.TABLE)["text"]["text"]
        assert f"1–10 of {len(mine)}" in heading and agent.display_name in heading
        assert stats(filtered) == project_truth(fake), "the stats stay those of the whole project"
        rows = [
            b["block_id"].rsplit(".", 1)[-1]
            for b in filtered["blocks"]
            if b["block_id"].startswith("opsgate.jira.row.")
        ]
        assert rows == mine[:10]
        responses = await env.act(VIEWER, filtered, SummaryAction.PAGE, name="f")
        rows = [b["block_id"].rsplit(".", 1)[-1] for b in responses[-1]["blocks"] if "jira.row." in b["block_id"]]
        assert rows == mine[10:20] and "page 2 of" in dump(responses[-1])
        (cleared,) = await env.act(VIEWER, responses[-1], SummaryAction.CLEAR_FILTERS, name="c")
        assert "1–10 of 800" in block(cleared, SummaryBlock.TABLE)["text"]["text"]
        (high,) = await env.act(VIEWER, cleared, SummaryAction.FILTER_PRIORITY, "High", "h")
        assert (
            f"of {fake.count('project = OPS AND priority = High')}" in block(high, SummaryBlock.TABLE)["text"]["text"]
        )


async def test_projects_command_pages(db_url: str, engine: Engine) -> None:
    fake = seeded("Cloud", n=5)
    for i in range(25):
        fake.add_project(f"P{i:02d}", f"Project {i}")
    async with slack_jira(db_url, engine, fake) as env:
        first, _ = await env.command(VIEWER, "projects")
        validate(first["blocks"])
        assert "projects 1–20 of 27" in dump(first) and "Lead: OpsGate Bot" in dump(first)
        (second,) = await env.act(VIEWER, first, SummaryAction.PROJECTS_PAGE, name="p2")
        assert "projects 21–27 of 27" in dump(second) and second["replace_original"] is True


async def test_help_and_unknown_sites(db_url: str, engine: Engine) -> None:
    fake = seeded("Cloud", n=5)
    async with slack_jira(db_url, engine, fake) as env:
        acked, _ = await env.command(OUTSIDER, "")
        assert "/jira project KEY" in dump(acked)
        acked, _ = await env.command(VIEWER, "site=elsewhere projects")
        assert "No Jira site 'elsewhere'" in acked["text"]
        acked, _ = await env.command(VIEWER, "site=127.0.0.1 project OPS")
        assert acked["text"].startswith("OPS: Open")


async def test_app_home_section_counts_health_and_refresh(db_url: str, engine: Engine) -> None:
    fake = seeded("Cloud")
    async with slack_jira(db_url, engine, fake) as env:
        await env.gw.health()  # the scheduled self-test
        site = env.gw.integrations.sites()[0]
        home = await env.open_home(VIEWER)
        validate(home["blocks"])
        got = {k: v for k, (v, _o) in labelled(block(home, f"{SummaryBlock.HOME}.{site.id}")).items()}
        scope = "updated >= -30d"
        assert got == {
            "To Do": fake.count(f'{scope} AND statusCategory = "To Do"'),
            "In Progress": fake.count(f'{scope} AND statusCategory = "In Progress"'),
            "Done": fake.count(f"{scope} AND statusCategory = Done"),
            "Open": fake.count(f"{scope} AND statusCategory != Done"),
            "Total": fake.count(scope),
        }
        assert "Connection" not in dump(home), "health is for admins"
        admin_home = await env.open_home(ADMIN)
        assert (
            "Connection: OK (Jira Cloud)"
            in block(admin_home, f"{SummaryBlock.HOME}.{site.id}.health")["elements"][0]["text"]
        )
        outsider = await env.open_home(OUTSIDER)
        assert "Jira viewer group" in dump(outsider) and "To Do:" not in dump(outsider)
        fake.bulk_issues(PROJECT, 40, seed=99)
        mark = len(fake.requests)
        await env.post(
            block_actions_body(
                SummaryAction.HOME_REFRESH,
                site.id,
                user_id=VIEWER,
                view=home,
                block_id=f"{SummaryBlock.HOME}.{site.id}.actions",
            )
        )
        assert any(r.path.endswith("/approximate-count") for r in fake.requests[mark:])
        refreshed = env.slack.home_views[VIEWER]
        total = labelled(block(refreshed, f"{SummaryBlock.HOME}.{site.id}"))["Total"][0]
        assert total == fake.count(scope) > got["Total"]


async def test_app_home_shows_counting_then_publishes_again(db_url: str, engine: Engine) -> None:
    fake = seeded("Server", n=300)
    async with slack_jira(db_url, engine, fake, home_budget=0.0) as env:
        await env.post(event_body(app_home_opened_event(VIEWER)))
        versions = [c.args["view"] for c in env.slack.calls_of("views.publish")]
        assert len(versions) == 2
        assert "Counting issues in Jira" in dump(versions[0])
        site = env.gw.integrations.sites()[0]
        got = labelled(block(versions[1], f"{SummaryBlock.HOME}.{site.id}"))
        assert got["Total"][0] == fake.count("updated >= -30d")


async def test_wired_into_the_assembled_slack_app(db_url: str) -> None:
    """``handlers/slack`` loads this room's listeners by itself; the gateway attached as ``bot.assembly`` does."""
    fake = seeded("Cloud", n=120)
    async with serve(fake.app) as root, slack_env(db_url, **jira_env(fake, root)) as h:
        gw = attach(h.gate)
        try:
            url = FakeSlack.response_url(h.fake_url, "wired")
            resp = await h.post(slash_command_body("/jira", "project OPS", user_id=MALLORY[0], response_url=url))
            assert resp.status == 200
            body = await resp.json()
            await h.settle()
            assert stats(body) == project_truth(fake)
            h.assert_clean()
        finally:
            gw.close()


async def test_command_text_is_read_as_typed(db_url: str, engine: Engine) -> None:
    """Slack sends ``<``, ``>`` and ``&`` as entities, and its clients may curl the quotes of a JQL."""
    fake = seeded("Cloud", n=300)
    async with slack_jira(db_url, engine, fake) as env:
        acked, _ = await env.command(VIEWER, "search project = “OPS” AND updated &gt;= -30d")
        validate(acked["blocks"])
        got = {k: v for k, (v, _o) in labelled(block(acked, SummaryBlock.STATS)).items()}
        assert got["Total"] == fake.count("project = OPS AND updated >= -30d") > 0
