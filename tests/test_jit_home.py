"""Just-in-time access in Slack's App Home, through the real Bolt app against the fake Slack: the requester's tab is
published when their grant becomes active and when it ends, shows time left and a working Release button;
approvers see every active grant with a Revoke button that only they may press."""

from __future__ import annotations

import json
from typing import Any

from opsgate.bot.executor import attach as attach_executor
from opsgate.bot.jit import Revoker, attach
from opsgate.cards.ids import ActionId, BlockId
from opsgate.store import jit as rows
from opsgate.store.models import utcnow
from tests.fakes.slack import FakeSlack, app_home_opened_event, block_actions_body, event_body, slash_command_body
from tests.jit_support import seed_catalog
from tests.test_slack_harness import ALICE, MALLORY, MIA, SlackHarness, block_text, find_button, has_block, slack_env


def _wire(h: SlackHarness) -> Revoker:
    attach_executor(h.gate)  # sandbox mode: no Okta/Graph credentials, calls are recorded
    revoker = attach(h.gate)
    seed_catalog(h.gate.services)
    return revoker


def _grant(h: SlackHarness, grant_id: int) -> Any:
    with h.gate.services.read_session() as session:
        return rows.get_grant(session, grant_id)


async def _granted(h: SlackHarness, user: tuple[str, str] = MIA, text: str = "prod-admin 2h hotfix") -> Any:
    url = FakeSlack.response_url(h.fake_url, f"req-{user[0]}")
    await h.post(slash_command_body("/access", text, user_id=user[0], response_url=url))
    await h.settle()
    with h.gate.services.read_session() as session:
        (grant,) = rows.grants_of(
            session, org_id=h.gate.services.default_org_id, requester_email=user[1], statuses=("requested",)
        )
    await h.click(ALICE, h.card(grant.run_id), ActionId.APPROVE)
    await h.eventually(lambda: _grant(h, grant.id).status == "active")
    await h.settle()
    return _grant(h, grant.id)


async def _open_home(h: SlackHarness, user: tuple[str, str]) -> dict[str, Any]:
    resp = await h.post(event_body(app_home_opened_event(user[0])))
    assert resp.status == 200
    await h.settle()
    return h.fake.home_views[user[0]]


async def _press(h: SlackHarness, user: tuple[str, str], view: dict[str, Any], action: ActionId) -> None:
    element, block = find_button(_accessories(view), action)
    body = block_actions_body(str(action), element["value"], user_id=user[0], view=view, block_id=block)
    assert (await h.post(body)).status == 200
    await h.settle()


def _accessories(view: dict[str, Any]) -> dict[str, Any]:
    """The view with each section's accessory button as an element, so the harness's find_button sees it."""
    blocks = [{**b, "elements": [b["accessory"]]} if "accessory" in b else b for b in view["blocks"]]
    return {"blocks": blocks}


async def test_the_requester_sees_the_grant_without_opening_the_tab_and_releases_it(db_url: str) -> None:
    async with slack_env(db_url) as h:
        revoker = _wire(h)
        grant = await _granted(h)
        # Published for Mia when the grant became active (she never opened the tab in this test).
        home = h.fake.home_views[MIA[0]]
        line = block_text(home, f"{BlockId.HOME_ACCESS}.{grant.id}")
        assert "*prod-admin*" in line and "left" in line and f"grant {grant.id}" in line
        assert not has_block(home, BlockId.HOME_GRANTS)  # Mia is no approver

        await _press(h, MIA, home, ActionId.JIT_RELEASE)
        assert _grant(h, grant.id).due_at <= utcnow()  # due now: the revoker takes it away at its next poll
        home = h.fake.home_views[MIA[0]]
        assert "ending now: released early by <@U0MIA>" in block_text(home, f"{BlockId.HOME_ACCESS}.{grant.id}")
        assert "opsgate.jit.release" not in json.dumps(home)  # nothing left to press

        assert len(await revoker.revoke_due()) == 1
        await h.settle()
        assert _grant(h, grant.id).status == "revoked"
        home = h.fake.home_views[MIA[0]]  # published again when the access ended
        assert not has_block(home, f"{BlockId.HOME_ACCESS}.{grant.id}")
        assert has_block(home, f"{BlockId.HOME_ACCESS}.empty")
        assert f"released early by <@{MIA[0]}>" in block_text(h.card(grant.run_id), BlockId.GRANT)
        h.assert_clean()


async def test_an_approver_revokes_from_app_home_and_others_are_refused(db_url: str) -> None:
    async with slack_env(db_url) as h:
        revoker = _wire(h)
        grant = await _granted(h)
        alice = await _open_home(h, ALICE)
        assert block_text(alice, BlockId.HOME_GRANTS) == "*Active access grants (1)*"
        line = block_text(alice, f"{BlockId.HOME_GRANTS}.{grant.id}")
        assert f"<@{MIA[0]}> ({MIA[1]})" in line and "left" in line
        due = grant.due_at

        # Mallory (no approver) presses the Revoke button of a tab that was never hers: refused, privately.
        await _press(h, MALLORY, alice, ActionId.JIT_REVOKE)
        assert "Only OpsGate approvers" in json.dumps(h.fake.dm_messages(MALLORY[0]))
        assert _grant(h, grant.id).due_at == due and _grant(h, grant.id).status == "active"
        assert MALLORY[0] not in h.fake.home_views

        await _press(h, ALICE, alice, ActionId.JIT_REVOKE)
        assert "ending now: revoked early by" in block_text(
            h.fake.home_views[ALICE[0]], f"{BlockId.HOME_GRANTS}.{grant.id}"
        )
        assert "Revoking" not in json.dumps(h.fake.dm_messages(ALICE[0]))  # the tab says it; no DM on top
        assert len(await revoker.revoke_due()) == 1
        await h.settle()
        assert _grant(h, grant.id).status == "revoked"
        assert f"revoked early by <@{ALICE[0]}>" in block_text(h.card(grant.run_id), BlockId.GRANT)
        assert has_block(h.fake.home_views[MIA[0]], f"{BlockId.HOME_ACCESS}.empty")  # Mia's tab follows
        assert block_text(await _open_home(h, ALICE), BlockId.HOME_GRANTS) == "*Active access grants (0)*"
        h.assert_clean()


async def test_release_of_someone_elses_grant_changes_nothing(db_url: str) -> None:
    async with slack_env(db_url) as h:
        _wire(h)
        grant = await _granted(h)
        mia = h.fake.home_views[MIA[0]]
        await _press(h, MALLORY, mia, ActionId.JIT_RELEASE)  # a forged press on Mia's grant
        assert f"No active grant {grant.id} of yours" in json.dumps(h.fake.dm_messages(MALLORY[0]))
        assert _grant(h, grant.id).due_at == grant.due_at
        h.assert_clean()
