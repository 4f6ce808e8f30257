"""Plain data the read-only Jira summary is rendered from (App Home widget, ``/jira projects``, ``/jira project``,
``/jira search``). The service in ``bot/jira/summary.py`` fills these in; the Block Kit builders in
``cards/blockkit/jira_summary.py`` turn them into JSON. No I/O, no clients, no settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Jira's status category keys (``fields.status.statusCategory.key``)
TO_DO, IN_PROGRESS, DONE = "new", "indeterminate", "done"
CATEGORY_LABELS = {TO_DO: "To Do", IN_PROGRESS: "In Progress", DONE: "Done"}
UNASSIGNED = "Unassigned"
NO_PRIORITY = "No priority"
UNASSIGNED_FILTER = "~unassigned"  # the assignee filter value meaning "assignee is EMPTY"
NO_PRIORITY_FILTER = "~none"  # the priority filter value meaning "priority is EMPTY"


@dataclass(frozen=True)
class CategorySplit:
    """Issues of one query by status category."""

    to_do: int
    in_progress: int
    done: int

    @property
    def open(self) -> int:
        return self.to_do + self.in_progress

    @property
    def total(self) -> int:
        return self.to_do + self.in_progress + self.done


@dataclass(frozen=True)
class HealthView:
    """The last scheduled self-test of a site, as admins see it."""

    ok: bool | None  # None: not checked yet
    checked_at: datetime | None = None
    deployment: str | None = None
    problems: tuple[str, ...] = ()
    stale: bool = False  # the last check is older than two check intervals


@dataclass(frozen=True)
class HomeSiteView:
    """One Jira site in App Home: the split of its default JQL, or why there is none."""

    site_id: str
    site_label: str  # "acme.atlassian.net"
    jql: str
    split: CategorySplit | None = None
    refreshed_at: datetime | None = None
    error: str | None = None
    loading: bool = False
    health: HealthView | None = None  # admins only


@dataclass(frozen=True)
class IssueLine:
    key: str
    url: str
    summary: str
    status: str
    category: str  # TO_DO | IN_PROGRESS | DONE | "" (unknown)
    assignee: str | None  # display name; None: unassigned
    assignee_id: str | None  # Cloud accountId or Server username (what JQL's assignee takes)
    priority: str | None
    updated: datetime | None
    resolved: datetime | None = None


@dataclass(frozen=True)
class Tally:
    """One line of a breakdown: over the whole matching set, and the open (not Done) part of it."""

    label: str
    total: int
    open: int
    value: str | None = None  # the filter value it stands for (assignee id, priority name)


@dataclass(frozen=True)
class ProjectStats:
    open: int  # not in the Done status category
    in_progress: int  # the In Progress status category
    done_30d: int  # Done category, resolved in the last 30 days
    unassigned: int
    total: int


@dataclass(frozen=True)
class Choice:
    label: str
    value: str


@dataclass(frozen=True)
class TableFilters:
    status: str | None = None
    assignee: str | None = None  # an assignee id, or UNASSIGNED_FILTER
    priority: str | None = None  # a priority name, or NO_PRIORITY_FILTER

    @property
    def active(self) -> bool:
        return any((self.status, self.assignee, self.priority))


@dataclass(frozen=True)
class TableView:
    """One page of the issue table with what its filter selects offer."""

    rows: tuple[IssueLine, ...]
    matching: int  # rows after the filters (within the scanned set)
    page: int  # 0-based
    page_size: int
    filters: TableFilters = field(default_factory=TableFilters)
    statuses: tuple[Choice, ...] = ()
    assignees: tuple[Choice, ...] = ()
    priorities: tuple[Choice, ...] = ()

    @property
    def pages(self) -> int:
        return max(1, -(-self.matching // self.page_size))


@dataclass(frozen=True)
class ScanNote:
    """How much of the matching set was read: ``scanned`` of ``total`` (None: unknown) with ``cap``."""

    scanned: int
    total: int | None
    cap: int
    order: str | None = None  # how the read part was chosen ("most recently updated"); None: the query's order

    @property
    def capped(self) -> bool:
        return self.total is not None and self.total > self.scanned


@dataclass(frozen=True)
class ProjectView:
    site_label: str
    key: str
    name: str
    url: str
    stats: ProjectStats
    by_priority: tuple[Tally, ...]
    by_assignee: tuple[Tally, ...]
    scan: ScanNote
    refreshed_at: datetime
    table: TableView


@dataclass(frozen=True)
class SearchView:
    site_label: str
    jql: str
    split: CategorySplit
    scan: ScanNote
    refreshed_at: datetime
    table: TableView


@dataclass(frozen=True)
class ProjectLine:
    key: str
    name: str
    lead: str | None
    type: str  # "Software", "Service management", "Business", ...
    url: str


@dataclass(frozen=True)
class ProjectsPage:
    site_id: str
    site_label: str
    projects: tuple[ProjectLine, ...]  # this page
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class SiteConfigView:
    """``/jira config`` (admins): one site's summary settings and connection health."""

    site_id: str
    site_label: str
    url: str
    jql: str
    default_jql: bool  # True: the built-in scope, no JQL configured
    health: HealthView
