"""Okta Management API client (``OKTA_ORG_URL``, ``OKTA_API_TOKEN`` sent as ``Authorization: SSWS <token>``).

One method per runbook step; each is one or two calls of ``okta_calls``, sent through the shared
:class:`~.http.HttpSession` (timeouts, retries honouring ``Retry-After``/``X-Rate-Limit-Reset``, error
taxonomy). Lists that Okta pages (group members) are followed through its ``Link: <...>; rel="next"`` header
(:mod:`.paging`), each page retried on its own.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from typing import Any

import httpx

from . import okta_calls as calls
from .calls import Call
from .errors import ConnectorError, ConnectorFailure, ConnectorHalt, ErrorCode
from .http import HttpSession, RetryPolicy
from .lookup import exact_matches
from .models import AccessCheck, GroupMember, OktaFactor, OktaGroup, OktaUser, PasswordReset
from .paging import BadNextLink, Pager

SYSTEM = calls.SYSTEM
REQUIRED_PROFILE = ("login", "email", "firstName", "lastName")


class SSWSAuth(httpx.Auth):
    """Okta API token auth. Kept in an auth object so the token never sits in default headers or reprs."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"SSWS {self._token}"
        yield request

    def __repr__(self) -> str:
        return "SSWSAuth(token=[redacted])"


def _user(data: Any, call: str) -> OktaUser:
    try:
        profile = data.get("profile") or {}
        return OktaUser(
            id=str(data["id"]),
            login=str(profile.get("login", "")),
            email=str(profile.get("email", "")),
            status=str(data.get("status", "")),
            first_name=str(profile.get("firstName") or ""),
            last_name=str(profile.get("lastName") or ""),
        )
    except (AttributeError, KeyError, TypeError) as exc:
        raise _bad_body(call, "user object") from exc


def _member(data: Any, call: str) -> GroupMember:
    """Okta groups hold users only: every member is a person with a login and a primary email."""
    user = _user(data, call)
    return GroupMember(id=user.id, kind="user", login=user.login, email=user.email)


def _bad_body(call: str, expected: str) -> ConnectorFailure:
    return ConnectorFailure(SYSTEM, call, 200, f"answer is not a {expected}", code=ErrorCode.BAD_RESPONSE)


