"""The "Retry from the failed step" button: handed to the executor attached to the gate, refused otherwise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opsgate.bot.runs import Decider, Outcome
from opsgate.cards.ids import ActionId
from opsgate.store import runs as run_rows
from tests.test_slack_harness import ALICE, MALLORY, MIA, SlackHarness, has_button, slack_env

STEPS = [{"index": 0, "description": "Reset every MFA factor", "outcome": "failed", "detail": "HTTP 500 from Okta"}]


def _fail(h: SlackHarness, run_id: str) -> None:
    """The run was approved, ran, and failed at its first step (as the executor would record it)."""
    machine = h.gate.runs
    with h.gate.services.transaction() as session:
        run = run_rows.lock(session, run_id)
        assert run is not None
        machine.move(session, run, "approved", actor="test", changes={"decided_by": "<@U0TOM>"})
        machine.move(session, run, "executing", actor="test")
        machine.move(session, run, "failed", actor="test", changes={"steps": STEPS, "failure": "Okta answered 500"})


async def _failed_card(h: SlackHarness) -> tuple[str, dict[str, Any]]:
    run_id = str((await h.ingest(reporter=MIA[1]))["runId"])
    await h.settle()
    _fail(h, run_id)
    await h.settle()
    card = h.card(run_id)
    assert has_button(card, ActionId.RETRY)
    return run_id, card


@dataclass
class FakeExecutor:
    calls: list[tuple[str, Decider]] = field(default_factory=list)
    answer: Any = None

    async def retry(self, run_id: str, decider: Decider) -> Any:
        self.calls.append((run_id, decider))
        return self.answer


async def test_retry_without_an_executor_is_said_to_be_unavailable(db_url: str) -> None:
    async with slack_env(db_url) as h:
        run_id, card = await _failed_card(h)
        await h.click(ALICE, card, ActionId.RETRY)
        assert h.run(run_id).status == "failed"
        (said,) = h.ephemerals_for(ALICE)
        assert "Retry is not available" in said
        h.assert_clean()


async def test_retry_calls_the_executor_with_the_approver(db_url: str) -> None:
    async with slack_env(db_url) as h:
        executor = FakeExecutor()
        h.gate.extras["executor"] = executor
        run_id, card = await _failed_card(h)
        await h.click(ALICE, card, ActionId.RETRY)
        ((called_run, decider),) = executor.calls
        assert called_run == run_id and decider.actor == f"slack:{ALICE[0]}" and decider.is_approver
        assert h.ephemerals_for(ALICE) == []
        h.assert_clean()


async def test_retry_refusals_are_said_and_the_card_restored(db_url: str) -> None:
    async with slack_env(db_url) as h:
        executor = FakeExecutor()
        h.gate.extras["executor"] = executor
        run_id, card = await _failed_card(h)
        await h.click(MALLORY, card, ActionId.RETRY)
        assert executor.calls == [] and "Only OpsGate approvers" in h.ephemerals_for(MALLORY)[0]
        executor.answer = Outcome(False, False, h.run(run_id), "Someone is already retrying this run.")
        await h.click(ALICE, card, ActionId.RETRY)
        assert "already retrying" in h.ephemerals_for(ALICE)[0]
        assert has_button(h.card(run_id), ActionId.RETRY), "the button is back after the refusal"
        h.assert_clean()
