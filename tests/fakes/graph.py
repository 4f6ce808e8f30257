"""A stateful fake Microsoft Graph tenant with its token endpoint.

State: users (``accountEnabled``, ``usageLocation``, ``assignedLicenses``,
``signInSessionsValidFromDateTime``), groups with members, and ``subscribedSkus`` with seat counts that
licence assignment consumes. The token endpoint (``POST /{tenant}/oauth2/v2.0/token``, client credentials)
issues JWT-shaped tokens whose ``roles`` claim lists the application permissions granted; Graph routes demand
a live issued token (401 ``InvalidAuthenticationToken`` otherwise) and one of the permissions the real API
documents (403 ``Authorization_RequestDenied``).

Requests under ``/v1.0`` are checked against ``shared/specs/msgraph-v1.json``; a non-conforming one gets 400
and lands in ``violations``. ``GET /v1.0/groups`` is not in the trimmed description: it is checked by hand
(only ``$filter=displayName eq '...'``, ``$select``, ``$top``) and logged in ``unchecked``.
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
UNSPECIFIED = frozenset({"list_groups"})
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
        """UPNs of the members of the group named ``name``."""
        return {self.users[uid]["userPrincipalName"] for uid in self.members[self.group(name)["id"]]}

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
