"""``TeamsSurface``: the :class:`~opsgate.bot.chat.ChatSurface` for Microsoft Teams, through the Bot Connector.

* ``post_approval``: a new post in the org's approval channel (stored reference, ``continue_conversation``,
  ``SendToConversation``). What is kept: ``PostedMessage(surface="teams", channel=<channel conversation id>,
  message_id=<activity id>, reference=<the channel's serialized ConversationReference>)``.
* ``update_approval``: the same card builder on the run's current state, ``UpdateActivity`` (PUT) in place.
* ``post_note`` / ``post_in_thread``: replies in the card's thread (``ReplyToActivity`` on
  ``<channel>;messageid=<card id>``), as Teams threads channel replies.
* ``notify_requester``: a 1:1 message for ``teams:<aadObjectId>`` requesters (their personal chat with the bot,
  or a new one made with ``CreateConversation``); ``False`` for anyone else.

Connector trouble (429, 5xx, no connection, no token) raises :class:`~opsgate.bot.chat.ChatUnavailable`, so the
outbox retries with backoff (honouring ``Retry-After``).
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationParameters, ResourceResponse

from opsgate.bot.chat import ChatUnavailable, PostedMessage
from opsgate.cards.adaptive.approval import approval_card, requester_dm_card, thread_note
from opsgate.cards.views import ApprovalView
from opsgate.handlers.teams.answers import card_activity, text_activity
from opsgate.handlers.teams.directory import TeamsDirectory, deserialize, serialize

log = structlog.get_logger("opsgate.teams")

NO_CHANNEL_RETRY = 60.0
REFUSED_RETRY = 300.0  # 401/403/404 from the connector: usually the bot was removed; an admin must act


class ConnectorRefused(Exception):
    def __init__(self, status: int | None, detail: str) -> None:
        super().__init__(detail)
        self.status = status


def _status(exc: BaseException) -> tuple[int | None, dict[str, str]]:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    headers = getattr(response, "headers", None) or {}
    return (int(status) if isinstance(status, int) else None), {str(k).lower(): str(v) for k, v in headers.items()}


def _retry_after(headers: dict[str, str]) -> float | None:
    try:
        return max(0.0, float(headers["retry-after"]))
    except (KeyError, ValueError):
        return None


def unavailable(exc: BaseException, what: str) -> ChatUnavailable:
    """Map anything the Bot Framework stack raised to the outbox's "try again later"."""
    status, headers = _status(exc)
    detail = f"Teams {what}: {type(exc).__name__}: {exc}"[:500]
    if status in (401, 403, 404):
        log.error("teams_connector_refused", what=what, status=status, error=detail)
        return ChatUnavailable(detail, REFUSED_RETRY)
    log.warning("teams_connector_unavailable", what=what, status=status, error=detail)
    return ChatUnavailable(detail, _retry_after(headers))


def thread_reference(posted: PostedMessage) -> Any:
    """The conversation of a posted card's thread: ``<channel>;messageid=<card id>``."""
    reference = deserialize(posted.reference)
    reference.conversation = copy.copy(reference.conversation)
    reference.conversation.id = f"{posted.channel};messageid={posted.message_id}"
    return reference


def sender(activity: Activity, reply_to: str | None) -> Callable[[TurnContext], Awaitable[ResourceResponse | None]]:
    """Send ``activity`` in a proactive turn as exactly what it is: a new post (no ``replyToId``, so
    SendToConversation) or a reply under ``reply_to`` (ReplyToActivity). Left alone, botbuilder would reply to the
    made-up id of its continuation activity."""

    async def address(_tc: TurnContext, activities: list[Activity], send_next: Callable[[], Any]) -> Any:
        for outgoing in activities:
            outgoing.reply_to_id = reply_to
        return await send_next()

    async def send(turn_context: TurnContext) -> ResourceResponse | None:
        turn_context.on_send_activities(address)
        response: ResourceResponse | None = await turn_context.send_activity(activity)
        return response

    return send


