"""Okta Management API calls as data (shared by :class:`~.okta.OktaClient` and the sandbox).

Paths follow ``shared/specs/okta-management.yaml``; ids are percent-encoded path segments. Two documented calls
are not in that trimmed description (it was cut to the calls made before them): ``list_group_members`` (Okta
"List all member users", ``listGroupUsers``: query ``after`` and ``limit`` only, paged by ``Link: <...>;
rel="next"``) and ``user_groups`` (``listUserGroups``: no query parameters).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .calls import Call, segment

SYSTEM = "okta"

USERS = "/api/v1/users"
USER = "/api/v1/users/{id}"
LIFECYCLE = "/api/v1/users/{id}/lifecycle/{action}"
FACTORS = "/api/v1/users/{id}/factors"
FACTOR = "/api/v1/users/{id}/factors/{factor}"
GROUPS = "/api/v1/groups"
GROUP_USER = "/api/v1/groups/{group}/users/{id}"
GROUP_USERS = "/api/v1/groups/{group}/users"
USER_GROUPS = "/api/v1/users/{id}/groups"
# Okta's default page for "List all member users" is very large for historical reasons; its docs recommend 200.
MEMBER_PAGE = 200


def quoted(value: str) -> str:
    """A string literal for Okta's search expressions."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _flag(value: bool) -> str:
    return "true" if value else "false"


def search_users(login_or_email: str) -> Call:
    expr = f"profile.login eq {quoted(login_or_email)} or profile.email eq {quoted(login_or_email)}"
    return Call(SYSTEM, "GET", USERS, params={"search": expr})


def list_users(limit: int = 1) -> Call:
    return Call(SYSTEM, "GET", USERS, params={"limit": str(limit)})


def get_user(user_id: str) -> Call:
    return Call(SYSTEM, "GET", USER.format(id=segment(user_id)))


def lifecycle(user_id: str, action: str, params: Mapping[str, str] | None = None) -> Call:
    path = LIFECYCLE.format(id=segment(user_id), action=action)
    return Call(SYSTEM, "POST", path, params=dict(params or {}))


def reset_password(user_id: str, *, send_email: bool, revoke_sessions: bool = False) -> Call:
    params = {"sendEmail": _flag(send_email)}
    if revoke_sessions:
        params["revokeSessions"] = "true"
    return lifecycle(user_id, "reset_password", params)


def list_factors(user_id: str) -> Call:
    return Call(SYSTEM, "GET", FACTORS.format(id=segment(user_id)))


def delete_factor(user_id: str, factor_id: str) -> Call:
    return Call(SYSTEM, "DELETE", FACTOR.format(id=segment(user_id), factor=segment(factor_id)))


def create_user(
    profile: Mapping[str, str],
    *,
    activate: bool,
    group_ids: Sequence[str] = (),
    password: str | None = None,
) -> Call:
    body: dict[str, object] = {"profile": dict(profile)}
    if group_ids:
        body["groupIds"] = list(group_ids)
    if password is not None:
        body["credentials"] = {"password": {"value": password}}
    # Not idempotent: a resend after an ambiguous failure could meet "login already exists".
    return Call(SYSTEM, "POST", USERS, params={"activate": _flag(activate)}, json=body, idempotent=False)


def search_groups(name: str) -> Call:
    return Call(SYSTEM, "GET", GROUPS, params={"search": f"profile.name eq {quoted(name)}"})


def add_to_group(group_id: str, user_id: str) -> Call:
    return Call(SYSTEM, "PUT", GROUP_USER.format(group=segment(group_id), id=segment(user_id)))


def remove_from_group(group_id: str, user_id: str) -> Call:
    return Call(SYSTEM, "DELETE", GROUP_USER.format(group=segment(group_id), id=segment(user_id)))


def list_group_members(group_id: str, *, limit: int = MEMBER_PAGE, after: str | None = None) -> Call:
    """One page of the group's member users; later pages come from the answer's ``Link: rel="next"``."""
    params = {"limit": str(limit)}
    if after is not None:
        params["after"] = after
    return Call(SYSTEM, "GET", GROUP_USERS.format(group=segment(group_id)), params=params)


def user_groups(user_id: str) -> Call:
    """Every group the user is a direct member of (bounded by the user's memberships, not the group's size)."""
    return Call(SYSTEM, "GET", USER_GROUPS.format(id=segment(user_id)))
