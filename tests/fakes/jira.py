"""A stateful fake Jira (Cloud REST v3 or Server/Data Center REST v2) for tests, used by the real ``jira``
library over loopback::

    fake = FakeJira("Cloud")
    fake.add_project("ITSM", "IT Service Management")
    async with serve(fake.app) as base:
        client = JIRA(server=base, basic_auth=(fake.email, fake.api_token), options={"rest_api_version": "3"})

Every request is authenticated (Cloud: Basic email:API token; Server: Bearer personal access token) and checked
against ``shared/specs/jira-platform-v3.json`` (Server paths rewritten from ``/2/`` to ``/3/``). A request that
does not conform is answered 400 and recorded in ``violations``; a test fixture should assert it stays empty.

Tolerated on purpose, because real Jira accepts what the ``jira`` library sends: a numeric transition id, ``null``
optional members of search bodies, and on Server ``validateQuery=True`` and wiki-markup rich text.
Cloud mode serves only ``/rest/api/3`` and Server mode only ``/rest/api/2``: a call on the other version is a
violation (it would mean the client was configured with the wrong ``rest_api_version``).

Failure injection: ``fail_next``, ``rate_limit_next`` (429 + ``Retry-After``), ``down("503"|"reset")``/``up()``.
After a 429 with ``Retry-After: s`` on a method and path, a new request on the same method and path sooner than
``s`` seconds (``RETRY_AFTER_TOLERANCE`` of slack) is recorded in ``pacing_violations``. ``requests`` logs every
request (without its Authorization header); ``comment_posts(key)`` the comment attempts with times and statuses.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.jira_meta import ACCOUNT, BODY
from tests.fakes.jira_model import UTC, Workflow
from tests.fakes.jira_search import JiraSearch
from tests.fakes.jira_state import BOT_ACCOUNT
from tests.fakes.jira_webhook import webhook_request, webhook_signature
from tests.fakes.spec import check_openapi

__all__ = ["BOT_ACCOUNT", "FakeJira", "RecordedRequest", "webhook_request", "webhook_signature"]

# The fake checks credentials itself; the spec check gets a well-formed Basic header so that openapi-core's
# security matching succeeds on its first scheme (and does not warn about the OAuth2 one).
SPEC_AUTH = {"Authorization": "Basic " + base64.b64encode(b"spec:check").decode()}
RETRY_AFTER_TOLERANCE = 0.01  # seconds of timer slack allowed when checking that a client honoured Retry-After
UNCHECKED = {"mypermissions", "priority", "status", "issuetype", "user", "user_search", "attachments", "gone"}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class RecordedRequest:
    time: float  # time.monotonic() at arrival
    at: dt.datetime
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    status: int = 0  # 0: the connection was dropped unanswered (``down("reset")``)
    retry_after: int | None = None  # the Retry-After the fake answered with, if any
    dropped: bool = False

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class _Fault:
    remaining: int
    status: int
    retry_after: int | None
    method: str | None = None
    path: str | None = None  # substring of the request path

    def matches(self, request: web.Request) -> bool:
        return (self.method is None or self.method.upper() == request.method) and (
            self.path is None or self.path in request.path
        )


@dataclass
class _Pending:
    since: float
    retry_after: int
    statuses: list[int] = field(default_factory=list)


class FakeJira(JiraSearch):
    """See the module docstring. State: ``issues``, ``projects``, ``users``, ``requests``, ``violations``,
    ``pacing_violations``; seeding and Jira-side actions come from :class:`tests.fakes.jira_state.JiraState`."""

    def __init__(
        self,
        deployment: str = "Cloud",
        base_path: str = "",
        *,
        workflow: Workflow | None = None,
        email: str = "opsgate@acme.example",
        api_token: str = "jira-api-token",
        pat: str = "jira-personal-access-token",
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        """``deployment`` "Cloud" (REST v3, Basic ``email``:``api_token``) or "Server" (REST v2, Bearer ``pat``);
        ``base_path`` is a context path such as "/jira"; ``workflow`` defaults to
        :func:`tests.fakes.jira_model.default_workflow`; ``clock`` gives "now" (JQL relative dates, timestamps)."""
        super().__init__(deployment, workflow=workflow, email=email, api_token=api_token, pat=pat, clock=clock)
        self.base_path = base_path.rstrip("/")
        self.requests: list[RecordedRequest] = []
        self.violations: list[str] = []
        self.pacing_violations: list[str] = []
        self._faults: list[_Fault] = []
        self._down: str | None = None
        self._pending: dict[tuple[str, str], _Pending] = {}
        self.app = self._build_app()

    # ---- failure injection ----------------------------------------------------------------------------

    def fail_next(
        self,
        n: int = 1,
        status: int = 503,
        retry_after: int | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """Answer the next ``n`` matching requests with ``status`` (``path`` is a substring, e.g. "/comment")."""
        self._faults.append(_Fault(n, status, retry_after, method, path))

    def rate_limit_next(
        self, n: int = 1, retry_after: int = 2, *, method: str | None = None, path: str | None = None
    ) -> None:
        """Answer the next ``n`` matching requests 429 with ``Retry-After: retry_after``."""
        self._faults.append(_Fault(n, 429, retry_after, method, path))

    def down(self, mode: str = "503") -> None:
        """Answer everything 503 (``mode="503"``) or drop every connection unanswered (``mode="reset"``)."""
        if mode not in {"503", "reset"}:
            raise ValueError(mode)
        self._down = mode

    def up(self) -> None:
        self._down = None

    def comment_posts(self, key: str | None = None) -> list[RecordedRequest]:
        """Every comment POST that reached the fake (also those answered 429/5xx or dropped), in order."""
        return [
            r
            for r in self.requests
            if r.method == "POST" and r.path.endswith("/comment") and (key is None or f"/issue/{key}/" in r.path)
        ]

    def violation(self, request: web.Request, problem: str) -> None:
        self.violations.append(
            problem if problem.startswith(request.method) else f"{request.method} {request.path}: {problem}"
        )

    # ---- the application ------------------------------------------------------------------------------

    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        p = f"{self.base_path}/rest/api/{self.version}"
        routes: list[tuple[str, str, Handler, str | None]] = [
            ("GET", "/serverInfo", self.server_info, None),
            ("GET", "/myself", self.myself, None),
            ("GET", "/mypermissions", self.my_permissions, "mypermissions"),
            ("GET", "/field", self.fields, None),
            ("GET", "/priority", self.priorities, "priority"),
            ("GET", "/status", self.statuses, "status"),
            ("GET", "/issuetype", self.issue_types, "issuetype"),
            ("GET", "/user", self.get_user, "user"),
            ("GET", "/user/search", self.user_search, "user_search"),
            ("GET", "/project", self.projects_all, None),
            ("GET", "/project/{key}", self.project, None),
            ("POST", "/issue", self.create_issue, None),
            ("GET", "/issue/{key}", self.get_issue, None),
            ("PUT", "/issue/{key}", self.edit_issue, None),
            ("GET", "/issue/{key}/comment", self.get_comments, None),
            ("POST", "/issue/{key}/comment", self.add_comment, None),
            ("GET", "/issue/{key}/transitions", self.get_transitions, None),
            ("POST", "/issue/{key}/transitions", self.do_transition, None),
            ("POST", "/issue/{key}/attachments", self.add_attachments, "attachments"),
        ]
        if self.cloud:
            routes += [
                ("GET", "/project/search", self.project_search, None),
                ("GET", "/search/jql", self.search_jql, None),
                ("POST", "/search/jql", self.search_jql, None),
                ("POST", "/search/approximate-count", self.approximate_count, None),
                ("GET", "/search", self.search_gone, "gone"),
                ("POST", "/search", self.search_gone, "gone"),
            ]
        else:
            routes += [("GET", "/search", self.search_server, None), ("POST", "/search", self.search_server, None)]
        # /project/search must win over /project/{key}: register fixed paths first.
        routes.sort(key=lambda r: "{" in r[1])
        for method, path, handler, name in routes:
            app.router.add_route(method, p + path, handler, name=name and f"{name}_{method.lower()}")
        app.router.add_get(f"{self.base_path}/secure/attachment/{{id}}/{{name}}", self.attachment_content)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.base_url = f"{request.url.origin()}{self.base_path}"
        multipart = request.content_type.startswith("multipart/")
        raw = b"" if multipart else await request.read()
        rec = RecordedRequest(
            time.monotonic(),
            dt.datetime.now(UTC),
            request.method,
            request.path,
            {k: request.query.getall(k) for k in request.query},
            raw,
        )
        self.requests.append(rec)
        self._check_pacing(rec)
        response = await self._serve(request, handler, raw, rec)
        rec.status = 0 if rec.dropped else response.status
        return response

    def _check_pacing(self, rec: RecordedRequest) -> None:
        key = (rec.method, rec.path)
        pending = self._pending.get(key)
        if pending is None:
            return
        waited = rec.time - pending.since
        if waited < pending.retry_after - RETRY_AFTER_TOLERANCE:
            self.pacing_violations.append(
                f"{rec.method} {rec.path}: called again after {waited:.3f}s; Retry-After was {pending.retry_after}s"
            )
        del self._pending[key]

    def _authenticate(self, request: web.Request) -> str | None:
        header = request.headers.get("Authorization", "")
        scheme, _, cred = header.partition(" ")
        if self.cloud and scheme.lower() == "basic":
            try:
                email, _, token = base64.b64decode(cred).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None
            return BOT_ACCOUNT if (email, token) == (self.email, self.api_token) else None
        if not self.cloud and scheme.lower() == "bearer":
            return BOT_ACCOUNT if cred == self.pat else None
        return None

    async def _serve(
        self, request: web.Request, handler: Handler, raw: bytes, rec: RecordedRequest
    ) -> web.StreamResponse:
        if self._down == "reset":
            rec.dropped = True
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=503)
        if self._down == "503":
            return web.Response(status=503, text="Service Unavailable")
        fault = next((f for f in self._faults if f.remaining > 0 and f.matches(request)), None)
        if fault is not None:
            fault.remaining -= 1
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            if fault.retry_after is not None:
                self._pending[(request.method, request.path)] = _Pending(rec.time, fault.retry_after)
                rec.retry_after = fault.retry_after
            text = "Rate limit exceeded." if fault.status == 429 else "Service Unavailable"
            return web.json_response({"errorMessages": [text], "errors": {}}, status=fault.status, headers=headers)
        anonymous = not request.headers.get("Authorization") and request.path.endswith("/serverInfo")
        account = self._authenticate(request)
        if account is None and not anonymous:
            headers = {} if self.cloud else {"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"}
            return web.json_response(
                {
                    "errorMessages": ["You are not authenticated. Authentication required to perform this operation."],
                    "errors": {},
                },
                status=401,
                headers=headers,
            )
        request[ACCOUNT] = account or ""
        if getattr(request.match_info, "http_exception", None) is not None:
            self.violation(request, "no such Jira REST resource in this fake (wrong API version or path?)")
            return web.json_response({"errorMessages": ["Not Found"], "errors": {}}, status=404)
        if raw:
            try:
                request[BODY] = json.loads(raw)
            except ValueError:
                request[BODY] = None
        problem = self._spec_problem(request, raw)
        if problem:
            self.violation(request, problem)
            return web.json_response({"errorMessages": [problem], "errors": {}}, status=400)
        try:
            return await handler(request)
        except web.HTTPException:
            raise
        except Exception as exc:  # a bug in the fake or a request it cannot digest: fail the test loudly
            self.violation(request, f"the fake failed: {exc!r}")
            return web.json_response({"errorMessages": [f"fake error: {exc!r}"], "errors": {}}, status=500)

    def _spec_problem(self, request: web.Request, raw: bytes) -> str | None:
        name = request.match_info.route.name or ""
        if name.rsplit("_", 1)[0] in UNCHECKED:
            return None
        prefix = f"{self.base_path}/rest/api/{self.version}/"
        rel = request.path[len(prefix) :]
        query: dict[str, Any] = {}
        for k in request.query:
            values = request.query.getall(k)
            query[k] = values if len(values) > 1 else values[0]
        body = raw
        data = request.get(BODY)
        if not self.cloud and isinstance(query.get("validateQuery"), str):
            query["validateQuery"] = query["validateQuery"].lower()
        if isinstance(data, dict):
            data = _tolerated(rel, request.method, data, self.cloud)
            body = json.dumps(data).encode()
        return check_openapi(
            "jira",
            request.method,
            f"/rest/api/3/{rel}",
            query,
            body,
            SPEC_AUTH,
            request.content_type or "application/json",
        )


def _tolerated(rel: str, method: str, data: dict[str, Any], cloud: bool) -> dict[str, Any]:
    """What real Jira accepts though the v3 description does not (see the module docstring)."""
    data = json.loads(json.dumps(data))
    if method == "POST" and rel.startswith("search"):
        data = {k: v for k, v in data.items() if v is not None}
        if not cloud and isinstance(data.get("validateQuery"), bool):
            data["validateQuery"] = str(data["validateQuery"]).lower()
    transition = data.get("transition")
    if rel.endswith("/transitions") and isinstance(transition, dict) and isinstance(transition.get("id"), int):
        transition["id"] = str(transition["id"])
    if not cloud:  # v2 rich text is wiki markup; the v3 description types it as ADF
        data.pop("body", None)
        fields = data.get("fields")
        for key in ("description", "environment"):
            if isinstance(fields, dict):
                fields.pop(key, None)
        for op in (data.get("update") or {}).get("comment", []):
            (op.get("add") or {}).pop("body", None)
    return data
