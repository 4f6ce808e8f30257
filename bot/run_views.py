"""The public representation of a run (HTTP API and ``opsgate runs ... --json``), in one place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from opsgate.store.models import Run


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def run_json(run: Run) -> dict[str, Any]:
    return {
        "id": run.id,
        "issueKey": run.issue_key,
        "issueUrl": run.issue_url,
        "source": run.source,
        "requester": run.requester,
        "status": run.status,
        "intent": run.intent,
        "runbook": run.runbook_id,
        "confidence": run.confidence,
        "targetUser": None if run.target_email is None else {"email": run.target_email, "name": run.target_name},
        "params": run.params,
        "reason": run.reason,
        "plan": [{k: step.get(k) for k in ("system", "method", "path", "description", "body")} for step in run.plan],
        "planHash": run.plan_hash,
        "approvalsRequired": run.approvals_required,
        "approvals": run.approvals,
        "deadline": _iso(run.deadline_at),
        "decidedBy": run.decided_by,
        "decidedAt": _iso(run.decided_at),
        "denyReason": run.deny_reason,
        "steps": run.steps,
        "failure": run.failure,
        "createdAt": _iso(run.created_at),
        "updatedAt": _iso(run.updated_at),
    }


def run_line(run: Run) -> str:
    """One human line for ``opsgate runs list``."""
    target = run.target_email or "-"
    return f"{run.id}\t{run.status}\t{run.runbook_id or '-'}\t{run.issue_key or '-'}\t{target}\t{_iso(run.created_at)}"
