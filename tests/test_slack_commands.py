"""``/opsgate``: help, status, pending and request (modal -> run -> card), through the real Bolt app."""

from __future__ import annotations

import json
from typing import Any

import pytest

from opsgate.cards.ids import ActionId, CallbackId, FieldId
from tests.fakes.slack import FakeSlack, slash_command_body, view_submission_body
from tests.test_slack_harness import ALICE, CHANNEL, MALLORY, MIA, SARAH, TOM, SlackHarness, has_button, slack_env


async def _command(h: SlackHarness, user: tuple[str, str], text: str, name: str = "cmd") -> tuple[str, Any]:
    url = FakeSlack.response_url(h.fake_url, name)
    resp = await h.post(slash_command_body("/opsgate", text, user_id=user[0], response_url=url))
    assert resp.status == 200
    raw = await resp.text()
    await h.settle()
    return raw, h.fake.responses.get(name, [])


def _field(field: FieldId, value: str, kind: str = "plain_text_input") -> dict[str, Any]:
    key = {"users_select": "selected_user", "static_select": "selected_option"}.get(kind, "value")
    state: dict[str, Any] = {"type": kind, key: {"value": value} if kind == "static_select" else value}
    return {str(field): {str(field): state}}


def _request(user: tuple[str, str], runbook: str, reason: str, **fields: tuple[FieldId, str, str]) -> str:
    values: dict[str, Any] = _field(FieldId.RUNBOOK, runbook, "static_select") | _field(FieldId.REASON, reason)
    for field, value, kind in fields.values():
        values |= _field(field, value, kind)
    return view_submission_body(str(CallbackId.REQUEST_RUNBOOK), values, user_id=user[0])


@pytest.mark.parametrize("text", ["", "help", "frobnicate now", "HELP"])
async def test_help_and_unknown_subcommands_answer_with_help(db_url: str, text: str) -> None:
    async with slack_env(db_url) as h:
        raw, _ = await _command(h, MALLORY, text)
        body = json.loads(raw)
        assert body["response_type"] == "ephemeral"
        assert "/opsgate request" in json.dumps(body["blocks"]) and "/opsgate pending" in json.dumps(body["blocks"])
        h.assert_clean()


async def test_status_shows_the_card_to_approvers_and_the_requester_only(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id = (await h.ingest())["runId"]
        await h.settle()
        _, said = await _command(h, ALICE, f"status {run_id}", "alice")
        assert said and run_id in json.dumps(said[-1]["blocks"]) and said[-1]["response_type"] == "ephemeral"
        assert has_button(said[-1], ActionId.APPROVE)
        _, said = await _command(h, MALLORY, f"status {run_id}", "mallory")
        assert "No run" in said[-1]["text"] and "opsgate.plan" not in json.dumps(said[-1].get("blocks"))
        _, said = await _command(h, ALICE, "status", "usage")
        assert "Usage" in said[-1]["text"]
        h.assert_clean()


async def test_pending_lists_what_the_caller_may_decide(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id = (await h.ingest())["runId"]  # reported by Sarah
        await h.settle()
        _, said = await _command(h, ALICE, "pending", "alice")
        assert run_id in json.dumps(said[-1]["blocks"]) and "1 approval" in said[-1]["text"]
        _, said = await _command(h, SARAH, "pending", "sarah")
        assert run_id not in json.dumps(said[-1]["blocks"]), "her own request is not hers to decide"
        _, said = await _command(h, MALLORY, "pending", "mallory")
        assert "not an OpsGate approver" in said[-1]["text"]
        h.assert_clean()


async def test_request_opens_a_modal_and_its_submission_opens_a_run(db_url: str) -> None:
    async with slack_env(db_url) as h:
        await _command(h, MIA, "request")
        (modal,) = h.fake.opened_views
        assert modal["callback_id"] == str(CallbackId.REQUEST_RUNBOOK)
        offered = json.dumps(modal["blocks"])
        assert "RB-002" in offered and "RB-013" in offered and "RB-003" not in offered
        resp = await h.post(
            _request(MIA, "RB-002", "Tom lost his phone", target=(FieldId.TARGET_USER, TOM[0], "users_select"))
        )
        assert resp.status == 200 and await resp.text() == ""
        await h.settle()
        (card,) = h.fake.channel_messages(CHANNEL)
        run = h.run(_run_id_of(card))
        assert run.status == "awaiting_approval" and run.source == "slack" and run.requester == f"slack:{MIA[0]}"
        assert run.target_email == TOM[1] and run.requester_email == MIA[1] and run.summary == "Tom lost his phone"
        assert "waiting for approval" in h.fake.dm_messages(MIA[0])[-1]["text"]
        await h.click(TOM, card, ActionId.APPROVE)
        assert h.run(run.id).status == "awaiting_approval", "the target does not approve their own MFA reset"
        await h.click(ALICE, h.card(run.id), ActionId.APPROVE)
        assert h.run(run.id).status == "approved"
        assert f"<@{ALICE[0]}>" in h.fake.dm_messages(MIA[0])[-1]["text"]
        h.assert_clean()


def _run_id_of(card: dict[str, Any]) -> str:
    for block in card["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == str(ActionId.APPROVE):
                return str(json.loads(element["value"])["r"])
    raise AssertionError("no run id on the card")


async def test_request_for_yourself_uses_your_own_account(db_url: str) -> None:
    async with slack_env(db_url) as h:
        assert (await h.post(_request(MALLORY, "RB-001", "Forgot my password"))).status == 200
        await h.settle()
        (card,) = h.fake.channel_messages(CHANNEL)
        run = h.run(_run_id_of(card))
        assert run.runbook_id == "RB-001" and run.target_email == MALLORY[1]
        h.assert_clean()


@pytest.mark.parametrize(
    ("runbook", "fields", "field"),
    [
        ("RB-013", {"action": (FieldId.ACTION, "add", "static_select")}, FieldId.GROUP),
        ("RB-006", {"licence": (FieldId.LICENCE, "E99", "plain_text_input")}, FieldId.LICENCE),
        ("RB-999", {}, FieldId.RUNBOOK),
        ("RB-002", {"target": (FieldId.TARGET_USER, "U0NOBODY", "users_select")}, FieldId.TARGET_USER),
    ],
)
async def test_invalid_requests_answer_with_field_errors(
    db_url: str, runbook: str, fields: dict[str, tuple[FieldId, str, str]], field: FieldId
) -> None:
    async with slack_env(db_url) as h:
        resp = await h.post(_request(MIA, runbook, "please", **fields))
        assert resp.status == 200
        body = await resp.json()
        assert body["response_action"] == "errors" and str(field) in body["errors"], body
        await h.settle()
        assert h.fake.channel_messages(CHANNEL) == []
        h.assert_clean()
