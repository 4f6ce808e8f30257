"""The run state machine: decisions, quorum, separation of duties, plan binding, expiry, cancellation, races."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from opsgate.bot.gate import OpsGate
from opsgate.bot.proposals import propose
from opsgate.bot.runs import Decider
from opsgate.runbooks.base import Target
from opsgate.store.models import Run, utcnow
from tests.helpers import count

ALICE = Decider("slack:UALICE", "<@UALICE>", "alice@acme.com", True)
BOB = Decider("slack:UBOB", "<@UBOB>", "bob@acme.com", True)
MALLORY = Decider("slack:UMAL", "<@UMAL>", "mallory@acme.com", False)


def open_run(
    gate: OpsGate,
    intent: str = "mfa_reset",
    target: str = "sam.lee@acme.com",
    requester_email: str = "sarah.chen@acme.com",
    params: dict[str, str] | None = None,
) -> Run:
    proposal = propose(
        intent, Target(target), params or {}, confidence=0.9, reason="test", settings=gate.services.settings
    )
    return gate.ingest.request(
        org_id=gate.services.default_org_id,
        source="api",
        requester=f"jira:{requester_email}",
        requester_email=requester_email,
        summary="s",
        proposal=proposal,
    )


def entries(gate: OpsGate, action: str) -> int:
    return count(gate.services, "SELECT count(*) FROM audit_entries WHERE action = :a", a=action)


def test_approve_moves_to_approved_once_and_second_click_says_who(gate: OpsGate) -> None:
    run = open_run(gate)
    first = gate.runs.decide(run.id, ALICE, "approve", plan_hash=run.plan_hash)
    assert first.ok and first.changed and first.run.status == "approved"
    second = gate.runs.decide(run.id, BOB, "approve", plan_hash=run.plan_hash)
    assert not second.changed and "Already approved by <@UALICE>" in second.message
    again = gate.runs.decide(run.id, ALICE, "approve", plan_hash=run.plan_hash)
    assert again.ok and not again.changed  # the same outcome repeated is a no-op
    deny_after = gate.runs.decide(run.id, BOB, "deny", plan_hash=run.plan_hash, reason="no")
    assert not deny_after.ok and not deny_after.changed
    assert gate.runs.get(run.id).status == "approved" and entries(gate, "run.approved") == 1


def test_deny_records_the_reason(gate: OpsGate) -> None:
    run = open_run(gate)
    out = gate.runs.decide(run.id, ALICE, "deny", plan_hash=run.plan_hash, reason="not verified by phone")
    stored = gate.runs.get(run.id)
    assert out.changed and stored.status == "denied" and stored.deny_reason == "not verified by phone"
    assert stored.decided_by == "<@UALICE>"


@pytest.mark.parametrize(
    ("decider", "message"),
    [
        (Decider("slack:UX", "<@UX>", "sarah.chen@acme.com", True), "You asked for this run"),
        (Decider("slack:UY", "<@UY>", "SAM.LEE@acme.com", True), "acts on your own account"),
        (MALLORY, "Only configured approvers"),
    ],
)
def test_requester_subject_and_non_approvers_cannot_approve(gate: OpsGate, decider: Decider, message: str) -> None:
    run = open_run(gate)
    out = gate.runs.decide(run.id, decider, "approve", plan_hash=run.plan_hash)
    assert not out.ok and not out.changed and message in out.message
    assert gate.runs.get(run.id).status == "awaiting_approval" and entries(gate, "run.approved") == 0


def test_offboarding_needs_two_distinct_approvals(gate: OpsGate) -> None:
    run = open_run(gate, intent="offboarding")
    assert run.approvals_required == 2
    one = gate.runs.decide(run.id, ALICE, "approve", plan_hash=run.plan_hash)
    assert one.changed and one.run.status == "awaiting_approval" and "1 more" in one.message
    dup = gate.runs.decide(run.id, ALICE, "approve", plan_hash=run.plan_hash)
    assert not dup.changed and "already approved" in dup.message
    two = gate.runs.decide(run.id, BOB, "approve", plan_hash=run.plan_hash)
    assert two.run.status == "approved" and [a["actor"] for a in two.run.approvals] == ["slack:UALICE", "slack:UBOB"]


def test_an_outdated_card_cannot_approve(gate: OpsGate) -> None:
    run = open_run(gate)
    out = gate.runs.decide(run.id, ALICE, "approve", plan_hash="0" * 64)
    assert not out.ok and "out of date" in out.message and gate.runs.get(run.id).status == "awaiting_approval"


def test_expiry_and_cancellation(gate: OpsGate) -> None:
    run = open_run(gate)
    other = open_run(gate, target="kim@acme.com")
    assert gate.runs.expire_due(now=utcnow()) == []
    later = utcnow() + timedelta(hours=25)
    assert sorted(gate.runs.expire_due(now=later)) == sorted([run.id, other.id])
    assert gate.runs.expire_due(now=later) == []
    click = gate.runs.decide(run.id, ALICE, "approve", plan_hash=run.plan_hash)
    assert not click.ok and "expired" in click.message
    third = open_run(gate, target="lee@acme.com")
    cancelled = gate.runs.cancel(third.id, actor="jira:webhook", reason="the Jira issue was deleted")
    assert cancelled.changed and gate.runs.get(third.id).status == "cancelled"
    assert not gate.runs.cancel(third.id, actor="x", reason="again").changed


def test_reminders_are_claimed_once_and_stop_at_the_deadline(gate: OpsGate) -> None:
    run = open_run(gate)
    soon = utcnow() + timedelta(hours=4, seconds=1)
    assert gate.runs.remind_due(timedelta(hours=4), now=soon) == [run.id]
    assert gate.runs.remind_due(timedelta(hours=4), now=soon) == []
    assert entries(gate, "run.reminded") == 1


def test_two_approvers_at_once_make_one_decision(gate: OpsGate) -> None:
    run = open_run(gate)
    deciders = [Decider(f"slack:U{i}", f"<@U{i}>", f"u{i}@acme.com", True) for i in range(8)]
    outcomes = []
    barrier = threading.Barrier(len(deciders))

    def click(d: Decider) -> None:
        barrier.wait()
        outcomes.append(
            gate.runs.decide(
                run.id, d, "approve" if int(d.actor[-1]) % 2 else "deny", plan_hash=run.plan_hash, reason="r"
            )
        )

    threads = [threading.Thread(target=click, args=(d,)) for d in deciders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(o.changed for o in outcomes) == 1
    final = gate.runs.get(run.id).status
    assert final in ("approved", "denied")
    assert entries(gate, "run.approved") + entries(gate, "run.denied") == 1
