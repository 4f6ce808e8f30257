"""Slack ``mrkdwn`` text of the read-only Jira summary: stat lines, breakdowns, table rows, notes.

Every number is written as plain digits right after its label (``Open: 1234``), so a reader, a screen reader and
a test all find it beside the word it belongs to; the bars that follow are decoration only. Text that comes from
Jira (summaries, names, statuses) is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..jira_summary_views import (
    CATEGORY_LABELS,
    DONE,
    IN_PROGRESS,
    NO_PRIORITY,
    TO_DO,
    UNASSIGNED,
    CategorySplit,
    HealthView,
    IssueLine,
    ProjectStats,
    ScanNote,
    Tally,
)
from ..limits import SLACK_SECTION_TEXT
from ..markup import SLACK
from ..text import clamp_lines

md = SLACK
BAR_WIDTH = 10
SUMMARY_MAX = 150  # characters of an issue summary in a table row
LABEL_MAX = 60  # a name in a breakdown
BREAKDOWN_LINES = 12
CATEGORY_MARK = {TO_DO: "⚪", IN_PROGRESS: "🔵", DONE: "✅"}
STAT_LABELS = ("Open", "In progress", "Done in the last 30 days", "Unassigned", "All issues")


def stat_lines(stats: ProjectStats) -> list[str]:
    """The stat cards of a project, one ``Label: number`` each (Open = not in the Done category)."""
    values = (stats.open, stats.in_progress, stats.done_30d, stats.unassigned, stats.total)
    return [f"{label}: {value}" for label, value in zip(STAT_LABELS, values, strict=True)]


def split_lines(split: CategorySplit) -> list[str]:
    """A query's split by status category, with the open total (To Do + In Progress) and the whole."""
    return [
        f"{CATEGORY_MARK[TO_DO]} To Do: {split.to_do}",
        f"{CATEGORY_MARK[IN_PROGRESS]} In Progress: {split.in_progress}",
        f"{CATEGORY_MARK[DONE]} Done: {split.done}",
        f"Open: {split.open}",
        f"Total: {split.total}",
    ]


def bar(value: int, largest: int, width: int = BAR_WIDTH) -> str:
    filled = 0 if largest <= 0 else max(1 if value else 0, round(width * value / largest))
    return "`" + "█" * filled + "░" * (width - filled) + "`"


def breakdown_text(title: str, tallies: Sequence[Tally], limit: int = BREAKDOWN_LINES) -> str:
    """``*By priority*`` and one line per value: ``bar Label: total · N open``; the rest summed up."""
    if not tallies:
        return f"{md.bold(title)}\nNo issues."
    largest = max(t.total for t in tallies)
    lines = [md.bold(title)]
    for t in tallies[:limit]:
        lines.append(f"{bar(t.total, largest)} {md.fit(t.label, LABEL_MAX)}: {t.total} · {t.open} open")
    rest = tallies[limit:]
    if rest:
        lines.append(f"… and {len(rest)} more: {sum(t.total for t in rest)} issues · {sum(t.open for t in rest)} open")
    return clamp_lines(lines, SLACK_SECTION_TEXT)


def row_text(issue: IssueLine) -> str:
    """One issue of the table: linked key and summary, then status, assignee, priority and last update."""
    head = f"{md.bold(md.link(issue.url, issue.key))} {md.fit(issue.summary, SUMMARY_MAX)}"
    mark = CATEGORY_MARK.get(issue.category, "▫️")
    parts = [
        f"{mark} {md.fit(issue.status or CATEGORY_LABELS.get(issue.category, '?'), LABEL_MAX)}",
        f"👤 {md.fit(issue.assignee, LABEL_MAX) if issue.assignee else UNASSIGNED}",
        md.fit(issue.priority, LABEL_MAX) if issue.priority else NO_PRIORITY,
    ]
    if issue.updated is not None:
        parts.append(f"updated {md.date(issue.updated)}")
    return f"{head}\n{' · '.join(parts)}"


def scan_text(scan: ScanNote) -> str | None:
    """The note shown when the cap was hit: what the breakdowns and the table cover, and what is exact."""
    if not scan.capped:
        return None
    which = f"the {scan.scanned} {scan.order}" if scan.order else f"the first {scan.scanned} in the query's order"
    return (
        f"⚠️ This query matches {scan.total} issues; OpsGate reads at most {scan.cap}. The breakdowns and the table "
        f"cover {which}; the counts above are Jira's own, over all of them. Narrow the query for exact breakdowns."
    )


def refreshed_text(when: datetime) -> str:
    return f"Refreshed {md.date(when)}"


def health_text(health: HealthView | None) -> str:
    """The connection line admins see."""
    if health is None or health.ok is None:
        return "🔌 Connection: not checked yet (the scheduled self-test runs at start and every few minutes)"
    when = f" · checked {md.date(health.checked_at)}" if health.checked_at else ""
    if health.stale:
        when += " (stale: the scheduled check has not run since)"
    if health.ok:
        kind = f" (Jira {md.escape(health.deployment)})" if health.deployment else ""
        return f"🟢 Connection: OK{kind}{when}"
    problems = "; ".join(md.fit(p, 300) for p in health.problems[:3]) or "the self-test failed"
    return f"🔴 Connection: {problems}{when}"


def help_text(command: str) -> str:
    c = md.escape(command)
    return "\n".join(
        [
            md.bold("Jira summary (read-only)"),
            f"`{c} projects` every project OpsGate's Jira account can see",
            f"`{c} project KEY` open, in progress, done and unassigned issues of a project, by priority and "
            "assignee, with the issue table",
            f"`{c} search JQL` the issue table for any JQL, e.g. `{c} search assignee is EMPTY AND priority = High`",
            f"`{c} config` (admins) each site's summary scope and connection health; "
            f"`{c} config jql JQL` sets the App Home scope, `{c} config jql default` resets it",
            f"With several Jira sites, start with `site=NAME`: `{c} site=acme project ITSM`.",
        ]
    )
