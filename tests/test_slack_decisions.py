"""Decisions on Slack, end to end: ingest -> card -> signed click -> run machine -> re-rendered card, DMs and
private refusals. Everything goes through the real aiohttp app, slack_bolt, slack_sdk and the fake Slack."""

from __future__ import annotations

import json

from opsgate.cards.ids import ActionId, BlockId, CallbackId, FieldId
from opsgate.store.models import utcnow
from tests.fakes.slack import view_submission_body
from tests.helpers import count
from tests.test_slack_harness import (
    ALICE,
    CAROL,
    CHANNEL,
    MALLORY,
    MIA,
    SARAH,
    TOM,
    SlackHarness,
    block_text,
    has_block,
    has_button,
    slack_env,
)


def _audit(h: SlackHarness, action: str) -> int:
    return count(h.gate.services, "SELECT count(*) FROM audit_entries WHERE action = :a", a=action)


async def _card(h: SlackHarness, **ticket: object) -> tuple[str, dict[str, object]]:
    run_id = str((await h.ingest(**ticket))["runId"])
    await h.settle()
    return run_id, h.card(run_id)


async def test_approve_from_ingest_to_updated_card(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id, card = await _card(h)
        resp = await h.click(ALICE, card, ActionId.APPROVE)
        assert await resp.text() == ""
        run = h.run(run_id)
        assert run.status == "approved" and run.decided_by == f"<@{ALICE[0]}>"
        assert [a["actor"] for a in run.approvals] == [f"slack:{ALICE[0]}"]
        card = h.card(run_id)
        assert not has_button(card, ActionId.APPROVE) and not has_block(card, BlockId.PROCESSING)
        assert f"<@{ALICE[0]}>" in block_text(card, BlockId.STATUS) and "Approved" in block_text(card, BlockId.STATUS)
        versions = h.fake.message_versions(CHANNEL, str(card["ts"]))
        assert any(v["blocks"] and has_block(v, BlockId.PROCESSING) for v in versions), "no Processing... render"
        # The Jira reporter is a Slack user: told by DM who decided.
        dms = h.fake.dm_messages(SARAH[0])
        assert dms and f"<@{ALICE[0]}>" in dms[-1]["text"] and "approved" in dms[-1]["text"]
        assert count(h.gate.services, "SELECT count(*) FROM outbox WHERE kind = 'run.execute'") == 1
        assert _audit(h, "run.approved") == 1
        assert h.fake.ephemerals == []
        h.assert_clean()


async def test_deny_opens_a_modal_and_its_reason_lands_on_the_card(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id, card = await _card(h)
        await h.click(ALICE, card, ActionId.DENY)
        assert h.run(run_id).status == "awaiting_approval"
        modal = h.fake.opened_views[-1]
        assert modal["callback_id"] == str(CallbackId.DENY_REASON)
        body = view_submission_body(
            str(CallbackId.DENY_REASON),
            {str(FieldId.DENY_REASON): {str(FieldId.DENY_REASON): {"type": "plain_text_input", "value": "No ticket"}}},
            user_id=ALICE[0],
            private_metadata=modal["private_metadata"],
        )
        resp = await h.post(body)
        assert resp.status == 200 and await resp.text() == ""
        await h.settle()
        run = h.run(run_id)
        assert run.status == "denied" and run.deny_reason == "No ticket" and run.decided_by == f"<@{ALICE[0]}>"
        status = block_text(h.card(run_id), BlockId.STATUS)
        assert "Denied" in status and "No ticket" in status and f"<@{ALICE[0]}>" in status
        assert not has_button(h.card(run_id), ActionId.APPROVE)
        assert "denied" in h.fake.dm_messages(SARAH[0])[-1]["text"]
        assert count(h.gate.services, "SELECT count(*) FROM outbox WHERE kind = 'run.execute'") == 0
        h.assert_clean()


async def test_long_deny_reason_is_truncated_to_fit_the_card(db_url: str) -> None:
    reason = "<!channel> <@U0ALL> & *urgent* " * 300  # 9,000 characters that grow when escaped
    async with slack_env(db_url) as h:
        run_id, card = await _card(h)
        await h.click(ALICE, card, ActionId.DENY)
        body = view_submission_body(
            str(CallbackId.DENY_REASON),
            {str(FieldId.DENY_REASON): {str(FieldId.DENY_REASON): {"type": "plain_text_input", "value": reason}}},
            user_id=ALICE[0],
            private_metadata=h.fake.opened_views[-1]["private_metadata"],
        )
        assert (await h.post(body)).status == 200
        await h.settle()
        run = h.run(run_id)
        assert run.status == "denied" and run.deny_reason is not None and len(run.deny_reason) == 2000
        status = block_text(h.card(run_id), BlockId.STATUS)
        assert len(status) <= 3000 and status.endswith("…")
        assert "<!channel>" not in json.dumps(h.card(run_id)) and "&lt;!channel&gt;" in status
        h.assert_clean()


async def test_self_approval_by_the_jira_reporter_is_refused_privately(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id, card = await _card(h)  # reported by sarah.chen@acme.com, who is an approver in Slack
        before = _audit(h, "run.approved")
        await h.click(SARAH, card, ActionId.APPROVE)
        assert h.run(run_id).status == "awaiting_approval" and h.run(run_id).approvals == []
        assert _audit(h, "run.approved") == before
        (said,) = h.ephemerals_for(SARAH)
        assert "You asked for" in said
        assert has_button(h.card(run_id), ActionId.APPROVE), "buttons come back for the other approvers"
        h.assert_clean()


async def test_the_target_cannot_approve_a_run_on_their_own_account(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id, card = await _card(
            h,
            key="ITSM-2",
            summary="MFA reset for Tom",
            description="Please reset the MFA of tom.hale@acme.com, he got a new phone.",
            reporter=MIA[1],
        )
        await h.click(TOM, card, ActionId.APPROVE)
        assert h.run(run_id).status == "awaiting_approval"
        (said,) = h.ephemerals_for(TOM)
        assert "your own account" in said
        await h.click(SARAH, h.card(run_id), ActionId.APPROVE)
        assert h.run(run_id).status == "approved"
        h.assert_clean()


async def test_a_non_approver_is_refused_and_the_card_never_flips(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id, card = await _card(h)
        await h.click(MALLORY, card, ActionId.APPROVE)
        await h.click(MALLORY, card, ActionId.DENY)
        assert h.run(run_id).status == "awaiting_approval"
        said = h.ephemerals_for(MALLORY)
        assert len(said) == 2 and all("Only OpsGate approvers" in s for s in said)
        assert len(h.fake.message_versions(CHANNEL, str(card["ts"]))) == 1, "the shared card was not touched"
        assert h.fake.opened_views == []
        h.assert_clean()


async def test_a_user_group_member_may_approve(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id, card = await _card(h)
        await h.click(CAROL, card, ActionId.APPROVE)
        assert h.run(run_id).status == "approved"
        assert h.fake.calls_of("usergroups.users.list"), "the group was resolved with usergroups.users.list"
        h.assert_clean()


async def test_a_second_click_changes_nothing_and_says_who_decided(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id, card = await _card(h)
        await h.click(ALICE, card, ActionId.APPROVE)
        await h.click(TOM, card, ActionId.APPROVE)  # a stale copy of the card, still showing buttons
        await h.click(ALICE, card, ActionId.APPROVE)
        assert h.run(run_id).status == "approved" and len(h.run(run_id).approvals) == 1
        assert _audit(h, "run.approved") == 1
        (tom_said,) = h.ephemerals_for(TOM)
        assert "already approved" in tom_said and f"<@{ALICE[0]}>" in tom_said
        assert len(h.ephemerals_for(ALICE)) == 1
        assert not has_button(h.card(run_id), ActionId.APPROVE)
        h.assert_clean()


async def test_two_approvers_at_once_make_one_decision(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id, card = await _card(h)
        await h.click(ALICE, card, ActionId.APPROVE, settle=False)
        await h.click(TOM, card, ActionId.APPROVE, settle=False)
        await h.settle()
        run = h.run(run_id)
        assert run.status == "approved" and len(run.approvals) == 1
        loser = TOM if run.approvals[0]["actor"] == f"slack:{ALICE[0]}" else ALICE
        assert len(h.ephemerals_for(loser)) == 1 and "already approved" in h.ephemerals_for(loser)[0]
        assert _audit(h, "run.approved") == 1
        h.assert_clean()


async def test_a_click_on_an_expired_run_says_it_expired(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id, card = await _card(h)
        expired = await h.gate.services.db(h.gate.runs.expire_due, utcnow().replace(year=utcnow().year + 1))
        assert expired == [run_id]
        await h.settle()
        assert "Expired" in block_text(h.card(run_id), BlockId.STATUS)
        assert not has_button(h.card(run_id), ActionId.APPROVE)
        await h.click(ALICE, card, ActionId.APPROVE)  # the old copy of the card
        assert h.run(run_id).status == "expired"
        (said,) = h.ephemerals_for(ALICE)
        assert "expired" in said
        h.assert_clean()


async def test_offboarding_needs_two_approvals_and_the_card_shows_one_of_two(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id, card = await _card(
            h,
            key="ITSM-3",
            summary="Offboarding Tom Hale",
            description="Tom Hale (tom.hale@acme.com) leaves on Friday, please suspend his account.",
            reporter=MIA[1],
        )
        await h.click(ALICE, card, ActionId.APPROVE)
        run = h.run(run_id)
        assert run.status == "awaiting_approval" and len(run.approvals) == 1
        card = h.card(run_id)
        assert "1 of 2 approvals" in block_text(card, BlockId.APPROVALS)
        assert f"<@{ALICE[0]}>" in block_text(card, BlockId.APPROVALS)
        assert has_button(card, ActionId.APPROVE), "the second approver still has the buttons"
        assert "1 more needed" in h.ephemerals_for(ALICE)[0]
        await h.click(ALICE, card, ActionId.APPROVE)
        assert "already approved" in h.ephemerals_for(ALICE)[-1]
        await h.click(CAROL, h.card(run_id), ActionId.APPROVE)
        run = h.run(run_id)
        assert run.status == "approved" and len(run.approvals) == 2
        status = block_text(h.card(run_id), BlockId.STATUS)
        assert f"<@{ALICE[0]}>" in status and f"<@{CAROL[0]}>" in status
        h.assert_clean()


async def test_a_click_is_answered_before_the_slow_work_happens(db_url: str) -> None:
    """Slack answers chat.update slowly: the click's HTTP 200 comes back while the decision is still to come."""
    gate_open = None

    def slow(fake: object) -> None:
        from aiohttp import web

        @web.middleware
        async def hold(request: web.Request, handler: object) -> web.StreamResponse:
            if request.path.endswith("chat.update") and gate_open is not None:
                await gate_open.wait()
            return await handler(request)  # type: ignore[operator,no-any-return]

        fake.app.middlewares.append(hold)  # type: ignore[attr-defined]

    import asyncio

    async with slack_env(db_url, configure=slow) as h:
        run_id, card = await _card(h)
        gate_open = asyncio.Event()
        resp = await h.click(ALICE, card, ActionId.APPROVE, settle=False)
        assert resp.status == 200
        assert h.run(run_id).status == "awaiting_approval", "the ack did not wait for Slack or the decision"
        gate_open.set()
        await h.settle()
        assert h.run(run_id).status == "approved"
        h.assert_clean()


async def test_a_stale_card_with_another_plan_is_refused(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id, card = await _card(h)
        stale = json.loads(json.dumps(card).replace(str(h.run(run_id).plan_hash), "0" * 64))
        await h.click(ALICE, stale, ActionId.APPROVE)
        assert h.run(run_id).status == "awaiting_approval"
        assert "plan changed" in h.ephemerals_for(ALICE)[0]
        h.assert_clean()
