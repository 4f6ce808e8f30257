"""Shared set-up for the Jira gateway tests: a FakeJira (Cloud or Server) and a FakeSlack on loopback, an OpsGate
gate wired to both (a Slack ChatSurface over the real slack_sdk client), and helpers to ingest, decide, drive the
outbox and send signed webhooks."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine, select, update
from sqlmodel import col

from opsgate.bot.app import build_app
from opsgate.bot.chat import ChatUnavailable, PostedMessage
from opsgate.bot.gate import OpsGate, build_gate
from opsgate.bot.jira import JiraGateway, attach
from opsgate.bot.runs import Decider
from opsgate.bot.services import Services
from opsgate.cards.blockkit.approval import approval_card, thread_note
from opsgate.cards.views import ApprovalView
from opsgate.handlers.http import ingest, jira_webhooks, runs
from opsgate.store.models import OutboxMessage, utcnow
from tests.conftest import make_settings
from tests.fakes.jira import FakeJira, webhook_request
from tests.fakes.server import serve
from tests.fakes.slack import BOT_TOKEN, FakeSlack
from tests.helpers import auth, count, make_key, ticket_body

APPROVALS = "C0APPROVALS"
ALICE = Decider("slack:UALICE", "<@UALICE>", "alice@acme.com", True)
HOOK_SECRET = "whsec-test-0123456789"


class SlackTestSurface:
    """A minimal ChatSurface over the real slack_sdk client (the production SlackSurface lives in
    handlers/slack/surface.py, written by another room); enough for threads and cards."""

    name = "slack"

    def __init__(self, client: AsyncWebClient, channel: str = APPROVALS) -> None:
        self.client = client
        self.channel = channel

    async def _send(self, method: str, **kwargs: Any) -> Any:
        try:
            return await getattr(self.client, method)(**kwargs)
        except SlackApiError as exc:
            raise ChatUnavailable(str(exc.response.get("error"))) from exc

    async def post_approval(self, view: ApprovalView) -> PostedMessage:
        answer = await self._send("chat_postMessage", channel=self.channel, **approval_card(view))
        return PostedMessage("slack", str(answer["channel"]), str(answer["ts"]))

    async def update_approval(self, posted: PostedMessage, view: ApprovalView) -> None:
        await self._send("chat_update", channel=posted.channel, ts=posted.message_id, **approval_card(view))

    async def post_note(self, posted: PostedMessage, view: ApprovalView) -> None:
        await self._send("chat_postMessage", channel=posted.channel, thread_ts=posted.message_id, **thread_note(view))

    async def post_in_thread(self, posted: PostedMessage, text: str) -> None:
        await self._send("chat_postMessage", channel=posted.channel, thread_ts=posted.message_id, text=text)

    async def notify_requester(self, requester: str, view: ApprovalView) -> bool:
        return False

    async def send_direct(self, person: str, text: str) -> bool:
        return False

    async def announce(self, text: str) -> PostedMessage | None:
        return None


@dataclass
class Env:
    gate: OpsGate
    jira: JiraGateway
    fake: FakeJira
    base: str  # the fake Jira's base URL (with its context path)
    slack: FakeSlack
    slack_client: AsyncWebClient
    http: TestClient  # OpsGate's own routes (ingest, runs, Jira webhooks), without the scheduler

    @property
    def services(self) -> Services:
        return self.gate.services

    @property
    def site_id(self) -> str:
        return self.jira.integrations.sites()[0].id

    async def ingest(self, key: str = "ITSM-1", base: str | None = None, **kw: Any) -> str:
        api_key = make_key(self.services, "ticket:ingest")
        body = ticket_body(key=key, url=f"{base or self.base}/browse/{key}", **kw)
        resp = await self.http.post("/api/v1/tickets/ingest", json=body, headers=auth(api_key))
        data = await resp.json()
        assert resp.status == 200, data
        return str(data["runId"])

    async def approve(self, run_id: str) -> None:
        run = self.gate.runs.get(run_id)
        outcome = await self.services.db(self.gate.runs.decide, run_id, ALICE, "approve", plan_hash=run.plan_hash)
        assert outcome.changed, outcome.message

    async def deny(self, run_id: str, reason: str = "not verified") -> None:
        run = self.gate.runs.get(run_id)
        outcome = await self.services.db(
            self.gate.runs.decide, run_id, ALICE, "deny", plan_hash=run.plan_hash, reason=reason
        )
        assert outcome.changed, outcome.message

    async def drain(self, rounds: int = 6) -> None:
        """Deliver everything due now (and what those deliveries enqueue), after any delivery already kicked off
        (a kicked run_once may hold the claim on a row)."""
        kicked = list(getattr(self.gate.outbox, "_kicks", ()))
        if kicked:
            await asyncio.gather(*kicked, return_exceptions=True)
        for _ in range(rounds):
            delivered = await self.gate.outbox.run_once()
            detached = list(getattr(self.gate.outbox, "_kicks", ()))  # executions run beside the tick
            if detached:
                await asyncio.gather(*detached, return_exceptions=True)
            elif not delivered:
                return

    def make_due(self, kind: str | None = None) -> None:
        """Time travel for the outbox: every pending row (of ``kind``) is due now."""
        make_due(self.services.engine, kind)

    def pending(self, kind: str) -> list[OutboxMessage]:
        with self.services.read_session() as session:
            q = select(OutboxMessage).where(col(OutboxMessage.kind) == kind).order_by(col(OutboxMessage.id))
            return list(session.execute(q).scalars())

    def card_thread(self, run_id: str) -> list[str]:
        """Texts of the replies under the run's approval card (the first is the card's own note)."""
        card = next(m for m in self.slack.channel_messages(APPROVALS) if run_id in str(m.get("blocks")))
        return [str(m.get("text")) for m in self.slack.thread_replies(APPROVALS, card["ts"])]

    def audit(self, action: str) -> int:
        return count(self.services, "SELECT count(*) FROM audit_entries WHERE action = :a", a=action)

    async def hook(
        self,
        payload: dict[str, Any],
        *,
        secret: str | None = HOOK_SECRET,
        identifier: str | None = None,
        site_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> int:
        body, hdrs = webhook_request(secret, payload, identifier=identifier)
        resp = await self.http.post(
            f"/api/v1/webhooks/jira/{site_id or self.site_id}", data=body, headers={**hdrs, **(headers or {})}
        )
        assert await resp.read() == b""
        return resp.status


def make_due(engine: Engine, kind: str | None = None) -> None:
    q = update(OutboxMessage).where(col(OutboxMessage.delivered_at).is_(None), col(OutboxMessage.gave_up_at).is_(None))
    if kind is not None:
        q = q.where(col(OutboxMessage.kind) == kind)
    with engine.begin() as conn:
        conn.execute(q.values(next_attempt_at=utcnow() - dt.timedelta(seconds=1), claimed_until=None))


def jira_env(fake: FakeJira, base: str, *, secret: str | None = HOOK_SECRET, **extra: str) -> dict[str, str]:
    env = {"JIRA_URL": base, "JIRA_PROJECT_KEY": "ITSM"}
    if fake.cloud:
        env |= {"JIRA_EMAIL": fake.email, "JIRA_API_TOKEN": fake.api_token}
    else:
        env |= {"JIRA_PAT": fake.pat}
    if secret:
        env["JIRA_WEBHOOK_SECRET"] = secret
    return env | extra


@contextlib.asynccontextmanager
async def jira_env_gate(
    db_url: str,
    engine: Engine,
    *,
    deployment: str = "Cloud",
    sandbox: bool = False,
    env: dict[str, str] | None = None,
    fake: FakeJira | None = None,
) -> AsyncIterator[Env]:
    fake = fake or FakeJira(deployment, base_path="" if deployment == "Cloud" else "/jira")
    if "ITSM" not in fake.projects:
        fake.add_project("ITSM", "IT Service Management", type="service_desk")
    slack = FakeSlack()
    async with serve(fake.app) as jira_root, serve(slack.app) as slack_root:
        base = jira_root + fake.base_path
        settings = make_settings(
            db_url,
            OPSGATE_SANDBOX="true" if sandbox else "false",
            OPSGATE_APPROVAL_SURFACE="slack",
            **jira_env(fake, base),
            **(env or {}),
        )
        services = Services(settings, engine)
        gate = build_gate(services)
        client = AsyncWebClient(token=BOT_TOKEN, base_url=slack_root + "/api/")
        gate.add_surface(SlackTestSurface(client))
        gw = attach(gate)
        app = build_app(gate, registrars=[ingest.register, runs.register, jira_webhooks.register], background=[])
        http = TestClient(TestServer(app))
        await http.start_server()
        try:
            yield Env(gate, gw, fake, base, slack, client, http)
        finally:
            await http.close()  # closes the services too
            gw.close()
