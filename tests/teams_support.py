"""A Teams world for tests: the real OpsGate app (ingest, runs and Teams registrars) with the real botbuilder
``CloudAdapter``, talking to the fake Bot Framework (HTTPS, test CA) and a fake Graph tenant.

``teams_world(db_url)`` yields a :class:`World`: people (an approver, a group approver, a non-approver, the Jira
reporter), the approval channel's ids, builders of inbound activities exactly as Teams sends them, and helpers to
post them with a real channel token and to deliver the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from opsgate.bot.app import build_app
from opsgate.bot.gate import OpsGate, build_gate
from opsgate.bot.services import Services
from opsgate.handlers import teams
from opsgate.handlers.http import ingest, runs
from opsgate.store.db import make_engine
from opsgate.store.migrate import migrate
from tests.conftest import make_settings
from tests.fakes.bf_connector import Member, Message
from tests.fakes.botframework import FakeBotFramework
from tests.fakes.graph import FakeGraph
from tests.fakes.server import serve
from tests.fakes.tls import TestCA
from tests.helpers import auth, make_key, ticket_body

_CA: TestCA | None = None


def test_ca() -> TestCA:
    global _CA
    if _CA is None:
        _CA = TestCA()
    return _CA


@contextlib.contextmanager
def ca_trusted(ca: TestCA, variable: str = "REQUESTS_CA_BUNDLE") -> Iterator[None]:
    """Trust the test CA through ``variable`` only (REQUESTS_CA_BUNDLE or SSL_CERT_FILE), as an admin would."""
    saved = {k: os.environ.get(k) for k in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE")}
    for key in saved:
        os.environ.pop(key, None)
    os.environ[variable] = str(ca.ca_file)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dataclass
class World:
    fake: FakeBotFramework
    graph: FakeGraph
    gate: OpsGate
    client: TestClient
    approver: Member  # listed by object id
    group_approver: Member  # member of the approvers' Entra group
    bystander: Member  # no approver
    reporter: Member  # sarah.chen@acme.com, the Jira reporter of the sample ticket (and an approver)
    team_id: str = "19:team-it@thread.tacv2"
    channel_id: str = "19:approvals@thread.tacv2"
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1_600_000_000_000))

    @property
    def connector(self) -> Any:
        return self.fake.connector

    # inbound activities ---------------------------------------------------------------------------------------

    def _base(self, user: Member, conversation: dict[str, Any], channel_data: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": str(next(self._ids)),
            "timestamp": "2026-06-09T17:42:11.310Z",
            "serviceUrl": self.fake.service_url,
            "channelId": "msteams",
            "from": {"id": user.id, "name": user.name, "aadObjectId": user.aad_object_id},
            "conversation": conversation,
            "recipient": {"id": f"28:{self.fake.app_id}", "name": "OpsGate"},
            "locale": "en-US",
            "channelData": channel_data,
        }

    def _channel_data(self) -> dict[str, Any]:
        return {
            "teamsChannelId": self.channel_id,
            "teamsTeamId": self.team_id,
            "channel": {"id": self.channel_id, "name": "IT approvals"},
            "team": {"id": self.team_id, "name": "IT"},
            "tenant": {"id": self.fake.tenant_id},
        }

    def channel_message(self, text: str, user: Member, *, mention: bool = True) -> dict[str, Any]:
        """A new post in the approval channel, mentioning the bot (as Teams delivers it)."""
        activity = self._base(user, {}, self._channel_data())
        activity["conversation"] = {
            "isGroup": True,
            "conversationType": "channel",
            "tenantId": self.fake.tenant_id,
            "id": f"{self.channel_id};messageid={activity['id']}",
        }
        at = "<at>OpsGate</at>"
        activity.update({"type": "message", "textFormat": "plain", "text": f"{at} {text}" if mention else text})
        if mention:
            mentioned = {"id": f"28:{self.fake.app_id}", "name": "OpsGate"}
            activity["entities"] = [{"type": "mention", "mentioned": mentioned, "text": at}]
        self.connector.observe(activity)
        return activity

    def personal_message(self, text: str, user: Member) -> dict[str, Any]:
        conversation = {
            "conversationType": "personal",
            "tenantId": self.fake.tenant_id,
            "id": f"a:1chat-{user.aad_object_id}",
        }
        activity = self._base(user, conversation, {"tenant": {"id": self.fake.tenant_id}})
        activity.update({"type": "message", "textFormat": "plain", "text": text})
        self.connector.observe(activity)
        return activity

    def card_action(
        self, verb: str, data: dict[str, Any], user: Member, card_id: str, *, trigger: str = "manual"
    ) -> dict[str, Any]:
        """An ``adaptiveCard/action`` invoke from the card posted as activity ``card_id`` in the channel."""
        conversation = {
            "isGroup": True,
            "conversationType": "channel",
            "tenantId": self.fake.tenant_id,
            "id": f"{self.channel_id};messageid={card_id}",
        }
        activity = self._base(user, conversation, self._channel_data())
        activity.update(
            {
                "type": "invoke",
                "name": "adaptiveCard/action",
                "replyToId": card_id,
                "value": {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": trigger},
            }
        )
        return activity

    def personal_action(self, verb: str, data: dict[str, Any], user: Member, card_id: str) -> dict[str, Any]:
        conversation = {
            "conversationType": "personal",
            "tenantId": self.fake.tenant_id,
            "id": f"a:1chat-{user.aad_object_id}",
        }
        activity = self._base(user, conversation, {"tenant": {"id": self.fake.tenant_id}})
        activity.update(
            {
                "type": "invoke",
                "name": "adaptiveCard/action",
                "replyToId": card_id,
                "value": {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"},
            }
        )
        return activity

    # sending and delivering -----------------------------------------------------------------------------------

    async def send(self, activity: dict[str, Any], headers: dict[str, str] | None = None) -> ClientResponse:
        return await self.client.post(
            teams.ROUTE, json=activity, headers=self.fake.auth_header() if headers is None else headers
        )

    async def answer(self, activity: dict[str, Any]) -> dict[str, Any]:
        response = await self.send(activity)
        assert response.status == 200, await response.text()
        body: dict[str, Any] = await response.json()
        return body

    async def deliver(self, rounds: int = 5) -> None:
        """Deliver every outbox row due now (cards, updates, notes), after any delivery a click kicked off."""
        for _ in range(rounds):
            kicked = list(getattr(self.gate.outbox, "_kicks", ()))
            if kicked:
                await asyncio.gather(*kicked)
            if await self.gate.outbox.run_once() == 0 and not getattr(self.gate.outbox, "_kicks", ()):
                return

    async def set_channel(self, user: Member | None = None) -> None:
        response = await self.send(self.channel_message("set approvals here", user or self.approver))
        assert response.status == 200, await response.text()

    async def ingest(self, key: str = "ITSM-123", **kwargs: Any) -> str:
        api_key = make_key(self.gate.services, "ticket:ingest")
        response = await self.client.post(
            "/api/v1/tickets/ingest", json=ticket_body(key=key, **kwargs), headers=auth(api_key)
        )
        body = await response.json()
        assert response.status == 200, body
        return str(body["runId"])

    def card_post(self) -> Message:
        posts = [m for m in self.connector.in_conversation(self.channel_id) if m.cards and m.body.get("from")]
        assert posts, "no card was posted in the approval channel"
        return posts[-1]


@contextlib.asynccontextmanager
async def teams_world(db_url: str, *, trust: str = "REQUESTS_CA_BUNDLE", **env: Any) -> AsyncIterator[World]:
    ca = test_ca()
    graph = FakeGraph()
    fake = FakeBotFramework(ca=ca)
    approver = fake.add_user("Alex Admin", "alex.admin@acme.com")
    group_approver = fake.add_user("Grace Group", "grace.group@acme.com")
    bystander = fake.add_user("Bob Bystander", "bob.bystander@acme.com")
    reporter = fake.add_user("Sarah Chen", "sarah.chen@acme.com")
    for member in (approver, group_approver, bystander, reporter):
        graph.add_user(member.email or "", display_name=member.name)
        graph.users[member.aad_object_id] = graph.users.pop(graph.user(member.email or "")["id"])
        graph.users[member.aad_object_id]["id"] = member.aad_object_id
    group = graph.add_group("OpsGate Approvers")
    graph.members[group] = {group_approver.aad_object_id}
    engine = make_engine(db_url)
    migrate(engine)
    with ca_trusted(ca, trust), fake:
        async with serve(graph.app) as graph_url:
            values = {
                **fake.settings(),
                "OPSGATE_TEAMS_APPROVERS": f"{approver.aad_object_id},{reporter.aad_object_id},{group}",
                "GRAPH_URL": graph_url,
                "GRAPH_LOGIN_URL": graph_url,
                "GRAPH_TENANT_ID": graph.tenant_id,
                "GRAPH_CLIENT_ID": graph.client_id,
                "GRAPH_CLIENT_SECRET": graph.client_secret,
                "OPSGATE_SANDBOX": "true",
                **env,
            }
            services = Services(make_settings(db_url, **values), engine)
            gate = build_gate(services)
            app = build_app(gate, registrars=[ingest.register, runs.register, teams.register], background=[])
            client = TestClient(TestServer(app))
            await client.start_server()
            try:
                yield World(fake, graph, gate, client, approver, group_approver, bystander, reporter)
            finally:
                await client.close()
                engine.dispose()


def new_id() -> str:
    return str(uuid.uuid4())
