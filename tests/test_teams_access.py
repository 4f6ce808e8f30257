"""``access`` in Teams through the real CloudAdapter and the fake Bot Framework, with JIT and the executor attached
(sandbox mode: the Okta call is recorded, nothing is sent): one-liner and form requests, approval on the Teams
card, the granted / ended notices in the requester's personal chat, release, revoke and every refusal."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from opsgate.bot.executor import attach as attach_executor
from opsgate.bot.jit import Revoker, attach
from opsgate.cards.adaptive.access import (
    AccessInput,
    AccessVerb,
    GrantLine,
    ResourceOption,
    access_form_card,
    access_list_card,
    help_card,
)
from opsgate.handlers.teams.access import parse_line
from opsgate.handlers.teams.bot import Command, parse
from opsgate.store import jit as rows
from opsgate.store.models import JitGrant
from tests.fakes.bf_connector import Member, Message
from tests.helpers import count
from tests.jit_support import seed_catalog
from tests.teams_support import World, teams_world
from tests.test_cards_adaptive import assert_valid

CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"


@contextlib.asynccontextmanager
async def access_world(db_url: str) -> AsyncIterator[tuple[World, Revoker]]:
    async with teams_world(db_url) as w:
        attach_executor(w.gate)  # sandbox mode: no Okta/Graph credentials, calls are recorded
        revoker = attach(w.gate)
        seed_catalog(w.gate.services)
        await w.set_channel()
        yield w, revoker


async def say(w: World, text: str, user: Member) -> dict[str, Any]:
    """The card the bot answered with in the user's personal chat."""
    activity = w.personal_message(text, user)
    response = await w.send(activity)
    assert response.status == 200, await response.text()
    replies = [c for c in w.connector.of_kind("reply") if c.activity_id == activity["id"]]
    assert len(replies) == 1, f"{len(replies)} answers to {text!r}"
    (attachment,) = replies[0].body["attachments"]
    assert attachment["contentType"] == CARD
    card: dict[str, Any] = attachment["content"]
    assert_valid(card)
    return card


