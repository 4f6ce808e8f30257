"""From a classification to a proposed run: pick the runbook, validate its parameters, compute the plan.

Used by every way a run is born (Jira ingest, Slack ``/opsgate request``, Teams, the HTTP API), so the rules for
what may be proposed live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opsgate.bot.settings import Settings
from opsgate.runbooks import catalog
from opsgate.runbooks.base import ParamsError, PlanContext, PlanStep, Target, plan_hash
from opsgate.runbooks.classifier.model import Classification
from opsgate.runbooks.intents import Intent
from opsgate.store.models import utcnow


@dataclass(frozen=True)
class Proposal:
    """What a new run holds: either an action awaiting approval or no action, with the reason why."""

    status: str  # "awaiting_approval" | "no_action"
    intent: str | None
    runbook_id: str | None
    confidence: float
    target: Target | None
    params: dict[str, Any]
    reason: str
    plan: list[PlanStep] = field(default_factory=list)
    plan_hash: str | None = None
    approvals_required: int = 1

    def run_values(self, settings: Settings) -> dict[str, Any]:
        """Columns of the new run that come from the proposal (deadline and reminder included)."""
        now = utcnow()
        awaiting = self.status == "awaiting_approval"
        deadline = now + settings.approval_deadline if awaiting else None
        reminder = now + settings.approval_reminder if awaiting else None
        return {
            "status": self.status,
            "intent": self.intent,
            "runbook_id": self.runbook_id,
            "confidence": self.confidence,
            "target_email": self.target.email if self.target else None,
            "target_name": self.target.name if self.target else None,
            "params": self.params,
            "reason": self.reason,
            "plan": [s.to_dict() for s in self.plan],
            "plan_hash": self.plan_hash,
            "approvals_required": self.approvals_required,
            "deadline_at": deadline,
            "next_reminder_at": reminder if reminder and deadline and reminder < deadline else None,
            "created_at": now,
            "updated_at": now,
        }


def plan_context(settings: Settings) -> PlanContext:
    return PlanContext(
        usage_location=settings.graph_usage_location,
        okta_send_reset_email=settings.okta_reset_sends_email,
        okta_default_group_ids=settings.okta_default_groups,
    )


def propose(
    intent: Intent | str | None,
    target: Target | None,
    params: dict[str, Any],
    *,
    confidence: float,
    reason: str,
    settings: Settings,
) -> Proposal:
    """Validate and plan; anything that does not validate becomes ``no_action`` with the reason."""
    if intent is None:
        return Proposal("no_action", None, None, confidence, None, {}, reason)
    runbook = catalog.for_intent(intent)
    try:
        validated = runbook.validate(params).model_dump(mode="json", exclude_none=True)
        steps = runbook.plan(target, validated, plan_context(settings))
    except ParamsError as exc:
        why = "; ".join(f"{f}: {m}" for f, m in exc.errors)
        return Proposal("no_action", None, None, confidence, None, {}, f"{reason}; not proposed: {why}")
    return Proposal(
        "awaiting_approval",
        str(runbook.intent),
        runbook.id,
        confidence,
        target,
        validated,
        reason,
        steps,
        plan_hash(runbook.id, target, validated, steps),
        runbook.approvals_required,
    )


def from_classification(result: Classification, settings: Settings) -> Proposal:
    target = Target(result.target.email, result.target.name) if result.target else None
    return propose(
        result.intent,
        target,
        dict(result.params),
        confidence=result.confidence,
        reason=result.reason,
        settings=settings,
    )
