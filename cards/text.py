"""Platform-neutral wording of every OpsGate message, written once (STYLE.md §5).

Each function takes the view and a :class:`~opsgate.cards.markup.Markup` dialect (``SLACK``, ``TEAMS`` or
``PLAIN``) and returns finished, escaped text that fits ``limit``; the Block Kit and Adaptive Card builders
only wrap it. Functions that return raw (unescaped) strings say so; callers escape them with ``md.fit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from .limits import ELLIPSIS, PLAN_LINE, RESULT_LINE, SLACK_SECTION_TEXT, SUBJECT_TEXT
from .markup import PLAIN, Markup
from .views import ApprovalView, PlanStepView, RunStatus, RunSummaryView, StepResultView

STATUS_EMOJI: dict[RunStatus, str] = {
    "received": "📥",
    "no_action": "➖",
    "awaiting_approval": "⏳",
    "approved": "👍",
    "executing": "⚙️",
    "succeeded": "✅",
    "failed": "❌",
    "denied": "🚫",
    "expired": "⌛",
    "cancelled": "🗑️",
}

STATUS_LABEL: dict[RunStatus, str] = {
    "received": "received",
    "no_action": "no action",
    "awaiting_approval": "awaiting approval",
    "approved": "approved",
    "executing": "executing",
    "succeeded": "succeeded",
    "failed": "failed",
    "denied": "denied",
    "expired": "expired",
    "cancelled": "cancelled",
}

_HEADLINE: dict[RunStatus, str] = {
    "received": "Received",
    "no_action": "No action",
    "awaiting_approval": "Approval needed",
    "approved": "Approved",
    "executing": "Executing",
    "succeeded": "Succeeded",
    "failed": "Failed",
    "denied": "Denied",
    "expired": "Expired",
    "cancelled": "Cancelled",
}

RESULT_EMOJI = {"ok": "✅", "failed": "❌", "skipped": "⏭", "sandbox": "🧪"}
APPROVED_STATES: frozenset[RunStatus] = frozenset({"approved", "executing", "succeeded", "failed"})
OPEN_STATES: frozenset[RunStatus] = frozenset({"received", "awaiting_approval", "approved", "executing"})

SANDBOX_LINE = "🧪 SANDBOX — nothing will be sent"
PROCESSING_LINE = "Processing..."
RETRY_LABEL = "Retry from the failed step"
APPROVE_LABEL = "Approve"
DENY_LABEL = "Deny"

RunbookChoice = tuple[str, str, Sequence[str]]  # (runbook id, title, names of the parameters it takes)

# Optional request inputs: (key, parameter names that switch it on, label, placeholder). Shown only when one of
# the offered runbooks declares such a parameter.
OPTIONAL_PARAMS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("group", ("group", "resource"), "Group", "e.g. vpn-users or prod-admins"),
    ("licence", ("licence", "license"), "Licence", "e.g. E3, Business Premium"),
    ("action", ("action",), "Add or remove", ""),
)
ACTION_CHOICES: tuple[tuple[str, str], ...] = (("add", "Add"), ("remove", "Remove"))


def needed_for(runbooks: Sequence[RunbookChoice], names: Sequence[str]) -> list[str]:
    """Titles of the runbooks that take any of the parameters ``names``."""
    return [title for _, title, params in runbooks if any(name in params for name in names)]


HELP: tuple[tuple[str, str], ...] = (
    ("help", "show this help"),
    ("request", "ask for a runbook (password reset, MFA reset, licence, group, JIT access...)"),
    ("status RUN_ID", "show where a run stands"),
    ("pending", "list the approvals waiting for you"),
)


class RefusalKind(StrEnum):
    """Why a press changed nothing; the handler picks one, the text says what already happened."""

    ALREADY_DECIDED = "already_decided"
    ALREADY_APPROVED_BY_YOU = "already_approved_by_you"
    OWN_REQUEST = "own_request"
    YOU_ARE_TARGET = "you_are_target"
    NOT_APPROVER = "not_approver"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    PLAN_CHANGED = "plan_changed"
    NOT_RETRYABLE = "not_retryable"
    UNKNOWN_RUN = "unknown_run"


def percent(confidence: float) -> int:
    """0.92 -> 92, clamped to 0..100, rounded half up."""
    return max(0, min(100, int(confidence * 100 + 0.5)))


def target_label(view: ApprovalView) -> str:
    """Raw: ``Sarah Chen (sarah.chen@acme.com)``, or whichever part is known."""
    if view.target_name and view.target_email:
        return f"{view.target_name} ({view.target_email})"
    return view.target_name or view.target_email or "nobody named"


def subject(view: ApprovalView) -> str:
    """Raw: ``MFA Reset for Sarah Chen``."""
    who = view.target_name or view.target_email
    return f"{view.runbook_title} for {who}" if who else view.runbook_title


def runbook_label(view: ApprovalView, md: Markup = PLAIN) -> str:
    """``MFA Reset (RB-002) · Okta``."""
    return f"{md.fit(view.runbook_title, 300)} ({md.fit(view.runbook_id, 50)}) · {md.fit(view.target_system, 100)}"


def headline(view: ApprovalView) -> str:
    """Raw: ``Approval needed: MFA Reset for Sarah Chen`` (``(sandbox)`` appended in sandbox mode)."""
    text = f"{_HEADLINE[view.status]}: {subject(view)}"
    return text + " (sandbox)" if view.sandbox else text


def clamp_lines(lines: Sequence[str], limit: int) -> str:
    """Join lines with newlines; if that is too long, keep the leading whole lines that fit together with a
    final ``… and N more`` line (never a cut line, so no entity, link or date token is ever split)."""
    joined = "\n".join(lines)
    if len(joined) <= limit:
        return joined
    kept: list[str] = []
    used = 0
    for line in lines:
        cost = len(line) + (1 if kept else 0)
        tail = f"{ELLIPSIS} and {len(lines) - len(kept) - 1} more"
        if used + cost + 1 + len(tail) > limit:
            break
        kept.append(line)
        used += cost
    tail = f"{ELLIPSIS} and {len(lines) - len(kept)} more"
    return "\n".join([*kept, tail]) if kept else tail[:limit]


def _when(when: datetime | None, md: Markup) -> str:
    return f" at {md.date(when)}" if when else ""


def deciders(view: ApprovalView, md: Markup) -> str:
    """Who decided: every approver for an approval quorum, else ``decided_by``."""
    if view.status in APPROVED_STATES and view.approvals:
        names = [md.actor(who) for who, _ in view.approvals]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return md.actor(view.decided_by) if view.decided_by else "an approver"


def decided_when(view: ApprovalView) -> datetime | None:
    if view.decided_at:
        return view.decided_at
    return view.approvals[-1][1] if view.approvals else None


def deadline_text(view: ApprovalView, md: Markup) -> str:
    return md.date(view.deadline) if view.deadline else "the deadline"


def status_line(view: ApprovalView, md: Markup = PLAIN, limit: int = SLACK_SECTION_TEXT) -> str:
    """Where the run stands, e.g. ``Approved by X at T — executing`` or ``Denied by X at T: reason``."""
    by = f"{deciders(view, md)}{_when(decided_when(view), md)}"
    status = view.status
    if status == "awaiting_approval":
        missing = view.approvals_required - len(view.approvals)
        more = view.approvals and missing > 0
        wait = f"Waiting for {missing} more approval{'s' if missing != 1 else ''}" if more else ""
        text = md.bold(wait or "Waiting for approval")
        text += f" — decide before {md.date(view.deadline)}" if view.deadline else ""
    elif status in ("approved", "executing"):
        text = f"{md.bold('Approved')} by {by} — executing"
    elif status == "succeeded":
        text = f"{md.bold('Succeeded')} — approved by {by}"
        text += " · sandbox: nothing was sent" if view.sandbox else ""
    elif status == "failed":
        text = f"{md.bold('Failed')} — approved by {by}"
    elif status == "denied":
        text = f"{md.bold('Denied')} by {by}"
        if view.deny_reason:
            text += ": "
            return text + md.fit(view.deny_reason, max(limit - len(text), 0))
    elif status == "expired":
        text = f"{md.bold('Expired')} — nobody decided before {deadline_text(view, md)}"
    elif status == "cancelled":
        text = f"{md.bold('Cancelled')} — the Jira issue was closed"
    elif status == "no_action":
        text = f"{md.bold('No action')} — nothing to act on"
    else:
        text = f"{md.bold('Received')} — being classified"
    return text[:limit]


def classification_line(view: ApprovalView, md: Markup = PLAIN, limit: int = SLACK_SECTION_TEXT) -> str:
    """``mfa_reset, 92% — intent mfa_reset: "new phone" ...``."""
    head = f"{md.escape(view.intent)}, {percent(view.confidence)}%"
    if not view.reason:
        return head[:limit]
    head += " — "
    return head + md.fit(view.reason, max(limit - len(head), 0))


def plan_call(step: PlanStepView, md: Markup = PLAIN, limit: int = PLAN_LINE) -> str:
    """``POST /api/v1/users/{id}/lifecycle/reset_factors`` marked as code."""
    return md.code(f"{step.method.upper()} {step.path}", limit)


def plan_line(step: PlanStepView, md: Markup = PLAIN, limit: int = PLAN_LINE) -> str:
    """``POST /api/v1/users/{id}/lifecycle/reset_factors — Reset every MFA factor`` (call marked as code)."""
    call = plan_call(step, md, limit // 2)
    if not step.description:
        return call
    head = f"{call} — "
    return head + md.fit(step.description, max(limit - len(head), 0))


def approvals_line(view: ApprovalView, md: Markup = PLAIN) -> str | None:
    """``1 of 2 approvals: X at T``; ``None`` when one approval is enough (the status line says who)."""
    if view.approvals_required <= 1:
        return None
    head = f"{len(view.approvals)} of {view.approvals_required} approvals"
    if not view.approvals:
        return head + " so far"
    return head + ": " + ", ".join(f"{md.actor(who)} at {md.date(when)}" for who, when in view.approvals)


def result_mark(result: StepResultView) -> str:
    """``✅ 1``: the outcome and the step's number (``index`` is 0-based, shown 1-based)."""
    return f"{RESULT_EMOJI[result.outcome]} {result.index + 1}"


