"""Microsoft Graph client for Entra ID users, groups and Microsoft 365 licences.

Settings: ``GRAPH_URL`` (host root, e.g. ``https://graph.microsoft.com``), ``GRAPH_LOGIN_URL``
(``https://login.microsoftonline.com``), ``GRAPH_TENANT_ID``, ``GRAPH_CLIENT_ID``, ``GRAPH_CLIENT_SECRET``,
``OPSGATE_GRAPH_USAGE_LOCATION`` (set on users OpsGate creates; Graph needs one before a licence).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from . import graph_calls as calls
from .calls import Call
from .errors import ConnectorError, ConnectorFailure, ConnectorHalt, ErrorCode
from .graph_auth import ClientCredentialsAuth
from .http import HttpSession, RetryPolicy
from .licenses import LicenceCatalog
from .lookup import exact_matches
from .models import AccessCheck, GraphGroup, GraphUser, GroupMember, LicenceAssignment, SubscribedSku
from .paging import BadNextLink, Pager

SYSTEM = calls.SYSTEM
# Graph returns at most this many objects for an expanded directory relationship (known issue 13635).
EXPAND_CAP = 100
ASSIGNABLE = frozenset({"Enabled", "Warning"})

# Per connector operation, the application permissions of which any one suffices (least privileged first).
GRAPH_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "find_user": ("User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"),
    "create_user": ("User.ReadWrite.All", "Directory.ReadWrite.All"),
    "resolve_license": (
        "LicenseAssignment.Read.All",
        "LicenseAssignment.ReadWrite.All",
        "Organization.Read.All",
        "Organization.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ),
    "assign_license": ("LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"),
    "enable_sign_in": ("User.EnableDisableAccount.All", "User.ReadWrite.All", "Directory.ReadWrite.All"),
    "revoke_sessions": ("User.RevokeSessions.All", "User.ReadWrite.All", "Directory.ReadWrite.All"),
    "find_group": (
        "GroupMember.Read.All",
        "Group.Read.All",
        "GroupMember.ReadWrite.All",
        "Group.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ),
    "add_member": ("GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"),
    "remove_member": ("GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"),
    # the JIT reconciler (managed resources); members' addresses also need a user read (find_user's permissions)
    "list_group_members": (
        "GroupMember.Read.All",
        "Group.Read.All",
        "GroupMember.ReadWrite.All",
        "Group.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ),
}


def _bad_body(call: str, expected: str) -> ConnectorFailure:
    return ConnectorFailure(SYSTEM, call, 200, f"answer is not a {expected}", code=ErrorCode.BAD_RESPONSE)


def _user(data: Any, call: str) -> GraphUser:
    try:
        licences = tuple(str(item["skuId"]) for item in data.get("assignedLicenses") or [])
        return GraphUser(
            id=str(data["id"]),
            user_principal_name=str(data.get("userPrincipalName") or ""),
            display_name=str(data.get("displayName") or ""),
            mail=data.get("mail"),
            account_enabled=data.get("accountEnabled"),
            usage_location=data.get("usageLocation"),
            assigned_sku_ids=licences,
        )
    except (AttributeError, KeyError, TypeError) as exc:
        raise _bad_body(call, "user object") from exc


def _member(data: Any) -> GroupMember:
    """A member of any directory type. Only users carry addresses: a nested group's or a service principal's
    ``mail`` names no person who could hold a grant."""
    kind = str(data.get("@odata.type") or "").rsplit(".", 1)[-1]
    if not kind:  # Graph types every member of a directoryObject collection; only users have a UPN
        kind = "user" if data.get("userPrincipalName") else "directoryObject"
    if kind != "user":
        return GroupMember(id=str(data["id"]), kind=kind)
    return GroupMember(
        id=str(data["id"]),
        kind="user",
        login=str(data.get("userPrincipalName") or ""),
        email=str(data.get("mail") or ""),
    )


def _sku(data: Any) -> SubscribedSku:
    return SubscribedSku(
        sku_id=str(data["skuId"]),
        sku_part_number=str(data["skuPartNumber"]),
        enabled=int((data.get("prepaidUnits") or {}).get("enabled") or 0),
        consumed=int(data.get("consumedUnits") or 0),
        capability_status=str(data.get("capabilityStatus") or "Enabled"),
        applies_to=str(data.get("appliesTo") or "User"),
    )


def missing_permissions(roles: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """The operations none of whose permissions ``roles`` grants, with what would do."""
    return {
        op: alternatives for op, alternatives in GRAPH_PERMISSIONS.items() if not roles & set(alternatives)
    }


class GraphClient:
    """Talks to one tenant through Microsoft Graph v1.0 with an app registration's client credentials."""

    def __init__(
        self,
        graph_url: str,
        login_url: str,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        usage_location: str | None,
        *,
        licences: LicenceCatalog | Mapping[str, Sequence[str]] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.graph_url = graph_url.rstrip("/")
        self.tenant_id = tenant_id
        self.usage_location = usage_location
        self.licences = licences if isinstance(licences, LicenceCatalog) else LicenceCatalog(licences)
        token_path = calls.TOKEN.format(tenant=tenant_id)
        self.auth = ClientCredentialsAuth(
            login_url.rstrip("/") + token_path,
            client_id,
            client_secret,
            f"{self.graph_url}/.default",
            system=SYSTEM,
            call_name=f"POST {token_path}",
            clock=clock,
        )
        self._http = HttpSession(
            SYSTEM, self.graph_url, auth=self.auth, transport=transport, retry=retry, timeout=timeout
        )

    def __repr__(self) -> str:
        return f"GraphClient({self.graph_url!r}, tenant={self.tenant_id!r})"

    async def __aenter__(self) -> GraphClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _json(self, call: Call, *, accept: Sequence[int] = ()) -> tuple[int, Any]:
        response = await self._http.send(call, accept=accept)
        if response.status_code == 204 or not response.content:
            return response.status_code, None
        try:
            return response.status_code, response.json()
        except ValueError as exc:
            raise self._http.report(_bad_body(call.name, "JSON document")) from exc

    def _halt(self, call: Call, status: int | None, detail: str, code: ErrorCode) -> ConnectorHalt:
        return self._http.report(ConnectorHalt(SYSTEM, call.name, status, detail, code=code))

    def _values(self, call: Call, body: Any) -> list[Any]:
        values = body.get("value") if isinstance(body, dict) else None
        if not isinstance(values, list):
            raise self._http.report(_bad_body(call.name, "collection"))
        return values

    # users ---------------------------------------------------------------------------------------------

    async def find_user(self, upn_or_mail: str) -> GraphUser | None:
        """By userPrincipalName (or object id), then by primary mail; ``None`` when neither matches."""
        call = calls.get_user(upn_or_mail)
        status, body = await self._json(call, accept=(404,))
        if status != 404:
            return _user(body, call.name)
        call = calls.filter_users_by_mail(upn_or_mail)
        _, body = await self._json(call)
        users = [_user(item, call.name) for item in self._values(call, body)]
        if len(users) > 1:
            ids = ", ".join(u.id for u in users)
            raise self._halt(
                call, 200, f"{upn_or_mail!r} is the mail of several users ({ids})", ErrorCode.AMBIGUOUS
            )
        return users[0] if users else None

    async def require_user(self, upn_or_mail: str) -> GraphUser:
        """Like :meth:`find_user`, but a missing user is a halt (the runbook's precondition)."""
        user = await self.find_user(upn_or_mail)
        if user is None:
            call = calls.get_user(upn_or_mail)
            raise self._halt(call, 404, f"no Entra ID user {upn_or_mail!r}", ErrorCode.NOT_FOUND)
        return user

    async def create_user(
        self,
        display_name: str,
        mail_nickname: str,
        user_principal_name: str,
        password: str,
        *,
        given_name: str | None = None,
        surname: str | None = None,
        account_enabled: bool = True,
        force_change_password: bool = True,
    ) -> GraphUser:
        """Create a user with a temporary password (changed at first sign-in) and the configured
        usage location."""
        call = calls.create_user(
            display_name,
            mail_nickname,
            user_principal_name,
            password,
            usage_location=self.usage_location,
            given_name=given_name,
            surname=surname,
            account_enabled=account_enabled,
            force_change_password=force_change_password,
        )
        _, created = await self._json(call)
        return _user(created, call.name)

    async def enable_sign_in(self, user_id: str) -> None:
        """Entra has no API to clear a smart-lockout; re-enabling sign-in is what Graph allows."""
        await self._json(calls.update_user(user_id, {"accountEnabled": True}))

    async def revoke_sessions(self, user_id: str) -> None:
        """Invalidate refresh tokens and session cookies (``signInSessionsValidFromDateTime`` = now)."""
        await self._json(calls.revoke_sessions(user_id))

    # licences ------------------------------------------------------------------------------------------

    async def subscribed_skus(self) -> list[SubscribedSku]:
        call = calls.subscribed_skus()
        _, body = await self._json(call)
        try:
            return [_sku(item) for item in self._values(call, body)]
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise self._http.report(_bad_body(call.name, "list of subscribedSkus")) from exc

    async def _owned_sku(self, licence: str) -> tuple[SubscribedSku, Call]:
        call = calls.subscribed_skus()
        candidates = self.licences.candidates(licence)
        owned = {s.sku_part_number.upper(): s for s in await self.subscribed_skus() if s.applies_to == "User"}
        for part in candidates:
            sku = owned.get(part)
            if sku is not None and sku.capability_status in ASSIGNABLE:
                return sku, call
        detail = f"the tenant has no active subscription to {' or '.join(candidates)} (for {licence!r})"
        raise self._halt(call, 200, detail, ErrorCode.LICENCE_UNAVAILABLE)

    def _check_seats(self, sku: SubscribedSku, call: Call) -> None:
        if sku.free <= 0:
            detail = f"no free seats for {sku.sku_part_number}: {sku.consumed} of {sku.enabled} assigned"
            raise self._halt(call, 200, detail, ErrorCode.NO_FREE_SEATS)

    async def resolve_license(self, licence: str) -> SubscribedSku:
        """The SKU ``licence`` (a name such as "E3" or a part number) resolves to in this tenant, with a free
        seat; halts when the tenant owns none of its SKUs or has no seat left. Changes nothing."""
        sku, call = await self._owned_sku(licence)
        self._check_seats(sku, call)
        return sku

    async def assign_license(self, user_id: str, licence: str) -> LicenceAssignment:
        """Assign ``licence`` to the user. No-op (``changed=False``) when the user has it already."""
        lookup = calls.get_user(user_id)
        status, body = await self._json(lookup, accept=(404,))
        if status == 404:
            raise self._halt(lookup, 404, f"no Entra ID user {user_id!r}", ErrorCode.NOT_FOUND)
        user = _user(body, lookup.name)
        sku, call = await self._owned_sku(licence)
        if sku.sku_id in user.assigned_sku_ids:
            return LicenceAssignment(sku.sku_part_number, sku.sku_id, changed=False)
        self._check_seats(sku, call)
        if not user.usage_location:
            who = user.user_principal_name or user_id
            detail = f"{who} has no usageLocation; Graph refuses licences without one"
            raise self._halt(lookup, 200, detail, ErrorCode.PRECONDITION)
        await self._json(calls.assign_license(user.id, sku.sku_id))
        return LicenceAssignment(sku.sku_part_number, sku.sku_id, changed=True)

    # groups --------------------------------------------------------------------------------------------

    async def find_group(self, display_name: str) -> GraphGroup:
        """The group whose displayName is ``display_name``; absence and ambiguity are halts."""
        call = calls.find_groups(display_name)
        _, body = await self._json(call)
        try:
            groups = [
                GraphGroup(str(g["id"]), str(g.get("displayName") or "")) for g in self._values(call, body)
            ]
        except (AttributeError, KeyError, TypeError) as exc:
            raise self._http.report(_bad_body(call.name, "list of groups")) from exc
        matches = exact_matches(groups, display_name, lambda g: g.display_name)
        if not matches:
            raise self._halt(call, 200, f"no Entra ID group named {display_name!r}", ErrorCode.NOT_FOUND)
        if len(matches) > 1:
            ids = ", ".join(g.id for g in matches)
            detail = f"several Entra ID groups are named {display_name!r} ({ids})"
            raise self._halt(call, 200, detail, ErrorCode.AMBIGUOUS)
        return matches[0]

    async def add_member(self, group_id: str, user_id: str) -> bool:
        """Add the user; ``False`` when it was a member already (Graph's 400 "references already exist")."""
        call = calls.add_member(group_id, user_id, self.graph_url)
        status, body = await self._json(call, accept=(400,))
        if status == 400:
            message = (
                str(((body or {}).get("error") or {}).get("message", "")) if isinstance(body, dict) else ""
            )
            if "already exist" in message:
                return False
            raise self._halt(call, 400, message or "request rejected", ErrorCode.REJECTED)
        return True

    async def remove_member(self, group_id: str, user_id: str) -> bool:
        """Remove the user; ``False`` when it was not a member (Graph answers 404 for the reference)."""
        status, _ = await self._json(calls.remove_member(group_id, user_id), accept=(404,))
        return status != 404

    async def list_group_members(self, group_id: str, *, page_size: int = calls.MEMBER_PAGE) -> list[GroupMember]:
        """Every direct member of the group, all pages (``@odata.nextLink``). A member the app may not read in full
        comes back with its id and type only (Graph's "limited information"): it then has no addresses."""
        first = calls.list_group_members(group_id, top=page_size)
        pager = Pager(self.graph_url, first)
        members: list[GroupMember] = []
        call = first
        while True:
            _, body = await self._json(call)
            try:
                members.extend(_member(item) for item in self._values(call, body))
            except (AttributeError, KeyError, TypeError) as exc:
                raise self._http.report(_bad_body(call.name, "list of directory objects")) from exc
            link = body.get("@odata.nextLink")
            if not link:
                return members
            try:
                call = pager.follow(str(link))
            except BadNextLink as exc:
                raise self._http.report(
                    ConnectorFailure(SYSTEM, call.name, 200, str(exc), code=ErrorCode.BAD_RESPONSE)
                ) from None

    async def is_member(self, group_id: str, user_id: str) -> bool | None:
        """Whether the user is a direct member, read through ``$expand=memberOf``. ``None`` when the user is
        in so many groups that Graph's expansion cap may hide the answer."""
        call = calls.user_memberships(user_id)
        _, body = await self._json(call)
        groups = body.get("memberOf") if isinstance(body, dict) else None
        if not isinstance(groups, list):
            raise self._http.report(_bad_body(call.name, "user with memberOf"))
        if any(isinstance(g, dict) and g.get("id") == group_id for g in groups):
            return True
        return None if len(groups) >= EXPAND_CAP else False

    # doctor --------------------------------------------------------------------------------------------

    async def check_access(self) -> AccessCheck:
        """One authenticated read (``GET /v1.0/users?$top=1``) and the application permissions the token
        carries (its ``roles`` claim), with the connector operations those permissions do not cover."""
        try:
            await self._json(calls.list_users(top=1))
        except ConnectorError as exc:
            roles = self.auth.roles
            return AccessCheck(
                SYSTEM, ok=False, detail=str(exc), roles=roles, missing=missing_permissions(roles)
            )
        roles = self.auth.roles
        missing = missing_permissions(roles)
        detail = f"token issued for tenant {self.tenant_id}; users readable"
        if missing:
            detail += "; not permitted: " + ", ".join(sorted(missing))
        return AccessCheck(SYSTEM, ok=True, detail=detail, roles=roles, missing=missing)
