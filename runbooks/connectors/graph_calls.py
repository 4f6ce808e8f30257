"""Microsoft Graph v1.0 calls as data (shared by :class:`~.graph.GraphClient` and the sandbox).

Paths follow ``shared/specs/msgraph-v1.json`` (action paths without the ``microsoft.graph.`` prefix), relative
to ``GRAPH_URL``, the host root. Two calls here are not in the trimmed description: ``GET /v1.0/groups`` (see
``find_groups``) and ``GET /v1.0/groups/{id}/members`` (Graph "List group members", see ``list_group_members``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .calls import Call, segment

SYSTEM = "graph"

USERS = "/v1.0/users"
USER = "/v1.0/users/{id}"
ASSIGN_LICENSE = "/v1.0/users/{id}/assignLicense"
REVOKE_SESSIONS = "/v1.0/users/{id}/revokeSignInSessions"
GROUPS = "/v1.0/groups"
MEMBERS_REF = "/v1.0/groups/{group}/members/$ref"
MEMBER_REF = "/v1.0/groups/{group}/members/{id}/$ref"
MEMBERS = "/v1.0/groups/{group}/members"
SUBSCRIBED_SKUS = "/v1.0/subscribedSkus"
TOKEN = "/{tenant}/oauth2/v2.0/token"

USER_FIELDS = "id,userPrincipalName,displayName,mail,accountEnabled,usageLocation,assignedLicenses"
MEMBER_FIELDS = "id,userPrincipalName,mail"
MEMBER_PAGE = 999  # Graph's largest page for directory relationships (its default is 100)


def odata_string(value: str) -> str:
    """An OData string literal (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def get_user(key: str, *, select: str = USER_FIELDS) -> Call:
    """``key`` is the object id or the userPrincipalName; Graph accepts both."""
    return Call(SYSTEM, "GET", USER.format(id=segment(key)), params={"$select": select})


def filter_users_by_mail(mail: str) -> Call:
    params = {"$filter": f"mail eq {odata_string(mail)}", "$select": USER_FIELDS}
    return Call(SYSTEM, "GET", USERS, params=params)


def list_users(top: int = 1) -> Call:
    return Call(SYSTEM, "GET", USERS, params={"$top": str(top), "$select": "id"})


def create_user(
    display_name: str,
    mail_nickname: str,
    user_principal_name: str,
    password: str,
    *,
    usage_location: str | None,
    given_name: str | None = None,
    surname: str | None = None,
    account_enabled: bool = True,
    force_change_password: bool = True,
) -> Call:
    body: dict[str, Any] = {
        "accountEnabled": account_enabled,
        "displayName": display_name,
        "mailNickname": mail_nickname,
        "userPrincipalName": user_principal_name,
        "passwordProfile": {"forceChangePasswordNextSignIn": force_change_password, "password": password},
    }
    optional = {"usageLocation": usage_location, "givenName": given_name, "surname": surname}
    body.update({key: value for key, value in optional.items() if value})
    # Not idempotent: a resend after an ambiguous failure would meet "userPrincipalName already exists".
    return Call(SYSTEM, "POST", USERS, json=body, idempotent=False)


def update_user(user_id: str, changes: Mapping[str, Any]) -> Call:
    return Call(SYSTEM, "PATCH", USER.format(id=segment(user_id)), json=dict(changes))


def assign_license(user_id: str, sku_id: str) -> Call:
    body = {"addLicenses": [{"skuId": sku_id, "disabledPlans": []}], "removeLicenses": []}
    return Call(SYSTEM, "POST", ASSIGN_LICENSE.format(id=segment(user_id)), json=body)


def revoke_sessions(user_id: str) -> Call:
    return Call(SYSTEM, "POST", REVOKE_SESSIONS.format(id=segment(user_id)))


def subscribed_skus() -> Call:
    return Call(SYSTEM, "GET", SUBSCRIBED_SKUS)


def find_groups(display_name: str) -> Call:
    """Not in the trimmed description (it has no ``/groups`` collection); documented Graph nonetheless."""
    params = {"$filter": f"displayName eq {odata_string(display_name)}", "$select": "id,displayName"}
    return Call(SYSTEM, "GET", GROUPS, params=params)


def user_memberships(user_id: str) -> Call:
    """The user's direct memberships through ``$expand=memberOf`` (capped by Graph, see ``is_member``)."""
    params = {"$select": "id", "$expand": "memberOf($select=id)"}
    return Call(SYSTEM, "GET", USER.format(id=segment(user_id)), params=params)


def add_member(group_id: str, user_id: str, graph_url: str) -> Call:
    body = {"@odata.id": f"{graph_url.rstrip('/')}/v1.0/directoryObjects/{segment(user_id)}"}
    return Call(SYSTEM, "POST", MEMBERS_REF.format(group=segment(group_id)), json=body)


def remove_member(group_id: str, user_id: str) -> Call:
    return Call(SYSTEM, "DELETE", MEMBER_REF.format(group=segment(group_id), id=segment(user_id)))


def list_group_members(group_id: str, *, top: int = MEMBER_PAGE) -> Call:
    """One page of the group's direct members (users, groups, devices, service principals, contacts); later pages
    come from the answer's ``@odata.nextLink``. Not in the trimmed description; documented Graph nonetheless."""
    params = {"$select": MEMBER_FIELDS, "$top": str(top)}
    return Call(SYSTEM, "GET", MEMBERS.format(group=segment(group_id)), params=params)
