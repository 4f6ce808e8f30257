"""The Slack test harness: OpsGate's real aiohttp app (ingest + runs + Slack routes) with the real slack_bolt and
slack_sdk, talking to the fake Slack Web API on loopback, and requests signed with the real v0 scheme.

Other ``test_slack_*`` modules import :func:`slack_env` and the people below. Outbox delivery is driven by the
test (:meth:`SlackHarness.settle`), never by the scheduler, so every assertion sees a settled state.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.parse
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from opsgate.bot.app import build_app
from opsgate.bot.gate import OpsGate, build_gate
from opsgate.bot.services import Services
from opsgate.cards.ids import ActionId, BlockId
from opsgate.handlers import slack
from opsgate.handlers.http import ingest, runs
from opsgate.handlers.slack.runtime import SlackRuntime
from opsgate.store.db import make_engine
from opsgate.store.migrate import migrate
from opsgate.store.models import Run
from tests.conftest import make_settings
from tests.fakes.server import serve
from tests.fakes.slack import BOT_TOKEN, FakeSlack, block_actions_body, signed_headers
from tests.helpers import auth, make_key, ticket_body

SECRET = "0123456789abcdef0123456789abcdef"
CHANNEL = "C0APPROVALS"
GROUP = "S0ITADMINS"
# People of the fake workspace: (user id, profile email)
ALICE = ("U0ALICE", "alice.admin@acme.com")  # approver by user id
CAROL = ("U0CAROL", "carol.ops@acme.com")  # approver through the user group
SARAH = ("U0SARAH", "sarah.chen@acme.com")  # approver, and the reporter of the default ticket
TOM = ("U0TOM", "tom.hale@acme.com")  # approver, and the target of some tickets
MALLORY = ("U0MALLORY", "mallory@acme.com")  # not an approver
MIA = ("U0MIA", "mia.manager@acme.com")  # not an approver, reports tickets
PEOPLE = (ALICE, CAROL, SARAH, TOM, MALLORY, MIA)
APPROVERS = f"{ALICE[0]},{SARAH[0]},{TOM[0]},{GROUP}"


@dataclass
class SlackHarness:
    gate: OpsGate
    fake: FakeSlack
    http: TestClient
    fake_url: str
    key: str

    @property
    def rt(self) -> SlackRuntime:
        return self.http.server.app[slack.SLACK]

    # ---- driving -----------------------------------------------------------------------------------

    async def ingest(self, **ticket: Any) -> dict[str, Any]:
        resp = await self.http.post("/api/v1/tickets/ingest", json=ticket_body(**ticket), headers=auth(self.key))
        body: dict[str, Any] = await resp.json()
        assert resp.status == 200, body
        return body

    async def settle(self, rounds: int = 50) -> None:
        """Finish background work and deliver every due outbox row (cards, updates, DMs)."""
        for _ in range(rounds):
            await self.rt.tasks.drain(30)
            kicks = set(getattr(self.gate.outbox, "_kicks", set()))
            if kicks:
                await asyncio.wait(kicks, timeout=30)
            delivered = await self.gate.outbox.run_once()
            if not delivered and not len(self.rt.tasks) and not getattr(self.gate.outbox, "_kicks", None):
                return
        raise AssertionError("the Slack harness did not settle")

    async def eventually(self, done: Callable[[], bool], timeout: float = 30.0) -> None:
        """Settle until ``done()`` holds (outbox rows rescheduled by pacing or a retry come due meanwhile)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            await self.settle()
            if done():
                return
            if loop.time() > deadline:
                raise AssertionError("condition not reached")
            await asyncio.sleep(0.1)

    async def post(self, body: str, *, secret: str = SECRET, ts: int | None = None) -> ClientResponse:
        return await self.http.post("/slack/events", data=body.encode(), headers=signed_headers(secret, body, ts))

    async def click(
        self, user: tuple[str, str], message: dict[str, Any], action: ActionId, *, settle: bool = True
    ) -> ClientResponse:
        """Press a button of a stored card as ``user``, with a signed block_actions request."""
        element, block = find_button(message, action)
        body = block_actions_body(
            str(action),
            element.get("value"),
            user_id=user[0],
            channel_id=CHANNEL,
            message=message,
            block_id=block,
            response_url=FakeSlack.response_url(self.fake_url, f"click-{user[0]}"),
        )
        resp = await self.post(body)
        assert resp.status == 200, await resp.text()
        if settle:
            await self.settle()
        return resp

    # ---- reading the fake -------------------------------------------------------------------------

    def card(self, run_id: str) -> dict[str, Any]:
        """The latest version of the run's card in the approval channel."""
        cards = [m for m in self.fake.channel_messages(CHANNEL) if run_id in json.dumps(m.get("blocks") or [])]
        assert len(cards) == 1, f"expected one card for {run_id}, found {len(cards)}"
        return cards[0]

    def ephemerals_for(self, user: tuple[str, str]) -> list[str]:
        return [json.dumps(e.get("blocks") or e.get("text")) for e in self.fake.ephemerals if e["user"] == user[0]]

    def run(self, run_id: str) -> Run:
        return self.gate.runs.get(run_id)

    def assert_clean(self) -> None:
        """Nothing the fake Slack would reject, and never paced too fast."""
        assert self.fake.violations == [], self.fake.violations
        assert self.fake.pacing_violations == [], self.fake.pacing_violations