def result_body(result: StepResultView, md: Markup = PLAIN, limit: int = RESULT_LINE) -> str:
    """``Reset every MFA factor — <detail>``, with ``skipped`` / ``sandbox: recorded, not sent`` said."""
    raw = result.description
    if result.outcome == "sandbox":
        raw += " — sandbox: recorded, not sent"
    elif result.outcome == "skipped":
        raw += " — skipped"
    if result.detail:
        raw += f" — {result.detail}"
    return md.fit(raw, limit)


def result_line(result: StepResultView, md: Markup = PLAIN, limit: int = RESULT_LINE) -> str:
    """``✅ 1. Reset every MFA factor — <detail>``."""
    head = f"{result_mark(result)}. "
    return head + result_body(result, md, max(limit - len(head), 0))


def failure_line(view: ApprovalView, md: Markup = PLAIN, limit: int = SLACK_SECTION_TEXT) -> str | None:
    if not view.failure:
        return None
    head = f"{md.bold('What happened:')} "
    return head + md.fit(view.failure, max(limit - len(head), 0))


def _issue_ref(view: ApprovalView, md: Markup) -> str:
    quoted = f"“{md.fit(subject(view), SUBJECT_TEXT)}”"
    if view.issue_key:
        return f"{quoted} ({md.link(view.issue_url, view.issue_key)})"
    return quoted


