"""The fake Slack Web API, driven by the real ``slack_sdk`` AsyncWebClient, and the signed-request builders,
checked with the real ``slack_sdk`` signature verifier and ``slack_bolt`` app."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.server import serve
from tests.fakes.slack import (
    BOT_TOKEN,
    BOT_USER_ID,
    FakeSlack,
    app_home_opened_event,
    block_actions_body,
    event_body,
    message_shortcut_body,
    post_pacing_problem,
    signed_headers,
    slash_command_body,
    view_submission_body,
)

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CARD: list[dict[str, Any]] = [
    {"type": "section", "block_id": "summary", "text": {"type": "mrkdwn", "text": "*MFA Reset* for sarah.chen"}},
    {
        "type": "actions",
        "block_id": "decision",
        "elements": [
            {
                "type": "button",
                "action_id": "approve",
                "text": {"type": "plain_text", "text": "Approve"},
                "value": "r1",
            },
            {"type": "button", "action_id": "deny", "text": {"type": "plain_text", "text": "Deny"}, "value": "r1"},
        ],
    },
]
MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "deny_reason",
    "title": {"type": "plain_text", "text": "Deny request"},
    "submit": {"type": "plain_text", "text": "Deny"},
    "blocks": [
        {
            "type": "input",
            "block_id": "reason",
            "label": {"type": "plain_text", "text": "Reason"},
            "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
        }
    ],
}


@pytest.fixture
async def slack() -> AsyncIterator[tuple[FakeSlack, AsyncWebClient, str]]:
    fake = FakeSlack()
    fake.add_user("U0SARAH", "sarah.chen@acme.com", real_name="Sarah Chen")
    fake.add_user("U0APPROVER", "it.lead@acme.com")
    fake.add_usergroup("S0APPROVERS", ["U0APPROVER"])
    fake.add_channel("C0APPROVALS", "it-approvals")
    async with serve(fake.app) as base:
        yield fake, AsyncWebClient(token=BOT_TOKEN, base_url=base + "/api/"), base


async def slack_error(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as info:
        await call
    return dict(info.value.response.data)


async def test_post_thread_update_and_permalink(slack: tuple[FakeSlack, AsyncWebClient, str]) -> None:
    fake, client, _ = slack
    posted = await client.chat_postMessage(channel="C0APPROVALS", text="Approval needed", blocks=CARD)
    ts = posted["ts"]
    await client.chat_postMessage(channel="C0APPROVALS", text="ITSM-123: classified as mfa_reset", thread_ts=ts)
    processing = [{"type": "section", "text": {"type": "mrkdwn", "text": "Processing..."}}]
    await client.chat_update(channel="C0APPROVALS", ts=ts, text="Processing", blocks=processing)
    link = await client.chat_getPermalink(channel="C0APPROVALS", message_ts=ts)

    assert [m["ts"] for m in fake.channel_messages("C0APPROVALS")] == [ts]
    assert fake.message("C0APPROVALS", ts)["blocks"] == processing  # type: ignore[index]
    assert [v["blocks"] for v in fake.message_versions("C0APPROVALS", ts)] == [CARD, processing]
    assert [r["text"] for r in fake.thread_replies("C0APPROVALS", ts)] == ["ITSM-123: classified as mfa_reset"]
    assert link["permalink"] == f"https://acme.slack.com/archives/C0APPROVALS/p{ts.replace('.', '')}"
    assert await slack_error(client.chat_update(channel="C0APPROVALS", ts="1.000001", text="x")) == {
        "ok": False,
        "error": "message_not_found",
    }
    assert (await slack_error(client.chat_postMessage(channel="C0APPROVALS", text="x", thread_ts="1.2")))[
        "error"
    ] == "thread_not_found"
    assert fake.violations == [] and fake.pacing_violations == []


async def test_dm_ephemeral_and_directory(slack: tuple[FakeSlack, AsyncWebClient, str]) -> None:
    fake, client, _ = slack
    dm = await client.chat_postMessage(channel="U0SARAH", text="Your request was approved by <@U0APPROVER>")
    await client.chat_postEphemeral(channel="C0APPROVALS", user="U0SARAH", text="You cannot approve your own request")
    info = await client.users_info(user="U0SARAH")
    by_email = await client.users_lookupByEmail(email="IT.Lead@acme.com")
    group = await client.usergroups_users_list(usergroup="S0APPROVERS")
    channel = await client.conversations_info(channel="C0APPROVALS")

    assert dm["channel"] == fake.dm_channel("U0SARAH") and len(fake.dm_messages("U0SARAH")) == 1
    assert [(e["channel"], e["user"]) for e in fake.ephemerals] == [("C0APPROVALS", "U0SARAH")]
    assert info["user"]["profile"]["email"] == "sarah.chen@acme.com" and info["user"]["is_bot"] is False
    assert by_email["user"]["id"] == "U0APPROVER" and group["users"] == ["U0APPROVER"]
    assert channel["channel"]["name"] == "it-approvals"
    assert (await slack_error(client.users_info(user="U0NOBODY")))["error"] == "user_not_found"
    assert (await slack_error(client.conversations_info(channel="C0MISSING")))["error"] == "channel_not_found"
    assert (await slack_error(client.usergroups_users_list(usergroup="S0NONE")))["error"] == "no_such_subteam"
    assert fake.violations == []


async def test_conversation_replies_for_attaching_a_thread(slack: tuple[FakeSlack, AsyncWebClient, str]) -> None:
    fake, client, _ = slack
    root = fake.post_user_message("C0HELP", "U0SARAH", "VPN is down for the Berlin office")
    fake.post_user_message("C0HELP", "U0APPROVER", "Looking", thread_ts=root)
    fake.post_user_message("C0HELP", "U0SARAH", "Thanks", thread_ts=root)
    page = await client.conversations_replies(channel="C0HELP", ts=root, limit=2)
    rest = await client.conversations_replies(
        channel="C0HELP", ts=root, cursor=page["response_metadata"]["next_cursor"]
    )
    texts = [m["text"] for m in page["messages"] + rest["messages"]]
    assert (
        texts == ["VPN is down for the Berlin office", "Looking", "Thanks"] and page["messages"][0]["reply_count"] == 2
    )
    assert (await slack_error(client.chat_update(channel="C0HELP", ts=root, text="x")))[
        "error"
    ] == "cant_update_message"
    assert fake.violations == []


async def test_views_open_update_and_publish(slack: tuple[FakeSlack, AsyncWebClient, str]) -> None:
    fake, client, _ = slack
    opened = await client.views_open(trigger_id="12345.98765.abcd", view=MODAL)
    view_id = opened["view"]["id"]
    done = {"type": "modal", "title": {"type": "plain_text", "text": "Denied"}, "blocks": CARD[:1]}
    await client.views_update(view_id=view_id, hash=opened["view"]["hash"], view=done)
    stale = await slack_error(client.views_update(view_id=view_id, hash=opened["view"]["hash"], view=done))
    reused = await slack_error(client.views_open(trigger_id="12345.98765.abcd", view=MODAL))
    home = {"type": "home", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "Pending approvals"}}]}
    await client.views_publish(user_id="U0APPROVER", view=home)

    assert [v["callback_id"] for v in fake.opened_views] == ["deny_reason"]
    assert fake.views[view_id]["title"]["text"] == "Denied"
    assert (stale["error"], reused["error"]) == ("hash_conflict", "exchanged_trigger_id")
    assert fake.home_views["U0APPROVER"]["blocks"] == home["blocks"]
    assert fake.violations == []


async def test_over_limit_blocks_are_rejected(slack: tuple[FakeSlack, AsyncWebClient, str]) -> None:
    fake, client, _ = slack
    long_section = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    long_button = [
        {
            "type": "actions",
            "elements": [{"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "y" * 76}}],
        }
    ]
    too_many = [{"type": "divider"}] * 51
    for blocks in (long_section, long_button, too_many, [{"type": "sparkle"}]):
        error = await slack_error(client.chat_postMessage(channel="C0APPROVALS", text="card", blocks=blocks))
        assert error["error"] == "invalid_blocks", error
    long_title = {**MODAL, "title": {"type": "plain_text", "text": "t" * 25}}
    assert (await slack_error(client.views_open(trigger_id="t.1", view=long_title)))["ok"] is False
    assert fake.channel_messages("C0APPROVALS") == [] and fake.opened_views == []
    assert "blocks[0]: text attribute cannot exceed 3000 characters" in fake.violations[0]
    assert "blocks[0].elements[0]: text attribute cannot exceed 75 characters" in fake.violations[1]


async def test_auth_and_spec_checks(slack: tuple[FakeSlack, AsyncWebClient, str]) -> None:
    fake, client, base = slack
    anonymous = AsyncWebClient(base_url=base + "/api/")
    assert (await slack_error(anonymous.auth_test()))["error"] == "not_authed"
    assert (await slack_error(AsyncWebClient("xoxb-wrong", base_url=base + "/api/").auth_test()))["error"] == (
        "invalid_auth"
    )
    assert (await client.auth_test())["user_id"] == BOT_USER_ID
    missing = await slack_error(client.api_call("chat.postEphemeral", json={"channel": "C0APPROVALS", "text": "x"}))
    unknown = await slack_error(client.api_call("chat.scheduleEverything", json={"channel": "C0APPROVALS"}))
    assert missing["error"] == unknown["error"] == "invalid_arguments"
    await client.api_call("chat.postMessage", json={"channel": "C0APPROVALS", "text": "x", "colour": "red"})
    assert fake.violations == [
        "chat.postEphemeral: missing required user",
        "unknown method chat.scheduleEverything",
        "chat.postMessage: unknown argument colour",
    ]
    form = await client.api_call("chat.postMessage", data={"channel": "C0APPROVALS", "text": "form", "blocks": "[]"})
    assert form["ok"] and fake.message("C0APPROVALS", form["ts"])["blocks"] == []  # type: ignore[index]


async def test_rate_limit_is_honoured_by_the_retry_handler(slack: tuple[FakeSlack, AsyncWebClient, str]) -> None:
    fake, client, _ = slack
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
    fake.rate_limit("chat.postMessage", retry_after=1)
    await client.chat_postMessage(channel="C0APPROVALS", text="card")
    calls = fake.calls_of("chat.postMessage")
    assert [c.status for c in calls] == [429, 200] and calls[1].time - calls[0].time >= 1
    assert len(fake.channel_messages("C0APPROVALS")) == 1 and fake.pacing_violations == []


async def test_retry_after_and_post_pacing_violations(slack: tuple[FakeSlack, AsyncWebClient, str]) -> None:
    fake, client, _ = slack
    fake.rate_limit("chat.update", retry_after=2)
    error = await slack_error(client.chat_update(channel="C0APPROVALS", ts="1.1", text="x"))
    assert error["error"] == "ratelimited"
    await slack_error(client.chat_update(channel="C0APPROVALS", ts="1.1", text="x"))  # too soon
    for i in range(4):  # a burst of four is fine
        await client.chat_postMessage(channel="C0BURST", text=f"{i}")
    assert len(fake.pacing_violations) == 1 and "Retry-After: 2" in fake.pacing_violations[0]
    await client.chat_postMessage(channel="C0BURST", text="fifth")
    assert len(fake.pacing_violations) == 2 and "5 posts within" in fake.pacing_violations[1]


def test_post_pacing_rule() -> None:
    assert all(post_pacing_problem([float(t) for t in range(n)]) is None for n in range(1, 30))  # 1/s
    assert post_pacing_problem([0.0, 0.0, 0.0, 0.0]) is None
    assert post_pacing_problem([0.0, 0.1, 0.2, 0.3, 0.4]) is not None
    assert post_pacing_problem([0.9 * t for t in range(5)]) is not None  # 1.1/s sustained over 3.6 s


async def test_outage_then_recovery(slack: tuple[FakeSlack, AsyncWebClient, str]) -> None:
    fake, client, _ = slack
    fake.fail("chat.postMessage", status=503, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as info:
            await client.chat_postMessage(channel="C0APPROVALS", text="card")
        assert info.value.response.status_code == 503
    await client.chat_postMessage(channel="C0APPROVALS", text="card")
    assert [c.status for c in fake.calls_of("chat.postMessage")] == [503, 503, 200]
    assert len(fake.channel_messages("C0APPROVALS")) == 1


async def test_response_url(slack: tuple[FakeSlack, AsyncWebClient, str]) -> None:
    fake, _, base = slack
    async with aiohttp.ClientSession() as session:
        url = fake.response_url(base, "cmd-1")
        async with session.post(url, json={"response_type": "ephemeral", "text": "Counting..."}) as answer:
            assert answer.status == 200
    assert fake.responses["cmd-1"] == [{"response_type": "ephemeral", "text": "Counting..."}]


# ---- signed requests ----------------------------------------------------------------------------------


def test_signed_headers_pass_the_sdk_verifier() -> None:
    body = slash_command_body("/opsgate", "status 42")
    headers = signed_headers(SECRET, body)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request(body, headers)
    assert not verifier.is_valid_request(body + "&x=1", headers)
    assert not verifier.is_valid_request(body, signed_headers(SECRET, body, ts=int(time.time()) - 600))
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert signed_headers(SECRET, event_body({"type": "app_home_opened"}))["Content-Type"] == "application/json"


async def test_signed_bodies_drive_a_real_bolt_app(slack: tuple[FakeSlack, AsyncWebClient, str]) -> None:
    fake, client, _ = slack
    app = AsyncApp(signing_secret=SECRET, client=client)
    seen: list[tuple[str, Any]] = []

    @app.action("approve")
    async def approve(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        seen.append(("approve", (body["user"]["id"], body["actions"][0]["value"], body["container"]["message_ts"])))

    @app.command("/opsgate")
    async def command(ack: Any, command: dict[str, Any]) -> None:
        await ack()
        seen.append(("command", command["text"]))

    @app.view("deny_reason")
    async def view(ack: Any, view: dict[str, Any]) -> None:
        await ack()
        seen.append(("view", view["state"]["values"]["reason"]["text"]["value"]))

    @app.shortcut("create_jira_ticket")
    async def shortcut(ack: Any, shortcut: dict[str, Any]) -> None:
        await ack()
        seen.append(("shortcut", shortcut["message"]["text"]))

    @app.event("app_home_opened")
    async def home(event: dict[str, Any], client: AsyncWebClient) -> None:
        await client.views_publish(user_id=event["user"], view={"type": "home", "blocks": CARD[:1]})

    bodies = [
        block_actions_body("approve", "run-1", user_id="U0APPROVER", message_ts="1700000000.000100"),
        slash_command_body("/opsgate", "pending"),
        view_submission_body("deny_reason", {"reason": {"text": {"type": "plain_text_input", "value": "no"}}}),
        message_shortcut_body("create_jira_ticket", "VPN is down"),
        event_body(app_home_opened_event("U0SARAH")),
    ]
    for body in bodies:
        answer = await app.async_dispatch(AsyncBoltRequest(body=body, headers=signed_headers(SECRET, body)))
        assert answer.status == 200, (answer.status, answer.body)
    forged = await app.async_dispatch(AsyncBoltRequest(body=bodies[0], headers=signed_headers("wrong", bodies[0])))

    assert forged.status == 401
    assert seen == [
        ("approve", ("U0APPROVER", "run-1", "1700000000.000100")),
        ("command", "pending"),
        ("view", "no"),
        ("shortcut", "VPN is down"),
    ]
    for _ in range(50):  # the event listener runs after the ack
        if "U0SARAH" in fake.home_views:
            break
        await asyncio.sleep(0.02)
    assert fake.home_views["U0SARAH"]["blocks"] == CARD[:1] and fake.violations == []