def find_button(message: dict[str, Any], action: ActionId) -> tuple[dict[str, Any], str]:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("type") == "button" and element.get("action_id") == str(action):
                return element, str(block.get("block_id"))
    raise AssertionError(f"no {action} button in the message")


def has_button(message: dict[str, Any], action: ActionId) -> bool:
    try:
        find_button(message, action)
    except AssertionError:
        return False
    return True


def block_text(message: dict[str, Any], block_id: str) -> str:
    for block in message.get("blocks") or []:
        if block.get("block_id") == block_id:
            if block["type"] == "context":
                return " ".join(e.get("text", "") for e in block["elements"])
            return str(block.get("text", {}).get("text", ""))
    raise AssertionError(f"no block {block_id}")


def has_block(message: dict[str, Any], block_id: str) -> bool:
    return any(b.get("block_id") == block_id for b in message.get("blocks") or [])


def form(body: str) -> dict[str, Any]:
    payload = urllib.parse.parse_qs(body)["payload"][0]
    parsed: dict[str, Any] = json.loads(payload)
    return parsed


@contextlib.asynccontextmanager
async def slack_env(
    db_url: str, *, configure: Callable[[FakeSlack], None] | None = None, **env: Any
) -> AsyncIterator[SlackHarness]:
    fake = FakeSlack()
    for user_id, email in PEOPLE:
        fake.add_user(user_id, email)
    fake.add_usergroup(GROUP, [CAROL[0]])
    fake.add_channel(CHANNEL, "it-approvals")
    if configure is not None:
        configure(fake)
    async with serve(fake.app) as base:
        values: dict[str, Any] = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": base + "/api/",
            "OPSGATE_SLACK_APPROVAL_CHANNEL": CHANNEL,
            "OPSGATE_SLACK_APPROVERS": APPROVERS,
        }
        settings = make_settings(db_url, **(values | env))
        engine = make_engine(db_url)
        migrate(engine)
        services = Services(settings, engine)
        gate = build_gate(services)
        app = build_app(gate, registrars=[ingest.register, runs.register, slack.register], background=[])
        http = TestClient(TestServer(app))
        await http.start_server()
        try:
            harness = SlackHarness(gate, fake, http, base, make_key(services, "ticket:ingest", rate_limit=10_000))
            yield harness
        finally:
            await http.close()
            engine.dispose()


# ---- the harness's own checks ------------------------------------------------------------------------


async def test_ingested_ticket_posts_one_card_with_a_threaded_note(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id = (await h.ingest())["runId"]
        await h.settle()
        card = h.card(run_id)
        assert has_button(card, ActionId.APPROVE) and has_button(card, ActionId.DENY)
        assert "ITSM-1" in json.dumps(card["blocks"]) and has_block(card, BlockId.PLAN)
        replies = h.fake.thread_replies(CHANNEL, card["ts"])
        assert len(replies) == 1 and "ITSM-1" in replies[0]["text"] and "mfa_reset" in replies[0]["text"]
        h.assert_clean()


async def test_slack_is_off_without_credentials(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    services = Services(make_settings(db_url), engine)
    gate = build_gate(services)
    app = build_app(gate, registrars=[ingest.register, runs.register, slack.register], background=[])
    async with TestClient(TestServer(app)) as client:
        resp = await client.post("/slack/events", data=b"payload=%7B%7D")
        assert resp.status == 404
    assert "slack" not in gate.surfaces
    engine.dispose()


@pytest.mark.parametrize("action", [ActionId.APPROVE])
def test_find_button_names_a_missing_button(action: ActionId) -> None:
    with pytest.raises(AssertionError):
        find_button({"blocks": []}, action)