def thread_note_text(view: ApprovalView, md: Markup = PLAIN, limit: int = SLACK_SECTION_TEXT) -> str:
    """``Jira ITSM-123 — <url> — classified mfa_reset (92%): reason``."""
    if view.issue_key:
        head = f"Jira {md.escape(view.issue_key)}"
        head += f" — {md.url(view.issue_url)}" if view.issue_url else ""
    else:
        head = f"Requested by {md.actor(view.requester_label)}"
    head += f" — classified {md.escape(view.intent)} ({percent(view.confidence)}%)"
    if not view.reason:
        return head[:limit]
    head += ": "
    return head + md.fit(view.reason, max(limit - len(head), 0))


def requester_dm_text(view: ApprovalView, md: Markup = PLAIN, limit: int = SLACK_SECTION_TEXT) -> str:
    """The requester's DM: ``Your request “MFA Reset for Sarah Chen” (ITSM-123) was approved by X``."""
    ref = f"Your request {_issue_ref(view, md)}"
    by = deciders(view, md)
    status = view.status
    if status == "awaiting_approval":
        text = f"{ref} is waiting for approval."
    elif status in ("approved", "executing"):
        text = f"{ref} was approved by {by} and is running now."
    elif status == "succeeded":
        text = f"{ref} was approved by {by} and is done."
        text += " (Sandbox mode: nothing was changed.)" if view.sandbox else ""
    elif status == "failed":
        text = f"{ref} was approved by {by} but did not complete."
        if view.failure:
            text += " "
            return text + md.fit(view.failure, max(limit - len(text), 0))
    elif status == "denied":
        text = f"{ref} was denied by {by}"
        if view.deny_reason:
            text += ": "
            return text + md.fit(view.deny_reason, max(limit - len(text), 0))
        text += "."
    elif status == "expired":
        text = f"{ref} expired: nobody decided before {deadline_text(view, md)}."
        text += " Ask again if you still need it."
    elif status == "cancelled":
        text = f"{ref} was cancelled because its Jira issue was closed."
    elif status == "no_action":
        text = f"{ref} needs no action from OpsGate."
    else:
        text = f"{ref} was received."
    return text[:limit]


