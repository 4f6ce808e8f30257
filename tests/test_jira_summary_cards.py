"""Golden (snapshot) tests of the Jira summary's Block Kit, checked with slack_sdk's models, plus the wire state the
tables carry and the pure JQL and stats helpers.

Run with ``UPDATE_SNAPSHOTS=1`` to (re)write ``tests/snapshots/jira_summary/`` after an intended change, then review
the diff.
"""

from __future__ import annotations

import json
import os
import pathlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.views import View

from opsgate.bot.jira.summary_data import (
    breakdowns,
    filter_clauses,
    issue_line,
    narrow,
    parse_time,
    project_stats,
    split_order,
    table_view,
)
from opsgate.cards.blockkit import jira_summary as cards
from opsgate.cards.blockkit.jira_summary import SummaryAction, SummaryBlock, TableState
from opsgate.cards.jira_summary_views import (
    NO_PRIORITY_FILTER,
    UNASSIGNED_FILTER,
    CategorySplit,
    HealthView,
    HomeSiteView,
    IssueLine,
    ProjectLine,
    ProjectsPage,
    ProjectStats,
    ProjectView,
    ScanNote,
    SearchView,
    SiteConfigView,
    TableFilters,
    Tally,
)
from tests.jira_summary_support import block, labelled, validate

SNAPSHOTS = pathlib.Path(__file__).parent / "snapshots" / "jira_summary"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
AT = datetime(2026, 6, 9, 17, 42, 11, tzinfo=UTC)
SITE = "jira_abcdefghijklmnop"
BASE = "https://acme.atlassian.net"


def _issue(n: int, status: str, category: str, who: str | None, priority: str | None) -> IssueLine:
    return IssueLine(
        key=f"ITSM-{n}",
        url=f"{BASE}/browse/ITSM-{n}",
        summary=f"Laptop {n} will not boot" if n != 3 else "Reset <!channel> *now* for @here",
        status=status,
        category=category,
        assignee=who,
        assignee_id=who and f"acc-{who.split()[0].lower()}",
        priority=priority,
        updated=AT - timedelta(hours=n),
    )


ROWS = (
    _issue(1, "To Do", "new", "Sarah Chen", "High"),
    _issue(2, "In Progress", "indeterminate", None, "Highest"),
    _issue(3, "Done", "done", "Tom Hale", None),
    _issue(4, "Waiting for customer", "indeterminate", "Sarah Chen", "Low"),
)
PRIORITIES = (
    Tally("Highest", 212, 180, "Highest"),
    Tally("High", 640, 410, "High"),
    Tally("Low", 95, 12, "Low"),
    Tally("No priority", 3, 3, NO_PRIORITY_FILTER),
)
ASSIGNEES = (
    Tally("Unassigned", 301, 288, UNASSIGNED_FILTER),
    Tally("Sarah Chen", 420, 199, "acc-sarah"),
    Tally("Tom Hale", 229, 118, "acc-tom"),
)
HEALTH_OK = HealthView(True, AT, "Cloud")
HEALTH_BAD = HealthView(False, AT, "Server", ("acme lacks Jira permissions in ITSM: ADD_COMMENTS",), stale=True)


def _table(page: int = 0, filters: TableFilters | None = None, rows: tuple[IssueLine, ...] = ROWS) -> Any:
    parts = breakdowns(ROWS, {"Highest": 1, "High": 2, "Low": 4})
    return table_view(list(rows), filters or TableFilters(), page, 2, parts)


def _project(capped: bool) -> ProjectView:
    filters = TableFilters(assignee="acc-sarah", priority="High") if capped else TableFilters()
    return ProjectView(
        site_label="acme.atlassian.net",
        key="ITSM",
        name="IT Service Management",
        url=f"{BASE}/browse/ITSM",
        stats=ProjectStats(open=601, in_progress=233, done_30d=57, unassigned=301, total=12_345 if capped else 950),
        by_priority=PRIORITIES,
        by_assignee=ASSIGNEES,
        scan=ScanNote(10_000, 12_345, 10_000, "most recently updated") if capped else ScanNote(950, 950, 10_000),
        refreshed_at=AT,
        table=_table(1 if capped else 0, filters),
    )


