"""The comment OpsGate appends to a Jira issue on a decision or a result (pure: plain data in, JiraText out).

Shaped like DESIGN.md's example; a denial, an expiry or a cancellation says that no changes were made. Every
comment cites the audit entry (seq and hash prefix) that records the event; that citation also identifies the
comment, so a retried delivery can tell whether an earlier attempt already landed.
"""

from __future__ import annotations

from dataclasses import dataclass

from opsgate.bot.jira.markup import JiraText, Span

HASH_PREFIX = 12
DECISIONS = frozenset({"approved", "denied", "expired", "cancelled"})
RESULTS = frozenset({"succeeded", "failed"})
COMMENT_STATES = DECISIONS | RESULTS


@dataclass(frozen=True)
class CommentFacts:
    """What a comment says, taken from the run and its audit entry inside the transition's transaction."""

    state: str
    runbook: str  # title, e.g. "MFA Reset"
    target_name: str | None
    target_email: str | None
    actor: str  # who caused the event, as on the audit chain ("slack:U0123", "opsgate:scheduler")
    approvers: tuple[str, ...]  # actor ids of the approvals
    at: str  # the audit entry's timestamp (ISO 8601, ms, Z)
    seq: int
    hash: str
    reason: str | None = None  # deny / cancel reason
    failure: str | None = None
    issue_key: str | None = None


def marker(seq: int, digest: str) -> str:
    """The text that identifies a comment: the audit entry it cites."""
    return f"entry {seq}, sha256 {digest[:HASH_PREFIX]}"


def _target(f: CommentFacts) -> str:
    if f.target_name and f.target_email:
        return f"{f.target_name} ({f.target_email})"
    return f.target_email or f.target_name or "none"


def _chain(f: CommentFacts, what: str) -> str:
    return f"This {what} is recorded on the org's tamper-evident audit chain ({marker(f.seq, f.hash)}...)."


def decision_comment(f: CommentFacts, *, compact: bool = False) -> JiraText:
    if compact:
        return _compact(f)
    word = f.state.upper()
    is_result = f.state in RESULTS
    head = (
        Span("[OpsGate] Runbook result: " if is_result else "[OpsGate] Runbook decision: "),
        Span(word, strong=True),
    )
    lines: list[str] = [f"Runbook: {f.runbook}", f"Target user: {_target(f)}"]
    approvers = ", ".join(f.approvers) or f.actor
    if f.state == "approved":
        lines += [
            f"Decision by: {approvers} at {f.at}",
            "OpsGate executes the runbook only after this explicit human approval.",
        ]
    elif f.state == "denied":
        lines.append(f"Decision by: {f.actor} at {f.at}")
        if f.reason:
            lines.append(f"Reason: {f.reason}")
        lines.append("No changes were made.")
    elif f.state == "expired":
        lines += [f"Nobody decided before the approval deadline ({f.at}).", "No changes were made."]
    elif f.state == "cancelled":
        lines.append(f"Cancelled by: {f.actor} at {f.at}")
        if f.reason:
            lines.append(f"Reason: {f.reason}")
        lines.append("No changes were made.")
    elif f.state == "succeeded":
        lines += [
            f"Approved by: {approvers}",
            f"Completed at: {f.at}",
            "Action executed by OpsGate after explicit human approval.",
        ]
    else:  # failed
        lines += [
            f"Approved by: {approvers}",
            f"Failed at: {f.at}",
            f"Failure: {f.failure or 'see the run in OpsGate'}",
            "Steps before the failed one may have been applied; an approver can retry from the approval card.",
        ]
    lines.append(_chain(f, "result" if is_result else "decision"))
    return JiraText((head, *((Span(line),) for line in lines)))


def _compact(f: CommentFacts) -> JiraText:
    who = ", ".join(f.approvers) if f.state in RESULTS else f.actor
    tail = " No changes were made." if f.state in ("denied", "expired", "cancelled") else ""
    text = f"{f.runbook} for {_target(f)} by {who} at {f.at}.{tail} Audit {marker(f.seq, f.hash)}..."
    return JiraText(((Span("[OpsGate] "), Span(f.state.upper(), strong=True), Span(": " + text)),))