def reminder_text(view: ApprovalView, md: Markup = PLAIN, limit: int = SLACK_SECTION_TEXT) -> str:
    text = f"⏰ Reminder: {_issue_ref(view, md)} is still waiting for approval"
    if view.approvals_required > 1:
        text += f" ({len(view.approvals)} of {view.approvals_required} approvals so far)"
    text += f"; it expires {md.date(view.deadline)}." if view.deadline else "."
    return text[:limit]


def refusal_text(
    kind: RefusalKind, view: ApprovalView | None = None, md: Markup = PLAIN, limit: int = SLACK_SECTION_TEXT
) -> str:
    """The private answer to a press that changed nothing; ``view`` is the run's current state."""
    what = _issue_ref(view, md) if view else "this request"
    first = what[:1].upper() + what[1:]
    if kind is RefusalKind.ALREADY_DECIDED and view is not None:
        if view.status in ("expired", "cancelled"):
            kind = RefusalKind.EXPIRED if view.status == "expired" else RefusalKind.CANCELLED
        elif view.status not in APPROVED_STATES and view.status != "denied":
            return f"{first} is {STATUS_LABEL[view.status]}. Nothing changed."[:limit]
        else:
            outcome = "denied" if view.status == "denied" else "approved"
            text = f"{first} was already {outcome} by {deciders(view, md)}{_when(decided_when(view), md)}"
            text += f" (now {STATUS_LABEL[view.status]})" if view.status not in ("approved", "denied") else ""
            return (text + ". Nothing changed.")[:limit]
    deadline = deadline_text(view, md) if view else "the deadline"
    texts = {
        RefusalKind.ALREADY_DECIDED: f"{first} was already decided. Nothing changed.",
        RefusalKind.ALREADY_APPROVED_BY_YOU: f"You already approved {what}; another approver must too.",
        RefusalKind.OWN_REQUEST: f"You asked for {what}, so someone else must approve or deny it.",
        RefusalKind.YOU_ARE_TARGET: f"{first} acts on your own account, so someone else must decide.",
        RefusalKind.NOT_APPROVER: f"Only OpsGate approvers can decide on {what}. Nothing changed.",
        RefusalKind.EXPIRED: f"{first} expired: nobody decided before {deadline}. Nothing changed.",
        RefusalKind.CANCELLED: f"{first} was cancelled: its Jira issue was closed. Nothing changed.",
        RefusalKind.PLAN_CHANGED: "The plan changed since this card was posted, so nothing ran. "
        "A fresh card with the current plan has been posted for approval.",
        RefusalKind.NOT_RETRYABLE: f"{first} cannot be retried in its current state. Nothing changed.",
        RefusalKind.UNKNOWN_RUN: "OpsGate does not know this run. Nothing changed.",
    }
    return texts[kind][:limit]


def summary_line(run: RunSummaryView, md: Markup = PLAIN) -> str:
    """One list line: ``⏳ MFA Reset for Sarah Chen — awaiting approval · ITSM-123 · <date> · run_1``."""
    text = f"{STATUS_EMOJI[run.status]} {md.bold(md.escape(run.runbook_title))}"
    text += f" for {md.escape(run.target)}" if run.target else ""
    text += f" — {STATUS_LABEL[run.status]}"
    text += f" · {md.escape(run.issue_key)}" if run.issue_key else ""
    return text + f" · {md.date(run.created_at)} · {md.code(run.run_id)}"
