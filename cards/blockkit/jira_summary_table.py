"""The issue table of ``/jira project`` and ``/jira search``: a heading with what is shown, filter selects
(status, assignee, priority), one section per issue, and Previous / Next buttons.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..jira_summary_views import NO_PRIORITY, NO_PRIORITY_FILTER, UNASSIGNED, UNASSIGNED_FILTER, Choice, TableView
from ..limits import SLACK_BLOCK_ID, SLACK_BUTTON_VALUE, SLACK_OPTION_TEXT, SLACK_OPTION_VALUE, SLACK_SELECT_OPTIONS
from ..markup import PLAIN, SLACK
from .blocks import Block, actions, block_id, button, context, plain, section
from .jira_summary_ids import SummaryAction, SummaryBlock, TableState
from .jira_summary_text import row_text

md = SLACK
ANY = "~any"  # the option that clears one filter


def _option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain(label, SLACK_OPTION_TEXT), "value": value}


def _select(action: SummaryAction, noun: str, choices: Sequence[Choice], current: str | None) -> dict[str, Any]:
    usable = [c for c in choices if 0 < len(c.value) <= SLACK_OPTION_VALUE and c.value != ANY]
    options = [_option(f"Any {noun}", ANY)]
    chosen = next((c for c in usable if c.value == current), None)
    if current and chosen is None and len(current) <= SLACK_OPTION_VALUE:
        chosen = Choice(PLAIN.fit(current, SLACK_OPTION_TEXT), current)
        usable = [chosen, *usable]
    options += [_option(c.label, c.value) for c in usable[: SLACK_SELECT_OPTIONS - 1]]
    if chosen is not None and all(o["value"] != chosen.value for o in options):
        options[-1] = _option(chosen.label, chosen.value)
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": str(action),
        "placeholder": plain(noun.capitalize(), 150),
        "options": options,
    }
    if chosen is not None:
        element["initial_option"] = _option(chosen.label, chosen.value)
    return element


def _filter_words(table: TableView) -> str:
    f = table.filters
    labels = {c.value: c.label for c in (*table.statuses, *table.assignees, *table.priorities)}
    labels |= {UNASSIGNED_FILTER: UNASSIGNED, NO_PRIORITY_FILTER: NO_PRIORITY}
    words = [
        f"{name} {labels.get(value, value)}"
        for name, value in (("status", f.status), ("assignee", f.assignee), ("priority", f.priority))
        if value
    ]
    return md.escape(", ".join(words))


def table_blocks(table: TableView, state: TableState, title: str = "Issues") -> list[Block]:
    first = table.page * table.page_size
    shown = f"{first + 1}–{first + len(table.rows)} of {table.matching}" if table.rows else f"0 of {table.matching}"
    heading = f"{md.bold(title)} · {shown}"
    if table.filters.active:
        heading += f" · filtered by {_filter_words(table)}"
    if table.pages > 1:
        heading += f" · page {table.page + 1} of {table.pages}"
    blocks: list[Block] = [section(heading, SummaryBlock.TABLE)]
    remembered = state.but(page=0).encode(SLACK_BLOCK_ID)
    if remembered is not None:
        selects = [
            _select(SummaryAction.FILTER_STATUS, "status", table.statuses, table.filters.status),
            _select(SummaryAction.FILTER_ASSIGNEE, "assignee", table.assignees, table.filters.assignee),
            _select(SummaryAction.FILTER_PRIORITY, "priority", table.priorities, table.filters.priority),
        ]
        if table.filters.active:
            clear = state.but(page=0, status=None, assignee=None, priority=None).encode(SLACK_BUTTON_VALUE)
            if clear is not None:
                selects.append(button("Clear filters", SummaryAction.CLEAR_FILTERS, clear))
        blocks.append({"type": "actions", "block_id": remembered, "elements": selects})
    for issue in table.rows:
        blocks.append(section(row_text(issue), block_id(SummaryBlock.ROW, issue.key)))
    if not table.rows:
        blocks.append(context("No issues match.", block_id(SummaryBlock.ROW, "empty")))
    pager = []
    previous = state.but(page=table.page - 1).encode(SLACK_BUTTON_VALUE) if table.page > 0 else None
    following = state.but(page=table.page + 1).encode(SLACK_BUTTON_VALUE) if table.page + 1 < table.pages else None
    if previous is not None:
        pager.append(button("Previous", SummaryAction.PAGE, previous))
    if following is not None:
        pager.append(button("Next", SummaryAction.PAGE, following))
    if pager:
        blocks.append(actions(SummaryBlock.PAGER, pager))
    return blocks
