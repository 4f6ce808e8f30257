"""Approve / Deny / Refresh / Retry presses on the Teams card (``adaptiveCard/action`` invokes) through the real
CloudAdapter, deciding through the one decision service. Each answer is checked as Teams reads it (HTTP 200,
``statusCode``/``type``/``value``), and the posted card in the fake channel is checked after the outbox ran."""

from __future__ import annotations

import json
from typing import Any

import pytest

from opsgate.bot.proposals import propose
from opsgate.bot.runs import Decider, Outcome
from opsgate.runbooks.base import Target
from tests.fakes.bf_connector import Member, Message
from tests.helpers import count
from tests.teams_support import World, teams_world

CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"
APPROVED = frozenset({"approved", "executing", "succeeded"})  # an executor, when attached, runs it at once


def decision_data(post: Message) -> dict[str, Any]:
    """What the Approve button of the card as posted carries (later updates do not change a stale copy)."""
    return dict(post.first_card["actions"][0]["data"])


async def press(w: World, verb: str, post: Message, user: Member, **inputs: Any) -> dict[str, Any]:
    return await w.answer(w.card_action(verb, {**decision_data(post), **inputs}, user, post.id))


async def posted_card(w: World, key: str = "ITSM-123", **ticket: Any) -> tuple[str, Message]:
    await w.set_channel()
    run_id = await w.ingest(key, **ticket)
    await w.deliver()
    return run_id, w.card_post()


def audit_count(w: World, action: str) -> int:
    return count(w.gate.services, "SELECT count(*) FROM audit_entries WHERE action = :a", a=action)


