"""Who is who in the Slack workspace: users (``users.info``, ``users.lookupByEmail``) and user-group members
(``usergroups.users.list``), cached briefly per process.

A failed lookup of a user group falls back to the last answer Slack gave (a Slack hiccup must not turn every
approver into a non-approver); with no earlier answer the error propagates and the caller refuses to decide.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = structlog.get_logger("opsgate.slack.directory")

V = TypeVar("V")
Clock = Callable[[], float]
NOT_FOUND = frozenset({"user_not_found", "users_not_found", "no_such_subteam", "subteam_not_found"})


@dataclass(frozen=True)
class SlackUser:
    id: str
    email: str | None  # the profile email (needs users:read.email), lower-cased
    name: str | None  # real name, for cards ("Sarah Chen")
    is_bot: bool = False
    deleted: bool = False

    @classmethod
    def of(cls, raw: dict[str, Any]) -> SlackUser:
        profile = raw.get("profile") or {}
        email = profile.get("email")
        name = raw.get("real_name") or profile.get("real_name") or raw.get("name")
        return cls(
            id=str(raw["id"]),
            email=str(email).strip().lower() if email else None,
            name=str(name) if name else None,
            is_bot=bool(raw.get("is_bot")),
            deleted=bool(raw.get("deleted")),
        )


class TtlCache(Generic[V]):
    """A tiny per-instance cache: each value is fresh for ``ttl`` seconds; stale values stay readable."""

    def __init__(self, ttl: float, clock: Clock = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._items: dict[str, tuple[float, V]] = {}

    def fresh(self, key: str) -> tuple[bool, V | None]:
        item = self._items.get(key)
        if item is None or self.clock() - item[0] > self.ttl:
            return False, None
        return True, item[1]

    def stale(self, key: str) -> tuple[bool, V | None]:
        item = self._items.get(key)
        return (False, None) if item is None else (True, item[1])

    def put(self, key: str, value: V) -> V:
        self._items[key] = (self.clock(), value)
        return value

    def clear(self) -> None:
        self._items.clear()


def _not_found(exc: SlackApiError) -> bool:
    data = getattr(exc.response, "data", None)
    return isinstance(data, dict) and data.get("error") in NOT_FOUND


class SlackDirectory:
    def __init__(self, client: AsyncWebClient, *, ttl: float, clock: Clock = time.monotonic) -> None:
        self.client = client
        self.users: TtlCache[SlackUser | None] = TtlCache(ttl, clock)
        self.by_email: TtlCache[SlackUser | None] = TtlCache(ttl, clock)
        self.groups: TtlCache[frozenset[str]] = TtlCache(ttl, clock)

    async def _cached(self, cache: TtlCache[Any], key: str, fetch: Callable[[], Awaitable[Any]]) -> Any:
        hit, value = cache.fresh(key)
        if hit:
            return value
        return cache.put(key, await fetch())

    async def user(self, user_id: str) -> SlackUser | None:
        """The user, or ``None`` when Slack knows no such user."""

        async def fetch() -> SlackUser | None:
            try:
                resp = await self.client.users_info(user=user_id)
            except SlackApiError as exc:
                if _not_found(exc):
                    return None
                raise
            return SlackUser.of(resp["user"])

        found: SlackUser | None = await self._cached(self.users, user_id, fetch)
        return found

    async def user_by_email(self, email: str) -> SlackUser | None:
        """The workspace member with this profile email, or ``None``."""
        key = email.strip().lower()

        async def fetch() -> SlackUser | None:
            try:
                resp = await self.client.users_lookupByEmail(email=key)
            except SlackApiError as exc:
                if _not_found(exc):
                    return None
                raise
            return SlackUser.of(resp["user"])

        found: SlackUser | None = await self._cached(self.by_email, key, fetch)
        return found

    async def group_members(self, group_id: str) -> frozenset[str]:
        """User ids of a user group (empty for an unknown group); the last known answer when Slack fails."""

        async def fetch() -> frozenset[str]:
            try:
                resp = await self.client.usergroups_users_list(usergroup=group_id)
            except SlackApiError as exc:
                if _not_found(exc):
                    log.warning("approver_group_unknown", group=group_id)
                    return frozenset()
                raise
            return frozenset(str(u) for u in resp.get("users") or ())

        hit, value = self.groups.fresh(group_id)
        if hit and value is not None:
            return value
        try:
            return self.groups.put(group_id, await fetch())
        except Exception:
            known, stale = self.groups.stale(group_id)
            if known and stale is not None:
                log.warning("approver_group_stale", group=group_id)
                return stale
            raise