STATE = TableState(site=SITE, project="ITSM")
SEARCH_JQL = "assignee is EMPTY AND priority in (High, Highest) ORDER BY created DESC"
MESSAGES: dict[str, Callable[[], dict[str, Any]]] = {
    "project": lambda: cards.project_message(_project(False), STATE),
    "project_capped_filtered": lambda: cards.project_message(
        _project(True), STATE.but(assignee="acc-sarah", priority="High", page=1)
    ),
    "search": lambda: cards.search_message(
        SearchView(
            "acme.atlassian.net", SEARCH_JQL, CategorySplit(120, 30, 7), ScanNote(157, 157, 10_000), AT, _table()
        ),
        TableState(site=SITE, jql=SEARCH_JQL),
    ),
    "search_empty": lambda: cards.search_message(
        SearchView(
            "acme.atlassian.net", "text ~ nothing", CategorySplit(0, 0, 0), ScanNote(0, 0, 10_000), AT, _table(rows=())
        ),
        TableState(site=SITE, jql="text ~ nothing"),
    ),
    "projects": lambda: cards.projects_message(
        ProjectsPage(
            SITE,
            "acme.atlassian.net",
            (
                ProjectLine("ITSM", "IT Service Management", "Sarah Chen", "Service management", f"{BASE}/browse/ITSM"),
                ProjectLine("OPS", "Operations <ops>", None, "Software", f"{BASE}/browse/OPS"),
            ),
            page=1,
            page_size=2,
            total=5,
        )
    ),
    "config": lambda: cards.config_message(
        [
            SiteConfigView(SITE, "acme.atlassian.net", BASE, "updated >= -30d ORDER BY updated DESC", True, HEALTH_OK),
            SiteConfigView(
                "jira_server",
                "jira.acme.local/jira",
                "https://jira.acme.local/jira",
                "project = OPS",
                False,
                HEALTH_BAD,
            ),
        ],
        "/jira",
    ),
    "note": lambda: cards.note_message("The Jira summary is for members of the Jira viewer group; ask an admin."),
    "jira_error": lambda: cards.jira_error_message(
        "Jira did not accept this JQL.",
        "Field 'foo' does not exist or you do not have permission to view it.",
        "project = ITSM AND foo = bar",
    ),
    "help": lambda: cards.help_message("/jira"),
}
HOME: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "home_admin": lambda: cards.home_blocks(
        [
            HomeSiteView(
                SITE,
                "acme.atlassian.net",
                "updated >= -30d ORDER BY updated DESC",
                CategorySplit(40, 12, 9),
                AT,
                health=HEALTH_OK,
            ),
            HomeSiteView(
                "jira_server",
                "jira.acme.local/jira",
                "project = OPS",
                error="Jira is unavailable right now (HTTP 503); try again in a moment.",
                health=HEALTH_BAD,
            ),
            HomeSiteView(
                "jira_new", "new.atlassian.net", "updated >= -30d", CategorySplit(1, 0, 0), AT, health=HealthView(None)
            ),
        ],
        admin=True,
    ),
    "home_viewer_loading": lambda: cards.home_blocks(
        [HomeSiteView(SITE, "acme.atlassian.net", "updated >= -30d ORDER BY updated DESC", loading=True)], admin=False
    ),
    "home_no_access": cards.home_no_access_blocks,
}


def _check_golden(name: str, payload: Any) -> None:
    path = SNAPSHOTS / f"{name}.json"
    rendered = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    assert json.loads(rendered) == payload
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path.name}; run with UPDATE_SNAPSHOTS=1 and review it"
    assert rendered == path.read_text(encoding="utf-8"), f"{path.name} differs; UPDATE_SNAPSHOTS=1 if intended"


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_message_golden(name: str) -> None:
    payload = MESSAGES[name]()
    assert set(payload) == {"text", "blocks"} and 0 < len(payload["blocks"]) <= 50
    validate(payload["blocks"])
    _check_golden(name, payload)


@pytest.mark.parametrize("name", sorted(HOME))
def test_home_golden(name: str) -> None:
    blocks = HOME[name]()
    View(type="home", blocks=blocks).validate_json()
    validate(blocks)
    _check_golden(name, blocks)


def test_no_stale_snapshots() -> None:
    stored = {p.stem for p in SNAPSHOTS.glob("*.json")}
    assert stored <= set(MESSAGES) | set(HOME)


def test_numbers_stand_beside_their_labels() -> None:
    message = cards.project_message(_project(False), STATE)
    got = labelled(block(message, SummaryBlock.STATS))
    assert got == {
        "Open": (601, None),
        "In progress": (233, None),
        "Done in the last 30 days": (57, None),
        "Unassigned": (301, None),
        "All issues": (950, None),
    }
    assert labelled(block(message, SummaryBlock.BY_PRIORITY))["High"] == (640, 410)
    assert labelled(block(message, SummaryBlock.BY_ASSIGNEE))["Unassigned"] == (301, 288)


def test_jira_text_is_escaped() -> None:
    text = json.dumps(cards.project_message(_project(True), STATE.but(page=1)), ensure_ascii=False)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text and "@here" not in text


