"""Jira webhook changes as one timeline line (pure), e.g.
``Jira update (SEC-42): status changed from "In Progress" to "Done"; assignee set to "alice@example.com"``.

One clause per changelog item, in Jira's order; a comment added in the same event is quoted (shortened). Long
values (descriptions) are summarised rather than copied into chat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from opsgate.bot.jira.markup import adf_text

MAX_VALUE = 120
MAX_COMMENT = 300
LABELS = {
    "duedate": "due date",
    "issuetype": "issue type",
    "timeestimate": "remaining estimate",
    "Fix Version": "fix version",
}
SUMMARISED = frozenset({"description", "environment", "Attachment"})
USER_FIELDS = frozenset({"assignee", "reporter"})


def _short(value: str, limit: int = MAX_VALUE) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _user_value(item: Mapping[str, Any], fields: Mapping[str, Any], side: str) -> str | None:
    """A user named by email when the issue shows it for that account, else by display name."""
    text = item.get(f"{side}String")
    account = item.get(f"tmp{side.capitalize()}AccountId") or item.get(side)
    person = fields.get(str(item.get("field"))) if isinstance(fields, Mapping) else None
    if (
        isinstance(person, Mapping)
        and account
        and account in (person.get("accountId"), person.get("name"), person.get("key"))
    ):
        email = person.get("emailAddress")
        if email:
            return str(email)
    return None if text is None else str(text)


def clause(item: Mapping[str, Any], fields: Mapping[str, Any]) -> str | None:
    raw = str(item.get("field") or "").strip()
    if not raw:
        return None
    label = LABELS.get(raw, raw)
    if raw in SUMMARISED:
        return f"{label} updated"
    if raw in USER_FIELDS:
        old, new = _user_value(item, fields, "from"), _user_value(item, fields, "to")
    else:
        old = None if item.get("fromString") in (None, "") else str(item["fromString"])
        new = None if item.get("toString") in (None, "") else str(item["toString"])
    if old is not None and new is not None:
        return f'{label} changed from "{_short(old)}" to "{_short(new)}"'
    if new is not None:
        return f'{label} set to "{_short(new)}"'
    if old is not None:
        return f'{label} cleared (was "{_short(old)}")'
    return f"{label} changed"


def who(user: Mapping[str, Any] | None) -> str:
    if not user:
        return "someone"
    return str(user.get("displayName") or user.get("name") or user.get("accountId") or "someone")


def update_line(
    key: str,
    items: Sequence[Mapping[str, Any]],
    fields: Mapping[str, Any] | None,
    comment: Mapping[str, Any] | None = None,
) -> str | None:
    clauses = [c for item in items if (c := clause(item, fields or {})) is not None]
    if comment:
        body = _short(adf_text(comment.get("body")), MAX_COMMENT)
        if body:
            clauses.append(f'comment by {who(comment.get("author"))}: "{body}"')
    if not clauses:
        return None
    return f"Jira update ({key}): " + "; ".join(clauses)
