"""The run state machine: the one place where a run changes state.

```
received -> no_action | awaiting_approval
awaiting_approval -> approved -> executing -> succeeded | failed (-> executing: retry from the failed step)
                  -> denied | expired | cancelled
```

Every transition is one database transaction that locks the run, checks the move is allowed from the state it
finds (compare-and-swap), writes the change, appends the audit entry and lets listeners add outbox rows (card
updates, Jira comments) in the same transaction. A move that is not allowed changes nothing and says what already
happened; repeating the same outcome is a no-op, a conflicting one is refused.

All methods are synchronous (they run in the store's worker threads); surfaces call them through ``Services.db``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlmodel import Session

from opsgate.bot.errors import NotFound
from opsgate.bot.services import Services
from opsgate.store import audit
from opsgate.store import runs as run_rows
from opsgate.store.models import Run, utcnow

Status = Literal[
    "received",
    "no_action",
    "awaiting_approval",
    "approved",
    "executing",
    "succeeded",
    "failed",
    "denied",
    "expired",
    "cancelled",
]

ALLOWED: dict[str, frozenset[str]] = {
    "received": frozenset({"no_action", "awaiting_approval"}),
    "awaiting_approval": frozenset({"approved", "denied", "expired", "cancelled"}),
    "approved": frozenset({"executing", "cancelled", "awaiting_approval"}),  # -> awaiting: plan changed, re-ask
    "executing": frozenset({"succeeded", "failed"}),
    "failed": frozenset({"executing"}),
}
DECIDED = frozenset({"approved", "executing", "succeeded", "failed", "denied", "expired", "cancelled"})

# (session, run after the change, event name, the audit entry) -> None. Listeners enqueue outbox rows.
TransitionListener = Callable[[Session, Run, str, audit.AuditRecord], None]


@dataclass(frozen=True)
class Decider:
    """Who clicked: their actor id on the chain, their email (from their chat profile) and whether they may decide."""

    actor: str  # "slack:U0123" | "teams:<aad object id>"
    label: str  # what people read: "<@U0123>" or a display name
    email: str | None
    is_approver: bool


@dataclass(frozen=True)
class Outcome:
    """The answer to an attempted transition. ``changed`` is False for refusals and idempotent repeats."""

    ok: bool
    changed: bool
    run: Run
    message: str
    event: str | None = None


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "an unknown time"


def named_approvers(run: Run) -> tuple[str, ...]:
    """The people a run names as its own approvers (a JIT resource's owner), besides the configured approvers."""
    found = (run.params or {}).get("approvers") or ()
    return tuple(str(a) for a in found)


def names(decider: Decider, named: tuple[str, ...]) -> bool:
    """Whether the clicker is one of ``named``: by actor id (``slack:U…``, ``teams:…``) or by profile email."""
    email = (decider.email or "").casefold()
    return any(n == decider.actor or (email and n.casefold() == email) for n in named)


def may_decide(run: Run, decider: Decider) -> bool:
    """A configured approver, or one of the people the run itself names (a JIT resource's owner)."""
    return decider.is_approver or names(decider, named_approvers(run))


def last_approval_is_named(run: Run, decider: Decider) -> bool:
    """This approval would fill the last slot, no named approver has approved yet and the clicker is not one: the
    last approval is theirs to give."""
    named = named_approvers(run)
    last_slot = len(run.approvals) + 1 >= run.approvals_required
    return bool(named) and last_slot and not names(decider, named) and not any(a.get("named") for a in run.approvals)


def already_happened(run: Run) -> str:
    """One sentence a clicker reads when a run is no longer waiting for them."""
    who = run.decided_by or "OpsGate"
    return {
        "approved": f"Already approved by {who} at {_when(run.decided_at)}.",
        "executing": f"Already approved by {who} at {_when(run.decided_at)}; it is running now.",
        "succeeded": f"Already approved by {who} at {_when(run.decided_at)} and completed.",
        "failed": f"Already approved by {who} at {_when(run.decided_at)}; it failed: {run.failure or 'see the card'}.",
        "denied": f"Already denied by {who} at {_when(run.decided_at)}.",
        "expired": f"This request expired at {_when(run.decided_at)}: nobody decided before the deadline.",
        "cancelled": f"This request was cancelled at {_when(run.decided_at)} ({run.deny_reason or 'by Jira'}).",
        "no_action": "OpsGate proposed no action for this ticket; there is nothing to approve.",
    }.get(run.status, f"This run is {run.status}.")


class RunMachine:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.listeners: list[TransitionListener] = []

    def on_transition(self, listener: TransitionListener) -> None:
        self.listeners.append(listener)

    # --- the core move ----------------------------------------------------------------------------------

    def move(
        self,
        session: Session,
        run: Run,
        to: Status,
        *,
        actor: str,
        changes: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        event: str | None = None,
    ) -> audit.AuditRecord:
        """Apply an allowed transition to a locked run, audit it and tell the listeners (same transaction)."""
        if to != run.status and to not in ALLOWED.get(run.status, frozenset()):
            raise ValueError(f"run {run.id}: {run.status} -> {to} is not a transition of the run lifecycle")
        run_rows.save(session, run, {**(changes or {}), "status": to, "updated_at": utcnow()})
        name = event or to
        record = audit.append(
            session,
            org_id=run.org_id,
            actor=actor,
            action=f"run.{name}",
            subject=f"run:{run.id}",
            data={
                "status": to,
                "runbook": run.runbook_id,
                "issue": run.issue_key,
                "target": run.target_email,
                **(data or {}),
            },
        )
        for listener in self.listeners:
            listener(session, run, name, record)
        self.services.metrics.runs.labels(to).inc()
        return record

    def _locked(self, session: Session, run_id: str, org_id: int | None = None) -> Run:
        run = run_rows.lock(session, run_id)
        if run is None or (org_id is not None and run.org_id != org_id):
            raise NotFound(f"no run {run_id!r}")
        return run

    # --- decisions ----------------------------------------------------------------------------------------

    def decide(
        self,
        run_id: str,
        decider: Decider,
        decision: Literal["approve", "deny"],
        *,
        plan_hash: str | None,
        reason: str | None = None,
        org_id: int | None = None,
    ) -> Outcome:
        # Most refusals (a second click, a non-approver) are decided by a plain read, without queueing on the
        # write lock that ingest and other decisions need; anything that may change state re-checks under the lock.
        with self.services.read_session() as session:
            seen = run_rows.get(session, run_id, org_id=org_id)
        if seen is None:
            raise NotFound(f"no run {run_id!r}")
        early = self._refusal(seen, decider, decision, plan_hash)
        if early is not None:
            return early
        with self.services.transaction() as session:
            run = self._locked(session, run_id, org_id)
            refusal = self._refusal(run, decider, decision, plan_hash)
            if refusal is not None:
                return refusal
            now = utcnow()
            if decision == "deny":
                self.move(
                    session,
                    run,
                    "denied",
                    actor=decider.actor,
                    changes={
                        "decided_by": decider.label,
                        "decided_at": now,
                        "deny_reason": reason,
                        "next_reminder_at": None,
                    },
                    data={"decided_by": decider.actor, "reason": reason, "plan_hash": run.plan_hash},
                )
                return Outcome(True, True, run, f"Denied. Nothing was changed in {run.runbook_id}'s systems.", "denied")
            approval: dict[str, Any] = {"actor": decider.actor, "label": decider.label, "at": now.isoformat()}
            if names(decider, named_approvers(run)):
                approval["named"] = True  # counts as the resource approver's approval
            approvals = [*run.approvals, approval]
            if len(approvals) < run.approvals_required:
                run_rows.save(session, run, {"approvals": approvals, "updated_at": now})
                record = audit.append(
                    session,
                    org_id=run.org_id,
                    actor=decider.actor,
                    action="run.approval_recorded",
                    subject=f"run:{run.id}",
                    data={"approvals": len(approvals), "required": run.approvals_required, "plan_hash": run.plan_hash},
                )
                for listener in self.listeners:
                    listener(session, run, "approval_recorded", record)
                left = run.approvals_required - len(approvals)
                return Outcome(True, True, run, f"Approval recorded; {left} more needed.", "approval_recorded")
            self.move(
                session,
                run,
                "approved",
                actor=decider.actor,
                changes={
                    "approvals": approvals,
                    "decided_by": decider.label,
                    "decided_at": now,
                    "next_reminder_at": None,
                },
                data={
                    "decided_by": decider.actor,
                    "approvals": [a["actor"] for a in approvals],
                    "plan_hash": run.plan_hash,
                },
            )
            return Outcome(True, True, run, "Approved.", "approved")

    def _refusal(self, run: Run, decider: Decider, decision: str, plan_hash: str | None) -> Outcome | None:
        if run.status != "awaiting_approval":
            mine = any(a["actor"] == decider.actor for a in run.approvals)
            same = (
                decision == "approve" and mine and run.status in ("approved", "executing", "succeeded", "failed")
            ) or (decision == "deny" and run.status == "denied" and run.decided_by == decider.label)
            return Outcome(same, False, run, already_happened(run))
        named = named_approvers(run)
        if not may_decide(run, decider):
            return Outcome(False, False, run, "Only configured approvers can decide on OpsGate runs.")
        if decision == "approve":
            if not decider.email and (run.requester_email or run.target_email):
                return Outcome(False, False, run, "OpsGate cannot read the email of your profile, so it cannot check "
                                                  "that you are neither the requester nor the target; ask an admin.")
            email = (decider.email or "").casefold()
            if decider.actor == run.requester or (email and email == (run.requester_email or "").casefold()):
                return Outcome(False, False, run, "You asked for this run, so someone else has to approve it.")
            if email and email == (run.target_email or "").casefold():
                return Outcome(
                    False, False, run, "This run acts on your own account, so someone else has to approve it."
                )
            if any(a["actor"] == decider.actor for a in run.approvals):
                left = run.approvals_required - len(run.approvals)
                return Outcome(True, False, run, f"You already approved this; {left} more approval(s) needed.")
            if last_approval_is_named(run, decider):
                return Outcome(
                    False,
                    False,
                    run,
                    "This request also needs one of the resource's own approvers (" + ", ".join(named[:5]) + "); "
                    "the last approval is theirs to give.",
                )
        if plan_hash is not None and plan_hash != run.plan_hash:
            return Outcome(
                False,
                False,
                run,
                "That card is out of date: the plan changed since it was posted. Review the current card.",
            )
        return None

    # --- timed transitions --------------------------------------------------------------------------------

    def _any_due(self, due_column: str, now: datetime) -> bool:
        with self.services.read_session() as session:
            return run_rows.any_due(session, status="awaiting_approval", due_column=due_column, now=now)

    def expire_due(self, now: datetime | None = None) -> list[str]:
        """Expire every run whose approval deadline passed; each is claimed by one replica only."""
        now = now or utcnow()
        expired: list[str] = []
        if not self._any_due("deadline_at", now):
            return expired
        with self.services.transaction() as session:
            for run_id in run_rows.claim_ids(session, status="awaiting_approval", due_column="deadline_at", now=now):
                run = self._locked(session, run_id)
                if run.status != "awaiting_approval" or run.deadline_at is None or run.deadline_at > now:
                    continue
                self.move(
                    session,
                    run,
                    "expired",
                    actor="opsgate:scheduler",
                    changes={"decided_by": "OpsGate (deadline)", "decided_at": now, "next_reminder_at": None},
                    data={"deadline": run.deadline_at.isoformat()},
                )
                expired.append(run.id)
        return expired

    def remind_due(self, interval: timedelta, now: datetime | None = None) -> list[str]:
        """Mark reminders due for undecided runs; listeners post them. Claimed, so two replicas never remind twice."""
        now = now or utcnow()
        reminded: list[str] = []
        if not self._any_due("next_reminder_at", now):
            return reminded
        with self.services.transaction() as session:
            for run_id in run_rows.claim_ids(
                session, status="awaiting_approval", due_column="next_reminder_at", now=now
            ):
                run = self._locked(session, run_id)
                if run.status != "awaiting_approval" or run.next_reminder_at is None or run.next_reminder_at > now:
                    continue
                following = now + interval
                next_at = following if run.deadline_at is None or following < run.deadline_at else None
                run_rows.save(session, run, {"next_reminder_at": next_at})
                record = audit.append(
                    session,
                    org_id=run.org_id,
                    actor="opsgate:scheduler",
                    action="run.reminded",
                    subject=f"run:{run.id}",
                    data={"deadline": run.deadline_at.isoformat() if run.deadline_at else None},
                )
                for listener in self.listeners:
                    listener(session, run, "reminded", record)
                reminded.append(run.id)
        return reminded

    def cancel(self, run_id: str, *, actor: str, reason: str, org_id: int | None = None) -> Outcome:
        """Cancel a run still waiting for approval (e.g. its Jira issue was closed or deleted)."""
        with self.services.transaction() as session:
            run = self._locked(session, run_id, org_id)
            if run.status == "cancelled":
                return Outcome(True, False, run, already_happened(run))
            if run.status not in ("awaiting_approval", "approved"):
                return Outcome(False, False, run, already_happened(run))
            self.move(
                session,
                run,
                "cancelled",
                actor=actor,
                changes={"decided_by": actor, "decided_at": utcnow(), "deny_reason": reason, "next_reminder_at": None},
                data={"reason": reason},
            )
            return Outcome(True, True, run, f"Cancelled: {reason}.", "cancelled")

    # --- reads ----------------------------------------------------------------------------------------------

    def get(self, run_id: str, *, org_id: int | None = None) -> Run:
        with self.services.read_session() as session:
            run = run_rows.get(session, run_id, org_id=org_id)
        if run is None:
            raise NotFound(f"no run {run_id!r}")
        return run
