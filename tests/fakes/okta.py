"""A stateful fake Okta org: users with lifecycle status, factors, groups and memberships.

Every request is checked against ``shared/specs/okta-management.yaml`` (a non-conforming one gets 400 and
lands in ``violations``) and must carry ``Authorization: SSWS <token>``. Answers use Okta's shapes, error
objects (``errorCode``/``errorSummary``/``errorCauses``) and rate-limit headers. ``fail_next`` makes the next
requests fail with a chosen status and headers (429 with ``X-Rate-Limit-Reset``, 503, ...).

Two routes are outside the trimmed description (shared/specs was cut to the operations OpsGate called before the
JIT reconciler and the membership read existed, and it is not ours to edit):

* ``GET /api/v1/groups/{groupId}/users`` (``listGroupUsers``, "List all member users"): served with Okta's
  paging. A page holds ``limit`` users (default 1000, Okta's documented default; never more than ``page_cap``)
  ordered by id, and the answer carries ``Link: <...>; rel="self"`` and, when more follow,
  ``Link: <...?after=<last id>&limit=N>; rel="next"``.
* ``GET /api/v1/users/{userId}/groups`` (``listUserGroups``, "List all groups of a user"): the user's groups.

Their requests are checked by hand against Okta's reference for those operations (``listGroupUsers``: query
``after`` (string cursor, as issued in a next link) and ``limit`` (positive integer), nothing else;
``listUserGroups``: no query at all); a departure is answered 400 and recorded in ``violations`` like a spec
violation, and each such request is logged in ``unchecked``. Newer Okta releases add ``search``, ``sortBy`` and
``sortOrder`` to ``listGroupUsers``; this fake does not serve them, so a client sending them is recorded too.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from tests.fakes.base import Failure, SeenRequest

from .spec import check_openapi

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ERROR_SUMMARIES = {
    400: ("E0000001", "Api validation failed"),
    401: ("E0000011", "Invalid token provided"),
    403: ("E0000006", "You do not have permission to perform the requested action"),
    404: ("E0000007", "Not found: Resource not found"),
    429: ("E0000047", "API call exceeded rate limit due to too many requests."),
    500: ("E0000009", "Internal Server Error"),
    502: ("E0000009", "Internal Server Error"),
    503: ("E0000010", "Service is in read only mode"),
}
# Routes the trimmed description lacks: checked by hand in their handler instead of by openapi-core.
UNSPECIFIED = frozenset({"list_group_users", "list_user_groups"})
DEFAULT_MEMBER_LIMIT = 1000
_CLAUSE = re.compile(r'\s*([\w.]+)\s+(eq|sw)\s+"((?:[^"\\]|\\.)*)"\s*(?:(or|and)\b|$)', re.IGNORECASE)


def okta_error(status: int, summary: str | None = None, causes: Iterable[str] = ()) -> web.Response:
    code, default = ERROR_SUMMARIES.get(status, ("E0000009", "Internal Server Error"))
    body = {
        "errorCode": code,
        "errorSummary": summary or default,
        "errorLink": code,
        "errorId": "oae" + secrets.token_hex(8),
        "errorCauses": [{"errorSummary": cause} for cause in causes],
    }
    return web.json_response(body, status=status)


def parse_search(expression: str) -> tuple[str, list[tuple[str, str, str]]] | None:
    """``profile.login eq "a" or profile.email eq "a"`` -> ("or", [(field, op, value), ...]).

    ``None`` when the expression is not one this fake supports.
    """
    clauses: list[tuple[str, str, str]] = []
    joiners: set[str] = set()
    pos = 0
    while pos < len(expression):
        match = _CLAUSE.match(expression, pos)
        if not match or match.end() == pos:
            return None
        name, op, raw, joiner = match.groups()
        clauses.append((name, op.lower(), re.sub(r"\\(.)", r"\1", raw)))
        if joiner:
            joiners.add(joiner.lower())
        pos = match.end()
    if not clauses or len(joiners) > 1:
        return None
    return (joiners.pop() if joiners else "and"), clauses


def _lookup(obj: dict[str, Any], dotted: str) -> Any:
    value: Any = obj
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def matches(obj: dict[str, Any], parsed: tuple[str, list[tuple[str, str, str]]]) -> bool:
    joiner, clauses = parsed
    results = []
    for name, op, wanted in clauses:
        actual = str(_lookup(obj, name) or "").casefold()
        results.append(actual == wanted.casefold() if op == "eq" else actual.startswith(wanted.casefold()))
    return any(results) if joiner == "or" else all(results)


class FakeOkta:
    def __init__(self, api_token: str = "okta-test-token-0123456789") -> None:
        self.api_token = api_token
        self.users: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.members: dict[str, set[str]] = {}
        self.factors: dict[str, list[dict[str, Any]]] = {}
        self.emails: list[tuple[str, str]] = []  # (kind, login): the emails Okta would have sent
        self.requests: list[SeenRequest] = []
        self.violations: list[str] = []
        self.unchecked: list[str] = []  # requests to routes outside the trimmed spec (checked by hand)
        self.page_cap = DEFAULT_MEMBER_LIMIT  # most member users one page holds, whatever ``limit`` says
        self._failures: deque[Failure] = deque()
        self._ids = itertools.count(1)
        self.app = web.Application(middlewares=[self._middleware])
        self._routes()

    # seeding and assertions ------------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):017d}"

    def add_user(
        self,
        login: str,
        *,
        first: str = "Test",
        last: str = "User",
        email: str | None = None,
        status: str = "ACTIVE",
        factors: Iterable[str] = (),
    ) -> str:
        user_id = self._new_id("00u")
        now = _now()
        self.users[user_id] = {
            "id": user_id,
            "status": status,
            "created": now,
            "activated": now if status != "STAGED" else None,
            "statusChanged": now,
            "lastLogin": None,
            "lastUpdated": now,
            "passwordChanged": now,
            "type": {"id": "oty0000000000000001"},
            "profile": {"firstName": first, "lastName": last, "email": email or login, "login": login},
            "credentials": {"provider": {"type": "OKTA", "name": "OKTA"}},
        }
        self.factors[user_id] = []
        for factor_type in factors:
            self.add_factor(login, factor_type)
        return user_id

    def add_factor(self, login: str, factor_type: str, provider: str = "OKTA") -> str:
        user_id = self.user(login)["id"]
        factor_id = self._new_id("ufs")
        self.factors[user_id].append(
            {
                "id": factor_id,
                "factorType": factor_type,
                "provider": provider,
                "status": "ACTIVE",
                "created": _now(),
                "lastUpdated": _now(),
                "profile": {},
            }
        )
        return factor_id

    def add_group(self, name: str, *, description: str = "", type: str = "OKTA_GROUP") -> str:
        group_id = self._new_id("00g")
        now = _now()
        self.groups[group_id] = {
            "id": group_id,
            "created": now,
            "lastUpdated": now,
            "lastMembershipUpdated": now,
            "objectClass": ["okta:user_group"],
            "type": type,
            "profile": {"name": name, "description": description},
        }
        self.members[group_id] = set()
        return group_id

    def add_member(self, group_name: str, login: str) -> None:
        self.members[self.group(group_name)["id"]].add(self.user(login)["id"])

    def user(self, login: str) -> dict[str, Any]:
        for user in self.users.values():
            if user["profile"]["login"].casefold() == login.casefold():
                return user
        raise KeyError(login)

    def status(self, login: str) -> str:
        return str(self.user(login)["status"])

    def factor_types(self, login: str) -> list[str]:
        return [f["factorType"] for f in self.factors[self.user(login)["id"]]]

    def group(self, name: str) -> dict[str, Any]:
        found = [g for g in self.groups.values() if g["profile"]["name"] == name]
        if len(found) != 1:
            raise KeyError(f"{len(found)} groups named {name!r}")
        return found[0]

    def group_members(self, name: str) -> set[str]:
        """Logins of the members of the group named ``name``."""
        return {self.users[uid]["profile"]["login"] for uid in self.members[self.group(name)["id"]]}

    def fail_next(
        self,
        n: int = 1,
        status: int = 503,
        headers: dict[str, str] | None = None,
        body: Any = None,
        only: str | None = None,
    ) -> None:
        """The next ``n`` requests (whose path contains ``only``, if given) answer ``status``."""
        for _ in range(n):
            self._failures.append(Failure(status, dict(headers or {}), body, only))

    # middleware -------------------------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        body = await request.read()
        query = dict(request.query)
        self.requests.append(SeenRequest(request.method, request.path, query, body))
        if request.match_info.route.name in UNSPECIFIED:
            self.unchecked.append(f"{request.method} {request.path}")
            problem = self._check_unspecified(request)
        else:
            problem = check_openapi(
                "okta", request.method, request.path, query, body, dict(request.headers), request.content_type
            )
        if problem:
            self.violations.append(problem)
            return okta_error(400, "Api validation failed", [problem])
        if request.headers.get("Authorization") != f"SSWS {self.api_token}":
            return okta_error(401)
        failure = self._take_failure(request.path)
        if failure is not None:
            if failure.body is not None:
                response: web.StreamResponse = web.json_response(failure.body, status=failure.status)
            else:
                response = okta_error(failure.status)
            response.headers.update(failure.headers)
            return response
        response = await handler(request)
        response.headers.setdefault("X-Rate-Limit-Limit", "600")
        response.headers.setdefault("X-Rate-Limit-Remaining", "599")
        response.headers.setdefault("X-Rate-Limit-Reset", str(int(time.time()) + 60))
        return response

    def _check_unspecified(self, request: web.Request) -> str | None:
        """The hand check of the two routes outside the trimmed spec (see the module docstring)."""
        where = f"{request.method} {request.path}"
        allowed = {"after", "limit"} if request.match_info.route.name == "list_group_users" else set()
        for key in request.query:
            if key not in allowed:
                return f"{where}: query parameter {key!r} is not one of the operation's ({', '.join(sorted(allowed))})"
            if len(request.query.getall(key)) > 1:
                return f"{where}: query parameter {key!r} given more than once"
        limit = request.query.get("limit")
        if limit is not None and not (limit.isdigit() and int(limit) >= 1):
            return f"{where}: limit must be a positive integer, got {limit!r}"
        if request.query.get("after") == "":
            return f"{where}: after must be a cursor from a next link, got an empty string"
        return None

    def _take_failure(self, path: str) -> Failure | None:
        for failure in list(self._failures):
            if failure.only is None or failure.only in path:
                self._failures.remove(failure)
                return failure
        return None

    def _routes(self) -> None:
        r = self.app.router
        r.add_get("/api/v1/users", self._list_users)
        r.add_post("/api/v1/users", self._create_user)
        r.add_get("/api/v1/users/{id}", self._get_user)
        r.add_post("/api/v1/users/{id}/lifecycle/{action}", self._lifecycle)
        r.add_get("/api/v1/users/{id}/factors", self._list_factors)
        r.add_delete("/api/v1/users/{id}/factors/{factor}", self._delete_factor)
        r.add_get("/api/v1/groups", self._list_groups)
        r.add_get("/api/v1/groups/{group}", self._get_group)
        r.add_get("/api/v1/groups/{group}/users", self._list_group_users, name="list_group_users")
        r.add_get("/api/v1/users/{id}/groups", self._list_user_groups, name="list_user_groups")
        r.add_put("/api/v1/groups/{group}/users/{id}", self._add_member)
        r.add_delete("/api/v1/groups/{group}/users/{id}", self._remove_member)

    # handlers ---------------------------------------------------------------------------------------------

    def _find(self, key: str) -> dict[str, Any] | None:
        if key in self.users:
            return self.users[key]
        try:
            return self.user(key)
        except KeyError:
            return None

    def _public(self, user: dict[str, Any], request: web.Request) -> dict[str, Any]:
        base = f"{request.url.origin()}/api/v1/users/{user['id']}"
        return {**user, "_links": {"self": {"href": base}}}

    def _filtered(self, items: Iterable[dict[str, Any]], request: web.Request) -> list[dict[str, Any]] | None:
        items = list(items)
        expression = request.query.get("search") or request.query.get("filter")
        if expression is not None:
            parsed = parse_search(expression)
            if parsed is None:
                return None
            items = [item for item in items if matches(item, parsed)]
        limit = int(request.query.get("limit", "200"))
        return items[:limit]

    async def _list_users(self, request: web.Request) -> web.StreamResponse:
        users = self.users.values()
        if "search" not in request.query:
            users = [u for u in users if u["status"] != "DEPROVISIONED"]
        q = request.query.get("q")
        if q:
            users = [
                u
                for u in users
                if any(
                    str(u["profile"].get(k, "")).casefold().startswith(q.casefold())
                    for k in ("firstName", "lastName", "email")
                )
            ]
        found = self._filtered(users, request)
        if found is None:
            return okta_error(400, "Invalid search criteria.", ["search: unsupported expression"])
        return web.json_response([self._public(u, request) for u in found])

    async def _create_user(self, request: web.Request) -> web.StreamResponse:
        body = json.loads(await request.read() or b"{}")
        profile = body.get("profile") or {}
        missing = [k for k in ("firstName", "lastName", "email", "login") if not profile.get(k)]
        if missing:
            return okta_error(400, causes=[f"{k}: The field cannot be left blank" for k in missing])
        if self._find(profile["login"]) is not None:
            return okta_error(
                400, causes=["login: An object with this field already exists in the current organization"]
            )
        group_ids = body.get("groupIds") or []
        unknown = [g for g in group_ids if g not in self.groups]
        if unknown:
            return okta_error(400, causes=[f"groupIds: {g} does not exist" for g in unknown])
        password = (((body.get("credentials") or {}).get("password")) or {}).get("value")
        activate = request.query.get("activate", "true") == "true"
        status = "STAGED" if not activate else ("ACTIVE" if password else "PROVISIONED")
        user_id = self.add_user(
            profile["login"],
            first=profile["firstName"],
            last=profile["lastName"],
            email=profile["email"],
            status=status,
        )
        self.users[user_id]["profile"].update(profile)
        for group_id in group_ids:
            self.members[group_id].add(user_id)
        if status == "PROVISIONED":
            self.emails.append(("activation", profile["login"]))
        return web.json_response(self._public(self.users[user_id], request))

    async def _get_user(self, request: web.Request) -> web.StreamResponse:
        user = self._find(request.match_info["id"])
        if user is None:
            return okta_error(404, f"Not found: Resource not found: {request.match_info['id']} (User)")
        return web.json_response(self._public(user, request))

    async def _lifecycle(self, request: web.Request) -> web.StreamResponse:
        user = self.users.get(request.match_info["id"])
        if user is None:
            return okta_error(404, f"Not found: Resource not found: {request.match_info['id']} (User)")
        action = request.match_info["action"]
        status = user["status"]
        transitions = {
            "suspend": ("ACTIVE", "SUSPENDED", "Cannot suspend a user that is not active"),
            "unsuspend": ("SUSPENDED", "ACTIVE", "Cannot unsuspend a user that is not suspended"),
            "unlock": ("LOCKED_OUT", "ACTIVE", "Cannot unlock a user that is not locked out"),
        }
        if action in transitions:
            source, target, refusal = transitions[action]
            if status != source:
                return okta_error(400, causes=[refusal])
            self._set_status(user, target)
            return web.Response(status=200)
        if status in ("DEPROVISIONED", "STAGED", "SUSPENDED"):
            return okta_error(403, "This operation is not allowed in the user's current status.")
        if action == "reset_password":
            self._set_status(user, "RECOVERY")
            if request.query.get("sendEmail", "true") == "true":
                self.emails.append(("reset_password", user["profile"]["login"]))
                return web.json_response({})
            url = f"{request.url.origin()}/reset_password/{secrets.token_urlsafe(12)}"
            return web.json_response({"summary": "Reset password without sending email", "resetPasswordUrl": url})
        if action == "expire_password":
            self._set_status(user, "PASSWORD_EXPIRED")
            return web.json_response(self._public(user, request))
        if action == "reset_factors":
            self.factors[user["id"]] = []
            return web.Response(status=200)
        return okta_error(404, f"Not found: lifecycle operation {action}")

    def _set_status(self, user: dict[str, Any], status: str) -> None:
        user["status"] = status
        user["statusChanged"] = user["lastUpdated"] = _now()

    async def _list_factors(self, request: web.Request) -> web.StreamResponse:
        user_id = request.match_info["id"]
        if user_id not in self.users:
            return okta_error(404, f"Not found: Resource not found: {user_id} (User)")
        return web.json_response(self.factors[user_id])

    async def _delete_factor(self, request: web.Request) -> web.StreamResponse:
        user_id, factor_id = request.match_info["id"], request.match_info["factor"]
        factors = self.factors.get(user_id)
        if factors is None or not any(f["id"] == factor_id for f in factors):
            return okta_error(404, f"Not found: Resource not found: {factor_id} (UserFactor)")
        self.factors[user_id] = [f for f in factors if f["id"] != factor_id]
        return web.Response(status=204)

    async def _list_groups(self, request: web.Request) -> web.StreamResponse:
        groups = list(self.groups.values())
        q = request.query.get("q")
        if q:
            groups = [g for g in groups if g["profile"]["name"].casefold().startswith(q.casefold())]
        found = self._filtered(groups, request)
        if found is None:
            return okta_error(400, "Invalid search criteria.", ["search: unsupported expression"])
        return web.json_response(found)

    async def _get_group(self, request: web.Request) -> web.StreamResponse:
        group = self.groups.get(request.match_info["group"])
        if group is None:
            return okta_error(404, f"Not found: Resource not found: {request.match_info['group']} (UserGroup)")
        return web.json_response(group)

    async def _list_group_users(self, request: web.Request) -> web.StreamResponse:
        group_id = request.match_info["group"]
        if group_id not in self.groups:
            return okta_error(404, f"Not found: Resource not found: {group_id} (UserGroup)")
        limit = min(int(request.query.get("limit", DEFAULT_MEMBER_LIMIT)), self.page_cap)
        after = request.query.get("after")
        members = sorted(uid for uid in self.members[group_id] if after is None or uid > after)
        page = members[:limit]
        response = web.json_response([self._public(self.users[uid], request) for uid in page])
        base = f"{request.url.origin()}/api/v1/groups/{group_id}/users"
        response.headers.add("Link", f'<{base}?{urlencode(dict(request.query))}>; rel="self"')
        if len(members) > limit:
            after_page = urlencode({"after": page[-1], "limit": request.query.get("limit", str(limit))})
            response.headers.add("Link", f'<{base}?{after_page}>; rel="next"')
        return response

    async def _list_user_groups(self, request: web.Request) -> web.StreamResponse:
        user = self._find(request.match_info["id"])
        if user is None:
            return okta_error(404, f"Not found: Resource not found: {request.match_info['id']} (User)")
        groups = [self.groups[gid] for gid, members in self.members.items() if user["id"] in members]
        return web.json_response(groups)

    def _membership(self, request: web.Request) -> tuple[str, str] | web.Response:
        group_id, user_id = request.match_info["group"], request.match_info["id"]
        if group_id not in self.groups:
            return okta_error(404, f"Not found: Resource not found: {group_id} (UserGroup)")
        if user_id not in self.users:
            return okta_error(404, f"Not found: Resource not found: {user_id} (User)")
        if self.groups[group_id]["type"] != "OKTA_GROUP":
            return okta_error(403, "You do not have permission to perform the requested action")
        return group_id, user_id

    async def _add_member(self, request: web.Request) -> web.StreamResponse:
        found = self._membership(request)
        if isinstance(found, web.Response):
            return found
        self.members[found[0]].add(found[1])
        return web.Response(status=204)

    async def _remove_member(self, request: web.Request) -> web.StreamResponse:
        found = self._membership(request)
        if isinstance(found, web.Response):
            return found
        self.members[found[0]].discard(found[1])
        return web.Response(status=204)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
