"""``/access`` through the real Bolt app against the fake Slack: one-liner, modal, approval, notices, release, and
the grant on the run's card (active until when, re-rendered at the expiry warning and when access ends)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from opsgate.bot.executor import attach as attach_executor
from opsgate.bot.jit import ResourceSpec, Revoker, attach
from opsgate.bot.jit.catalog import add_resource
from opsgate.cards.ids import ActionId, BlockId
from opsgate.handlers.slack import access
from opsgate.store import jit as rows
from tests.fakes.slack import FakeSlack, slash_command_body, view_submission_body
from tests.jit_support import seed_catalog
from tests.test_slack_harness import ALICE, CHANNEL, MALLORY, MIA, TOM, SlackHarness, block_text, has_block, slack_env


def _wire(h: SlackHarness) -> Revoker:
    """JIT on the harness's gate (``/access`` itself is registered by the Slack app, as in production)."""
    attach_executor(h.gate)  # sandbox mode: no Okta/Graph credentials, calls are recorded
    revoker = attach(h.gate)
    seed_catalog(h.gate.services)
    return revoker


async def _access(h: SlackHarness, text: str, name: str) -> list[dict[str, Any]]:
    url = FakeSlack.response_url(h.fake_url, name)
    resp = await h.post(slash_command_body("/access", text, user_id=MIA[0], response_url=url))
    assert resp.status == 200
    await h.settle()
    return h.fake.responses.get(name, [])


def _grants(h: SlackHarness) -> list[Any]:
    with h.gate.services.read_session() as session:
        return rows.grants_of(
            session,
            org_id=h.gate.services.default_org_id,
            requester_email=MIA[1],
            statuses=("requested", "active", "revoked"),
        )


async def test_one_liner_approve_notices_and_release(db_url: str) -> None:
    async with slack_env(db_url) as h:
        revoker = _wire(h)
        said = await _access(h, "prod-admin 2h hotfix for INC-42", "req")
        assert "Asked for prod-admin for 2h" in json.dumps(said)
        (grant,) = _grants(h)
        assert grant.requester == f"slack:{MIA[0]}" and grant.status == "requested"
        card = h.card(grant.run_id)
        await h.click(ALICE, card, ActionId.APPROVE)
        await h.eventually(lambda: _grants(h)[0].status == "active")
        await h.settle()
        thread = json.dumps(h.fake.thread_replies(CHANNEL, card["ts"]))
        assert "Access to prod-admin granted to mia.manager@acme.com until" in thread
        # ...and the requester hears it privately, in their DM with the app.
        assert "Access to prod-admin granted to mia.manager@acme.com until" in json.dumps(h.fake.dm_messages(MIA[0]))

        said = await _access(h, "release", "rel")
        assert "Released prod-admin" in json.dumps(said)
        done = await revoker.revoke_due()
        assert len(done) == 1 and "sandbox mode" in done[0].detail
        await h.settle()
        assert _grants(h)[0].status == "revoked"
        assert "Access to prod-admin has ended" in json.dumps(h.fake.thread_replies(CHANNEL, card["ts"]))
        assert "Access to prod-admin has ended" in json.dumps(h.fake.dm_messages(MIA[0]))
        h.assert_clean()


async def test_approver_revokes_early(db_url: str) -> None:
    async with slack_env(db_url) as h:
        revoker = _wire(h)
        await _access(h, "prod-admin 2h hotfix", "req")
        (grant,) = _grants(h)
        await h.click(ALICE, h.card(grant.run_id), ActionId.APPROVE)
        await h.eventually(lambda: _grants(h)[0].status == "active")
        url = FakeSlack.response_url(h.fake_url, "mia-revoke")
        await h.post(slash_command_body("/access", f"revoke {grant.id}", user_id=MIA[0], response_url=url))
        await h.settle()
        assert "Only OpsGate approvers" in json.dumps(h.fake.responses["mia-revoke"])
        url = FakeSlack.response_url(h.fake_url, "alice-revoke")
        await h.post(slash_command_body("/access", f"revoke {grant.id}", user_id=ALICE[0], response_url=url))
        await h.settle()
        assert "Revoking prod-admin from mia.manager@acme.com" in json.dumps(h.fake.responses["alice-revoke"])
        assert len(await revoker.revoke_due()) == 1
        assert _grants(h)[0].status == "revoked"
        h.assert_clean()


async def test_refusals_reach_the_requester(db_url: str) -> None:
    async with slack_env(db_url) as h:
        _wire(h)
        await _access(h, "root-everything 1h because", "nope")
        await _access(h, "prod-admin 9h because", "long")
        told = json.dumps(h.fake.ephemerals) + json.dumps(h.fake.responses)
        assert "not a just-in-time resource" in told and "maximum of 4h" in told
        assert _grants(h) == []


