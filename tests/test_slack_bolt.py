"""The Bolt wiring: signatures (v0, five-minute window), the shared context other rooms build on, and the one
error map (private answers with a correlation id, HTTP 200 to Slack)."""

from __future__ import annotations

import json
import time
from typing import Any

from slack_bolt.async_app import AsyncApp

from opsgate.bot.errors import Conflict
from opsgate.bot.gate import OpsGate
from opsgate.cards.ids import ActionId, CallbackId, DecisionButton
from opsgate.handlers.slack import build_bolt_app, room_registrars
from opsgate.handlers.slack.runtime import runtime
from tests.fakes.slack import block_actions_body, message_shortcut_body, signed_headers
from tests.test_slack_harness import ALICE, CHANNEL, MALLORY, SECRET, SlackHarness, find_button, slack_env


async def _card(h: SlackHarness) -> tuple[str, dict[str, Any]]:
    run_id = str((await h.ingest())["runId"])
    await h.settle()
    return run_id, h.card(run_id)


def _approve_body(card: dict[str, Any], user: str = ALICE[0]) -> str:
    element, block = find_button(card, ActionId.APPROVE)
    return block_actions_body(str(ActionId.APPROVE), element["value"], user_id=user, message=card, block_id=block)


async def test_bad_stale_or_missing_signatures_get_401_and_change_nothing(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id, card = await _card(h)
        calls = len(h.fake.calls)
        body = _approve_body(card)
        for resp in (
            await h.post(body, secret="not-the-secret"),
            await h.post(body, ts=int(time.time()) - 6 * 60),
            await h.http.post(
                "/slack/events", data=body.encode(), headers={"Content-Type": "application/x-www-form-urlencoded"}
            ),
            await h.http.post("/slack/events", data=(body + "&x=1").encode(), headers=signed_headers(SECRET, body)),
        ):
            assert resp.status == 401
        await h.settle()
        assert h.run(run_id).status == "awaiting_approval"
        assert len(h.fake.calls) == calls, "no Slack call, no card update, no ephemeral"
        h.assert_clean()


async def test_url_verification_answers_the_challenge(db_url: str) -> None:
    async with slack_env(db_url) as h:
        body = json.dumps({"token": "x", "challenge": "c-123", "type": "url_verification"})
        resp = await h.post(body)
        assert resp.status == 200 and "c-123" in await resp.text()


async def test_other_rooms_listeners_get_the_gate_and_the_paced_client(db_url: str) -> None:
    seen: dict[str, Any] = {}

    def jira_ticket(app: AsyncApp) -> None:
        @app.shortcut(str(CallbackId.CREATE_JIRA_TICKET))
        async def create(ack: Any, context: Any, client: Any) -> None:
            await ack()
            seen["gate"], seen["runtime"], seen["client"] = context["gate"], runtime(context), client

    async with slack_env(db_url) as h:
        bolt = build_bolt_app(h.gate, [jira_ticket], rt=h.rt)
        from slack_bolt.request.async_request import AsyncBoltRequest

        body = message_shortcut_body(str(CallbackId.CREATE_JIRA_TICKET), "printer on fire", user_id=MALLORY[0])
        resp = await bolt.async_dispatch(AsyncBoltRequest(body=body, headers=signed_headers(SECRET, body)))
        assert resp.status == 200
        assert isinstance(seen["gate"], OpsGate) and seen["gate"] is h.gate
        assert seen["runtime"] is h.rt and seen["client"] is h.rt.client
    assert all(callable(r) for r in room_registrars())


async def test_errors_are_said_privately_with_a_reference_and_slack_gets_200(db_url: str) -> None:
    def failing(app: AsyncApp) -> None:
        @app.shortcut("opsgate.test_conflict")
        async def conflict(ack: Any) -> None:
            await ack()
            raise Conflict("That was already done by someone else.")

        @app.shortcut("opsgate.test_bug")
        async def bug(ack: Any) -> None:
            raise RuntimeError("boom")

    async with slack_env(db_url) as h:
        bolt = build_bolt_app(h.gate, [failing], rt=h.rt)
        from slack_bolt.request.async_request import AsyncBoltRequest

        for callback in ("opsgate.test_conflict", "opsgate.test_bug"):
            body = message_shortcut_body(callback, "x", user_id=MALLORY[0], channel_id=CHANNEL)
            resp = await bolt.async_dispatch(AsyncBoltRequest(body=body, headers=signed_headers(SECRET, body)))
            assert resp.status == 200
        await h.settle()
        # the two answers are posted by independent background tasks: their order is not fixed
        said = sorted(h.ephemerals_for(MALLORY), key=lambda text: "Something went wrong" in text)
        assert len(said) == 2
        assert "already done by someone else" in said[0]
        assert "Something went wrong in OpsGate (ref " in said[1] and "boom" not in said[1]
        h.assert_clean()


async def test_an_approver_without_a_readable_email_decides_nothing(db_url: str) -> None:
    def no_email(fake: Any) -> None:
        fake.add_user(ALICE[0], None)

    async with slack_env(db_url, configure=no_email) as h:
        run_id, card = await _card(h)
        await h.click(ALICE, card, ActionId.APPROVE)
        assert h.run(run_id).status == "awaiting_approval"
        (said,) = h.ephemerals_for(ALICE)
        assert "email address of your Slack profile" in said
        h.assert_clean()


async def test_a_press_on_an_unknown_or_malformed_button_is_answered_privately(db_url: str) -> None:
    async with slack_env(db_url) as h:
        unknown = DecisionButton(run_id="run_doesnotexist", plan_hash="0" * 64).to_value()
        for user, value in ((ALICE, unknown), (MALLORY, unknown), (ALICE, "not json")):
            body = block_actions_body(str(ActionId.APPROVE), value, user_id=user[0], channel_id=CHANNEL)
            assert (await h.post(body)).status == 200
        await h.settle()
        said = h.ephemerals_for(ALICE) + h.ephemerals_for(MALLORY)
        assert len(said) == 3 and all("does not know this run" in s for s in said)
        assert h.fake.calls_of("chat.update") == []
        h.assert_clean()
