"""Fields and values of the fake Jira's JQL subset: what each field means on an issue and how a literal in a
query resolves (with Jira's messages for values that do not exist)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from tests.fakes.jira_model import CATEGORIES, PRIORITIES, UTC, Issue, JiraUser, Project, Workflow, adf_to_text


class JqlError(Exception):
    """A JQL problem; ``str(exc)`` is the text Jira puts in ``errorMessages``."""


@dataclass
class JqlContext:
    workflow: Workflow
    projects: dict[str, Project]
    users: dict[str, JiraUser]
    now: dt.datetime
    current_user: str
    issue_types: list[str]

    def __post_init__(self) -> None:
        self.category_of = {s.name.lower(): s.category for s in self.workflow.statuses}


ALIASES = {
    "type": "issuetype",
    "issuekey": "key",
    "id": "key",
    "resolved": "resolutiondate",
    "due": "duedate",
    "createddate": "created",
    "updateddate": "updated",
    "statuscategory": "statuscategory",
}
NAMED = {"project", "status", "statuscategory", "priority", "issuetype", "resolution", "labels", "key"}
USERS = {"assignee", "reporter"}
DATES = {"created", "updated", "resolutiondate", "duedate"}
TEXT = {"summary", "text"}
SORTABLE = NAMED | USERS | DATES | {"summary"}


def category_key(value: str) -> str | None:
    v = value.lower()
    for key, (cid, name, _colour) in CATEGORIES.items():
        if v in {key, name.lower(), str(cid)}:
            return key
    return None


def issue_value(field: str, issue: Issue, ctx: JqlContext) -> Any:
    """The comparable value of ``field`` on ``issue`` (lower-cased names, account ids, datetimes)."""
    if field == "project":
        return issue.project.lower()
    if field == "status":
        return issue.status.lower()
    if field == "statuscategory":
        return ctx.category_of.get(issue.status.lower())
    if field in {"priority", "issuetype", "resolution"}:
        value = getattr(issue, field)
        return value.lower() if value else None
    if field == "labels":
        return [label.lower() for label in issue.labels] or None
    if field == "key":
        return issue.key.lower()
    if field in USERS:
        return getattr(issue, field)
    if field == "duedate":
        return dt.datetime.fromisoformat(issue.duedate).replace(tzinfo=UTC) if issue.duedate else None
    if field in DATES:
        return getattr(issue, field)
    if field == "summary":
        return issue.summary.lower()
    if field == "text":
        comments = " ".join(adf_to_text(c.body) for c in issue.comments)
        return f"{issue.summary} {adf_to_text(issue.description or '')} {comments}".lower()
    raise AssertionError(field)


def parse_date(raw: str, field: str, ctx: JqlContext) -> dt.datetime:
    m = re.fullmatch(r"([-+]?)(\d+)([wdhm])", raw.strip())
    if m:
        unit = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}[m.group(3)]
        delta = dt.timedelta(**{unit: int(m.group(2))})
        return ctx.now - delta if m.group(1) == "-" else ctx.now + delta
    for fmt in ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(raw.strip(), fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise JqlError(
        f"Date value '{raw}' for field '{field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', "
        "'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."
    )


def resolve(field: str, kind: str, raw: str, ctx: JqlContext) -> Any:
    """Turn one literal (kind STR, WORD or FUNC) into the comparable value; unknown values are errors."""
    missing = JqlError(f"The value '{raw}' does not exist for the field '{field}'.")
    if kind == "FUNC":
        name = raw.lower()
        if name == "currentuser" and field in USERS:
            return ctx.current_user
        if name in {"now", "startofday", "endofday"} and field in DATES:
            day = ctx.now.replace(hour=0, minute=0, second=0, microsecond=0)
            return {"now": ctx.now, "startofday": day, "endofday": day + dt.timedelta(days=1)}[name]
        raise JqlError(f"Unable to find JQL function '{raw}()'.")
    if field in DATES:
        return parse_date(raw, field, ctx)
    if field in TEXT:
        return raw.lower()
    if field in USERS:
        v = raw.lower()
        for user in ctx.users.values():
            if v in {user.account_id.lower(), (user.email or "").lower(), user.username.lower()}:
                return user.account_id
        raise missing
    value = raw.lower()
    known: set[str] | None = {
        "project": {p.key.lower() for p in ctx.projects.values()} | {p.id for p in ctx.projects.values()},
        "status": {s.name.lower() for s in ctx.workflow.statuses},
        "priority": {name.lower() for _pid, name in PRIORITIES},
        "issuetype": {t.lower() for t in ctx.issue_types},
        "resolution": {s.name.lower() for s in ctx.workflow.statuses if s.category == "done"} | {"unresolved"},
    }.get(field)
    if field == "statuscategory":
        key = category_key(raw)
        if key is None:
            raise missing
        return key
    if field == "project":
        by_id = {p.id: p.key.lower() for p in ctx.projects.values()}
        value = by_id.get(value, value)
    if known is not None and value not in known:
        raise missing
    if field == "resolution" and value == "unresolved":
        return None
    return value