async def test_modal_lists_the_catalog_and_validates(db_url: str) -> None:
    async with slack_env(db_url) as h:
        _wire(h)
        await _access(h, "", "modal")
        opened = json.dumps(h.fake.opened_views)
        assert access.CALLBACK in opened and "prod-admin" in opened and "finance" in opened

        def submit(duration: str) -> str:
            values = {
                access.RESOURCE: {
                    access.RESOURCE: {"type": "static_select", "selected_option": {"value": "prod-admin"}}
                },
                access.DURATION: {access.DURATION: {"type": "plain_text_input", "value": duration}},
                access.REASON: {access.REASON: {"type": "plain_text_input", "value": "deploy"}},
            }
            return view_submission_body(access.CALLBACK, values, user_id=MIA[0])

        resp = await h.post(submit("9h"))
        body = await resp.json()
        assert body["response_action"] == "errors" and "maximum of 4h" in body["errors"][access.DURATION]
        resp = await h.post(submit("30m"))
        assert resp.status == 200 and not (await resp.text()).strip()
        await h.settle()
        assert [g.duration_seconds for g in _grants(h)] == [1800]
        assert "Asked for prod-admin for 30m" in json.dumps(h.fake.dm_messages(MIA[0]))
        h.assert_clean()


async def _granted(h: SlackHarness) -> Any:
    await _access(h, "prod-admin 2h hotfix", "req")
    (grant,) = _grants(h)
    assert not has_block(h.card(grant.run_id), BlockId.GRANT)  # waiting: resource and duration only
    assert "*Resource*\\nprod-admin" in json.dumps(h.card(grant.run_id)["blocks"])
    await h.click(ALICE, h.card(grant.run_id), ActionId.APPROVE)
    await h.eventually(lambda: _grants(h)[0].status == "active")
    await h.settle()
    return _grants(h)[0]


async def test_the_card_shows_the_active_grant_and_when_it_ended(db_url: str) -> None:
    async with slack_env(db_url) as h:
        revoker = _wire(h)
        grant = await _granted(h)
        card = h.card(grant.run_id)
        line = block_text(card, BlockId.GRANT)
        assert line.startswith("🔓 *Active* until ") and "left when this card was updated" in line
        assert "1h 59m left" in line or "2h left" in line

        # Ten minutes before the end the warning re-renders the card once (its "time left" is as of each render).
        versions = len(h.fake.message_versions(CHANNEL, card["ts"]))
        assert grant.due_at is not None
        await revoker.warn_expiring(grant.due_at - timedelta(minutes=5))
        await h.settle()
        assert len(h.fake.message_versions(CHANNEL, card["ts"])) == versions + 1
        await revoker.warn_expiring(grant.due_at - timedelta(minutes=4))  # claimed once: no second update
        await h.settle()
        assert len(h.fake.message_versions(CHANNEL, card["ts"])) == versions + 1

        # Due, revoked by the poll: the card (not a run transition) is re-rendered with when it ended.
        done = await revoker.revoke_due(grant.due_at + timedelta(seconds=90))
        assert len(done) == 1
        await h.settle()
        line = block_text(h.card(grant.run_id), BlockId.GRANT)
        assert line.startswith("🔒 *Ended* ") and "1m 30s late" in line
        assert h.run(grant.run_id).status == "succeeded"  # the run itself did not move
        h.assert_clean()


async def test_the_card_says_who_revoked_early(db_url: str) -> None:
    async with slack_env(db_url) as h:
        revoker = _wire(h)
        grant = await _granted(h)
        url = FakeSlack.response_url(h.fake_url, "alice-revoke")
        await h.post(slash_command_body("/access", f"revoke {grant.id}", user_id=ALICE[0], response_url=url))
        await h.settle()
        assert len(await revoker.revoke_due()) == 1
        await h.settle()
        line = block_text(h.card(grant.run_id), BlockId.GRANT)
        assert line.startswith("🔒 *Ended* ") and f"revoked early by <@{ALICE[0]}>" in line
        assert "(it was due " in line
        h.assert_clean()


async def test_the_resource_owner_decides_in_slack_though_not_an_opsgate_approver(db_url: str) -> None:
    async with slack_env(db_url) as h:
        _wire(h)
        services = h.gate.services
        owner = ResourceSpec("prod-db", "okta", "Prod Admins", "4h", "1h", extra_approvers=(MALLORY[1],))
        add_resource(services, services.default_org_id, owner, actor="cli")
        await _access(h, "prod-db 1h schema migration", "req")
        (grant,) = [g for g in _grants(h) if g.resource == "prod-db"]
        card = h.card(grant.run_id)
        assert "mallory@acme.com" in json.dumps(card)  # the card names who else must approve

        opened = len(h.fake.opened_views)
        await h.click(MALLORY, card, ActionId.DENY)  # the owner may deny: the reason modal opens
        assert len(h.fake.opened_views) == opened + 1 and h.ephemerals_for(MALLORY) == []
        await h.click(ALICE, h.card(grant.run_id), ActionId.APPROVE)
        assert h.run(grant.run_id).status == "awaiting_approval"  # one approval of two
        await h.click(TOM, h.card(grant.run_id), ActionId.APPROVE)  # the last one is the owner's
        assert h.run(grant.run_id).status == "awaiting_approval"
        assert any("resource's own approvers" in e for e in h.ephemerals_for(TOM))
        await h.click(MALLORY, h.card(grant.run_id), ActionId.APPROVE)
        await h.eventually(lambda: _grants(h)[0].status == "active")
        h.assert_clean()
