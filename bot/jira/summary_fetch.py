"""The Jira calls of the read-only summary, one function per endpoint, over the integration's
:class:`~opsgate.bot.jira.client.JiraClient` (its ``jira`` library object and its Cloud/Server strategy).

Blocking (the ``jira`` library is synchronous): the summary service runs each in the gateway's worker threads, one
page at a time, so waits for ``Retry-After`` happen on the event loop and never hold a thread. Errors are
:class:`~opsgate.bot.jira.client.JiraCallError` (Jira's status and its own message), via ``calling``.

* Cloud: ``GET /rest/api/3/search/jql`` (token paging, ``isLast``/``nextPageToken``, no total) and
  ``POST /rest/api/3/search/approximate-count``. The old ``/rest/api/3/search`` answers 410 Gone there.
* Server / Data Center: ``GET /rest/api/2/search`` (``startAt`` paging with ``total``); a count is a one-issue
  page's ``total``.
* Both: ``GET /project?expand=lead`` and ``GET /project/{key}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from opsgate.bot.jira.client import JiraCallError, JiraClient, NotJira, calling
from opsgate.bot.jira.summary_data import FIELDS, issue_line
from opsgate.cards.jira_summary_views import IssueLine

CLOUD_PAGE = 100  # Jira Cloud's largest /search/jql page when fields beyond id/key are asked for
SERVER_PAGE = 1000  # Data Center's default jira.search.views.default.max
POST_OVER = 1500  # a JQL longer than this travels in a POST body rather than the URL


@dataclass(frozen=True)
class Page:
    issues: list[dict[str, Any]]
    more: bool
    next_token: str | None = None  # Cloud
    next_start: int = 0  # Server
    total: int | None = None  # Server only (Cloud's enhanced search has no total)


def _call(client: JiraClient, method: str, path: str) -> str:
    return f"{method} /rest/api/{client.flavor.api_version}/{path}"


def page_size(client: JiraClient) -> int:
    return CLOUD_PAGE if client.flavor.cloud else SERVER_PAGE


def search_page(
    client: JiraClient, jql: str, fields: Sequence[str], *, size: int, token: str | None = None, start: int = 0
) -> Page:
    """One page of issues matching ``jql`` with only ``fields``."""
    post = len(jql) > POST_OVER
    method = "POST" if post else "GET"
    if client.flavor.cloud:
        with calling(_call(client, method, "search/jql")):
            data = client.jira.enhanced_search_issues(
                jql, nextPageToken=token, maxResults=size, fields=list(fields), json_result=True, use_post=post
            )
        assert isinstance(data, dict)
        nxt = data.get("nextPageToken")
        more = bool(nxt) and not data.get("isLast", False)
        return Page(list(data.get("issues") or []), more, next_token=str(nxt) if more else None)
    with calling(_call(client, method, "search")):
        data = client.jira.search_issues(
            jql, startAt=start, maxResults=size, fields=list(fields), json_result=True, use_post=post
        )
    assert isinstance(data, dict)
    issues = list(data.get("issues") or [])
    total = int(data.get("total") or 0)
    following = start + len(issues)
    return Page(issues, bool(issues) and following < total, next_start=following, total=total)


def issue_page(
    client: JiraClient, *, jql: str, size: int, token: str | None, start: int, base: str
) -> tuple[Page, list[IssueLine], dict[str, int]]:
    page = search_page(client, jql, FIELDS, size=size, token=token, start=start)
    """One page of ``jql`` as table rows, with the priorities' sort ranks seen on it (parsed in the worker
    thread, off the event loop)."""
    ranks: dict[str, int] = {}
    return page, [issue_line(raw, base, ranks) for raw in page.issues], ranks


def count(client: JiraClient, jql: str) -> int:
    """How many issues match: Cloud's approximate count, Server's search ``total``."""
    if client.flavor.cloud:
        with calling(_call(client, "POST", "search/approximate-count")):
            return int(client.jira.approximate_issue_count(jql))  # type: ignore[arg-type]
    page = search_page(client, jql, ["key"], size=1)
    return int(page.total or 0)


def projects(client: JiraClient) -> list[dict[str, Any]]:
    """Every project the account can see, with its lead."""
    with calling(_call(client, "GET", "project")):
        return [dict(p.raw) for p in client.jira.projects(expand="lead")]


def project(client: JiraClient, key: str) -> dict[str, Any]:
    return client.project(key)


def explain(err: JiraCallError) -> str:
    """What a Jira failure means for the person who asked (no header, no credential)."""
    if err.status == 429:
        wait = f" in {round(err.retry_after)} s" if err.retry_after else " in a minute"
        return f"Jira is rate limiting OpsGate (HTTP 429); try again{wait}."
    if isinstance(err, NotJira):
        return f"The Jira site did not answer like Jira: {err.detail}"
    if err.temporary:
        what = f"HTTP {err.status}" if err.status else err.detail
        return f"Jira is unavailable right now ({what}); try again in a moment."
    if err.status in (401, 403):
        return (
            f"Jira refused OpsGate's account (HTTP {err.status}): {err.detail}. "
            "An admin can check the integration with `opsgate jira test`."
        )
    return f"Jira answered HTTP {err.status}: {err.detail}" if err.status else err.detail
