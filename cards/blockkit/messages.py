"""Slash-command answers that are not about one run: ``/opsgate help`` and ``/opsgate pending``.

(``/opsgate status RUN_ID`` answers with :func:`opsgate.cards.blockkit.approval.approval_card` of the run.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import text as t
from ..ids import ActionId, BlockId
from ..limits import ELLIPSIS, HOME_LIST_MAX
from ..markup import SLACK
from ..views import RunSummaryView
from .blocks import Block, block_id, button, context, message, section

md = SLACK


def help_message(command: str = "/opsgate") -> dict[str, Any]:
    """The help text; unknown subcommands answer with it too."""
    lines = [f"{md.code(f'{command} {name}')} — {md.escape(what)}" for name, what in t.HELP]
    head = "*OpsGate* runs IT runbooks after a human approves them."
    return message(
        f"OpsGate: {', '.join(name for name, _ in t.HELP)}", [section("\n".join([head, *lines]), BlockId.NOTE)]
    )


def pending_list_message(runs: Sequence[RunSummaryView]) -> dict[str, Any]:
    """``/opsgate pending``: the caller's pending approvals, each with a Details button."""
    if not runs:
        return message(
            "Nothing is waiting for your approval.", [section("Nothing is waiting for your approval.", BlockId.NOTE)]
        )
    title = f"{len(runs)} approval{'s' if len(runs) != 1 else ''} waiting for you"
    blocks: list[Block] = [section(md.bold(title), BlockId.NOTE)]
    for run in runs[:HOME_LIST_MAX]:
        details = button("Details", ActionId.OPEN_RUN, run.run_id)
        blocks.append(section(t.summary_line(run, md), block_id(BlockId.HOME_PENDING, run.run_id), details))
    if len(runs) > HOME_LIST_MAX:
        blocks.append(
            context(f"{ELLIPSIS} and {len(runs) - HOME_LIST_MAX} more", block_id(BlockId.HOME_MORE, "pending"))
        )
    return message(title, blocks)
