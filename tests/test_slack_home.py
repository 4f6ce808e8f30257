"""App Home: approvers see pending approvals with their buttons and recent decisions; everyone sees their own
requests; other rooms' sections are added per app."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from opsgate.cards.ids import ActionId, BlockId, CallbackId, FieldId
from opsgate.handlers import slack
from opsgate.handlers.slack.home import register_home_section
from opsgate.handlers.slack.runtime import HomeRequest
from tests.fakes.slack import app_home_opened_event, block_actions_body, event_body, view_submission_body
from tests.test_slack_harness import ALICE, MALLORY, MIA, SARAH, SlackHarness, find_button, slack_env


async def _open_home(h: SlackHarness, user: tuple[str, str], tab: str = "home") -> dict[str, Any] | None:
    resp = await h.post(event_body(app_home_opened_event(user[0], tab)))
    assert resp.status == 200
    await h.settle()
    return h.fake.home_views.get(user[0])


def _block_ids(view: dict[str, Any]) -> list[str]:
    return [str(b.get("block_id")) for b in view["blocks"]]


async def test_an_approver_sees_pending_approvals_with_buttons_and_recent_decisions(db_url: str) -> None:
    async with slack_env(db_url) as h:
        waiting = (await h.ingest(key="ITSM-20", reporter=MIA[1]))["runId"]
        decided = (await h.ingest(key="ITSM-21", reporter=MIA[1]))["runId"]
        await h.settle()
        await h.click(ALICE, h.card(decided), ActionId.APPROVE)
        view = await _open_home(h, ALICE)
        assert view is not None and view["type"] == "home"
        ids = _block_ids(view)
        assert f"{BlockId.HOME_PENDING}.{waiting}" in ids and f"{BlockId.ACTIONS}.{waiting}" in ids
        assert f"{BlockId.HOME_PENDING}.{decided}" not in ids
        assert f"{BlockId.HOME_RECENT}.{decided}" in ids
        element, _ = find_button(view, ActionId.APPROVE)
        assert waiting in element["value"]
        h.assert_clean()


async def test_everyone_sees_their_own_requests_but_no_approvals(db_url: str) -> None:
    async with slack_env(db_url) as h:
        await h.ingest(key="ITSM-22", reporter=MIA[1])
        await h.settle()
        view = await _open_home(h, MALLORY)
        assert view is not None
        ids = _block_ids(view)
        assert str(BlockId.HOME_PENDING) not in ids and str(BlockId.HOME_RECENT) not in ids
        assert str(BlockId.HOME_MINE) in ids and "not requested anything" in json.dumps(view)
        h.assert_clean()


async def test_the_reporter_does_not_see_their_own_request_to_approve(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id = (await h.ingest())["runId"]  # Sarah's own MFA reset
        await h.settle()
        view = await _open_home(h, SARAH)
        assert view is not None and f"{BlockId.HOME_PENDING}.{run_id}" not in _block_ids(view)
        h.assert_clean()


async def test_approving_from_app_home_decides_and_refreshes_the_tab(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id = (await h.ingest(key="ITSM-23", reporter=MIA[1]))["runId"]
        await h.settle()
        view = await _open_home(h, ALICE)
        assert view is not None
        element, block = find_button(view, ActionId.APPROVE)
        body = block_actions_body(str(ActionId.APPROVE), element["value"], user_id=ALICE[0], view=view, block_id=block)
        assert (await h.post(body)).status == 200
        await h.settle()
        assert h.run(run_id).status == "approved"
        assert f"{BlockId.ACTIONS}.{run_id}" not in _block_ids(h.fake.home_views[ALICE[0]])
        assert "Approved" in json.dumps(h.card(run_id)["blocks"])
        h.assert_clean()


async def test_denying_from_app_home_asks_for_a_reason_and_refreshes_the_tab(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id = (await h.ingest(key="ITSM-24", reporter=MIA[1]))["runId"]
        await h.settle()
        view = await _open_home(h, ALICE)
        assert view is not None
        element, block = find_button(view, ActionId.DENY)
        body = block_actions_body(str(ActionId.DENY), element["value"], user_id=ALICE[0], view=view, block_id=block)
        assert (await h.post(body)).status == 200
        await h.settle()
        modal = h.fake.opened_views[-1]
        values = {str(FieldId.DENY_REASON): {str(FieldId.DENY_REASON): {"type": "plain_text_input", "value": "no"}}}
        submit = view_submission_body(
            str(CallbackId.DENY_REASON), values, user_id=ALICE[0], private_metadata=modal["private_metadata"]
        )
        assert (await h.post(submit)).status == 200
        await h.settle()
        assert h.run(run_id).status == "denied"
        assert f"{BlockId.ACTIONS}.{run_id}" not in _block_ids(h.fake.home_views[ALICE[0]])
        h.assert_clean()


async def test_messages_tab_publishes_nothing(db_url: str) -> None:
    async with slack_env(db_url) as h:
        assert await _open_home(h, ALICE, tab="messages") is None
        assert h.fake.calls_of("views.publish") == []


async def test_other_rooms_add_sections_per_app(db_url: str) -> None:
    seen: list[HomeRequest] = []

    async def jira_summary(request: HomeRequest) -> Sequence[dict[str, Any]]:
        seen.append(request)
        text = {"type": "mrkdwn", "text": f"*Jira* for <@{request.user_id}>"}
        return [{"type": "section", "block_id": "opsgate.home.extra.jira", "text": text}]

    async def broken(request: HomeRequest) -> Sequence[dict[str, Any]]:
        raise RuntimeError("jira is down")

    async with slack_env(db_url) as h:
        bolt = h.http.server.app[slack.BOLT]
        register_home_section(bolt, broken)
        register_home_section(bolt, jira_summary)
        view = await _open_home(h, MALLORY)
        assert view is not None and "opsgate.home.extra.jira" in _block_ids(view)
        assert seen[0].gate is h.gate and seen[0].is_approver is False
        h.assert_clean()
    async with slack_env(db_url) as other:
        view = await _open_home(other, MALLORY)
        assert view is not None and "opsgate.home.extra.jira" not in _block_ids(view)


async def test_refresh_republishes(db_url: str) -> None:
    async with slack_env(db_url) as h:
        view = await _open_home(h, ALICE)
        assert view is not None
        _element, block = find_button(view, ActionId.REFRESH_HOME)
        body = block_actions_body(str(ActionId.REFRESH_HOME), None, user_id=ALICE[0], view=view, block_id=block)
        assert (await h.post(body)).status == 200
        await h.settle()
        assert len(h.fake.calls_of("views.publish")) == 2
        h.assert_clean()
