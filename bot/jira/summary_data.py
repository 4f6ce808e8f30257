"""Pure parts of the read-only Jira summary: JQL composition, issues from Jira's JSON, stats and breakdowns over a
whole result set, and the issue table's filters and pages. No I/O.

The numbers mean what the JQL beside them means, so the in-memory count over a fully read set and Jira's own
count of the same JQL always agree:

* Open: ``statusCategory != Done``; In progress: ``statusCategory = "In Progress"``;
* Done in the last 30 days: ``statusCategory = Done AND resolved >= -30d``; Unassigned: ``assignee is EMPTY``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from opsgate.bot.jira.config import JiraSite
from opsgate.cards.jira_summary_views import (
    CATEGORY_LABELS,
    DONE,
    IN_PROGRESS,
    NO_PRIORITY,
    NO_PRIORITY_FILTER,
    TO_DO,
    UNASSIGNED,
    UNASSIGNED_FILTER,
    CategorySplit,
    Choice,
    IssueLine,
    ProjectStats,
    ScanNote,
    TableFilters,
    TableView,
    Tally,
)

DEFAULT_JQL = "updated >= -30d ORDER BY updated DESC"
DONE_WINDOW = timedelta(days=30)
# What the stats, breakdowns and the table need of each issue (Jira's smallest useful set of fields).
FIELDS = ("summary", "status", "assignee", "priority", "updated", "resolutiondate")

TO_DO_JQL = 'statusCategory = "To Do"'
IN_PROGRESS_JQL = 'statusCategory = "In Progress"'
DONE_JQL = "statusCategory = Done"
OPEN_JQL = "statusCategory != Done"
DONE_30D_JQL = "statusCategory = Done AND resolved >= -30d"
UNASSIGNED_JQL = "assignee is EMPTY"

_ORDER_BY = re.compile(r"order\s+by\b", re.IGNORECASE)
_TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z")
OPTION_LIMIT = 99  # filter choices per select (Slack: 100 options, one is "Any")


# --- sites ------------------------------------------------------------------------------------------------------


def site_label(site: JiraSite) -> str:
    """``acme.atlassian.net`` (with a Server context path: ``jira.acme.local/jira``)."""
    parts = urlsplit(site.base_url)
    return f"{parts.netloc}{parts.path}"


def site_matches(site: JiraSite, want: str) -> bool:
    """``site=NAME``: the integration id, its name, its host (``acme`` for ``acme.atlassian.net``) or label."""
    want = want.strip().casefold()
    label, host = site_label(site).casefold(), (urlsplit(site.base_url).hostname or "").casefold()
    return want in (site.id.casefold(), site.name.casefold(), label, host) or host.startswith(want + ".")


# --- JQL --------------------------------------------------------------------------------------------------------


def split_order(jql: str) -> tuple[str, str]:
    """``(restriction, "ORDER BY …")``: the top-level ORDER BY, never one inside a quoted string."""
    quote: str | None = None
    i = 0
    while i < len(jql):
        ch = jql[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif (i == 0 or not (jql[i - 1].isalnum() or jql[i - 1] == "_")) and _ORDER_BY.match(jql, i):
            return jql[:i].strip(), jql[i:].strip()
        i += 1
    return jql.strip(), ""


def narrow(jql: str, *clauses: str, keep_order: bool = True) -> str:
    """``(jql) AND clause …`` keeping the query's ORDER BY at the end (or dropping it, for counts)."""
    where, order = split_order(jql)
    parts = ([f"({where})"] if where else []) + [f"({c})" if " OR " in c.upper() else c for c in clauses]
    out = " AND ".join(parts)
    return f"{out} {order}".strip() if keep_order and order else out


def literal(value: str) -> str:
    """A JQL string literal (quotes and backslashes escaped)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def project_jql(key: str) -> str:
    return f"project = {literal(key)} ORDER BY updated DESC"


def filter_clauses(filters: TableFilters) -> list[str]:
    clauses = []
    if filters.status:
        clauses.append(f"status = {literal(filters.status)}")
    if filters.assignee == UNASSIGNED_FILTER:
        clauses.append(UNASSIGNED_JQL)
    elif filters.assignee:
        clauses.append(f"assignee = {literal(filters.assignee)}")
    if filters.priority == NO_PRIORITY_FILTER:
        clauses.append("priority is EMPTY")
    elif filters.priority:
        clauses.append(f"priority = {literal(filters.priority)}")
    return clauses


# --- issues from Jira's JSON --------------------------------------------------------------------------------


def parse_time(value: Any) -> datetime | None:
    """Jira's ``2025-01-15T09:12:44.123+0000`` (or ISO 8601) as an aware datetime."""
    if not isinstance(value, str) or not value:
        return None
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _rank(priority: Mapping[str, Any]) -> int:
    try:
        return int(str(priority.get("id")))
    except ValueError:
        return 1_000_000


