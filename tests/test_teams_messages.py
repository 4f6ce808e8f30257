"""Messages to the bot (``help``, ``status RUN_ID``, ``pending``, ``request``) and the request form's submission,
through the real CloudAdapter; the requester hears of the decision in their personal chat."""

from __future__ import annotations

import json
from typing import Any

import pytest

from opsgate.handlers.teams.bot import Command, command_text, parse
from tests.fakes.bf_connector import Member, Message
from tests.helpers import count
from tests.teams_support import World, teams_world

CARD = "application/vnd.microsoft.card.adaptive"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("help", (Command.HELP, "")),
        ("<at>OpsGate</at> Set  approvals&nbsp;here", (Command.SET_APPROVALS, "")),
        ("<at>OpsGate</at>\nset approvals here\n", (Command.SET_APPROVALS, "")),
        ("status run_ABC123", (Command.STATUS, "run_ABC123")),
        ("  PENDING ", (Command.PENDING, "")),
        ("request", (Command.REQUEST, "")),
        ("what can you do?", (Command.HELP, "")),
        ("", (Command.HELP, "")),
        (None, (Command.HELP, "")),
    ],
)
def test_commands_are_parsed_without_mentions_or_markup(text: str | None, expected: tuple[Command, str]) -> None:
    assert parse(text) == expected


def test_command_text_drops_tags() -> None:
    assert command_text("<p>status <b>run_1</b></p>") == "status run_1"


async def say(w: World, text: str, user: Member) -> dict[str, Any]:
    """The card the bot answered with in the user's personal chat."""
    response = await w.send(w.personal_message(text, user))
    assert response.status == 200, await response.text()
    reply = w.connector.of_kind("reply")[-1]
    (attachment,) = reply.body["attachments"]
    assert attachment["contentType"] == CARD
    card: dict[str, Any] = attachment["content"]
    return card


async def test_help_and_unknown_text_answer_the_help_card(db_url: str) -> None:
    async with teams_world(db_url) as w:
        for text in ("help", "hello there"):
            card = await say(w, text, w.bystander)
            assert "status RUN_ID" in json.dumps(card) and "pending" in json.dumps(card)


async def test_status_shows_the_run_to_approvers_and_the_requester_only(db_url: str) -> None:
    async with teams_world(db_url) as w:
        run_id = await w.ingest()
        card = await say(w, f"status {run_id}", w.approver)
        assert run_id in json.dumps(card) and "MFA Reset" in json.dumps(card)
        assert "Only approvers" in json.dumps(await say(w, f"status {run_id}", w.bystander))
        assert "does not know this run" in json.dumps(await say(w, "status run_doesnotexist", w.approver))
        assert "Say which run" in json.dumps(await say(w, "status", w.approver))


async def test_pending_lists_what_waits_for_this_approver(db_url: str) -> None:
    async with teams_world(db_url) as w:
        mine = await w.ingest("ITSM-1")  # reported by Sarah: not for her to approve
        other = await w.ingest("ITSM-2", reporter="tom.hale@acme.com")
        card = json.dumps(await say(w, "pending", w.reporter))
        assert other in card and mine not in card
        card = json.dumps(await say(w, "pending", w.approver))
        assert other in card and mine in card
        assert "Nothing is waiting" in json.dumps(await say(w, "pending", w.bystander))


async def test_request_answers_the_form(db_url: str) -> None:
    async with teams_world(db_url) as w:
        card = await say(w, "request", w.bystander)
        execute = next(a for a in card["actions"] if a["type"] == "Action.Execute")
        assert execute["verb"] == "opsgate.request"
        choices = next(e for e in card["body"] if e.get("id") == "runbook")["choices"]
        assert {c["value"] for c in choices} == {"RB-001", "RB-002", "RB-006", "RB-007", "RB-011", "RB-013"}


async def submit(w: World, user: Member, **inputs: Any) -> dict[str, Any]:
    await w.send(w.personal_message("request", user))
    form_id = w.connector.of_kind("reply")[-1].body.get("id") or "form"
    return await w.answer(w.personal_action("opsgate.request", inputs, user, str(form_id)))