class OktaClient:
    """Talks to one Okta org. Use as an async context manager, or call :meth:`aclose`."""

    def __init__(
        self,
        org_url: str,
        api_token: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float | None = None,
    ) -> None:
        self.org_url = org_url.rstrip("/")
        self._http = HttpSession(
            SYSTEM, self.org_url, auth=SSWSAuth(api_token), transport=transport, retry=retry, timeout=timeout
        )

    def __repr__(self) -> str:
        return f"OktaClient({self.org_url!r})"

    async def __aenter__(self) -> OktaClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _json(self, call: Call) -> Any:
        response = await self._http.send(call)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise self._http.report(_bad_body(call.name, "JSON document")) from exc

    async def _pages(self, first: Call, expected: str) -> list[Any]:
        """Every item of a list Okta pages: the first answer, then each ``Link: <...>; rel="next"`` in turn."""
        items: list[Any] = []
        pager = Pager(self.org_url, first)
        call = first
        while True:
            response = await self._http.send(call)
            try:
                body = response.json() if response.content else []
            except ValueError as exc:
                raise self._http.report(_bad_body(call.name, "JSON document")) from exc
            if not isinstance(body, list):
                raise self._http.report(_bad_body(call.name, expected))
            items.extend(body)
            link = response.links.get("next", {}).get("url")
            if not link:
                return items
            try:
                call = pager.follow(link)
            except BadNextLink as exc:
                failure = ConnectorFailure(
                    SYSTEM, call.name, response.status_code, str(exc), code=ErrorCode.BAD_RESPONSE
                )
                raise self._http.report(failure) from None

    def _halt(self, call: Call, status: int | None, detail: str, code: ErrorCode) -> ConnectorHalt:
        return self._http.report(ConnectorHalt(SYSTEM, call.name, status, detail, code=code))

    # users ---------------------------------------------------------------------------------------------

    async def find_user(self, login_or_email: str) -> OktaUser | None:
        """The user whose login or primary email is ``login_or_email``; ``None`` when there is none."""
        call = calls.search_users(login_or_email)
        found = await self._json(call)
        if not isinstance(found, list):
            raise self._http.report(_bad_body(call.name, "list of users"))
        users = [_user(item, call.name) for item in found]
        by_login = exact_matches(users, login_or_email, lambda u: u.login)
        matches = by_login or exact_matches(users, login_or_email, lambda u: u.email)
        if len(matches) > 1:
            ids = ", ".join(u.id for u in matches)
            raise self._halt(
                call, 200, f"{login_or_email!r} matches several users ({ids})", ErrorCode.AMBIGUOUS
            )
        return matches[0] if matches else None

    async def require_user(self, login_or_email: str) -> OktaUser:
        """Like :meth:`find_user`, but a missing user is a halt (the runbook's precondition)."""
        user = await self.find_user(login_or_email)
        if user is None:
            call = calls.search_users(login_or_email)
            raise self._halt(
                call, 200, f"no Okta user with login or email {login_or_email!r}", ErrorCode.NOT_FOUND
            )
        return user

    async def get_user(self, user_id: str) -> OktaUser:
        call = calls.get_user(user_id)
        return _user(await self._json(call), call.name)

    async def create_user(
        self,
        profile: Mapping[str, str],
        *,
        activate: bool = True,
        group_ids: Sequence[str] = (),
        password: str | None = None,
    ) -> OktaUser:
        """Create (and by default activate) a user, adding it to ``group_ids`` in the same call.

        Without ``password`` an activated user is ``PROVISIONED`` and Okta emails the activation link.
        """
        call = calls.create_user(profile, activate=activate, group_ids=group_ids, password=password)
        missing = [key for key in REQUIRED_PROFILE if not profile.get(key)]
        if missing:
            raise self._halt(call, None, f"profile lacks {', '.join(missing)}", ErrorCode.PRECONDITION)
        return _user(await self._json(call), call.name)

    # lifecycle -----------------------------------------------------------------------------------------

    async def reset_password(
        self, user_id: str, *, send_email: bool = True, revoke_sessions: bool = False
    ) -> PasswordReset:
        """Start a password reset; with ``send_email=False`` Okta returns a one-time link (a secret)."""
        call = calls.reset_password(user_id, send_email=send_email, revoke_sessions=revoke_sessions)
        body = await self._json(call)
        url = body.get("resetPasswordUrl") if isinstance(body, dict) else None
        return PasswordReset(email_sent=send_email, reset_url=str(url) if url else None)

    async def expire_password(self, user_id: str) -> OktaUser:
        """Force a password change at next sign-in (status ``PASSWORD_EXPIRED``)."""
        call = calls.lifecycle(user_id, "expire_password")
        return _user(await self._json(call), call.name)

    async def suspend(self, user_id: str) -> None:
        await self._json(calls.lifecycle(user_id, "suspend"))

    async def unsuspend(self, user_id: str) -> None:
        await self._json(calls.lifecycle(user_id, "unsuspend"))

    async def unlock(self, user_id: str) -> None:
        await self._json(calls.lifecycle(user_id, "unlock"))

    # factors -------------------------------------------------------------------------------------------

    async def list_factors(self, user_id: str) -> list[OktaFactor]:
        call = calls.list_factors(user_id)
        body = await self._json(call)
        if not isinstance(body, list):
            raise self._http.report(_bad_body(call.name, "list of factors"))
        try:
            return [
                OktaFactor(
                    id=str(f["id"]),
                    factor_type=str(f.get("factorType", "")),
                    provider=str(f.get("provider", "")),
                    status=str(f.get("status", "")),
                )
                for f in body
            ]
        except (AttributeError, KeyError, TypeError) as exc:
            raise self._http.report(_bad_body(call.name, "list of factors")) from exc

    async def reset_factors(self, user_id: str) -> None:
        """Unenroll every factor of the user in one call (``lifecycle/reset_factors``)."""
        await self._json(calls.lifecycle(user_id, "reset_factors"))

    async def delete_factor(self, user_id: str, factor_id: str) -> None:
        await self._json(calls.delete_factor(user_id, factor_id))

    # groups --------------------------------------------------------------------------------------------

    async def find_group(self, name: str) -> OktaGroup:
        """The group whose ``profile.name`` is ``name``; absence and ambiguity are halts."""
        call = calls.search_groups(name)
        body = await self._json(call)
        if not isinstance(body, list):
            raise self._http.report(_bad_body(call.name, "list of groups"))
        try:
            groups = [
                OktaGroup(id=str(g["id"]), name=str(g["profile"]["name"]), type=str(g.get("type", "")))
                for g in body
            ]
        except (AttributeError, KeyError, TypeError) as exc:
            raise self._http.report(_bad_body(call.name, "list of groups")) from exc
        matches = exact_matches(groups, name, lambda g: g.name)
        if not matches:
            raise self._halt(call, 200, f"no Okta group named {name!r}", ErrorCode.NOT_FOUND)
        if len(matches) > 1:
            ids = ", ".join(g.id for g in matches)
            raise self._halt(
                call, 200, f"several Okta groups are named {name!r} ({ids})", ErrorCode.AMBIGUOUS
            )
        return matches[0]

    async def add_to_group(self, group_id: str, user_id: str) -> None:
        """Idempotent on Okta's side: adding a member again answers 204 too."""
        await self._json(calls.add_to_group(group_id, user_id))

    async def remove_from_group(self, group_id: str, user_id: str) -> None:
        await self._json(calls.remove_from_group(group_id, user_id))

    async def list_group_members(self, group_id: str, *, page_size: int = calls.MEMBER_PAGE) -> list[GroupMember]:
        """Every member user of the group ("List all member users"), all pages."""
        first = calls.list_group_members(group_id, limit=page_size)
        return [_member(item, first.name) for item in await self._pages(first, "list of users")]

    async def is_member(self, group_id: str, user_id: str) -> bool | None:
        """Whether the user is a direct member of the group, from the user's own group list
        (``GET /api/v1/users/{id}/groups``): one call however large the group is. Okta has no single-pair
        membership check."""
        call = calls.user_groups(user_id)
        groups = await self._pages(call, "list of groups")
        return any(isinstance(g, dict) and g.get("id") == group_id for g in groups)

    # doctor --------------------------------------------------------------------------------------------

    async def check_access(self) -> AccessCheck:
        """One harmless authenticated read (list one user). Okta tokens carry their admin's rights, which the
        API does not list; a 200 proves the token is valid and may read users, nothing more."""
        try:
            await self._json(calls.list_users(limit=1))
        except ConnectorError as exc:
            if exc.code is ErrorCode.UNAUTHORIZED:
                detail = f"API token rejected ({exc.detail}); create a new token in Security > API > Tokens"
            elif exc.code is ErrorCode.FORBIDDEN:
                detail = f"the token's admin may not read users ({exc.detail}); give it a role that can"
            else:
                detail = str(exc)
            return AccessCheck(system=SYSTEM, ok=False, detail=detail)
        return AccessCheck(system=SYSTEM, ok=True, detail=f"token accepted by {self.org_url}; users readable")
