"""Jira tickets from Slack: the "Create Jira ticket" message shortcut, its modal and submission through a real
Bolt app (signed requests, FakeSlack), the issue in FakeJira (permalink, due date, thread attachment), at most one
ticket per thread, an attachment failure not aborting creation, the webhook timeline in that thread, and unlink.

The Slack app proper (handlers/slack/__init__.py, written by another room) is not used: the test builds a minimal
AsyncApp with a middleware that puts the gate into ``context["gate"]``, as that app does."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from sqlalchemy import Engine

from opsgate.bot.gate import OpsGate
from opsgate.bot.jira import attach
from opsgate.cards.blockkit.jira_ticket import JiraAction, JiraField, UnlinkButton
from opsgate.cards.ids import CallbackId
from opsgate.handlers.slack import jira_ticket
from tests.fakes.jira import FakeJira, webhook_request
from tests.fakes.jira_model import adf_to_text
from tests.fakes.server import serve
from tests.fakes.slack import (
    BOT_TOKEN,
    block_actions_body,
    message_shortcut_body,
    signed_headers,
    view_submission_body,
)
from tests.helpers import count
from tests.jira_support import HOOK_SECRET, Env, jira_env, jira_env_gate

SIGNING = "slack-signing-secret"
CHANNEL = "C0HELPDESK"


def bolt(env: Env) -> AsyncApp:
    from slack_sdk.web.async_client import AsyncWebClient

    app = AsyncApp(
        client=AsyncWebClient(token=BOT_TOKEN, base_url=env.slack_client.base_url),
        signing_secret=SIGNING,
        process_before_response=True,
    )
    gate: OpsGate = env.gate

    async def inject(context: Any, next: Any) -> None:
        context["gate"] = gate
        await next()

    app.use(inject)
    jira_ticket.register(app)
    return app


async def dispatch(app: AsyncApp, body: str) -> tuple[int, str]:
    response = await app.async_dispatch(AsyncBoltRequest(body=body, headers=signed_headers(SIGNING, body)))
    return response.status, response.body


def form(view: dict[str, Any], **answers: Any) -> dict[str, dict[str, Any]]:
    """view.state.values for the modal as Slack would send it back, starting from its initial values."""
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        field, element = block["block_id"], block["element"]
        state: dict[str, Any] = {"type": element["type"]}
        if element["type"] == "plain_text_input":
            state["value"] = element.get("initial_value")
        elif element["type"] == "datepicker":
            state["selected_date"] = None
        elif element["type"] == "checkboxes":
            state["selected_options"] = []
        elif element["type"] == "static_select":
            state["selected_option"] = element.get("initial_option")
        values[field] = {field: state}
    for field, answer in answers.items():
        values[str(JiraField[field.upper()])][str(JiraField[field.upper()])].update(answer)
    return values


async def shortcut(env: Env, app: AsyncApp, ts: str, text: str) -> dict[str, Any]:
    body = message_shortcut_body(
        str(CallbackId.CREATE_JIRA_TICKET), text, channel_id=CHANNEL, message_ts=ts, message_user="U0ALICE"
    )
    assert (await dispatch(app, body))[0] == 200
    return env.slack.opened_views[-1]


async def submit(app: AsyncApp, view: dict[str, Any], **answers: Any) -> tuple[int, str]:
    body = view_submission_body(
        str(CallbackId.CREATE_JIRA_TICKET), form(view, **answers), private_metadata=view["private_metadata"]
    )
    return await dispatch(app, body)


def thread(env: Env, ts: str) -> list[dict[str, Any]]:
    return env.slack.thread_replies(CHANNEL, ts)


async def test_create_a_ticket_from_a_thread_and_follow_it(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        app = bolt(env)
        root = env.slack.post_user_message(CHANNEL, "U0ALICE", "Laptop will not boot\nBlack screen since the update")
        env.slack.post_user_message(CHANNEL, "U0BOB", "Try holding the power button", thread_ts=root)
        view = await shortcut(env, app, root, "Laptop will not boot\nBlack screen since the update")
        inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
        permalink = f"https://acme.slack.com/archives/{CHANNEL}/p{root.replace('.', '')}"
        assert inputs[JiraField.SUMMARY]["initial_value"] == "Laptop will not boot"
        assert inputs[JiraField.PROJECT]["initial_value"] == "ITSM"
        assert inputs[JiraField.DESCRIPTION]["initial_value"].endswith(f"Slack thread: {permalink}")
        status, _ = await submit(
            app,
            view,
            due_date={"selected_date": "2099-07-01"},
            attach={"selected_options": [{"value": "thread", "text": {"type": "plain_text", "text": "x"}}]},
        )
        assert status == 200
        [issue] = env.fake.issues.values()
        assert (issue.summary, issue.duedate, issue.project) == ("Laptop will not boot", "2099-07-01", "ITSM")
        assert adf_to_text(issue.description).endswith(f"Slack thread: {permalink}")
        links = [n for p in issue.description["content"] for n in p["content"] if n.get("marks")]
        assert links == [{"type": "text", "text": permalink, "marks": [{"type": "link", "attrs": {"href": permalink}}]}]
        [attachment] = issue.attachments
        assert attachment.filename == f"slack-thread-{CHANNEL}-{root}.txt"
        assert (
            b"<U0ALICE>: Laptop will not boot" in attachment.content and b"<U0BOB>: Try holding" in attachment.content
        )
        created = thread(env, root)[-1]
        assert created["text"] == f"Created Jira ticket {issue.key}: {env.base}/browse/{issue.key}"
        assert JiraAction.UNLINK in json.dumps(created["blocks"])
        assert env.audit("jira.ticket_created") == 1
        # Jira's own webhook for the creation (by OpsGate's account) is ignored; a person's change shows up.
        assert await env.hook(env.fake.webhook_payload("jira:issue_created", issue.key)) == 200
        agent = env.fake.add_user("acc-agent", "Agent Smith", "agent@example.com")
        env.fake.transition(issue.key, "In Progress", by=agent.account_id)
        assert await env.hook(env.fake.webhook_payload("jira:issue_updated", issue.key)) == 200
        await env.drain()
        assert (
            thread(env, root)[-1]["text"] == f'Jira update ({issue.key}): status changed from "To Do" to "In Progress"'
        )
        assert env.fake.violations == [] and env.slack.violations == []


async def test_at_most_one_ticket_per_thread(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        app = bolt(env)
        root = env.slack.post_user_message(CHANNEL, "U0ALICE", "VPN is down")
        first = await shortcut(env, app, root, "VPN is down")
        second = await shortcut(env, app, root, "VPN is down")  # opened before the first was submitted
        await submit(app, first)
        await submit(app, second)
        assert len(env.fake.issues) == 1
        assert "already linked to ITSM-1" in env.slack.ephemerals[-1]["text"]
        third = await shortcut(env, app, root, "VPN is down")
        assert "already linked" in json.dumps(third["blocks"]) and "submit" not in third
        assert count(env.services, "SELECT count(*) FROM jira_links") == 1


async def test_an_attachment_failure_does_not_abort_creation(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        app = bolt(env)
        env.fake.permissions["CREATE_ATTACHMENTS"] = False
        root = env.slack.post_user_message(CHANNEL, "U0ALICE", "Printer jam")
        view = await shortcut(env, app, root, "Printer jam")
        await submit(
            app, view, attach={"selected_options": [{"value": "thread", "text": {"type": "plain_text", "text": "x"}}]}
        )
        [issue] = env.fake.issues.values()
        assert issue.attachments == []
        created = thread(env, root)[-1]
        assert created["text"].startswith(f"Created Jira ticket {issue.key}")
        assert "could not be attached" in json.dumps(created["blocks"]) and "HTTP 403" in json.dumps(created["blocks"])


async def test_jira_refusing_leaves_the_thread_free_and_says_why(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        app = bolt(env)
        root = env.slack.post_user_message(CHANNEL, "U0ALICE", "New monitor please")
        view = await shortcut(env, app, root, "New monitor please")
        _status, body = await submit(app, view, summary={"value": ""})
        assert json.loads(body)["response_action"] == "errors" and JiraField.SUMMARY in json.loads(body)["errors"]
        await submit(app, view, project={"value": "NOPE"})
        assert env.fake.issues == {} and "Jira ticket not created" in env.slack.ephemerals[-1]["text"]
        assert "HTTP 400" in env.slack.ephemerals[-1]["text"]
        assert count(env.services, "SELECT count(*) FROM jira_links") == 0
        await submit(app, view)  # fixed: the thread was not left reserved
        assert len(env.fake.issues) == 1


async def test_unlink_keeps_the_jira_issue_and_stops_the_timeline(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        app = bolt(env)
        root = env.slack.post_user_message(CHANNEL, "U0ALICE", "Email bounced")
        await submit(app, await shortcut(env, app, root, "Email bounced"))
        [issue] = env.fake.issues.values()
        created = thread(env, root)[-1]
        value = UnlinkButton(key=issue.key, thread_ts=root).to_value()
        body = block_actions_body(str(JiraAction.UNLINK), value, user_id="U0ALICE", channel_id=CHANNEL, message=created)
        assert (await dispatch(app, body))[0] == 200
        assert count(env.services, "SELECT count(*) FROM jira_links") == 0
        assert issue.key in env.fake.issues and env.audit("jira.ticket_unlinked") == 1
        assert env.slack.message(CHANNEL, created["ts"])["text"].startswith(f"Unlinked from {issue.key}")  # type: ignore[index]
        agent = env.fake.add_user("acc-agent", "Agent Smith")
        env.fake.transition(issue.key, "In Progress", by=agent.account_id)
        before = count(env.services, "SELECT count(*) FROM outbox")
        assert await env.hook(env.fake.webhook_payload("jira:issue_updated", issue.key)) == 200
        assert count(env.services, "SELECT count(*) FROM outbox") == before
        view = await shortcut(env, app, root, "Email bounced")  # the thread may be pushed again
        assert view.get("callback_id") == CallbackId.CREATE_JIRA_TICKET


async def test_through_the_real_slack_app(db_url: str) -> None:
    """The same flow through OpsGate's own Slack app (``/slack/events``, its middleware, background tasks and the
    room-listener discovery that picks up handlers/slack/jira_ticket.py) and its SlackSurface."""
    from tests.test_slack_harness import slack_env  # the Slack room's harness

    fake = FakeJira("Cloud")
    fake.add_project("ITSM", "IT Service Management")
    async with serve(fake.app) as jira_base, slack_env(db_url, **jira_env(fake, jira_base)) as h:
        gateway = attach(h.gate)
        h.fake.add_channel(CHANNEL, "helpdesk")
        root = h.fake.post_user_message(CHANNEL, "U0MIA", "Cannot open the shared drive")
        body = message_shortcut_body(
            str(CallbackId.CREATE_JIRA_TICKET), "Cannot open the shared drive", channel_id=CHANNEL, message_ts=root
        )
        assert (await h.post(body)).status == 200
        view = h.fake.opened_views[-1]
        submission = view_submission_body(
            str(CallbackId.CREATE_JIRA_TICKET), form(view), private_metadata=view["private_metadata"], user_id="U0MIA"
        )
        assert (await h.post(submission)).status == 200
        await h.settle()
        [issue] = fake.issues.values()
        assert issue.summary == "Cannot open the shared drive"
        replies = h.fake.thread_replies(CHANNEL, root)
        assert replies[-1]["text"] == f"Created Jira ticket {issue.key}: {jira_base}/browse/{issue.key}"
        agent = fake.add_user("acc-agent", "Agent Smith")
        fake.transition(issue.key, "In Progress", by=agent.account_id)
        hook_body, headers = webhook_request(HOOK_SECRET, fake.webhook_payload("jira:issue_updated", issue.key))
        # (the harness mounts no Jira webhook route; the route itself is covered in test_jira_sync.py)
        assert await gateway.sync.receive(gateway.integrations.sites()[0].id, hook_body, headers) == "applied"
        await h.settle()
        assert h.fake.thread_replies(CHANNEL, root)[-1]["text"].startswith(f"Jira update ({issue.key}): status changed")
        h.assert_clean()
        assert fake.violations == []
        gateway.close()