def text_of(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def grants(w: World, email: str) -> list[JitGrant]:
    with w.gate.services.read_session() as session:
        return rows.grants_of(
            session,
            org_id=w.gate.services.default_org_id,
            requester_email=email,
            statuses=("requested", "active", "revoked", "denied"),
        )


def dms(w: World, user: Member) -> str:
    """Everything the bot sent on its own into the user's personal chat (notices, decisions)."""
    chat = f"a:1chat-{user.aad_object_id}"
    return json.dumps([c.body for c in w.connector.of_kind("send") if c.conversation_id == chat])


def card_of(w: World, run_id: str) -> Message:
    posts = [m for m in w.connector.in_conversation(w.channel_id) if m.cards and m.body.get("from")]
    found = [m for m in posts if m.first_card["actions"][0]["data"].get("run_id") == run_id]
    assert len(found) == 1, f"no card for {run_id}"
    return found[0]


async def press(w: World, verb: str, post: Message, user: Member) -> dict[str, Any]:
    return await w.answer(w.card_action(verb, dict(post.first_card["actions"][0]["data"]), user, post.id))


async def approved(w: World, run_id: str, approver: Member) -> None:
    await w.deliver()
    answer = await press(w, "opsgate.approve", card_of(w, run_id), approver)
    assert answer["type"] == CARD, answer
    for _ in range(5):
        await w.deliver()


# --- the whole path -------------------------------------------------------------------------------------------


async def test_one_liner_approved_in_teams_notified_released_and_revoked(db_url: str) -> None:
    async with access_world(db_url) as (w, revoker):
        bob = w.bystander
        answer = await say(w, "access prod-admin 2h hotfix for INC-42", bob)
        assert "Asked** for prod-admin for 2h" in text_of(answer)
        (grant,) = grants(w, "bob.bystander@acme.com")
        assert grant.requester == f"teams:{bob.aad_object_id}" and grant.status == "requested"
        assert grant.duration_seconds == 7200
        run = w.gate.runs.get(grant.run_id)
        assert (run.runbook_id, run.source, run.requester_email) == ("RB-020", "teams", "bob.bystander@acme.com")

        await approved(w, grant.run_id, w.approver)
        (grant,) = grants(w, "bob.bystander@acme.com")
        assert grant.status == "active" and grant.due_at is not None
        assert "Access to prod-admin granted to bob.bystander@acme.com until" in dms(w, bob)

        listed = text_of(await say(w, "access list", bob))
        assert f"(grant {grant.id}): 1h59m left" in listed and "max 4h" in listed and "finance" in listed

        released = text_of(await say(w, "access release", bob))
        assert f"Released** prod-admin (grant {grant.id})" in released
        done = await revoker.revoke_due()
        assert len(done) == 1 and "sandbox mode" in done[0].detail
        for _ in range(3):
            await w.deliver()
        (grant,) = grants(w, "bob.bystander@acme.com")
        assert grant.status == "revoked"
        assert "Access to prod-admin has ended" in dms(w, bob)
        assert "You have no active grant" in text_of(await say(w, "access release", bob))
        assert w.fake.violations == []


async def test_no_duration_takes_the_resource_default_and_a_channel_mention_works(db_url: str) -> None:
    async with access_world(db_url) as (w, _revoker):
        bob = w.bystander
        await w.send(w.channel_message("access finance month-end close", bob, mention=False))
        assert grants(w, "bob.bystander@acme.com") == []  # not for the bot: it was not mentioned
        response = await w.send(w.channel_message("access finance month-end close", bob))
        assert response.status == 200
        reply = w.connector.of_kind("reply")[-1]
        assert reply.conversation_id.startswith(w.channel_id)  # in the thread of the message
        assert "Asked** for finance for 30m" in json.dumps(reply.body)
        (grant,) = grants(w, "bob.bystander@acme.com")
        assert grant.duration_seconds == 1800  # finance's default
        await approved(w, grant.run_id, w.approver)
        # Bob never wrote to the bot privately: the granted notice opens a personal chat with him
        created = w.connector.of_kind("create")
        assert created and all(c.body["members"] == [{"id": bob.id}] for c in created)
        new_chat = [c.body for c in w.connector.of_kind("send") if c.conversation_id.startswith("a:1fake")]
        assert "Access to finance granted to bob.bystander@acme.com" in json.dumps(new_chat)


# --- the form -------------------------------------------------------------------------------------------------


async def test_form_lists_the_catalog_and_its_submission_requests(db_url: str) -> None:
    async with access_world(db_url) as (w, _revoker):
        bob = w.bystander
        form = await say(w, "access", bob)
        picker = next(e for e in form["body"] if e.get("id") == AccessInput.RESOURCE)
        assert {c["value"] for c in picker["choices"]} == {"prod-admin", "finance"}
        assert any("max 4h" in c["title"] and "1h by default" in c["title"] for c in picker["choices"])
        (submit,) = form["actions"]
        assert submit["verb"] == AccessVerb.REQUEST
        form_id = str(w.connector.of_kind("reply")[-1].body.get("id") or "form")

        async def send(**inputs: str) -> dict[str, Any]:
            return await w.answer(w.personal_action(AccessVerb.REQUEST, inputs, bob, form_id))

        too_long = await send(jit_resource="finance", jit_duration="3h", jit_reason="audit")
        assert too_long["type"] == MESSAGE and "longer than finance's maximum of 2h" in too_long["value"]
        no_reason = await send(jit_resource="finance", jit_duration="1h", jit_reason=" ")
        assert no_reason["type"] == MESSAGE and "Say why" in no_reason["value"]
        assert grants(w, "bob.bystander@acme.com") == []

        done = await send(jit_resource="finance", jit_duration="45m", jit_reason="quarter audit")
        assert done["type"] == CARD and "Asked** for finance for 45m" in text_of(done["value"])
        (grant,) = grants(w, "bob.bystander@acme.com")
        assert grant.duration_seconds == 2700 and grant.requester == f"teams:{bob.aad_object_id}"
        await w.deliver()
        assert "finance" in text_of(card_of(w, grant.run_id).card)
        assert w.fake.violations == []


# --- refusals -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "told"),
    [
        ("access root-everything 1h because", "not a just-in-time resource. Grantable: finance, prod-admin"),
        ("access prod-admin 9h because", "9h is longer than prod-admin's maximum of 4h"),
        ("access prod-admin 2x because", "'2x' is not a duration"),
        ("access prod-admin 2 because", "with its unit"),
        ("access prod-admin", "Say why you need prod-admin"),
        ("access nope", "not a just-in-time resource"),  # the resource is checked before the missing reason
        ("access release abc", "Usage: access release"),
        ("access revoke", "Usage: access revoke GRANT_ID"),
    ],
)
async def test_refusals_are_explained_and_change_nothing(db_url: str, line: str, told: str) -> None:
    async with access_world(db_url) as (w, _revoker):
        before = count(w.gate.services, "SELECT count(*) FROM audit_entries")
        answer = await say(w, line, w.bystander)
        assert told in text_of(answer)
        assert count(w.gate.services, "SELECT count(*) FROM runs") == 0
        assert count(w.gate.services, "SELECT count(*) FROM jit_grants") == 0
        assert count(w.gate.services, "SELECT count(*) FROM audit_entries") == before


