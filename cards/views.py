"""Plain, frozen data that card builders render. Services build these from the store; builders never query.

A view is the whole truth about what a message should show at one moment: the same builder runs for the first
post and for every re-render after a transition (STYLE.md §7).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

RunStatus = Literal[
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


@dataclass(frozen=True)
class PlanStepView:
    """One API call a runbook would make (or made). ``body`` never holds secrets."""

    system: str  # "okta" | "graph" | "jira" ...
    method: str  # "POST"
    path: str  # "/api/v1/users/{id}/lifecycle/reset_factors"
    description: str  # "Reset every MFA factor of sarah.chen@acme.com"
    body: dict[str, Any] | None = None


@dataclass(frozen=True)
class StepResultView:
    """What happened to one plan step during execution."""

    index: int  # 0-based position in the plan (shown 1-based)
    description: str
    outcome: Literal["ok", "failed", "skipped", "sandbox"]
    detail: str = ""  # e.g. "HTTP 404 from Okta GET /api/v1/users/x" or the created id


GrantStatus = Literal["requested", "active", "revoked", "denied", "expired", "cancelled"]


@dataclass(frozen=True)
class GrantView:
    """A just-in-time grant (RB-020) as its card and App Home show it, at ``as_of``.

    ``as_of`` is the moment the view was built: "time left" is counted from it, so a card says how much time was
    left *when it was updated* (a card is not re-rendered every minute). ``due_at`` is when the access ends or
    ended; after a release or an early revoke it is the moment of that request, and ``was_due_at`` keeps the end
    that had been approved. ``ended_early_by`` is an actor label (``slack:U0123``, an email, ``api:...``).
    """

    grant_id: int | None
    resource: str
    duration: str  # as requested: "2h", "1h30m"
    status: GrantStatus
    as_of: datetime
    requester_label: str = ""  # who holds it (App Home's org-wide list)
    requester_email: str = ""
    granted_at: datetime | None = None
    due_at: datetime | None = None
    revoked_at: datetime | None = None
    ended_early: Literal["released", "revoked_early"] | None = None
    ended_early_by: str | None = None
    ended_early_at: datetime | None = None
    was_due_at: datetime | None = None


@dataclass(frozen=True)
class ApprovalView:
    """Everything an approval card shows: the proposal, the plan, and where the run stands."""

    run_id: str
    runbook_id: str  # "RB-002"
    runbook_title: str  # "MFA Reset"
    target_system: str  # "Okta"
    target_email: str | None
    target_name: str | None
    requester: str  # "jira:sarah.chen@acme.com" or "slack:U0123"
    requester_label: str  # what a human reads: "sarah.chen@acme.com (Jira reporter)" / "<@U0123>"
    issue_key: str | None
    issue_url: str | None
    intent: str
    confidence: float
    reason: str
    params: dict[str, Any]
    plan: tuple[PlanStepView, ...]
    plan_hash: str
    sandbox: bool
    deadline: datetime | None
    status: RunStatus
    approvals_required: int = 1
    approvals: tuple[tuple[str, datetime], ...] = ()  # (actor label, when), in order
    decided_by: str | None = None  # actor label of the final decision
    decided_at: datetime | None = None
    deny_reason: str | None = None
    results: tuple[StepResultView, ...] = ()
    failure: str | None = None  # one line: what was done and what was not
    processing: bool = False  # True right after a click: buttons replaced by "Processing..."
    can_retry: bool = False  # failed run whose failed step may be retried
    extra: dict[str, str] = field(default_factory=dict)  # e.g. JIT: {"resource": ..., "until": ...}
    summary: str | None = None  # the originating request's summary (Jira issue summary / Slack request text)
    grant: GrantView | None = None  # RB-020 runs: the grant this run asks for or gave


@dataclass(frozen=True)
class RunSummaryView:
    """One line of a list (App Home, /opsgate pending, Teams 'pending')."""

    run_id: str
    runbook_title: str
    target: str | None
    status: RunStatus
    issue_key: str | None
    created_at: datetime
