"""Who is clicking, and may they decide: Teams identities turned into :class:`~opsgate.bot.runs.Decider`.

``OPSGATE_TEAMS_APPROVERS`` lists Microsoft Entra object ids of users (matched against the sender's
``aadObjectId``) and/or of groups (membership read through Microsoft Graph). The clicker's email, which the run
machine needs to refuse self-approval, comes from the Teams member lookup, else from Graph ``/users/{objectId}``.
Both answers are cached for ``OPSGATE_APPROVER_CACHE``; a failed lookup is never cached as an answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import structlog
from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity

from opsgate.bot.runs import Decider
from opsgate.bot.settings import Settings
from opsgate.runbooks.connectors.models import GraphUser

log = structlog.get_logger("opsgate.teams")


class Directory(Protocol):
    """The two Graph reads this needs (GraphClient has both)."""

    async def find_user(self, upn_or_mail: str) -> GraphUser | None: ...
    async def is_member(self, group_id: str, user_id: str) -> bool | None: ...


@dataclass(frozen=True)
class Person:
    aad_object_id: str | None
    user_id: str  # the Bot Framework id ("29:...")
    name: str
    email: str | None

    @property
    def actor(self) -> str:
        return f"teams:{self.aad_object_id or self.user_id}"


def sender_of(activity: Activity) -> Person:
    """The sender as the activity names them (email unknown until :meth:`Approvers.person` looks it up)."""
    sender = activity.from_property
    user_id = str(getattr(sender, "id", "") or "")
    aad = getattr(sender, "aad_object_id", None) or None
    return Person(aad, user_id, str(getattr(sender, "name", "") or aad or user_id), None)


class _Cache:
    def __init__(self, ttl: float, clock: Callable[[], float]) -> None:
        self.ttl = ttl
        self.clock = clock
        self._items: dict[str, tuple[float, object]] = {}

    def get(self, key: str) -> object | None:
        found = self._items.get(key)
        if found is None or found[0] < self.clock():
            return None
        return found[1]

    def put(self, key: str, value: object) -> None:
        if len(self._items) > 10_000:
            self._items.clear()
        self._items[key] = (self.clock() + self.ttl, value)


class Approvers:
    def __init__(
        self,
        settings: Settings,
        graph: Directory | None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.listed = tuple(dict.fromkeys(i.strip().casefold() for i in settings.teams_approvers if i.strip()))
        self.graph = graph
        ttl = settings.approver_cache.total_seconds()
        self._people = _Cache(ttl, clock)
        self._approvers = _Cache(ttl, clock)
        if self.listed and graph is None:
            log.info("teams_approver_groups_off", note="Graph is not configured: only listed user ids approve")

    async def is_approver(self, aad_object_id: str | None) -> bool:
        if not aad_object_id or not self.listed:
            return False
        key = aad_object_id.casefold()
        if key in self.listed:
            return True
        cached = self._approvers.get(key)
        if isinstance(cached, bool):
            return cached
        if self.graph is None:
            return False
        for group_id in self.listed:
            try:
                member = await self.graph.is_member(group_id, aad_object_id)
            except Exception as exc:  # Graph down or the id is no group: fail closed, and do not cache
                log.warning("teams_approver_check_failed", group=group_id, error=f"{type(exc).__name__}: {exc}")
                return False
            if member is None:
                log.warning("teams_approver_check_capped", group=group_id, user=aad_object_id)
            if member:
                self._approvers.put(key, True)
                return True
        self._approvers.put(key, False)
        return False

    async def person(self, turn_context: TurnContext) -> Person:
        """The sender with their email (Teams member lookup, else Graph); cached once the email is known."""
        sender = sender_of(turn_context.activity)
        key = (sender.aad_object_id or sender.user_id).casefold()
        cached = self._people.get(key)
        if isinstance(cached, Person):
            return cached
        email, found_name = await self._lookup(turn_context, sender.user_id, sender.aad_object_id)
        person = Person(sender.aad_object_id, sender.user_id, found_name or sender.name, email)
        if email is not None:
            self._people.put(key, person)
        return person

    async def _lookup(self, turn_context: TurnContext, user_id: str, aad: str | None) -> tuple[str | None, str | None]:
        try:
            member = await TeamsInfo.get_member(turn_context, user_id)
            email = member.email or member.user_principal_name
            if email:
                return str(email).lower(), member.name
        except Exception as exc:  # not in the roster, connector trouble: ask Graph instead
            log.info("teams_member_lookup_failed", user=user_id, error=f"{type(exc).__name__}: {exc}"[:200])
        if aad and self.graph is not None:
            try:
                user = await self.graph.find_user(aad)
            except Exception as exc:
                log.warning("teams_graph_user_lookup_failed", user=aad, error=f"{type(exc).__name__}: {exc}"[:200])
                return None, None
            if user is not None:
                email = user.mail or user.user_principal_name
                return (email.lower() if email else None), user.display_name or None
        return None, None

    async def decider(self, turn_context: TurnContext) -> tuple[Decider, Person]:
        person = await self.person(turn_context)
        approver = await self.is_approver(person.aad_object_id)
        return Decider(actor=person.actor, label=person.name, email=person.email, is_approver=approver), person