def test_table_state_round_trips_and_fits_slack_limits() -> None:
    state = TableState(site=SITE, project="ITSM", assignee="712020:" + "a" * 36, status="In Progress", page=3)
    encoded = state.encode(255)
    assert encoded is not None and TableState.decode(encoded) == state
    long_jql = " OR ".join(f'summary ~ "printer {i}"' for i in range(12))
    searched = TableState(site=SITE, jql=long_jql)
    packed = searched.encode(255)
    assert packed is not None and '"jqlz"' in packed and TableState.decode(packed).query == long_jql
    huge = TableState(site=SITE, jql=" OR ".join(f"key = X-{i * 7919}" for i in range(60)))
    assert huge.encode(255) is None and huge.encode(2000) is not None
    message = cards.search_message(
        SearchView("acme", huge.query or "", CategorySplit(1, 1, 1), ScanNote(3, 3, 10), AT, _table()), huge
    )
    validate(message["blocks"])
    kinds = [e["type"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "static_select" not in kinds and kinds == ["button"]  # too long to filter; still pages
    with pytest.raises(ValueError):
        TableState.decode('{"site": "x", "jqlz": "bm90IHpsaWI"}')


def test_filter_selects_show_the_current_choice() -> None:
    message = cards.project_message(_project(True), STATE.but(assignee="acc-sarah", priority="High", page=1))
    selects = {
        e["action_id"]: e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"] if "options" in e
    }
    assert selects[SummaryAction.FILTER_ASSIGNEE]["initial_option"]["value"] == "acc-sarah"
    assert selects[SummaryAction.FILTER_PRIORITY]["initial_option"]["value"] == "High"
    assert "initial_option" not in selects[SummaryAction.FILTER_STATUS]
    holder = next(b for b in message["blocks"] if SummaryAction.FILTER_STATUS in json.dumps(b))
    assert TableState.decode(holder["block_id"]) == STATE.but(assignee="acc-sarah", priority="High")


# ---- the pure helpers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jql", "where", "order"),
    [
        ("updated >= -30d ORDER BY updated DESC", "updated >= -30d", "ORDER BY updated DESC"),
        ('summary ~ "order by me" order by key', 'summary ~ "order by me"', "order by key"),
        ("ORDER BY created", "", "ORDER BY created"),
        ("reorder = x", "reorder = x", ""),
        ('text ~ "a \\" order by b"', 'text ~ "a \\" order by b"', ""),
    ],
)
def test_split_order(jql: str, where: str, order: str) -> None:
    assert split_order(jql) == (where, order)


def test_narrow_keeps_or_drops_the_order() -> None:
    jql = "project = A OR project = B ORDER BY updated DESC"
    assert narrow(jql, 'statusCategory = "To Do"') == (
        '(project = A OR project = B) AND statusCategory = "To Do" ORDER BY updated DESC'
    )
    assert narrow(jql, "assignee is EMPTY", keep_order=False) == "(project = A OR project = B) AND assignee is EMPTY"
    assert narrow("ORDER BY key", "priority = High") == "priority = High ORDER BY key"


def test_filter_clauses_quote_values() -> None:
    clauses = filter_clauses(
        TableFilters(status='Won\'t "Do"', assignee=UNASSIGNED_FILTER, priority=NO_PRIORITY_FILTER)
    )
    assert clauses == ['status = "Won\'t \\"Do\\""', "assignee is EMPTY", "priority is EMPTY"]
    assert filter_clauses(TableFilters(assignee="acc-1", priority="High")) == [
        'assignee = "acc-1"',
        'priority = "High"',
    ]


def test_parse_time_and_issue_lines() -> None:
    assert parse_time("2025-01-15T09:12:44.123+0000") == datetime(2025, 1, 15, 9, 12, 44, 123000, tzinfo=UTC)
    assert parse_time("2025-01-15T09:12:44+0100") == datetime(2025, 1, 15, 8, 12, 44, tzinfo=UTC)
    assert parse_time("2025-01-15T09:12:44Z") == datetime(2025, 1, 15, 9, 12, 44, tzinfo=UTC)
    assert parse_time(None) is None and parse_time("yesterday") is None
    ranks: dict[str, int] = {}
    server = {
        "key": "OPS-7",
        "fields": {
            "summary": "VPN",
            "status": {"name": "Done", "statusCategory": {"key": "done"}},
            "assignee": {"name": "tom", "displayName": "Tom Hale"},
            "priority": {"id": "10002", "name": "Urgent"},
            "updated": "2025-01-15T09:12:44.000+0000",
            "resolutiondate": "2025-01-15T09:12:44.000+0000",
        },
    }
    line = issue_line(server, "https://jira.acme.local/jira", ranks)
    assert (line.assignee, line.assignee_id, line.category, line.url) == (
        "Tom Hale",
        "tom",
        "done",
        "https://jira.acme.local/jira/browse/OPS-7",
    )
    assert ranks == {"Urgent": 10002}


def test_stats_and_breakdowns() -> None:
    rows = [
        *ROWS,
        IssueLine("ITSM-9", "u", "s", "Done", "done", None, None, None, AT, resolved=AT - timedelta(days=31)),
    ]
    stats = project_stats(rows, AT)
    assert (stats.open, stats.in_progress, stats.done_30d, stats.unassigned, stats.total) == (3, 2, 0, 2, 5)
    parts = breakdowns(rows, {"Highest": 1, "High": 2, "Low": 4})
    assert [(t.label, t.total, t.open) for t in parts.by_priority] == [
        ("Highest", 1, 1),
        ("High", 1, 1),
        ("Low", 1, 1),
        ("No priority", 2, 0),
    ]
    assert [t.label for t in parts.by_assignee] == ["Sarah Chen", "Unassigned", "Tom Hale"]
    assert [c.label for c in parts.statuses] == ["To Do", "In Progress", "Waiting for customer", "Done"]
