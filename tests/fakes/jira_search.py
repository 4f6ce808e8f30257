"""Search in the fake Jira: Cloud's token-paged ``/search/jql`` and ``/search/approximate-count`` (the old
``/search`` answers 410 Gone there), Server/Data Center's offset-paged ``/search`` with ``total``."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from aiohttp import web

from tests.fakes.jira_api import JiraApi
from tests.fakes.jira_jql import Query, compile_jql
from tests.fakes.jira_jql_fields import JqlError
from tests.fakes.jira_meta import ACCOUNT, body_json, jira_error
from tests.fakes.jira_render import select_fields

UNBOUNDED = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
GONE = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)
DEFAULT_PAGE = 50
CLOUD_CAP_FIELDS = 100  # per page when fields beyond id/key are asked for
CLOUD_CAP_IDS = 5000  # per page when only id/key are asked for
SERVER_CAP = 1000  # Data Center's jira.search.views.default.max


def _params(request: web.Request) -> dict[str, Any]:
    """Search parameters from the query string (GET) or the JSON body (POST), ``fields`` as a list."""
    if request.method == "POST":
        data = body_json(request)
        out = dict(data) if isinstance(data, dict) else {}
        fields = out.get("fields")
        out["fields"] = [fields] if isinstance(fields, str) else fields
        return out
    out = {k: request.query.get(k) for k in request.query if k != "fields"}
    out["fields"] = request.query.getall("fields", None)
    return out


def _int(value: Any, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except (TypeError, ValueError):
        return default


def _token(jql: str, snapshot: int, offset: int) -> str:
    raw = json.dumps({"s": snapshot, "o": offset, "q": hashlib.sha256(jql.encode()).hexdigest()[:12]})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _read_token(jql: str, token: str) -> tuple[int, int] | None:
    """(snapshot, offset) from a token issued for the same JQL, else ``None``."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if data["q"] != hashlib.sha256(jql.encode()).hexdigest()[:12]:
            return None
        return int(data["s"]), int(data["o"])
    except (ValueError, KeyError, TypeError):
        return None


class JiraSearch(JiraApi):
    # Token paging walks the result set computed for the first page, as Jira's does, so later pages are
    # consistent and cheap. Only the most recent snapshots are kept.
    MAX_SNAPSHOTS = 64

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._snapshots: dict[int, list[str]] = {}

    def _compile(self, request: web.Request, jql: str) -> Query | web.Response:
        try:
            return compile_jql(jql, self.jql_context(request[ACCOUNT]))
        except JqlError as exc:
            return jira_error(400, str(exc))

    def _matches(self, query: Query) -> list[Any]:
        if not self.permissions.get("BROWSE_PROJECTS", False):
            return []
        return query.select(list(self.issues.values()))

    async def search_jql(self, request: web.Request) -> web.Response:
        """Cloud ``GET/POST /rest/api/3/search/jql``: ``nextPageToken`` paging, no total, ``isLast``."""
        params = _params(request)
        jql = params.get("jql") or ""
        query = self._compile(request, jql)
        if isinstance(query, web.Response):
            return query
        if not query.bounded:
            return jira_error(400, UNBOUNDED)
        chosen = select_fields(params.get("fields"), "id")
        cap = CLOUD_CAP_FIELDS if chosen else CLOUD_CAP_IDS
        size = max(0, min(_int(params.get("maxResults"), DEFAULT_PAGE), cap))
        snapshots = self._snapshots
        if params.get("nextPageToken"):
            found = _read_token(jql, str(params["nextPageToken"]))
            if found is None or found[0] not in snapshots:
                return jira_error(400, "The provided next page token is invalid or expired.")
            snapshot, offset = found
        else:
            snapshot, offset = len(snapshots) and max(snapshots) + 1, 0
            snapshots[snapshot] = [i.key for i in self._matches(query)]
            for old in sorted(snapshots)[: -self.MAX_SNAPSHOTS]:
                del snapshots[old]
        keys = snapshots[snapshot]
        page = [self.issues[k] for k in keys[offset : offset + size] if k in self.issues]
        render = self.renderer()
        out: dict[str, Any] = {"issues": [render.issue(i, chosen) for i in page]}
        out["isLast"] = offset + size >= len(keys)
        if not out["isLast"]:
            out["nextPageToken"] = _token(jql, snapshot, offset + size)
        return web.json_response(out)

    async def approximate_count(self, request: web.Request) -> web.Response:
        """Cloud ``POST /rest/api/3/search/approximate-count`` (the fake's count is exact)."""
        data = body_json(request)
        query = self._compile(request, str(data.get("jql") or "") if isinstance(data, dict) else "")
        if isinstance(query, web.Response):
            return query
        if not query.bounded:
            return jira_error(400, UNBOUNDED)
        return web.json_response({"count": len(self._matches(query))})

    async def search_gone(self, request: web.Request) -> web.Response:
        """Cloud removed ``/rest/api/3/search`` (CHANGE-2046)."""
        return jira_error(410, GONE)

    async def search_server(self, request: web.Request) -> web.Response:
        """Server/Data Center ``GET/POST /rest/api/2/search``: ``startAt``/``maxResults``/``total``."""
        params = _params(request)
        query = self._compile(request, params.get("jql") or "")
        if isinstance(query, web.Response):
            return query
        start = max(0, _int(params.get("startAt"), 0))
        size = max(0, min(_int(params.get("maxResults"), DEFAULT_PAGE), SERVER_CAP))
        matches = self._matches(query)
        chosen = select_fields(params.get("fields"), "*navigable")
        render = self.renderer()
        return web.json_response(
            {
                "expand": "schema,names",
                "startAt": start,
                "maxResults": size,
                "total": len(matches),
                "issues": [render.issue(i, chosen) for i in matches[start : start + size]],
            }
        )