async def test_a_submitted_request_opens_a_run_whose_card_goes_to_the_channel(db_url: str) -> None:
    async with teams_world(db_url) as w:
        await w.set_channel()
        answer = await submit(w, w.bystander, runbook="RB-002", target_email="", reason="New phone, lost Okta Verify")
        assert answer["type"] == CARD and "is waiting for an approver" in json.dumps(answer["value"])
        with w.gate.services.engine.connect() as conn:
            from sqlalchemy import text

            row = conn.execute(
                text("SELECT id, requester, requester_email, target_email, source, status FROM runs")
            ).one()
        assert row[1:] == (
            f"teams:{w.bystander.aad_object_id}",
            "bob.bystander@acme.com",
            "bob.bystander@acme.com",
            "teams",
            "awaiting_approval",
        )
        await w.deliver()
        post: Message = w.card_post()
        assert post.first_card["actions"][0]["data"]["run_id"] == row[0]
        refused = await w.answer(
            w.card_action("opsgate.approve", post.first_card["actions"][0]["data"], w.bystander, post.id)
        )
        assert refused["type"] == "application/vnd.microsoft.activity.message"


async def test_an_approver_cannot_approve_what_they_requested_in_teams(db_url: str) -> None:
    async with teams_world(db_url) as w:
        await w.set_channel()
        await submit(w, w.group_approver, runbook="RB-001", target_email="tom.hale@acme.com", reason="locked out")
        await w.deliver()
        post = w.card_post()
        own = await w.answer(
            w.card_action("opsgate.approve", post.first_card["actions"][0]["data"], w.group_approver, post.id)
        )
        assert own["type"] == "application/vnd.microsoft.activity.message" and "You asked for this run" in own["value"]


async def test_the_requester_hears_of_the_decision_in_their_personal_chat(db_url: str) -> None:
    async with teams_world(db_url) as w:
        await w.set_channel()
        await submit(
            w,
            w.bystander,
            runbook="RB-013",
            target_email="tom.hale@acme.com",
            group="vpn-users",
            action="add",
            reason="VPN",
        )
        await w.deliver()
        post = w.card_post()
        answer = await w.answer(
            w.card_action(
                "opsgate.deny",
                {**post.first_card["actions"][0]["data"], "reason": "Use the portal"},
                w.approver,
                post.id,
            )
        )
        assert answer["type"] == CARD
        await w.deliver()
        chat = f"a:1chat-{w.bystander.aad_object_id}"
        dms = [c for c in w.connector.of_kind("send") if c.conversation_id == chat]
        assert len(dms) == 1 and "Use the portal" in json.dumps(dms[0].body)
        assert w.fake.violations == []


async def test_a_requester_never_seen_in_a_personal_chat_gets_a_new_one(db_url: str) -> None:
    async with teams_world(db_url) as w:
        await w.set_channel()
        channel_form = w.channel_message("request", w.bystander)
        await w.send(channel_form)
        data = {"runbook": "RB-001", "target_email": "", "reason": "forgot my password"}
        answer = await w.answer(w.card_action("opsgate.request", data, w.bystander, channel_form["id"]))
        assert answer["type"] == CARD
        await w.deliver()
        post = w.card_post()
        await w.answer(w.card_action("opsgate.approve", post.first_card["actions"][0]["data"], w.approver, post.id))
        await w.deliver()
        (created,) = w.connector.of_kind("create")
        assert created.body["members"] == [{"id": w.bystander.id}] and created.body["isGroup"] is False


@pytest.mark.parametrize(
    ("inputs", "problem"),
    [
        ({"runbook": "RB-999", "reason": "x"}, "Choose one of the runbooks"),
        ({"runbook": "RB-003", "reason": "x"}, "Choose one of the runbooks"),
        ({"runbook": "RB-002", "reason": ""}, "Say what you need"),
        ({"runbook": "RB-002", "target_email": "not-an-email", "reason": "x"}, "Target user's email"),
        ({"runbook": "RB-013", "target_email": "tom@acme.com", "reason": "x"}, "cannot propose"),
    ],
)
async def test_a_bad_request_is_explained_and_stores_nothing(db_url: str, inputs: dict[str, Any], problem: str) -> None:
    async with teams_world(db_url) as w:
        answer = await submit(w, w.bystander, **inputs)
        assert answer["type"] == "application/vnd.microsoft.activity.message" and problem in answer["value"]
        assert count(w.gate.services, "SELECT count(*) FROM runs") == 0


async def test_the_bot_added_to_a_team_says_how_to_choose_the_channel(db_url: str) -> None:
    async with teams_world(db_url) as w:
        activity = w.channel_message("", w.approver, mention=False)
        activity.update({"type": "conversationUpdate", "membersAdded": [{"id": f"28:{w.fake.app_id}"}], "text": None})
        activity["channelData"]["eventType"] = "teamMemberAdded"
        response = await w.send(activity)
        assert response.status == 200
        assert "set approvals here" in json.dumps(w.connector.calls[-1].body)