async def test_a_person_without_an_email_is_refused(db_url: str) -> None:
    async with access_world(db_url) as (w, _revoker):
        nora = w.fake.add_user("Nora Nomail", None)  # no email in Teams, unknown to Graph
        answer = text_of(await say(w, "access prod-admin 1h hotfix", nora))
        assert "could not read your email" in answer and "find you in Okta or Entra ID" in answer
        form_id = str(w.connector.of_kind("reply")[-1].body.get("id") or "form")
        inputs = {"jit_resource": "prod-admin", "jit_duration": "1h", "jit_reason": "hotfix"}
        submitted = await w.answer(w.personal_action(AccessVerb.REQUEST, inputs, nora, form_id))
        assert submitted["type"] == MESSAGE and "could not read your email" in submitted["value"]
        listed = text_of(await say(w, "access list", nora))
        assert "prod-admin" in listed and "cannot show your grants" in listed
        assert count(w.gate.services, "SELECT count(*) FROM runs") == 0


async def test_the_requester_cannot_approve_their_own_access(db_url: str) -> None:
    async with access_world(db_url) as (w, _revoker):
        alex = w.approver  # an approver asking for access for themselves
        await say(w, "access prod-admin 1h deploy", alex)
        (grant,) = grants(w, "alex.admin@acme.com")
        await w.deliver()
        post = card_of(w, grant.run_id)
        own = await press(w, "opsgate.approve", post, alex)
        assert own["type"] == MESSAGE and "You asked for this run" in own["value"]
        outsider = await press(w, "opsgate.approve", post, w.bystander)
        assert outsider["type"] == MESSAGE and "Only configured approvers" in outsider["value"]
        assert w.gate.runs.get(grant.run_id).status == "awaiting_approval"
        assert grants(w, "alex.admin@acme.com")[0].status == "requested"
        await approved(w, grant.run_id, w.group_approver)  # someone else may
        assert grants(w, "alex.admin@acme.com")[0].status == "active"


