"""``/access`` through the real Bolt app against the fake Slack: one-liner, modal, approval, notices, release."""

from __future__ import annotations

import json
from typing import Any

from opsgate.bot.executor import attach as attach_executor
from opsgate.bot.jit import Revoker, attach
from opsgate.cards.ids import ActionId
from opsgate.handlers import slack
from opsgate.handlers.slack import access
from opsgate.store import jit as rows
from tests.fakes.slack import FakeSlack, slash_command_body, view_submission_body
from tests.jit_support import seed_catalog
from tests.test_slack_harness import ALICE, CHANNEL, MIA, SlackHarness, slack_env


def _wire(h: SlackHarness) -> Revoker:
    attach_executor(h.gate)  # sandbox mode: no Okta/Graph credentials, calls are recorded
    revoker = attach(h.gate)
    seed_catalog(h.gate.services)
    access.register(h.http.server.app[slack.BOLT])
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
