"""Where OpsGate reaches people in Teams: the org's approval channel and users' private chats.

A thin service over :mod:`opsgate.store.teams_channels`: one transaction per change, and setting the approval
channel lands on the audit chain in that same transaction. References are botbuilder
``ConversationReference`` objects, stored serialized (camelCase JSON, as the Bot Framework writes them).
"""

from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationReference

from opsgate.bot.notifications import CARD_REQUEST
from opsgate.bot.services import Services
from opsgate.store import audit, teams_channels


def serialize(reference: ConversationReference) -> dict[str, Any]:
    data: dict[str, Any] = reference.serialize()
    return data


def deserialize(data: dict[str, Any]) -> ConversationReference:
    reference: ConversationReference = ConversationReference().deserialize(data)
    return reference


def contact_of(activity: Activity) -> dict[str, Any]:
    """How to reach the sender of ``activity`` privately: their Bot Framework id, tenant and service URL, and, in a
    personal chat, that chat's reference (without one, a new 1:1 chat is created when needed)."""
    conversation = activity.conversation
    contact: dict[str, Any] = {
        "userId": activity.from_property.id,
        "tenantId": getattr(conversation, "tenant_id", None),
        "serviceUrl": activity.service_url,
    }
    if getattr(conversation, "conversation_type", None) == "personal":
        reference = TurnContext.get_conversation_reference(activity)
        reference.activity_id = None
        contact["reference"] = serialize(reference)
    return contact


class TeamsDirectory:
    def __init__(self, services: Services) -> None:
        self.services = services

    def _org(self) -> int:
        return self.services.default_org_id

    def _channel(self) -> dict[str, Any] | None:
        with self.services.read_session() as session:
            return teams_channels.approval_channel(session, org_id=self._org())

    async def approval_channel(self) -> ConversationReference | None:
        data = await self.services.db(self._channel)
        return deserialize(data) if data else None

    def _set_channel(self, reference: dict[str, Any], name: str, actor: str, team: str | None) -> None:
        org_id = self._org()
        channel = str(reference.get("conversation", {}).get("id", ""))
        with self.services.transaction() as session:
            teams_channels.set_approval_channel(session, org_id=org_id, name=name, reference=reference)
            teams_channels.wake_waiting(session, org_id=org_id, kind=CARD_REQUEST)  # cards that waited for it
            audit.append(
                session,
                org_id=org_id,
                actor=actor,
                action="teams.approval_channel_set",
                subject=f"teams_channel:{channel}",
                data={"channel": channel, "name": name, "team": team, "serviceUrl": reference.get("serviceUrl")},
            )

    async def set_approval_channel(
        self, reference: ConversationReference, *, name: str, actor: str, team: str | None
    ) -> None:
        await self.services.db(self._set_channel, serialize(reference), name, actor, team)

    def _user(self, aad_object_id: str) -> dict[str, Any] | None:
        with self.services.read_session() as session:
            return teams_channels.user_contact(session, org_id=self._org(), aad_object_id=aad_object_id)

    async def user(self, aad_object_id: str) -> dict[str, Any] | None:
        return await self.services.db(self._user, aad_object_id)

    def _remember(self, aad_object_id: str, contact: dict[str, Any]) -> bool:
        with self.services.transaction() as session:
            return teams_channels.save_user_contact(
                session, org_id=self._org(), aad_object_id=aad_object_id, contact=contact
            )

    async def remember_user(self, aad_object_id: str, contact: dict[str, Any]) -> bool:
        """Keep how to reach this user privately (written only when it changed; a personal chat's reference, once
        known, is kept when the user later writes from a channel)."""
        if "reference" not in contact:
            known = await self.user(aad_object_id)
            if known and known.get("reference"):
                contact = {**contact, "reference": known["reference"]}
        return await self.services.db(self._remember, aad_object_id, contact)