async def test_only_approvers_revoke_and_release_asks_which(db_url: str) -> None:
    async with access_world(db_url) as (w, revoker):
        bob = w.bystander
        await say(w, "access prod-admin 1h deploy", bob)
        await say(w, "access finance 1h audit", bob)
        for g in grants(w, "bob.bystander@acme.com"):
            await approved(w, g.run_id, w.approver)
        first, second = grants(w, "bob.bystander@acme.com")
        assert first.status == second.status == "active"

        which = text_of(await say(w, "access release", bob))
        assert "You have 2 active grants" in which and "access release GRANT_ID" in which
        assert "You have no active grant 999" in text_of(await say(w, "access release 999", bob))

        refused = text_of(await say(w, f"access revoke {first.id}", bob))
        assert "Only OpsGate approvers" in refused
        assert grants(w, "bob.bystander@acme.com")[0].status == "active"
        assert await revoker.revoke_due() == []

        revoking = text_of(await say(w, f"access revoke {first.id}", w.approver))
        assert f"Revoking** prod-admin from bob.bystander@acme.com (grant {first.id})" in revoking
        assert "There is no grant 999" in text_of(await say(w, "access revoke 999", w.approver))
        assert [r.grant_id for r in await revoker.revoke_due()] == [first.id]
        assert "already revoked" in text_of(await say(w, f"access revoke {first.id}", w.approver))

        released = text_of(await say(w, "access release", bob))  # one grant left: no need to ask which
        assert f"Released** finance (grant {second.id})" in released
        assert [r.grant_id for r in await revoker.revoke_due()] == [second.id]
        assert [g.status for g in grants(w, "bob.bystander@acme.com")] == ["revoked", "revoked"]
        assert w.fake.violations == []


async def test_help_lists_the_access_commands(db_url: str) -> None:
    async with access_world(db_url) as (w, _revoker):
        card = text_of(await say(w, "help", w.bystander))
        assert "access release [GRANT_ID]" in card and "access revoke GRANT_ID" in card and "pending" in card


async def test_without_jit_access_says_so(db_url: str) -> None:
    async with teams_world(db_url) as w:
        response = await w.send(w.personal_message("access prod-admin 1h fix", w.bystander))
        assert response.status == 200
        assert "not enabled" in json.dumps(w.connector.of_kind("reply")[-1].body)
        assert "access list" not in json.dumps(await _help(w))


async def _help(w: World) -> dict[str, Any]:
    await w.send(w.personal_message("help", w.bystander))
    body: dict[str, Any] = w.connector.of_kind("reply")[-1].body
    return body


# --- pure parts -----------------------------------------------------------------------------------------------


def test_access_is_a_command() -> None:
    assert parse("<at>OpsGate</at> Access prod-admin 2h fix") == (Command.ACCESS, "prod-admin 2h fix")
    assert parse("access") == (Command.ACCESS, "")


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("prod-admin 2h hotfix for INC-42", ("prod-admin", "2h", "hotfix for INC-42")),
        ("prod-admin hotfix for INC-42", ("prod-admin", None, "hotfix for INC-42")),
        ("prod-admin 1h30m", ("prod-admin", "1h30m", "")),
        ("prod-admin 2x why", ("prod-admin", "2x", "why")),
        ("prod-admin", ("prod-admin", None, "")),
    ],
)
def test_parse_line(text: str, parsed: tuple[str, str | None, str]) -> None:
    assert parse_line(text) == parsed


RESOURCES = [
    ResourceOption("prod-admin", "Okta", "Prod Admins", "1h", "4h", "production"),
    ResourceOption("fin_read", "Entra ID", "Finance *Readers*", "30m", "2h"),
]


def test_cards_are_valid_adaptive_cards() -> None:
    form = access_form_card(RESOURCES)
    assert_valid(form)
    assert [e["id"] for e in form["body"] if e["type"].startswith("Input.")] == list(AccessInput)
    assert_valid(access_form_card([]))
    many = access_form_card([ResourceOption(f"r{i}", "Okta", "G", "1h", "2h") for i in range(130)])
    assert_valid(many)
    assert "and 30 more" in text_of(many)
    listed = access_list_card(RESOURCES, [GrantLine(7, "prod-admin", "59m", "2026-06-09 18:42 UTC")])
    assert_valid(listed)
    assert "*Readers*" not in text_of(listed)  # a group name cannot bold itself
    assert "(grant 7): 59m left" in text_of(listed)
    assert_valid(access_list_card([], []))
    assert_valid(access_list_card(RESOURCES, None))
    assert_valid(help_card(with_access=True))
    assert "access list" in text_of(help_card(with_access=True))
    assert "access list" not in text_of(help_card(with_access=False))
