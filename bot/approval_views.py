"""From a stored run to the :class:`ApprovalView` every card builder renders (the caller loads, cards only draw)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from opsgate.bot.jit.views import requested_view
from opsgate.cards.views import ApprovalView, GrantView, PlanStepView, RunStatus, RunSummaryView, StepResultView
from opsgate.runbooks import catalog
from opsgate.store.models import Run, utcnow


def _requester_label(run: Run) -> str:
    if run.requester.startswith("jira:"):
        return f"{run.requester_email or run.requester[5:]} (Jira reporter)"
    return run.requester


def _step_result(step: dict[str, Any]) -> StepResultView:
    return StepResultView(
        index=int(step.get("index", 0)),
        description=str(step.get("description", "")),
        outcome=step.get("outcome", "failed"),
        detail=str(step.get("detail", "")),
    )


def approval_view(run: Run, *, sandbox: bool, processing: bool = False, grant: GrantView | None = None) -> ApprovalView:
    """The card of ``run``. For a just-in-time run pass its ``grant`` (``opsgate.bot.jit.views.run_grant``, loaded
    by the caller); without it the card shows the resource and duration from the run's parameters only."""
    runbook = catalog.RUNBOOKS.get(run.runbook_id or "")
    approvals = tuple((str(a.get("label") or a["actor"]), datetime.fromisoformat(a["at"])) for a in run.approvals)
    status: RunStatus = run.status  # type: ignore[assignment]
    return ApprovalView(
        run_id=run.id,
        runbook_id=run.runbook_id or "-",
        runbook_title=runbook.title if runbook else "No action",
        target_system=runbook.system if runbook else "-",
        target_email=run.target_email,
        target_name=run.target_name,
        requester=run.requester,
        requester_label=_requester_label(run),
        issue_key=run.issue_key,
        issue_url=run.issue_url,
        intent=run.intent or "no_action",
        confidence=run.confidence,
        reason=run.reason,
        params=dict(run.params),
        plan=tuple(
            PlanStepView(s["system"], s["method"], s["path"], s["description"], s.get("body")) for s in run.plan
        ),
        plan_hash=run.plan_hash or "",
        sandbox=sandbox,
        deadline=run.deadline_at,
        status=status,
        approvals_required=run.approvals_required,
        approvals=approvals,
        decided_by=run.decided_by,
        decided_at=run.decided_at,
        deny_reason=run.deny_reason,
        results=tuple(_step_result(s) for s in run.steps),
        failure=run.failure,
        processing=processing,
        can_retry=run.status == "failed" and any(s.get("outcome") == "failed" for s in run.steps),
        summary=run.summary or None,
        grant=grant if grant is not None else requested_view(run, utcnow()),
        extra=_extra(run),
    )


def _extra(run: Run) -> dict[str, str]:
    """Facts only some runs have: a JIT resource's own approvers, one of whom must approve (``bot/runs.py``)."""
    named = [str(a) for a in (run.params or {}).get("approvers") or ()]
    if not named:
        return {}
    given = any(a.get("named") for a in run.approvals)
    return {"resource_approvers": ", ".join(named) + (" (approved)" if given else " (one of them must approve)")}


def summary_view(run: Run) -> RunSummaryView:
    runbook = catalog.RUNBOOKS.get(run.runbook_id or "")
    status: RunStatus = run.status  # type: ignore[assignment]
    return RunSummaryView(
        run_id=run.id,
        runbook_title=runbook.title if runbook else "No action",
        target=run.target_email,
        status=status,
        issue_key=run.issue_key,
        created_at=run.created_at,
    )
