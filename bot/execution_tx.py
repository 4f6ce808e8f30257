"""The executor's transactions: each one locks the run, checks this worker still owns it, writes, audits.

Synchronous (they run in the store's worker threads through ``Services.db``). State changes go through
:meth:`RunMachine.move`, so every transition is audited and its listeners (card updates, Jira comments) enqueue
their outbox rows in the same transaction; a journal entry and its ``run.step`` audit entry commit together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlmodel import Session

from opsgate.bot.errors import NotFound
from opsgate.bot.proposals import plan_context
from opsgate.bot.runs import Decider, Outcome, RunMachine, already_happened
from opsgate.runbooks import catalog
from opsgate.runbooks.base import ParamsError, PlanStep, Target, plan_hash
from opsgate.runbooks.execution import (
    INTERRUPTED,
    ExecutionResult,
    by_index,
    entry,
    failure_line,
    ordered,
    resume_index,
    skip_rest,
)
from opsgate.store import audit
from opsgate.store import runs as run_rows
from opsgate.store.models import Run, utcnow

ACTOR = "opsgate:executor"
STEP_AUDIT_KEYS = ("index", "op", "system", "outcome", "detail")


@dataclass(frozen=True)
class Claim:
    kind: Literal["claimed", "replanned", "cancelled", "skipped"]
    run: Run | None


def current_plan(run: Run, machine: RunMachine) -> tuple[list[PlanStep], str]:
    """The plan the runbook computes now for this run, and its hash (raises ParamsError/UnknownRunbook)."""
    runbook = catalog.get(run.runbook_id or "")
    target = Target(run.target_email, run.target_name) if run.target_email else None
    params = dict(run.params)
    steps = runbook.plan(target, params, plan_context(machine.services.settings))
    return steps, plan_hash(runbook.id, target, params, steps)


def _owned(session: Session, run_id: str, worker: str) -> Run | None:
    run = run_rows.lock(session, run_id)
    if run is None or run.status != "executing" or run.claimed_by != worker:
        return None
    return run


def _audit_step(session: Session, run: Run, step: dict[str, Any], worker: str) -> None:
    data = {key: step.get(key) for key in STEP_AUDIT_KEYS}
    audit.append(
        session,
        org_id=run.org_id,
        actor=ACTOR,
        action="run.step",
        subject=f"run:{run.id}",
        data={**data, "worker": worker},
    )


def claim(machine: RunMachine, run_id: str, worker: str) -> Claim:
    """approved -> executing for this worker, after checking the plan is still the one approved. A run no longer
    ``approved`` (claimed by another replica, a replayed outbox row) is left alone: at most once."""
    settings = machine.services.settings
    with machine.services.transaction() as session:
        run = run_rows.lock(session, run_id)
        if run is None or run.status != "approved":
            return Claim("skipped", run)
        try:
            steps, new_hash = current_plan(run, machine)
        except (ParamsError, catalog.UnknownRunbook) as exc:
            reason = f"the runbook no longer accepts this request ({exc}); nothing ran"
            machine.move(
                session,
                run,
                "cancelled",
                actor=ACTOR,
                changes={"deny_reason": reason, "decided_at": utcnow()},
                data={"reason": reason},
            )
            return Claim("cancelled", run)
        if new_hash != run.plan_hash:
            now = utcnow()
            deadline = now + settings.approval_deadline
            reminder = now + settings.approval_reminder
            machine.move(
                session,
                run,
                "awaiting_approval",
                actor=ACTOR,
                event="replanned",
                changes={
                    "plan": [s.to_dict() for s in steps],
                    "plan_hash": new_hash,
                    "approvals": [],
                    "decided_by": None,
                    "decided_at": None,
                    "deadline_at": deadline,
                    "next_reminder_at": reminder if reminder < deadline else None,
                },
                data={
                    "previous_plan_hash": run.plan_hash,
                    "plan_hash": new_hash,
                    "reason": "plan changed; nothing ran",
                },
            )
            return Claim("replanned", run)
        machine.move(
            session,
            run,
            "executing",
            actor=ACTOR,
            changes={"claimed_by": worker, "failure": None},
            data={"worker": worker, "plan_hash": new_hash},
        )
        return Claim("claimed", run)


def record_step(machine: RunMachine, run_id: str, worker: str, step: dict[str, Any]) -> bool:
    """Journal one step and audit it, in one transaction. False: this worker no longer owns the run."""
    with machine.services.transaction() as session:
        run = _owned(session, run_id, worker)
        if run is None:
            return False
        entries = by_index(run.steps)
        entries[int(step["index"])] = step
        run_rows.save(session, run, {"steps": ordered(entries), "updated_at": utcnow()})
        _audit_step(session, run, step, worker)
        return True


def heartbeat(machine: RunMachine, run_id: str, worker: str) -> bool:
    """Show this worker is alive and still running ``run_id`` (recovery leaves runs with a fresh heartbeat)."""
    with machine.services.transaction() as session:
        run = _owned(session, run_id, worker)
        if run is None:
            return False
        run_rows.save(session, run, {"updated_at": utcnow()})
        return True


def finish(machine: RunMachine, run_id: str, worker: str, result: ExecutionResult) -> Run | None:
    """executing -> succeeded | failed with the whole journal; listeners then notify (best effort)."""
    with machine.services.transaction() as session:
        run = _owned(session, run_id, worker)
        if run is None:
            return None
        sandbox = any(s.get("outcome") == "sandbox" for s in result.journal)
        if result.ok:
            machine.move(
                session,
                run,
                "succeeded",
                actor=ACTOR,
                changes={"steps": result.journal, "failure": None},
                data={"steps": len(result.journal), "sandbox": sandbox, "worker": worker},
            )
        else:
            failed = next((s["index"] for s in result.journal if s.get("outcome") == "failed"), None)
            machine.move(
                session,
                run,
                "failed",
                actor=ACTOR,
                changes={"steps": result.journal, "failure": result.failure},
                data={"failure": result.failure, "failed_step": failed, "worker": worker},
            )
        return run


def _refuse(run: Run, message: str) -> Outcome:
    return Outcome(False, False, run, message)


def start_retry(machine: RunMachine, run_id: str, worker: str, decider: Decider) -> Outcome:
    """failed -> executing for "Retry from the failed step", after re-checking who asks and the plan."""
    with machine.services.transaction() as session:
        run = run_rows.lock(session, run_id)
        if run is None:
            raise NotFound(f"no run {run_id!r}")
        if run.status != "failed":
            return _refuse(run, already_happened(run))
        if not decider.is_approver:
            return _refuse(run, "Only configured approvers can retry OpsGate runs.")
        email = (decider.email or "").casefold()
        if decider.actor == run.requester or (email and email == (run.requester_email or "").casefold()):
            return _refuse(run, "You asked for this run, so someone else has to retry it.")
        if email and email == (run.target_email or "").casefold():
            return _refuse(run, "This run acts on your own account, so someone else has to retry it.")
        try:
            _steps, new_hash = current_plan(run, machine)
        except (ParamsError, catalog.UnknownRunbook) as exc:
            return _refuse(run, f"The runbook no longer accepts this request ({exc}); it cannot be retried.")
        if new_hash != run.plan_hash:
            return _refuse(
                run,
                "The plan changed since it was approved, so retrying would run calls nobody approved. "
                "Nothing was retried; open a new request for the current plan.",
            )
        start = resume_index(len(run.plan), run.steps)
        if start is None:
            return _refuse(run, "Every step of this run already succeeded; there is nothing to retry.")
        machine.move(
            session,
            run,
            "executing",
            actor=decider.actor,
            event="retried",
            changes={"claimed_by": worker, "failure": None},
            data={"from_step": start + 1, "by": decider.actor, "worker": worker, "plan_hash": new_hash},
        )
        return Outcome(True, True, run, f"Retrying from step {start + 1}.", "retried")


def executing_ids(machine: RunMachine) -> list[str]:
    """Ids of runs executing now (locked for this transaction on PostgreSQL, skipping ones others hold)."""
    with machine.services.transaction() as session:
        return run_rows.claim_ids(session, status="executing", due_column="updated_at", now=utcnow(), limit=100)


@dataclass(frozen=True)
class Recovery:
    kind: Literal["resume", "failed", "succeeded", "skipped"]
    run: Run | None


def recover(machine: RunMachine, run_id: str, worker: str, is_stale: Callable[[Run], bool]) -> Recovery:
    """A run left ``executing`` by a worker that is gone: resume it when every remaining step is idempotent and the
    plan is unchanged, otherwise fail it with "interrupted; check the target system" (never re-run blindly)."""
    with machine.services.transaction() as session:
        run = run_rows.lock(session, run_id)
        if run is None or run.status != "executing" or not is_stale(run):
            return Recovery("skipped", run)
        previous = run.claimed_by
        plan = [PlanStep.from_dict(s) for s in run.plan]
        start = resume_index(len(plan), run.steps)
        if start is None:  # every step landed; only the final write was lost
            machine.move(
                session,
                run,
                "succeeded",
                actor=ACTOR,
                changes={"failure": None},
                data={"recovered_from": previous, "worker": worker},
            )
            return Recovery("succeeded", run)
        entries = by_index(run.steps)
        recorded_failure = any(e.get("outcome") == "failed" and i >= start for i, e in entries.items())
        runbook = catalog.RUNBOOKS.get(run.runbook_id or "")
        remaining = {plan[i].op for i in range(start, len(plan))}
        try:
            unchanged = current_plan(run, machine)[1] == run.plan_hash
        except (ParamsError, catalog.UnknownRunbook):
            unchanged = False
        if not recorded_failure and runbook is not None and remaining <= runbook.idempotent_ops and unchanged:
            machine.move(
                session,
                run,
                "executing",
                actor=ACTOR,
                event="resumed",
                changes={"claimed_by": worker},
                data={"from_step": start + 1, "recovered_from": previous, "worker": worker},
            )
            return Recovery("resume", run)
        if not recorded_failure:
            detail = f"{INTERRUPTED}: OpsGate stopped while this step was running, so it may or may not have happened"
            entries[start] = entry(start, plan[start], "failed", detail, interrupted=True)
            _audit_step(session, run, entries[start], worker)
        skip_rest(plan, entries, start)
        journal = ordered(entries)
        failure = failure_line(plan, journal)
        machine.move(
            session,
            run,
            "failed",
            actor=ACTOR,
            changes={"steps": journal, "failure": failure},
            data={
                "failure": failure,
                "interrupted": not recorded_failure,
                "recovered_from": previous,
                "worker": worker,
            },
        )
        return Recovery("failed", run)
