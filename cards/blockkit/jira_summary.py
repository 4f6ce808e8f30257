"""Block Kit of the read-only Jira summary: the App Home section, ``/jira projects``, ``/jira project KEY``,
``/jira search JQL``, ``/jira config`` and the notes around them. Pure functions of the plain data in
:mod:`opsgate.cards.jira_summary_views`.

Ids that cross the wire are the StrEnums of :mod:`.jira_summary_ids`, re-exported here. What a table must remember travels with it, so any replica can
answer a click: the paging buttons carry a :class:`TableState` in their ``value``; the filter selects carry it in
their actions block's ``block_id`` (at most 255 characters: a long JQL is compressed, and a table whose state still
does not fit offers no filter selects, only paging).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..jira_summary_views import HomeSiteView, ProjectsPage, ProjectView, SearchView, SiteConfigView
from ..limits import SLACK_FIELD_TEXT, SLACK_SECTION_FIELDS
from ..markup import SLACK, SLACK_NOTIFICATION
from .blocks import Block, actions, block_id, button, context, divider, header, message, mrkdwn, section
from .jira_summary_ids import ProjectsPageButton, SummaryAction, SummaryBlock, TableState
from .jira_summary_table import table_blocks
from .jira_summary_text import (
    breakdown_text,
    health_text,
    help_text,
    refreshed_text,
    scan_text,
    split_lines,
    stat_lines,
)

__all__ = [
    "ProjectsPageButton",
    "SummaryAction",
    "SummaryBlock",
    "TableState",
    "config_message",
    "help_message",
    "home_blocks",
    "home_no_access_blocks",
    "jira_error_message",
    "note_message",
    "project_message",
    "projects_message",
    "search_message",
]

md = SLACK
JQL_SHOWN = 500  # characters of a JQL quoted in a message


def _fields(items: list[str], bid: str, text: str | None = None) -> Block:
    block: Block = {
        "type": "section",
        "block_id": block_id(bid),
        "fields": [mrkdwn(item, SLACK_FIELD_TEXT) for item in items[:SLACK_SECTION_FIELDS]],
    }
    if text:
        block["text"] = mrkdwn(text)
    return block


def _jql(jql: str) -> str:
    return md.code(jql, JQL_SHOWN)


# --- App Home -----------------------------------------------------------------------------------------------


def home_blocks(sites: Sequence[HomeSiteView], *, admin: bool) -> list[Block]:
    """The App Home section: per site, the split of its default JQL, when it was counted, a refresh button, and
    (admins) the connection health."""
    blocks: list[Block] = [section(md.bold("Jira"), SummaryBlock.HOME)]
    for site in sites:
        bid = block_id(SummaryBlock.HOME, site.site_id)
        title = f"{md.bold(md.escape(site.site_label))} · {_jql(site.jql)}"
        if site.split is not None:
            blocks.append(_fields(split_lines(site.split), bid, title))
        elif site.loading:
            blocks.append(section(f"{title}\n⏳ Counting issues in Jira… this tab updates when done.", bid))
        else:
            blocks.append(section(f"{title}\n⚠️ {md.fit(site.error or 'Jira could not be read.', 1500)}", bid))
        if site.refreshed_at is not None:
            blocks.append(context(refreshed_text(site.refreshed_at), block_id(bid, "meta")))
        refresh = button("Refresh Jira", SummaryAction.HOME_REFRESH, site.site_id)
        blocks.append(actions(block_id(bid, "actions"), [refresh]))
        if admin:
            blocks.append(context(health_text(site.health), block_id(bid, "health")))
    return blocks


def home_no_access_blocks() -> list[Block]:
    return [context("Jira summary: ask an OpsGate admin to add you to the Jira viewer group.", SummaryBlock.HOME)]


# --- /jira project KEY ----------------------------------------------------------------------------------------


def project_message(view: ProjectView, state: TableState) -> dict[str, Any]:
    s = view.stats
    blocks: list[Block] = [
        header(f"{view.key} · {view.name}", SummaryBlock.HEADER),
        context(
            f"{md.link(view.url, 'Open in Jira')} · {md.escape(view.site_label)} · {refreshed_text(view.refreshed_at)}",
            SummaryBlock.META,
        ),
        _fields(stat_lines(s), SummaryBlock.STATS),
    ]
    note = scan_text(view.scan)
    if note:
        blocks.append(context(note, SummaryBlock.SCAN))
    blocks += [
        section(breakdown_text("By priority", view.by_priority), SummaryBlock.BY_PRIORITY),
        section(breakdown_text("By assignee", view.by_assignee), SummaryBlock.BY_ASSIGNEE),
        divider(block_id(SummaryBlock.TABLE, "divider")),
        *table_blocks(view.table, state),
    ]
    text = (
        f"{view.key}: Open {s.open}, In progress {s.in_progress}, Done in the last 30 days {s.done_30d}, "
        f"Unassigned {s.unassigned}"
    )
    return message(SLACK_NOTIFICATION.fit(text, 3000), blocks)


# --- /jira search JQL ---------------------------------------------------------------------------------------


def search_message(view: SearchView, state: TableState) -> dict[str, Any]:
    blocks: list[Block] = [
        header("Jira search", SummaryBlock.HEADER),
        _fields(split_lines(view.split), SummaryBlock.STATS, _jql(view.jql)),
        context(f"{md.escape(view.site_label)} · {refreshed_text(view.refreshed_at)}", SummaryBlock.META),
    ]
    note = scan_text(view.scan)
    if note:
        blocks.append(context(note, SummaryBlock.SCAN))
    blocks += table_blocks(view.table, state)
    text = f"Jira search: {view.split.total} issues, {view.split.open} open"
    return message(text, blocks)


# --- /jira projects -------------------------------------------------------------------------------------------


def projects_message(page: ProjectsPage) -> dict[str, Any]:
    blocks: list[Block] = [header("Jira projects", SummaryBlock.HEADER)]
    first = page.page * page.page_size
    for p in page.projects:
        lead = md.fit(p.lead, 80) if p.lead else "no lead"
        line = f"{md.bold(md.link(p.url, p.key))} {md.fit(p.name, 150)}\nLead: {lead} · Type: {md.escape(p.type)}"
        blocks.append(section(line, block_id(SummaryBlock.PROJECT, p.key)))
    if not page.projects:
        blocks.append(section("OpsGate's Jira account cannot see any project.", SummaryBlock.NOTE))
    shown = f"{first + 1}–{first + len(page.projects)} of {page.total}" if page.projects else f"0 of {page.total}"
    blocks.append(context(f"{md.escape(page.site_label)} · projects {shown}", SummaryBlock.META))
    pager = []
    if page.page > 0:
        pager.append(
            button(
                "Previous",
                SummaryAction.PROJECTS_PAGE,
                ProjectsPageButton(site=page.site_id, page=page.page - 1).to_value(),
            )
        )
    if page.page + 1 < page.pages:
        pager.append(
            button(
                "Next",
                SummaryAction.PROJECTS_PAGE,
                ProjectsPageButton(site=page.site_id, page=page.page + 1).to_value(),
            )
        )
    if pager:
        blocks.append(actions(SummaryBlock.PAGER, pager))
    return message(f"Jira projects {shown}", blocks)


# --- /jira config (admins) ------------------------------------------------------------------------------------


def config_message(sites: Sequence[SiteConfigView], command: str) -> dict[str, Any]:
    blocks: list[Block] = [header("Jira summary settings", SummaryBlock.HEADER)]
    for site in sites:
        scope = _jql(site.jql) + (" (built-in default)" if site.default_jql else "")
        text = f"{md.bold(md.link(site.url, site.site_label))} · integration `{md.escape(site.site_id)}`\nApp Home scope: {scope}"
        blocks.append(section(text, block_id(SummaryBlock.SITE, site.site_id)))
        blocks.append(context(health_text(site.health), block_id(SummaryBlock.SITE, site.site_id, "health")))
    if not sites:
        blocks.append(section("No Jira site is configured (opsgate jira add).", SummaryBlock.NOTE))
    hint = f"Set the App Home scope with `{md.escape(command)} config jql JQL`; reset it with `config jql default`."
    blocks.append(context(hint, SummaryBlock.META))
    return message("Jira summary settings", blocks)


# --- notes ------------------------------------------------------------------------------------------------------


def note_message(text: str) -> dict[str, Any]:
    """A short private answer (refusals, usage, "counting…")."""
    return message(SLACK_NOTIFICATION.fit(text, 3000), [section(md.escape(text), SummaryBlock.NOTE)])


def jira_error_message(what: str, jira_says: str, jql: str | None = None) -> dict[str, Any]:
    """Jira refused: its own message, quoted as it gave it (e.g. why a JQL is invalid)."""
    lines = [f"⚠️ {md.escape(what)}"]
    if jql:
        lines.append(_jql(jql))
    lines.append(f"Jira says: {md.fit(jira_says, 2000)}")
    return message(
        SLACK_NOTIFICATION.fit(f"{what} Jira says: {jira_says}", 3000), [section("\n".join(lines), SummaryBlock.NOTE)]
    )


def help_message(command: str) -> dict[str, Any]:
    return message(f"{command}: the read-only Jira summary", [section(help_text(command), SummaryBlock.NOTE)])
