"""Socket Mode (``SLACK_APP_TOKEN``): the same listeners over a WebSocket. A small fake of Slack's Socket Mode
endpoint (``apps.connections.open`` + the WebSocket) sits in front of the fake Web API; an Approve press arrives as
an ``interactive`` envelope, is acknowledged on the socket, and decides the run like an HTTP click."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestClient, TestServer

from opsgate.bot.app import build_app
from opsgate.bot.gate import build_gate
from opsgate.bot.services import Services
from opsgate.cards.ids import ActionId
from opsgate.handlers import slack
from opsgate.handlers.http import ingest, runs
from opsgate.store.db import make_engine
from opsgate.store.migrate import migrate
from tests.conftest import make_settings
from tests.fakes.server import serve
from tests.fakes.slack import BOT_TOKEN, FakeSlack, block_actions_body
from tests.helpers import auth, make_key, ticket_body
from tests.test_slack_harness import ALICE, APPROVERS, CHANNEL, PEOPLE, SECRET, find_button, form

APP_TOKEN = "xapp-1-A0FAKEAPP-1-fakeapptoken"


class FakeSocketMode:
    def __init__(self) -> None:
        self.envelopes: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.acks: list[dict[str, Any]] = []
        self.acked = asyncio.Event()
        self.connected = asyncio.Event()
        self.base = ""

    async def open(self, request: web.Request) -> web.Response:
        assert request.headers.get("Authorization") == f"Bearer {APP_TOKEN}"
        return web.json_response({"ok": True, "url": self.base.replace("http", "ws") + "/link"})

    async def link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connected.set()

        async def send() -> None:
            while True:
                await ws.send_str(json.dumps(await self.envelopes.get()))

        sender = asyncio.get_running_loop().create_task(send())
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self.acks.append(json.loads(msg.data))
                    self.acked.set()
        finally:
            sender.cancel()
        return ws


async def test_a_press_over_socket_mode_decides_like_an_http_click(db_url: str) -> None:
    fake, socket = FakeSlack(), FakeSocketMode()
    for user_id, email in PEOPLE:
        fake.add_user(user_id, email)
    front = web.Application()
    front.router.add_post("/slack/api/apps.connections.open", socket.open)
    front.router.add_get("/link", socket.link)
    front.add_subapp("/slack", fake.app)
    async with serve(front) as base:
        socket.base = base
        settings = make_settings(
            db_url,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_APP_TOKEN=APP_TOKEN,
            SLACK_API_URL=base + "/slack/api/",
            OPSGATE_SLACK_APPROVAL_CHANNEL=CHANNEL,
            OPSGATE_SLACK_APPROVERS=APPROVERS,
        )
        engine = make_engine(db_url)
        migrate(engine)
        gate = build_gate(Services(settings, engine))
        app = build_app(gate, registrars=[ingest.register, runs.register, slack.register], background=[])
        async with TestClient(TestServer(app)) as http:
            await asyncio.wait_for(socket.connected.wait(), 10)
            key = make_key(gate.services, "ticket:ingest")
            run_id = (await (await http.post("/api/v1/tickets/ingest", json=ticket_body(), headers=auth(key))).json())[
                "runId"
            ]
            await gate.outbox.run_once()
            (card,) = fake.channel_messages(CHANNEL)
            element, block = find_button(card, ActionId.APPROVE)
            payload = form(
                block_actions_body(
                    str(ActionId.APPROVE), element["value"], user_id=ALICE[0], message=card, block_id=block
                )
            )
            await socket.envelopes.put(
                {"envelope_id": "env-1", "type": "interactive", "accepts_response_payload": False, "payload": payload}
            )
            await asyncio.wait_for(socket.acked.wait(), 10)
            assert socket.acks[0]["envelope_id"] == "env-1"
            await app[slack.SLACK].tasks.drain(10)
            assert gate.runs.get(run_id).status == "approved"
            assert gate.runs.get(run_id).decided_by == f"<@{ALICE[0]}>"
        assert fake.violations == [] and fake.pacing_violations == []
        engine.dispose()


async def test_socket_mode_alone_mounts_no_http_endpoint(db_url: str) -> None:
    """Without a signing secret nothing unsigned can come in over HTTP: only the WebSocket serves Slack."""
    fake, socket = FakeSlack(), FakeSocketMode()
    front = web.Application()
    front.router.add_post("/slack/api/apps.connections.open", socket.open)
    front.router.add_get("/link", socket.link)
    front.add_subapp("/slack", fake.app)
    async with serve(front) as base:
        socket.base = base
        settings = make_settings(
            db_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN, SLACK_API_URL=base + "/slack/api/"
        )
        engine = make_engine(db_url)
        migrate(engine)
        gate = build_gate(Services(settings, engine))
        app = build_app(gate, registrars=[ingest.register, runs.register, slack.register], background=[])
        async with TestClient(TestServer(app)) as http:
            await asyncio.wait_for(socket.connected.wait(), 10)
            assert (await http.post("/slack/events", data=b"payload=%7B%7D")).status == 404
            assert "slack" in gate.surfaces
        engine.dispose()
