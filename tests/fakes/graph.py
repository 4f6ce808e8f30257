"""A stateful fake Microsoft Graph tenant with its token endpoint.

State: users (``accountEnabled``, ``usageLocation``, ``assignedLicenses``,
``signInSessionsValidFromDateTime``), groups with members, and ``subscribedSkus`` with seat counts that
licence assignment consumes. The token endpoint (``POST /{tenant}/oauth2/v2.0/token``, client credentials)
issues JWT-shaped tokens whose ``roles`` claim lists the application permissions granted; Graph routes demand
a live issued token (401 ``InvalidAuthenticationToken`` otherwise) and one of the permissions the real API
documents (403 ``Authorization_RequestDenied``).

Requests under ``/v1.0`` are checked against ``shared/specs/msgraph-v1.json``; a non-conforming one gets 400
and lands in ``violations``. Two routes are not in the trimmed description (shared/specs was cut to the operations
OpsGate called before, and it is not ours to edit); each is checked by hand and logged in ``unchecked``:

* ``GET /v1.0/groups``: only ``$filter=displayName eq '...'``, ``$select``, ``$top``.
* ``GET /v1.0/groups/{id}/members`` (Graph "List group members"), checked against Microsoft's reference for that
  operation: the documented query options are ``$select``, ``$top`` (1-999), ``$filter``, ``$count``,
  ``$search`` and ``$expand``, plus the ``$skiptoken`` a ``@odata.nextLink`` carries. This fake serves
  ``$select`` (known directory properties only), ``$top`` and ``$skiptoken`` (only tokens it issued); anything
  else, or a bad value, is answered 400 and recorded in ``violations``. Pages hold ``$top`` members (Graph's
  default 100; never more than ``page_cap``) ordered by id, with ``@odata.nextLink`` while more follow. Members are
  users and, when seeded with ``add_principal_member``, other directory objects (service principals, groups);
  each has its ``@odata.type``. Without a permission to read users the app gets Graph's "limited information":
  a user member's id and type, every selected property null.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from tests.fakes.base import Failure, SeenRequest

from .spec import check_openapi

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

DEFAULT_ROLES = (
    "User.ReadWrite.All",
    "GroupMember.ReadWrite.All",
    "LicenseAssignment.ReadWrite.All",
    "LicenseAssignment.Read.All",
)
_READ_USERS = ("User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All")
_WRITE_MEMBERS = ("GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All")
# route name -> permissions of which any one is enough, as Graph's permission tables say.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "list_users": _READ_USERS,
    "get_user": _READ_USERS,
    "create_user": ("User.ReadWrite.All", "Directory.ReadWrite.All"),
    "update_user": ("User.ReadWrite.All", "User.EnableDisableAccount.All", "Directory.ReadWrite.All"),
    "assign_license": ("LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"),
    "revoke_sessions": ("User.RevokeSessions.All", "User.ReadWrite.All", "Directory.ReadWrite.All"),
    "list_groups": ("GroupMember.Read.All", "Group.Read.All", "Directory.Read.All", *_WRITE_MEMBERS),
    "list_members": ("GroupMember.Read.All", "Group.Read.All", "Directory.Read.All", *_WRITE_MEMBERS),
    "add_member": _WRITE_MEMBERS,
    "remove_member": _WRITE_MEMBERS,
    "subscribed_skus": (
        "LicenseAssignment.Read.All",
        "Organization.Read.All",
        "Organization.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ),
}
# Routes the trimmed description lacks: checked by hand in their handler instead of by openapi-core.
UNSPECIFIED = frozenset({"list_groups", "list_members"})
# "List group members": the documented OData options, and the properties $select may name here.
MEMBER_OPTIONS = frozenset({"$select", "$top", "$skiptoken", "$filter", "$count", "$search", "$expand"})
MEMBER_OPTIONS_SERVED = frozenset({"$select", "$top", "$skiptoken"})
MEMBER_PROPERTIES = frozenset(
    {"id", "userPrincipalName", "mail", "displayName", "givenName", "surname", "mailNickname", "accountEnabled"}
)
DEFAULT_PAGE = 100
MAX_TOP = 999
_FILTER = re.compile(r"^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$")
ERROR_CODES = {
    400: "Request_BadRequest",
    401: "InvalidAuthenticationToken",
    403: "Authorization_RequestDenied",
    404: "Request_ResourceNotFound",
    429: "TooManyRequests",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}


def graph_error(status: int, message: str, code: str | None = None) -> web.Response:
    inner = {"date": _now(), "request-id": str(uuid.uuid4()), "client-request-id": str(uuid.uuid4())}
    body = {
        "error": {
            "code": code or ERROR_CODES.get(status, "UnknownError"),
            "message": message,
            "innerError": inner,
        }
    }
    return web.json_response(body, status=status)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class FakeGraph:
    def __init__(
        self,
        *,
        tenant_id: str = "11111111-2222-3333-4444-555555555555",
        client_id: str = "66666666-7777-8888-9999-000000000000",
        client_secret: str = "graph-test-secret-abcdef",
        roles: Iterable[str] = DEFAULT_ROLES,
        token_lifetime: int = 3599,
    ) -> None:
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.roles = list(roles)
        self.token_lifetime = token_lifetime
        self.tokens: dict[str, float] = {}  # issued token -> expiry (epoch seconds)
        self.token_requests = 0
        self.users: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.members: dict[str, set[str]] = {}
        self.skus: dict[str, dict[str, Any]] = {}
        self.requests: list[SeenRequest] = []
        self.violations: list[str] = []
        self.unchecked: list[str] = []
        self.principals: dict[str, dict[str, Any]] = {}  # non-user directory objects that can be members
        self.page_cap = MAX_TOP  # most members one page holds, whatever ``$top`` says
        self._skiptokens: dict[str, tuple[str, str]] = {}  # issued token -> (group id, last member id served)
        self._failures: deque[Failure] = deque()
        self.app = web.Application(middlewares=[self._middleware])
        self._routes()

    # seeding and assertions ------------------------------------------------------------------------------

    def add_user(
        self,
        upn: str,
        *,
        display_name: str = "Test User",
        mail: str | None = None,
        account_enabled: bool = True,
        usage_location: str | None = "US",
    ) -> str:
        user_id = str(uuid.uuid4())
        self.users[user_id] = {
            "id": user_id,
            "userPrincipalName": upn,
            "displayName": display_name,
            "mail": mail if mail is not None else upn,
            "mailNickname": upn.split("@")[0],
            "accountEnabled": account_enabled,
            "usageLocation": usage_location,
            "assignedLicenses": [],
            "signInSessionsValidFromDateTime": "2024-01-01T00:00:00Z",
        }
        return user_id

    def add_group(self, display_name: str) -> str:
        group_id = str(uuid.uuid4())
        self.groups[group_id] = {"id": group_id, "displayName": display_name, "securityEnabled": True}
        self.members[group_id] = set()
        return group_id

    def add_member(self, group_name: str, upn: str) -> None:
        self.members[self.group(group_name)["id"]].add(self.user(upn)["id"])

    def add_principal_member(self, group_name: str, display_name: str, kind: str = "servicePrincipal") -> str:
        """A member that is not a user (a service principal, a nested group, a device); returns its id."""
        object_id = str(uuid.uuid4())
        self.principals[object_id] = {
            "@odata.type": f"#microsoft.graph.{kind}",
            "id": object_id,
            "displayName": display_name,
        }
        self.members[self.group(group_name)["id"]].add(object_id)
        return object_id

    def add_sku(self, part_number: str, *, enabled: int, consumed: int = 0, status: str = "Enabled") -> str:
        sku_id = str(uuid.uuid4())
        self.skus[sku_id] = {
            "accountId": self.tenant_id,
            "accountName": "Contoso",
            "appliesTo": "User",
            "capabilityStatus": status,
            "consumedUnits": consumed,
            "id": f"{self.tenant_id}_{sku_id}",
            "prepaidUnits": {"enabled": enabled, "suspended": 0, "warning": 0, "lockedOut": 0},
            "servicePlans": [],
            "skuId": sku_id,
            "skuPartNumber": part_number,
            "subscriptionIds": [str(uuid.uuid4())],
        }
        return sku_id

    def user(self, key: str) -> dict[str, Any]:
        if key in self.users:
            return self.users[key]
        for user in self.users.values():
            if user["userPrincipalName"].casefold() == key.casefold():
                return user
        raise KeyError(key)

    def group(self, name: str) -> dict[str, Any]:
        found = [g for g in self.groups.values() if g["displayName"] == name]
        if len(found) != 1:
            raise KeyError(f"{len(found)} groups named {name!r}")
        return found[0]

    def group_members(self, name: str) -> set[str]:
        """UPNs of the user members of the group named ``name``."""
        return {
            self.users[uid]["userPrincipalName"] for uid in self.members[self.group(name)["id"]] if uid in self.users
        }

    def member_ids(self, name: str) -> set[str]:
        """Object ids of every member (users and other directory objects) of the group named ``name``."""
        return set(self.members[self.group(name)["id"]])

    def licences(self, upn: str) -> set[str]:
        """SKU part numbers assigned to the user."""
        return {self.skus[item["skuId"]]["skuPartNumber"] for item in self.user(upn)["assignedLicenses"]}

    def sku(self, part_number: str) -> dict[str, Any]:
        return next(s for s in self.skus.values() if s["skuPartNumber"] == part_number)

    def revoke_tokens(self) -> None:
        """Invalidate every issued token (as a key rotation or a policy change would)."""
        self.tokens.clear()

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

    def api_requests(self) -> list[SeenRequest]:
        return [r for r in self.requests if r.path.startswith("/v1.0/")]

    # middleware -------------------------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        body = await request.read()
        query = dict(request.query)
        self.requests.append(SeenRequest(request.method, request.path, query, body))
        is_api = request.path.startswith("/v1.0/")
        route = request.match_info.route.name or ""
        if is_api:
            if route in UNSPECIFIED:
                self.unchecked.append(f"{request.method} {request.path}")
            else:
                problem = check_openapi(
                    "graph",
                    request.method,
                    request.path,
                    query,
                    body,
                    dict(request.headers),
                    request.content_type,
                )
                if problem:
                    self.violations.append(problem)
                    return graph_error(400, problem)
            denied = self._check_auth(request, route)
            if denied is not None:
                return denied
        failure = self._take_failure(request.path)
        if failure is not None:
            if failure.body is not None or not is_api:
                error = {"error": "temporarily_unavailable", "error_description": "AADSTS50000: try again"}
                response = web.json_response(failure.body or error, status=failure.status)
            else:
                response = graph_error(failure.status, "Injected failure.")
            response.headers.update(failure.headers)
            return response
        return await handler(request)

    def _check_auth(self, request: web.Request, route: str) -> web.Response | None:
        header = request.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        expiry = self.tokens.get(token)
        if expiry is None or expiry < time.time():
            return graph_error(401, "Access token has expired or is not yet valid.")
        needed = PERMISSIONS.get(route, ())
        if needed and not set(needed) & set(self.roles):
            return graph_error(403, "Insufficient privileges to complete the operation.")
        return None

    def _take_failure(self, path: str) -> Failure | None:
        for failure in list(self._failures):
            if failure.only is None or failure.only in path:
                self._failures.remove(failure)
                return failure
        return None

    def _routes(self) -> None:
        r = self.app.router
        r.add_post("/{tenant}/oauth2/v2.0/token", self._token, name="token")
        r.add_get("/v1.0/users", self._list_users, name="list_users")
        r.add_post("/v1.0/users", self._create_user, name="create_user")
        r.add_get("/v1.0/users/{id}", self._get_user, name="get_user")
        r.add_patch("/v1.0/users/{id}", self._update_user, name="update_user")
        r.add_post("/v1.0/users/{id}/assignLicense", self._assign_license, name="assign_license")
        r.add_post("/v1.0/users/{id}/revokeSignInSessions", self._revoke, name="revoke_sessions")
        r.add_get("/v1.0/groups", self._list_groups, name="list_groups")
        r.add_get("/v1.0/groups/{group}/members", self._list_members, name="list_members")
        r.add_post("/v1.0/groups/{group}/members/$ref", self._add_member, name="add_member")
        r.add_delete("/v1.0/groups/{group}/members/{id}/$ref", self._remove_member, name="remove_member")
        r.add_get("/v1.0/subscribedSkus", self._subscribed_skus, name="subscribed_skus")

    # token endpoint ---------------------------------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.StreamResponse:
        self.token_requests += 1
        form = await request.post()

        def refuse(status: int, error: str, description: str) -> web.Response:
            codes = [int(code) for code in re.findall(r"AADSTS(\d+)", description)]
            body = {"error": error, "error_description": description, "error_codes": codes}
            return web.json_response(body, status=status)

        if request.match_info["tenant"] != self.tenant_id:
            return refuse(400, "invalid_request", f"AADSTS90002: Tenant '{request.match_info['tenant']}' not found.")
        if form.get("grant_type") != "client_credentials":
            return refuse(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.")
        if form.get("client_id") != self.client_id:
            return refuse(400, "unauthorized_client", "AADSTS700016: Application not found in the directory.")
        if form.get("client_secret") != self.client_secret:
            return refuse(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
        if not str(form.get("scope", "")).endswith("/.default"):
            return refuse(400, "invalid_scope", "AADSTS1002012: The provided scope is not valid.")
        now = int(time.time())
        claims = {
            "aud": "https://graph.microsoft.com",
            "iss": f"https://sts.windows.net/{self.tenant_id}/",
            "iat": now,
            "nbf": now,
            "exp": now + self.token_lifetime,
            "appid": self.client_id,
            "tid": self.tenant_id,
            "roles": list(self.roles),
            "uti": secrets.token_urlsafe(8),
        }
        header = {"typ": "JWT", "alg": "RS256", "kid": "fake-key"}
        token = ".".join(
            [
                _b64(json.dumps(header).encode()),
                _b64(json.dumps(claims).encode()),
                _b64(secrets.token_bytes(32)),
            ]
        )
        self.tokens[token] = now + self.token_lifetime
        return web.json_response(
            {
                "token_type": "Bearer",
                "expires_in": self.token_lifetime,
                "ext_expires_in": self.token_lifetime,
                "access_token": token,
            }
        )

    # users ------------------------------------------------------------------------------------------------

    def _find(self, key: str) -> dict[str, Any] | None:
        try:
            return self.user(key)
        except KeyError:
            return None

    def _project(self, user: dict[str, Any], request: web.Request) -> dict[str, Any]:
        select = request.query.get("$select")
        if select:
            wanted = {"id", *select.split(",")}
            out = {k: v for k, v in user.items() if k in wanted}
        else:
            out = dict(user)
        expand = request.query.get("$expand", "")
        if expand.startswith("memberOf"):
            groups = [gid for gid, members in self.members.items() if user["id"] in members]
            out["memberOf"] = [
                {
                    "@odata.type": "#microsoft.graph.group",
                    "id": gid,
                    "displayName": self.groups[gid]["displayName"],
                }
                for gid in groups[:100]
            ]
        return out

    def _missing_user(self, key: str) -> web.Response:
        return graph_error(
            404,
            f"Resource '{key}' does not exist or one of its queried reference-property objects are not present.",
        )

    async def _list_users(self, request: web.Request) -> web.StreamResponse:
        users = list(self.users.values())
        expression = request.query.get("$filter")
        if expression:
            match = _FILTER.match(expression)
            if not match or match.group(1) not in ("mail", "userPrincipalName", "displayName", "id"):
                return graph_error(
                    400, "Unsupported or invalid query filter clause specified.", "Request_UnsupportedQuery"
                )
            prop, value = match.group(1), match.group(2).replace("''", "'")
            users = [u for u in users if str(u.get(prop) or "").casefold() == value.casefold()]
        top = int(request.query.get("$top", "100"))
        values = [self._project(u, request) for u in users[:top]]
        return web.json_response(
            {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users", "value": values}
        )

    async def _create_user(self, request: web.Request) -> web.StreamResponse:
        body = json.loads(await request.read() or b"{}")
        required = ("accountEnabled", "displayName", "mailNickname", "userPrincipalName", "passwordProfile")
        missing = [k for k in required if k not in body]
        if missing:
            return graph_error(400, f"Property '{missing[0]}' value is required but is empty or missing.")
        password = str((body.get("passwordProfile") or {}).get("password") or "")
        if len(password) < 8:
            return graph_error(400, "The specified password does not comply with password complexity requirements.")
        if self._find(body["userPrincipalName"]) is not None:
            return graph_error(400, "Another object with the same value for property userPrincipalName already exists.")
        user_id = self.add_user(
            body["userPrincipalName"],
            display_name=body["displayName"],
            account_enabled=bool(body["accountEnabled"]),
            usage_location=body.get("usageLocation"),
        )
        user = self.users[user_id]
        user["mailNickname"] = body["mailNickname"]
        user["passwordProfile"] = {
            "forceChangePasswordNextSignIn": bool(body["passwordProfile"].get("forceChangePasswordNextSignIn"))
        }
        for key in ("givenName", "surname", "jobTitle", "department"):
            if key in body:
                user[key] = body[key]
        return web.json_response(
            {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity", **user}, status=201
        )

    async def _get_user(self, request: web.Request) -> web.StreamResponse:
        user = self._find(request.match_info["id"])
        if user is None:
            return self._missing_user(request.match_info["id"])
        return web.json_response(self._project(user, request))

    async def _update_user(self, request: web.Request) -> web.StreamResponse:
        user = self._find(request.match_info["id"])
        if user is None:
            return self._missing_user(request.match_info["id"])
        changes = json.loads(await request.read() or b"{}")
        for key, value in changes.items():
            if key in ("id", "assignedLicenses"):
                return graph_error(400, f"Property '{key}' is read-only and cannot be set.")
            user[key] = value
        return web.Response(status=204)

    async def _assign_license(self, request: web.Request) -> web.StreamResponse:
        user = self._find(request.match_info["id"])
        if user is None:
            return self._missing_user(request.match_info["id"])
        body = json.loads(await request.read() or b"{}")
        adds = [item["skuId"] for item in body.get("addLicenses") or []]
        removes = list(body.get("removeLicenses") or [])
        if adds and not user.get("usageLocation"):
            return graph_error(400, "License assignment cannot be done for user with invalid usage location.")
        held = {item["skuId"] for item in user["assignedLicenses"]}
        for sku_id in [*adds, *removes]:
            if sku_id not in self.skus:
                return graph_error(400, f"License {sku_id} does not correspond to a valid company License.")
        for sku_id in adds:
            sku = self.skus[sku_id]
            if sku_id not in held and sku["consumedUnits"] >= sku["prepaidUnits"]["enabled"]:
                return graph_error(400, f"Subscription {sku_id} does not have any available licenses.")
        for sku_id in adds:
            if sku_id not in held:
                self.skus[sku_id]["consumedUnits"] += 1
                user["assignedLicenses"].append({"disabledPlans": [], "skuId": sku_id})
                held.add(sku_id)
        for sku_id in removes:
            if sku_id in held:
                self.skus[sku_id]["consumedUnits"] -= 1
                user["assignedLicenses"] = [i for i in user["assignedLicenses"] if i["skuId"] != sku_id]
        return web.json_response(user)

    async def _revoke(self, request: web.Request) -> web.StreamResponse:
        user = self._find(request.match_info["id"])
        if user is None:
            return self._missing_user(request.match_info["id"])
        user["signInSessionsValidFromDateTime"] = _now()
        user["sessionsRevoked"] = int(user.get("sessionsRevoked", 0)) + 1
        return web.json_response(
            {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean", "value": True}
        )

    # groups -----------------------------------------------------------------------------------------------

    async def _list_groups(self, request: web.Request) -> web.StreamResponse:
        unknown = set(request.query) - {"$filter", "$select", "$top"}
        if unknown:
            return graph_error(400, f"Unsupported query parameter(s): {', '.join(sorted(unknown))}.")
        groups = list(self.groups.values())
        expression = request.query.get("$filter")
        if expression:
            match = _FILTER.match(expression)
            if not match or match.group(1) != "displayName":
                return graph_error(
                    400, "Unsupported or invalid query filter clause specified.", "Request_UnsupportedQuery"
                )
            wanted = match.group(2).replace("''", "'").casefold()
            groups = [g for g in groups if g["displayName"].casefold() == wanted]
        values = [{"id": g["id"], "displayName": g["displayName"]} for g in groups]
        return web.json_response(
            {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#groups", "value": values}
        )

    def _member_query_problem(self, request: web.Request, group_id: str) -> str | None:
        """The hand check of "List group members" (see the module docstring); ``None`` when it conforms."""
        for key in request.query:
            if key not in MEMBER_OPTIONS:
                return f"query option {key!r} is not documented for List group members"
            if key not in MEMBER_OPTIONS_SERVED:
                return f"query option {key!r} is documented but not served by this fake"
            if len(request.query.getall(key)) > 1:
                return f"query option {key!r} given more than once"
        top = request.query.get("$top")
        if top is not None and not (top.isdigit() and 1 <= int(top) <= MAX_TOP):
            return f"$top must be an integer from 1 to {MAX_TOP}, got {top!r}"
        select = request.query.get("$select")
        if select is not None:
            unknown = [p for p in select.split(",") if p not in MEMBER_PROPERTIES]
            if unknown or not select:
                return f"$select names unknown properties {unknown or [select]}"
        token = request.query.get("$skiptoken")
        if token is not None and self._skiptokens.get(token, ("",))[0] != group_id:
            return "$skiptoken was not issued for this listing"
        return None

    def _member_item(self, object_id: str, select: list[str]) -> dict[str, Any]:
        if object_id in self.principals:
            return dict(self.principals[object_id])
        user = self.users[object_id]
        readable = bool({*_READ_USERS, "User.ReadBasic.All"} & set(self.roles))
        item: dict[str, Any] = {"@odata.type": "#microsoft.graph.user", "id": object_id}
        for prop in select or ["displayName", "userPrincipalName", "mail"]:
            if prop != "id":
                item[prop] = user.get(prop) if readable else None
        return item

    async def _list_members(self, request: web.Request) -> web.StreamResponse:
        group_id = request.match_info["group"]
        if group_id not in self.groups:
            return self._missing_user(group_id)
        problem = self._member_query_problem(request, group_id)
        if problem is not None:
            self.violations.append(f"GET {request.path}: {problem}")
            return graph_error(400, problem)
        size = min(int(request.query.get("$top", DEFAULT_PAGE)), self.page_cap)
        token = request.query.get("$skiptoken")
        after = self._skiptokens[token][1] if token else ""
        members = sorted(m for m in self.members[group_id] if m > after)
        page = members[:size]
        select = [p for p in request.query.get("$select", "").split(",") if p]
        body: dict[str, Any] = {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directoryObjects",
            "value": [self._member_item(m, select) for m in page],
        }
        if len(members) > size:
            issued = secrets.token_urlsafe(24)
            self._skiptokens[issued] = (group_id, page[-1])
            query = {k: v for k, v in request.query.items() if k != "$skiptoken"} | {"$skiptoken": issued}
            body["@odata.nextLink"] = (
                f"{request.url.origin()}/v1.0/groups/{group_id}/members?{urlencode(query, safe='$,')}"
            )
        return web.json_response(body)

    async def _add_member(self, request: web.Request) -> web.StreamResponse:
        group_id = request.match_info["group"]
        if group_id not in self.groups:
            return self._missing_user(group_id)
        body = json.loads(await request.read() or b"{}")
        ref = str(body.get("@odata.id", ""))
        if "/directoryObjects/" not in ref:
            return graph_error(400, "Invalid object identifier '" + ref + "'.")
        user = self._find(ref.rsplit("/directoryObjects/", 1)[1])
        if user is None:
            return self._missing_user(ref)
        if user["id"] in self.members[group_id]:
            return graph_error(
                400,
                "One or more added object references already exist for the following modified properties: 'members'.",
            )
        self.members[group_id].add(user["id"])
        return web.Response(status=204)

    async def _remove_member(self, request: web.Request) -> web.StreamResponse:
        group_id, member_id = request.match_info["group"], request.match_info["id"]
        if group_id not in self.groups or member_id not in self.members[group_id]:
            return self._missing_user(member_id)
        self.members[group_id].discard(member_id)
        return web.Response(status=204)

    async def _subscribed_skus(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(
            {
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscribedSkus",
                "value": list(self.skus.values()),
            }
        )


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
