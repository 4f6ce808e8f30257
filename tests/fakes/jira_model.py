"""The fake Jira's data: users, projects, a workflow, issues with comments, attachments and changelogs.

Plain dataclasses; JSON rendering lives in :mod:`tests.fakes.jira_render`, the server in
:mod:`tests.fakes.jira`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

UTC = dt.UTC

# Jira's three status categories: key -> (id, display name, colour).
CATEGORIES: dict[str, tuple[int, str, str]] = {
    "new": (2, "To Do", "blue-gray"),
    "indeterminate": (4, "In Progress", "yellow"),
    "done": (3, "Done", "green"),
}

# Default priority scheme, highest first (Jira sorts priority by this sequence).
PRIORITIES: list[tuple[str, str]] = [
    ("1", "Highest"),
    ("2", "High"),
    ("3", "Medium"),
    ("4", "Low"),
    ("5", "Lowest"),
]

ISSUE_TYPES: list[tuple[str, str]] = [("10001", "Task"), ("10004", "Bug"), ("10010", "Service Request")]

PERMISSION_KEYS = (
    "BROWSE_PROJECTS",
    "CREATE_ISSUES",
    "EDIT_ISSUES",
    "TRANSITION_ISSUES",
    "ADD_COMMENTS",
    "CREATE_ATTACHMENTS",
    "ASSIGN_ISSUES",
    "RESOLVE_ISSUES",
    "DELETE_ISSUES",
    "ADMINISTER_PROJECTS",
)


def jira_time(value: dt.datetime) -> str:
    """Jira's timestamp format: ``2025-01-15T09:12:44.123+0000``."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"


@dataclass
class JiraUser:
    account_id: str
    display_name: str
    email: str | None = None
    name: str | None = None  # Server/Data Center username; defaults to the email's local part
    active: bool = True
    time_zone: str = "Europe/London"

    @property
    def username(self) -> str:
        return self.name or (self.email or self.account_id).split("@")[0]


@dataclass(frozen=True)
class Status:
    id: str
    name: str
    category: str  # "new" | "indeterminate" | "done"


@dataclass(frozen=True)
class Transition:
    id: str
    name: str
    to: str  # target status name
    sources: tuple[str, ...] = ()  # status names it is available from; empty = from every status (global)


@dataclass
class Workflow:
    statuses: list[Status]
    transitions: list[Transition]
    initial: str

    def status(self, name: str) -> Status | None:
        return next((s for s in self.statuses if s.name.lower() == name.lower()), None)

    def status_by_id(self, status_id: str) -> Status | None:
        return next((s for s in self.statuses if s.id == status_id), None)

    def available(self, current: str) -> list[Transition]:
        """Transitions offered from ``current`` (never a loop back to the same status)."""
        cur = current.lower()
        return [
            t
            for t in self.transitions
            if t.to.lower() != cur and (not t.sources or cur in {s.lower() for s in t.sources})
        ]


def default_workflow() -> Workflow:
    """To Do -> In Progress -> Done, To Do -> Won't Do; Done/Won't Do reopen to To Do.

    So "Done" is unreachable from "To Do" and "Won't Do" is unreachable from "In Progress".
    """
    return Workflow(
        statuses=[
            Status("10000", "To Do", "new"),
            Status("3", "In Progress", "indeterminate"),
            Status("10001", "Done", "done"),
            Status("10002", "Won't Do", "done"),
        ],
        transitions=[
            Transition("11", "Start Progress", "In Progress", ("To Do",)),
            Transition("21", "Stop Progress", "To Do", ("In Progress",)),
            Transition("31", "Done", "Done", ("In Progress",)),
            Transition("41", "Won't Do", "Won't Do", ("To Do",)),
            Transition("51", "Reopen", "To Do", ("Done", "Won't Do")),
        ],
        initial="To Do",
    )


@dataclass
class Project:
    id: str
    key: str
    name: str
    lead: str  # account id
    type_key: str = "software"  # "software" | "service_desk" | "business"


@dataclass
class Comment:
    id: str
    body: Any  # exactly as sent: an ADF document on v3, a wiki-markup string on v2
    author: str  # account id
    created: dt.datetime
    updated: dt.datetime
    visibility: dict[str, Any] | None = None
    properties: list[Any] | None = None


@dataclass
class Attachment:
    id: str
    filename: str
    content: bytes
    mime_type: str
    author: str
    created: dt.datetime

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class ChangeGroup:
    id: str
    author: str
    created: dt.datetime
    items: list[dict[str, Any]]


@dataclass
class Issue:
    id: str
    key: str
    project: str  # project key
    summary: str
    status: str  # status name
    issuetype: str = "Task"
    description: Any = None  # ADF on Cloud, a string on Server, or None
    priority: str | None = "Medium"
    assignee: str | None = None  # account id
    reporter: str | None = None
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(UTC))
    updated: dt.datetime = field(default_factory=lambda: dt.datetime.now(UTC))
    duedate: str | None = None  # YYYY-MM-DD
    resolution: str | None = None
    resolutiondate: dt.datetime | None = None
    labels: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    changelog: list[ChangeGroup] = field(default_factory=list)

    @property
    def number(self) -> int:
        return int(self.key.rsplit("-", 1)[1])

    @property
    def fields(self) -> dict[str, Any]:
        """The raw field values, for assertions (users as account ids, status/priority as names)."""
        return {
            "summary": self.summary,
            "description": self.description,
            "issuetype": self.issuetype,
            "status": self.status,
            "priority": self.priority,
            "assignee": self.assignee,
            "reporter": self.reporter,
            "duedate": self.duedate,
            "labels": list(self.labels),
            "resolution": self.resolution,
            "created": self.created,
            "updated": self.updated,
            "resolutiondate": self.resolutiondate,
        }


# ---- Atlassian Document Format ---------------------------------------------------------------------------


def text_to_adf(text: str) -> dict[str, Any]:
    """A plain text as an ADF document, one paragraph per non-empty line."""
    paragraphs = [
        {"type": "paragraph", "content": [{"type": "text", "text": line}]} for line in text.splitlines() if line
    ]
    return {"type": "doc", "version": 1, "content": paragraphs}


def adf_to_text(node: Any) -> str:
    """The text of an ADF document (paragraphs and hard breaks become new lines)."""
    if isinstance(node, str):
        return node
    if not isinstance(node, dict):
        return ""
    if node.get("type") == "text":
        return str(node.get("text", ""))
    if node.get("type") == "hardBreak":
        return "\n"
    parts = [adf_to_text(child) for child in node.get("content", [])]
    block = node.get("type") in {"doc", "bulletList", "orderedList", "table", "tableRow"}
    return ("\n" if block else "").join(parts)


def adf_problem(value: Any, where: str = "doc") -> str | None:
    """Why ``value`` is not an ADF document Jira would accept, or ``None``."""
    if not isinstance(value, dict):
        return f"{where}: expected an ADF document object, got {type(value).__name__}"
    if where == "doc" and (value.get("type") != "doc" or value.get("version") != 1):
        return 'doc: an ADF document needs "type": "doc" and "version": 1'
    if not isinstance(value.get("type"), str):
        return f"{where}: node without a string type"
    if value["type"] == "text" and not (isinstance(value.get("text"), str) and value["text"]):
        return f"{where}: text node must have a non-empty text"
    content = value.get("content", [])
    if not isinstance(content, list):
        return f"{where}: content must be an array"
    for i, child in enumerate(content):
        problem = adf_problem(child, f"{where}.content[{i}]")
        if problem:
            return problem
    return None