class TeamsSurface:
    name = "teams"

    def __init__(self, adapter: CloudAdapter, app_id: str, directory: TeamsDirectory) -> None:
        self.adapter = adapter
        self.app_id = app_id
        self.directory = directory

    async def _continue(
        self, reference: Any, logic: Callable[[TurnContext], Awaitable[Any]], what: str, *, missing_ok: bool = False
    ) -> Any:
        result: list[Any] = []

        async def callback(turn_context: TurnContext) -> None:
            result.append(await logic(turn_context))

        try:
            await self.adapter.continue_conversation(reference, callback, bot_app_id=self.app_id)
        except ChatUnavailable:
            raise
        except Exception as exc:
            if missing_ok and _status(exc)[0] == 404:
                log.warning("teams_activity_gone", what=what, conversation=str(reference.conversation.id))
                return None
            raise unavailable(exc, what) from exc
        return result[0] if result else None

    async def _send(
        self, reference: Any, activity: Activity, what: str, reply_to: str | None = None
    ) -> ResourceResponse:
        sent = await self._continue(reference, sender(activity, reply_to), what)
        if not isinstance(sent, ResourceResponse) or not sent.id:
            raise ChatUnavailable(f"Teams {what}: the connector returned no activity id")
        return sent

    # ChatSurface ---------------------------------------------------------------------------------------------

    async def post_approval(self, view: ApprovalView) -> PostedMessage:
        reference = await self.directory.approval_channel()
        if reference is None:
            raise ChatUnavailable(
                "no Teams approval channel yet: an approver posts '@OpsGate set approvals here' in a team channel",
                NO_CHANNEL_RETRY,
            )
        sent = await self._send(reference, card_activity(approval_card(view)), "approval card")
        return PostedMessage(self.name, str(reference.conversation.id), str(sent.id), serialize(reference))

    async def update_approval(self, posted: PostedMessage, view: ApprovalView) -> None:
        reference = deserialize(posted.reference)
        activity = card_activity(approval_card(view))
        activity.id = posted.message_id
        # A post deleted in Teams (404) has nothing left to update: not worth retrying.
        await self._continue(reference, lambda tc: tc.update_activity(activity), "card update", missing_ok=True)

    async def post_note(self, posted: PostedMessage, view: ApprovalView) -> None:
        await self._send(thread_reference(posted), card_activity(thread_note(view)), "thread note", posted.message_id)

    async def post_in_thread(self, posted: PostedMessage, text: str) -> None:
        await self._send(thread_reference(posted), text_activity(text), "thread line", posted.message_id)

    async def notify_requester(self, requester: str, view: ApprovalView) -> bool:
        return await self._direct(requester, card_activity(requester_dm_card(view)), view.run_id)

    async def send_direct(self, person: str, text: str) -> bool:
        return await self._direct(person, text_activity(text), None)

    async def announce(self, text: str) -> PostedMessage | None:
        reference = await self.directory.approval_channel()
        if reference is None:
            return None
        sent = await self._send(reference, text_activity(text), "channel line")
        return PostedMessage(self.name, str(reference.conversation.id), str(sent.id), serialize(reference))

    async def _direct(self, person: str, activity: Activity, run_id: str | None) -> bool:
        """A 1:1 message to a ``teams:<aadObjectId>`` person (their chat with the bot, or a new one)."""
        if not person.startswith("teams:"):
            return False
        contact = await self.directory.user(person.removeprefix("teams:"))
        if not contact:
            log.info("teams_person_unreachable", person=person, run=run_id)
            return False
        if contact.get("reference"):
            await self._send(deserialize(contact["reference"]), activity, "direct message")
            return True
        await self._create_chat(contact, activity)
        return True

    async def _create_chat(self, contact: dict[str, Any], activity: Activity) -> None:
        parameters = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=f"28:{self.app_id}"),
            members=[ChannelAccount(id=str(contact["userId"]))],
            tenant_id=contact.get("tenantId"),
            channel_data={"tenant": {"id": contact.get("tenantId")}},
        )
        send = sender(activity, None)

        async def callback(turn_context: TurnContext) -> None:
            await send(turn_context)

        try:
            await self.adapter.create_conversation(
                self.app_id,
                callback,
                parameters,
                channel_id="msteams",
                service_url=str(contact["serviceUrl"]),
            )
        except Exception as exc:
            raise unavailable(exc, "requester chat") from exc
