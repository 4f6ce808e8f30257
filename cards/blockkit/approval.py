"""The Slack approval card and the messages around it (thread note, requester DM, reminder, refusal).

Every function is a pure function of an :class:`~opsgate.cards.views.ApprovalView` and returns the body of a
Slack message: ``{"text": fallback, "blocks": [...]}``. The caller adds ``channel`` (and ``ts``,
``thread_ts`` or ``user``) and sends it; the same builder renders the first post and every update after a
transition (STYLE.md §7). Blocks carry stable ``block_id``\\s from :class:`~opsgate.cards.ids.BlockId`.
"""

from __future__ import annotations

from typing import Any

from .. import grant_text as g
from .. import text as t
from ..ids import ActionId, BlockId, DecisionButton
from ..limits import SLACK_FALLBACK_TEXT, SLACK_FIELD_TEXT, SLACK_SECTION_FIELDS, SLACK_SECTION_TEXT, SUMMARY_TEXT
from ..markup import SLACK, SLACK_NOTIFICATION
from ..views import ApprovalView
from .blocks import Block, actions, button, context, fields, header, message, section

md = SLACK


def _fields(view: ApprovalView) -> list[str]:
    out = [
        f"*Runbook*\n{t.runbook_label(view, md)}",
        f"*Target user*\n{md.fit(t.target_label(view), SLACK_FIELD_TEXT - 20)}",
        f"*Requested by*\n{md.actor(view.requester_label)}",
    ]
    if view.issue_key:
        out.append(f"*Jira issue*\n{md.link(view.issue_url, view.issue_key)}")
    if view.deadline and view.status == "awaiting_approval":
        out.append(f"*Deadline*\n{md.date(view.deadline)}")
    if view.grant is not None:
        out.append(f"*Resource*\n{g.resource_label(view.grant, md)}")
        out.append(f"*Duration*\n{md.fit(view.grant.duration, 50)}")
    for key in sorted(view.extra):
        if len(out) == SLACK_SECTION_FIELDS:
            break
        label = md.fit(key.replace("_", " ").capitalize(), 100)
        out.append(f"*{label}*\n{md.fit(view.extra[key], SLACK_FIELD_TEXT - len(label) - 5)}")
    return out


def _plan(view: ApprovalView) -> str:
    head = "*Plan*"
    if view.sandbox:
        head += f" — *{t.SANDBOX_LINE}*"
    if not view.plan:
        return head + "\n_No calls: nothing would be changed._"
    lines = [f"{i}. {t.plan_line(step, md)}" for i, step in enumerate(view.plan, start=1)]
    body = t.clamp_lines(lines, SLACK_SECTION_TEXT - len(head) - 1)
    return f"{head}\n{body}"


def _results(view: ApprovalView) -> str:
    head = "*Results*"
    lines = [t.result_line(result, md) for result in view.results]
    return f"{head}\n{t.clamp_lines(lines, SLACK_SECTION_TEXT - len(head) - 1)}"


def decision_button(view: ApprovalView) -> DecisionButton:
    return DecisionButton(run_id=view.run_id, plan_hash=view.plan_hash)


def decision_elements(view: ApprovalView) -> list[dict[str, Any]]:
    """The Approve (primary) and Deny (danger) buttons; both carry the run id and the plan hash."""
    value = decision_button(view).to_value()
    return [
        button(t.APPROVE_LABEL, ActionId.APPROVE, value, "primary"),
        button(t.DENY_LABEL, ActionId.DENY, value, "danger"),
    ]


def fallback(view: ApprovalView) -> str:
    """The top-level ``text``: notifications and clients that cannot show blocks."""
    head = md.fit(t.headline(view), 300) + " — "
    return head + t.status_line(view, SLACK_NOTIFICATION, SLACK_FALLBACK_TEXT - len(head))


def approval_card(view: ApprovalView) -> dict[str, Any]:
    """The approval card for any state of the run.

    A just-in-time run (``view.grant``) shows the resource and the requested duration, and once granted an
    "Access" section (``BlockId.GRANT``): active until when, ending now, or ended when and by whom.

    Awaiting approval: Approve / Deny buttons (``BlockId.ACTIONS``), or a "Processing..." context
    (``BlockId.PROCESSING``) while ``view.processing``. Decided: who, when and the outcome in
    ``BlockId.STATUS``, then the execution results, the failure and, for a retryable failure, a
    "Retry from the failed step" button (``BlockId.RETRY``).
    """
    blocks: list[Block] = [
        header(f"{t.STATUS_EMOJI[view.status]} {t.headline(view)}", BlockId.HEADER),
        section(t.status_line(view, md), BlockId.STATUS),
    ]
    if view.summary:
        blocks.append(section(f"*Request:* {md.fit(view.summary, SUMMARY_TEXT)}", BlockId.SUMMARY))
    blocks.append(fields(_fields(view), BlockId.FIELDS))
    grant = g.state_line(view.grant, md) if view.grant is not None else None
    if grant:
        blocks.append(section(grant, BlockId.GRANT))
    classification = "*Classification:* "
    blocks.append(
        section(
            classification + t.classification_line(view, md, SLACK_SECTION_TEXT - len(classification)),
            BlockId.CLASSIFICATION,
        )
    )
    blocks.append(section(_plan(view), BlockId.PLAN))
    approvals = t.approvals_line(view, md)
    if approvals:
        blocks.append(context(approvals, BlockId.APPROVALS))
    if view.status == "awaiting_approval":
        if view.processing:
            blocks.append(context(f"⏳ {t.PROCESSING_LINE}", BlockId.PROCESSING))
        else:
            blocks.append(actions(BlockId.ACTIONS, decision_elements(view)))
    if view.results:
        blocks.append(section(_results(view), BlockId.RESULTS))
    failure = t.failure_line(view, md)
    if failure and view.status == "failed":
        blocks.append(section(failure, BlockId.FAILURE))
    if view.status == "failed" and view.can_retry:
        if view.processing:
            blocks.append(context(f"⏳ {t.PROCESSING_LINE}", BlockId.PROCESSING))
        else:
            retry = button(t.RETRY_LABEL, ActionId.RETRY, decision_button(view).to_value(), "primary")
            blocks.append(actions(BlockId.RETRY, [retry]))
    footer = f"Run {md.code(view.run_id)} · {md.escape(view.runbook_id)} · plan {md.code(view.plan_hash[:12])}"
    blocks.append(context(footer, BlockId.FOOTER))
    return message(fallback(view), blocks)


def _note(text: str) -> dict[str, Any]:
    return message(text, [section(text, BlockId.NOTE)])


def thread_note(view: ApprovalView) -> dict[str, Any]:
    """The threaded reply under the card: ``Jira ITSM-123 — <url> — classified mfa_reset (92%): reason``."""
    return _note(t.thread_note_text(view, md))


def requester_dm(view: ApprovalView) -> dict[str, Any]:
    """The DM to the requester after a transition: ``Your request ... was approved by X``."""
    return _note(t.requester_dm_text(view, md))


def reminder(view: ApprovalView) -> dict[str, Any]:
    """A reminder in the card's thread while the run still awaits approval."""
    return _note(t.reminder_text(view, md))


def refusal(kind: t.RefusalKind, view: ApprovalView | None = None) -> dict[str, Any]:
    """The ephemeral answer to a press that changed nothing (add ``channel`` and ``user``, or send it to the
    ``response_url`` with ``response_type: ephemeral``)."""
    return _note(t.refusal_text(kind, view, md))