def card_text(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


async def test_an_approver_approves_and_the_posted_card_is_updated(db_url: str) -> None:
    async with teams_world(db_url) as w:
        run_id, post = await posted_card(w)
        answer = await press(w, "opsgate.approve", post, w.approver)
        assert answer["statusCode"] == 200 and answer["type"] == CARD
        updated = answer["value"]
        assert "Alex Admin" in card_text(updated)
        assert not [a for a in updated.get("actions", []) if a.get("verb") == "opsgate.approve"]
        run = w.gate.runs.get(run_id)
        assert run.status in APPROVED and run.decided_by == "Alex Admin"
        assert run.approvals[0]["actor"] == f"teams:{w.approver.aad_object_id}"
        await w.deliver()
        (update,) = w.connector.of_kind("update")
        assert (update.conversation_id, update.activity_id) == (w.channel_id, post.id)
        assert "Alex Admin" in card_text(post.card)  # the channel now holds the decided card
        assert not [a for a in post.card.get("actions", []) if a.get("verb") == "opsgate.approve"]
        assert w.fake.violations == []


async def test_deny_with_a_reason(db_url: str) -> None:
    async with teams_world(db_url) as w:
        run_id, post = await posted_card(w)
        answer = await press(w, "opsgate.deny", post, w.approver, reason="Not verified by phone")
        assert answer["type"] == CARD and "Not verified by phone" in card_text(answer["value"])
        run = w.gate.runs.get(run_id)
        assert run.status == "denied" and run.deny_reason == "Not verified by phone"
        await w.deliver()
        assert "Not verified by phone" in card_text(post.card)


async def test_deny_without_a_reason_changes_nothing(db_url: str) -> None:
    async with teams_world(db_url) as w:
        run_id, post = await posted_card(w)
        answer = await press(w, "opsgate.deny", post, w.approver, reason="   ")
        assert answer["type"] == MESSAGE and "Say why" in answer["value"]
        assert w.gate.runs.get(run_id).status == "awaiting_approval"


async def test_a_double_click_decides_once(db_url: str) -> None:
    async with teams_world(db_url) as w:
        run_id, post = await posted_card(w)
        first = await press(w, "opsgate.approve", post, w.approver)
        second = await press(w, "opsgate.approve", post, w.approver)
        assert first["type"] == CARD and second["type"] == CARD
        assert audit_count(w, "run.approved") == 1
        other = await press(w, "opsgate.deny", post, w.group_approver, reason="too late")
        assert other["type"] == CARD and w.gate.runs.get(run_id).status in APPROVED
        assert audit_count(w, "run.denied") == 0
        await w.deliver()
        assert len(w.connector.of_kind("update")) == 1


async def test_the_reporter_cannot_approve_their_own_ticket(db_url: str) -> None:
    async with teams_world(db_url) as w:  # Sarah is an approver and the Jira reporter of ITSM-123
        run_id, post = await posted_card(w)
        before = count(w.gate.services, "SELECT count(*) FROM audit_entries")
        answer = await press(w, "opsgate.approve", post, w.reporter)
        assert answer["type"] == MESSAGE and "someone else" in answer["value"]
        assert w.gate.runs.get(run_id).status == "awaiting_approval"
        assert count(w.gate.services, "SELECT count(*) FROM audit_entries") == before
        await w.deliver()
        assert w.connector.of_kind("update") == []


async def test_an_approver_cannot_approve_a_run_on_their_own_account(db_url: str) -> None:
    async with teams_world(db_url) as w:
        run_id, post = await posted_card(
            w, "ITSM-124", summary="Please reset MFA for alex.admin@acme.com", description=None, reporter="tom@acme.com"
        )
        assert w.gate.runs.get(run_id).target_email == "alex.admin@acme.com"
        answer = await press(w, "opsgate.approve", post, w.approver)
        assert answer["type"] == MESSAGE and "your own account" in answer["value"]
        assert w.gate.runs.get(run_id).status == "awaiting_approval"


async def test_a_non_approver_cannot_decide(db_url: str) -> None:
    async with teams_world(db_url) as w:
        run_id, post = await posted_card(w)
        for verb, inputs in (("opsgate.approve", {}), ("opsgate.deny", {"reason": "no"})):
            answer = await press(w, verb, post, w.bystander, **inputs)
            assert answer["type"] == MESSAGE and "Only configured approvers" in answer["value"]
        assert w.gate.runs.get(run_id).status == "awaiting_approval"
        assert audit_count(w, "run.approved") + audit_count(w, "run.denied") == 0


async def test_a_group_member_approves_through_graph(db_url: str) -> None:
    async with teams_world(db_url) as w:
        run_id, post = await posted_card(w)
        answer = await press(w, "opsgate.approve", post, w.group_approver)
        assert answer["type"] == CARD and w.gate.runs.get(run_id).status in APPROVED


async def test_the_clickers_email_comes_from_graph_when_teams_has_none(db_url: str) -> None:
    async with teams_world(db_url) as w:
        w.connector.members.pop(w.reporter.id)  # not in the roster: Teams answers 404 for the member
        run_id, post = await posted_card(w)
        answer = await press(w, "opsgate.approve", post, w.reporter)
        assert answer["type"] == MESSAGE and "someone else" in answer["value"]
        assert any(r.path == f"/v1.0/users/{w.reporter.aad_object_id}" for r in w.graph.api_requests())
        assert w.gate.runs.get(run_id).status == "awaiting_approval"


async def test_without_an_email_nobody_approves(db_url: str) -> None:
    async with teams_world(db_url) as w:
        w.connector.members.pop(w.approver.id)
        w.graph.users.pop(w.approver.aad_object_id)
        run_id, post = await posted_card(w)
        answer = await press(w, "opsgate.approve", post, w.approver)
        assert answer["type"] == MESSAGE and "could not read your email" in answer["value"]
        assert w.gate.runs.get(run_id).status == "awaiting_approval"


async def test_a_card_for_another_plan_is_refused(db_url: str) -> None:
    async with teams_world(db_url) as w:
        run_id, post = await posted_card(w)
        data = {**decision_data(post), "plan_hash": "0" * 64}
        answer = await w.answer(w.card_action("opsgate.approve", data, w.approver, post.id))
        assert answer["type"] == MESSAGE and "plan changed" in answer["value"]
        assert w.gate.runs.get(run_id).status == "awaiting_approval"


@pytest.mark.parametrize("data", [{"run_id": "run_nope", "plan_hash": "x" * 64}, {}, {"run_id": ""}])
async def test_unknown_or_broken_card_data_changes_nothing(db_url: str, data: dict[str, Any]) -> None:
    async with teams_world(db_url) as w:
        await w.set_channel()
        before = count(w.gate.services, "SELECT count(*) FROM audit_entries")
        answer = await w.answer(w.card_action("opsgate.approve", data, w.approver, "1234"))
        assert answer["type"] == MESSAGE
        assert count(w.gate.services, "SELECT count(*) FROM audit_entries") == before


async def test_an_unknown_verb_is_explained(db_url: str) -> None:
    async with teams_world(db_url) as w:
        run_id, post = await posted_card(w)
        answer = await press(w, "opsgate.launch_missiles", post, w.approver)
        assert answer["type"] == MESSAGE and w.gate.runs.get(run_id).status == "awaiting_approval"


async def test_refreshing_a_stale_card_answers_the_current_state_and_changes_nothing(db_url: str) -> None:
    async with teams_world(db_url) as w:
        run_id, post = await posted_card(w)
        stale = post.first_card
        await press(w, "opsgate.approve", post, w.approver)
        await w.deliver()

        def snapshot() -> tuple[int, ...]:
            s = w.gate.services
            return (
                count(s, "SELECT count(*) FROM audit_entries"),
                count(s, "SELECT count(*) FROM outbox"),
                count(s, "SELECT version FROM runs WHERE id = :r", r=run_id),
            )

        before, calls = snapshot(), len(w.connector.calls)
        data = stale["refresh"]["action"]["data"]
        for _ in range(3):
            answer = await w.answer(w.card_action("opsgate.refresh", data, w.bystander, post.id, trigger="automatic"))
            assert answer["type"] == CARD and "Alex Admin" in card_text(answer["value"])
            assert "refresh" not in answer["value"] or answer["value"]["refresh"]["action"]["verb"] == "opsgate.refresh"
        assert snapshot() == before and len(w.connector.calls) == calls
        assert w.gate.runs.get(run_id).status in APPROVED


def _open_offboarding(w: World) -> str:
    gate = w.gate
    proposal = propose(
        "offboarding", Target("tom.hale@acme.com"), {}, confidence=0.9, reason="test", settings=gate.services.settings
    )
    run = gate.ingest.request(
        org_id=gate.services.default_org_id,
        source="api",
        requester="jira:manager@acme.com",
        requester_email="manager@acme.com",
        summary="Tom leaves Friday",
        proposal=proposal,
    )
    return run.id


async def test_quorum_two_approvers_in_teams(db_url: str) -> None:
    async with teams_world(db_url) as w:
        await w.set_channel()
        run_id = _open_offboarding(w)
        await w.deliver()
        post = w.card_post()
        first = await press(w, "opsgate.approve", post, w.approver)
        assert first["type"] == CARD and w.gate.runs.get(run_id).status == "awaiting_approval"
        again = await press(w, "opsgate.approve", post, w.approver)
        assert again["type"] == MESSAGE and "already approved" in again["value"]
        second = await press(w, "opsgate.approve", post, w.group_approver)
        assert second["type"] == CARD and w.gate.runs.get(run_id).status in APPROVED


class FakeExecutor:
    def __init__(self) -> None:
        self.retried: list[tuple[str, str]] = []

    async def retry(self, run_id: str, decider: Decider) -> Outcome | None:
        self.retried.append((run_id, decider.actor))
        return None


async def test_retry_goes_to_the_executor_for_approvers_only(db_url: str) -> None:
    async with teams_world(db_url) as w:
        run_id, post = await posted_card(w)
        data = decision_data(post)
        answer = await w.answer(w.card_action("opsgate.retry", data, w.approver, post.id))
        assert answer["type"] == MESSAGE and "not available" in answer["value"]
        executor = FakeExecutor()
        w.gate.extras["executor"] = executor
        refused = await w.answer(w.card_action("opsgate.retry", data, w.bystander, post.id))
        assert refused["type"] == MESSAGE and executor.retried == []
        done = await w.answer(w.card_action("opsgate.retry", data, w.approver, post.id))
        assert done["type"] == CARD and executor.retried == [(run_id, f"teams:{w.approver.aad_object_id}")]
