"""The App Home tab: pending approvals (approvers only, with their buttons), recent decisions, my requests, and
with just-in-time access on, the org's active grants (approvers) and your own (:mod:`.access_home`).

A home view holds at most 100 blocks; every list is capped and ends with "… and N more", and caller-supplied
``extra_sections`` (e.g. a read-only Jira summary) are cut to what still fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from .. import text as t
from ..ids import ActionId, BlockId
from ..limits import ELLIPSIS, HOME_LIST_MAX, HOME_PENDING_MAX, LIST_LINE, SLACK_VIEW_BLOCKS
from ..markup import SLACK
from ..views import ApprovalView, RunSummaryView
from .approval import decision_elements
from .blocks import Block, actions, block_id, button, context, divider, header, section

md = SLACK
_Run = TypeVar("_Run", ApprovalView, RunSummaryView)
PENDING_PLAN_LINES = 3


def pending_text(view: ApprovalView) -> str:
    """A pending approval in a few lines: subject and issue, who asked, classification, deadline, plan."""
    first = f"{t.STATUS_EMOJI[view.status]} {md.bold(md.fit(t.subject(view), LIST_LINE))}"
    if view.issue_key:
        first += f" · {md.link(view.issue_url, view.issue_key)}"
    if view.sandbox:
        first += " · 🧪 sandbox"
    second = f"Requested by {md.actor(view.requester_label)} · {md.escape(view.intent)}, {t.percent(view.confidence)}%"
    if view.deadline:
        second += f" · decide before {md.date(view.deadline)}"
    lines = [first, second]
    lines += [f"{i}. {t.plan_line(step, md)}" for i, step in enumerate(view.plan[:PENDING_PLAN_LINES], start=1)]
    if len(view.plan) > PENDING_PLAN_LINES:
        lines.append(f"{ELLIPSIS} and {len(view.plan) - PENDING_PLAN_LINES} more calls")
    approvals = t.approvals_line(view, md)
    if approvals:
        lines.append(approvals)
    return "\n".join(lines)


def _more(count: int, name: str) -> list[Block]:
    return [context(f"{ELLIPSIS} and {count} more", block_id(BlockId.HOME_MORE, name))] if count > 0 else []


def _unique(runs: Sequence[_Run]) -> list[_Run]:
    """One entry per run id (block ids must be unique within a view), first occurrence kept."""
    seen: set[str] = set()
    out: list[_Run] = []
    for run in runs:
        if run.run_id not in seen:
            seen.add(run.run_id)
            out.append(run)
    return out


def _run_list(runs: Sequence[RunSummaryView], bid: BlockId, title: str, empty: str) -> list[Block]:
    runs = _unique(runs)
    blocks = [section(md.bold(title), bid)]
    if not runs:
        return [*blocks, context(empty, block_id(bid, "empty"))]
    for run in runs[:HOME_LIST_MAX]:
        details = button("Details", ActionId.OPEN_RUN, run.run_id)
        blocks.append(section(t.summary_line(run, md), block_id(bid, run.run_id), accessory=details))
    return blocks + _more(len(runs) - HOME_LIST_MAX, bid.rsplit(".", 1)[-1])


def _pending(pending: Sequence[ApprovalView]) -> list[Block]:
    waiting = _unique([view for view in pending if view.status == "awaiting_approval"])
    blocks = [section(md.bold(f"Pending approvals ({len(waiting)})"), BlockId.HOME_PENDING)]
    if not waiting:
        return [*blocks, context("Nothing is waiting for your approval.", block_id(BlockId.HOME_PENDING, "empty"))]
    for view in waiting[:HOME_PENDING_MAX]:
        blocks.append(section(pending_text(view), block_id(BlockId.HOME_PENDING, view.run_id)))
        bid = block_id(BlockId.ACTIONS, view.run_id)
        if view.processing:
            blocks.append(context(f"⏳ {t.PROCESSING_LINE}", bid))
        else:
            blocks.append(actions(bid, decision_elements(view)))
    return blocks + _more(len(waiting) - HOME_PENDING_MAX, "pending")


def home_view(
    pending: Sequence[ApprovalView],
    recent: Sequence[RunSummaryView],
    mine: Sequence[RunSummaryView],
    is_approver: bool,
    extra_sections: Sequence[dict[str, Any]] = (),
    *,
    access: Sequence[Block] = (),
    grants: Sequence[Block] = (),
) -> dict[str, Any]:
    """The ``views.publish`` view. ``pending`` and ``recent`` are shown to approvers only.

    With just-in-time access on, ``grants`` (:func:`.access_home.active_grants`, approvers only) follows the
    pending approvals and ``access`` (:func:`.access_home.your_access`) precedes "Your requests"."""
    blocks: list[Block] = [
        header("OpsGate", BlockId.HOME_HEADER),
        actions(
            BlockId.HOME_TOOLBAR,
            [button("New request", ActionId.NEW_REQUEST, style="primary"), button("Refresh", ActionId.REFRESH_HOME)],
        ),
    ]
    if is_approver:
        blocks += _pending(pending)
        if grants:
            blocks.append(divider(block_id(BlockId.HOME_GRANTS, "divider")))
            blocks += grants
        blocks.append(divider(block_id(BlockId.HOME_RECENT, "divider")))
        blocks += _run_list(recent, BlockId.HOME_RECENT, "Recent decisions", "No decisions yet.")
        blocks.append(divider(block_id(BlockId.HOME_MINE, "divider")))
    if access:
        blocks += access
        blocks.append(divider(block_id(BlockId.HOME_ACCESS, "divider")))
    blocks += _run_list(mine, BlockId.HOME_MINE, "Your requests", "You have not requested anything yet.")
    if extra_sections:
        room = SLACK_VIEW_BLOCKS - len(blocks) - 1  # the divider
        shown = list(extra_sections) if len(extra_sections) <= room else list(extra_sections[: max(room - 1, 0)])
        if shown:
            blocks.append(divider(block_id(BlockId.HOME_EXTRA, "divider")))
            blocks += shown
        blocks += _more(len(extra_sections) - len(shown), "extra")
    return {"type": "home", "blocks": blocks[:SLACK_VIEW_BLOCKS]}