def issue_line(raw: Mapping[str, Any], browse_base: str, ranks: dict[str, int]) -> IssueLine:
    """One issue of a search answer (Cloud v3 or Server v2); ``ranks`` learns each priority's sort rank."""
    f = raw.get("fields") or {}
    status = f.get("status") or {}
    category = str((status.get("statusCategory") or {}).get("key") or "")
    assignee = f.get("assignee") or None
    priority = f.get("priority") or None
    if priority:
        ranks.setdefault(str(priority.get("name")), _rank(priority))
    key = str(raw.get("key"))
    who = None
    if assignee:
        who = str(assignee.get("accountId") or assignee.get("name") or assignee.get("key") or "") or None
    return IssueLine(
        key=key,
        url=f"{browse_base}/browse/{key}",
        summary=str(f.get("summary") or ""),
        status=str(status.get("name") or ""),
        category=category if category in CATEGORY_LABELS else "",
        assignee=str(assignee.get("displayName") or who) if assignee else None,
        assignee_id=who,
        priority=str(priority.get("name")) if priority else None,
        updated=parse_time(f.get("updated")),
        resolved=parse_time(f.get("resolutiondate")),
    )


# --- stats and breakdowns -----------------------------------------------------------------------------------


def split_of(rows: Iterable[IssueLine]) -> CategorySplit:
    counts = {TO_DO: 0, IN_PROGRESS: 0, DONE: 0}
    for row in rows:
        if row.category in counts:
            counts[row.category] += 1
    return CategorySplit(counts[TO_DO], counts[IN_PROGRESS], counts[DONE])


def project_stats(rows: Sequence[IssueLine], now: datetime) -> ProjectStats:
    since = now - DONE_WINDOW
    return ProjectStats(
        open=sum(1 for r in rows if r.category != DONE),
        in_progress=sum(1 for r in rows if r.category == IN_PROGRESS),
        done_30d=sum(1 for r in rows if r.category == DONE and r.resolved is not None and r.resolved >= since),
        unassigned=sum(1 for r in rows if r.assignee_id is None),
        total=len(rows),
    )


@dataclass
class _Count:
    label: str
    value: str
    total: int = 0
    open: int = 0


@dataclass(frozen=True)
class Breakdowns:
    by_priority: tuple[Tally, ...]
    by_assignee: tuple[Tally, ...]
    statuses: tuple[Choice, ...] = field(default=())


def _tally(counts: Iterable[_Count]) -> tuple[Tally, ...]:
    return tuple(Tally(c.label, c.total, c.open, c.value) for c in counts)


def breakdowns(rows: Sequence[IssueLine], ranks: Mapping[str, int]) -> Breakdowns:
    """By priority (in the site's priority order, "No priority" last) and by assignee (most issues first), each
    with how many of them are open; and the statuses seen (To Do, In Progress, Done categories, then by name)."""
    priorities: dict[str, _Count] = {}
    people: dict[str, _Count] = {}
    statuses: dict[str, str] = {}
    for r in rows:
        is_open = r.category != DONE
        p = priorities.setdefault(r.priority or "", _Count(r.priority or NO_PRIORITY, r.priority or NO_PRIORITY_FILTER))
        a = people.setdefault(r.assignee_id or "", _Count(r.assignee or UNASSIGNED, r.assignee_id or UNASSIGNED_FILTER))
        for c in (p, a):
            c.total += 1
            c.open += is_open
        if r.status:
            statuses.setdefault(r.status, r.category)
    by_priority = sorted(priorities.items(), key=lambda kv: (kv[0] == "", ranks.get(kv[0], 1_000_000), kv[0]))
    by_assignee = sorted(people.values(), key=lambda c: (-c.total, c.label.casefold(), c.value))
    order = {TO_DO: 0, IN_PROGRESS: 1, DONE: 2}
    seen = sorted(statuses.items(), key=lambda kv: (order.get(kv[1], 3), kv[0].casefold()))
    return Breakdowns(
        _tally(c for _k, c in by_priority), _tally(by_assignee), tuple(Choice(name, name) for name, _c in seen)
    )


# --- a query's issues ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueSet:
    """What was read of one query: its issues in Jira's order, and how many match in all."""

    jql: str
    rows: tuple[IssueLine, ...]
    complete: bool
    total: int  # every match (len(rows) when complete; Jira's count when the cap was hit)
    ranks: dict[str, int]  # priority name -> the site's sort rank
    fetched_at: datetime


# --- the table ------------------------------------------------------------------------------------------------


def matches(row: IssueLine, filters: TableFilters) -> bool:
    if filters.status and row.status.casefold() != filters.status.casefold():
        return False
    if filters.assignee and (row.assignee_id or UNASSIGNED_FILTER) != filters.assignee:
        return False
    return not (filters.priority and (row.priority or NO_PRIORITY_FILTER).casefold() != filters.priority.casefold())


def table_view(
    rows: Sequence[IssueLine], filters: TableFilters, page: int, page_size: int, parts: Breakdowns
) -> TableView:
    """A page of ``rows`` (already filtered) with the filter choices of the unfiltered set (``parts``)."""
    pages = max(1, -(-len(rows) // page_size))
    page = min(max(page, 0), pages - 1)
    return TableView(
        rows=tuple(rows[page * page_size : (page + 1) * page_size]),
        matching=len(rows),
        page=page,
        page_size=page_size,
        filters=filters,
        statuses=parts.statuses[:OPTION_LIMIT],
        assignees=tuple(Choice(t.label, t.value or "") for t in parts.by_assignee[:OPTION_LIMIT]),
        priorities=tuple(Choice(t.label, t.value or "") for t in parts.by_priority[:OPTION_LIMIT]),
    )


def scan_note(scanned: int, total: int | None, cap: int, order: str | None = None) -> ScanNote:
    return ScanNote(scanned=scanned, total=total if total is not None else scanned, cap=cap, order=order)
