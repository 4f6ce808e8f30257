"""Slack as a :class:`~opsgate.bot.chat.ChatSurface`: approval cards in ``OPSGATE_SLACK_APPROVAL_CHANNEL``, their
thread, and the requester's DM.

Temporary trouble (429, 5xx, a connection error, this process pacing itself, a missing channel invite) is raised
as :class:`~opsgate.bot.chat.ChatUnavailable`, so the outbox retries the card later and the run stays
``awaiting_approval``. A card that was deleted in Slack is not updated (nothing to update, nothing to retry).

The requester is told by DM when they are a Slack user (``slack:U…``) or, for a Jira reporter
(``jira:<email>``), when ``users.lookupByEmail`` finds a workspace member with that email: a reporter who is in
Slack hears of the decision where they work; anyone else is left to the Jira comment.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, NoReturn

import aiohttp
import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from opsgate.bot.chat import ChatUnavailable, PostedMessage
from opsgate.cards.blockkit.approval import approval_card, requester_dm, thread_note
from opsgate.cards.blockkit.blocks import message, section
from opsgate.cards.ids import BlockId
from opsgate.cards.limits import SLACK_SECTION_TEXT
from opsgate.cards.markup import SLACK, slack_user_id
from opsgate.cards.views import ApprovalView
from opsgate.handlers.slack.directory import SlackDirectory
from opsgate.handlers.slack.pacing import SlackBusy, patience

log = structlog.get_logger("opsgate.slack.surface")

NAME = "slack"
NOTE_PATIENCE = 15.0  # a thread note follows its card; wait for the channel's next slot rather than lose it
SETUP_RETRY = 60.0  # seconds before retrying after a set-up problem an admin must fix
TRANSIENT = frozenset({"ratelimited", "fatal_error", "internal_error", "service_unavailable", "request_timeout"})
SETUP = {
    "not_in_channel": "invite the OpsGate app to the approval channel (/invite @OpsGate)",
    "channel_not_found": "check OPSGATE_SLACK_APPROVAL_CHANNEL (a channel id such as C0123ABCD) and invite the app",
    "is_archived": "the approval channel is archived; set OPSGATE_SLACK_APPROVAL_CHANNEL to a live channel",
    "invalid_auth": "SLACK_BOT_TOKEN is not accepted by Slack",
    "not_authed": "SLACK_BOT_TOKEN is missing",
    "token_revoked": "SLACK_BOT_TOKEN was revoked; reinstall the app",
    "account_inactive": "the app's bot user is deactivated; reinstall the app",
    "missing_scope": "the app lacks a scope it needs; update it from manifest.yml and reinstall",
}
GONE = frozenset({"message_not_found", "cant_update_message"})


def slack_error(exc: SlackApiError) -> str:
    data = getattr(exc.response, "data", None)
    return str(data.get("error")) if isinstance(data, dict) and data.get("error") else "unknown_error"


def unavailable(exc: BaseException, what: str) -> ChatUnavailable | None:
    """The :class:`ChatUnavailable` that ``exc`` amounts to, or ``None`` when it is not temporary."""
    if isinstance(exc, SlackBusy):
        return ChatUnavailable(f"{what}: {exc}", exc.retry_after)
    if isinstance(exc, SlackApiError):
        status = int(getattr(exc.response, "status_code", 200) or 200)
        error = slack_error(exc)
        if status >= 500 or error in TRANSIENT:
            return ChatUnavailable(f"{what}: Slack answered {status} {error}")
        if error in SETUP:
            log.warning("slack_setup_problem", call=what, error=error, fix=SETUP[error])
            return ChatUnavailable(f"{what}: {error}: {SETUP[error]}", SETUP_RETRY)
        return None
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | OSError):
        return ChatUnavailable(f"{what}: Slack unreachable ({type(exc).__name__})")
    return None


def _raise(exc: Exception, what: str) -> NoReturn:
    mapped = unavailable(exc, what)
    if mapped is not None:
        raise mapped from exc
    raise exc


def plain_note(text: str) -> dict[str, Any]:
    """A message showing ``text`` (plain, user-influenced) literally: escaped and cut to Slack's limit."""
    fitted = SLACK.fit(text, SLACK_SECTION_TEXT)
    return message(fitted, [section(fitted, BlockId.NOTE)])


class SlackSurface:
    name = NAME

    def __init__(self, client: AsyncWebClient, directory: SlackDirectory, channel: str | None) -> None:
        self.client = client
        self.directory = directory
        self.channel = channel

    async def _send(self, what: str, call: Awaitable[AsyncSlackResponse]) -> AsyncSlackResponse:
        try:
            return await call
        except Exception as exc:
            _raise(exc, what)

    async def post_approval(self, view: ApprovalView) -> PostedMessage:
        if not self.channel:
            raise ChatUnavailable("OPSGATE_SLACK_APPROVAL_CHANNEL is not set: the card has nowhere to go", SETUP_RETRY)
        resp = await self._send(
            "chat.postMessage",
            self.client.chat_postMessage(
                channel=self.channel, unfurl_links=False, unfurl_media=False, **approval_card(view)
            ),
        )
        return PostedMessage(NAME, str(resp["channel"]), str(resp["ts"]))

    async def update_approval(self, posted: PostedMessage, view: ApprovalView) -> None:
        await self.update_card(posted.channel, posted.message_id, view)

    async def update_card(self, channel: str, ts: str, view: ApprovalView) -> bool:
        """Re-render one posted card; False when it no longer exists in Slack."""
        try:
            await self.client.chat_update(channel=channel, ts=ts, **approval_card(view))
        except SlackApiError as exc:
            if slack_error(exc) in GONE:
                log.warning("card_gone", channel=channel, ts=ts, run=view.run_id)
                return False
            _raise(exc, "chat.update")
        except Exception as exc:
            _raise(exc, "chat.update")
        return True

    async def post_note(self, posted: PostedMessage, view: ApprovalView) -> None:
        with patience(NOTE_PATIENCE):
            await self._send(
                "chat.postMessage",
                self.client.chat_postMessage(
                    channel=posted.channel,
                    thread_ts=posted.message_id,
                    unfurl_links=False,
                    unfurl_media=False,
                    **thread_note(view),
                ),
            )

    async def post_in_thread(self, posted: PostedMessage, text: str) -> None:
        with patience(NOTE_PATIENCE):
            await self._send(
                "chat.postMessage",
                self.client.chat_postMessage(channel=posted.channel, thread_ts=posted.message_id, **plain_note(text)),
            )

    async def requester_user(self, requester: str) -> str | None:
        """The Slack user id of a run's requester, if they are in this workspace."""
        if requester.startswith("slack:"):
            return slack_user_id(requester)
        if requester.startswith("jira:") and "@" in requester:
            try:
                user = await self.directory.user_by_email(requester.removeprefix("jira:"))
            except Exception as exc:
                _raise(exc, "users.lookupByEmail")
            return user.id if user is not None and not user.deleted and not user.is_bot else None
        return None

    async def notify_requester(self, requester: str, view: ApprovalView) -> bool:
        user = await self.requester_user(requester)
        if user is None:
            return False
        await self._send("chat.postMessage", self.client.chat_postMessage(channel=user, **requester_dm(view)))
        return True

    async def send_direct(self, person: str, text: str) -> bool:
        user = await self.requester_user(person)
        if user is None:
            return False
        await self._send("chat.postMessage", self.client.chat_postMessage(channel=user, **plain_note(text)))
        return True

    async def announce(self, text: str) -> PostedMessage | None:
        if not self.channel:
            return None
        resp = await self._send(
            "chat.postMessage", self.client.chat_postMessage(channel=self.channel, **plain_note(text))
        )
        return PostedMessage(NAME, str(resp["channel"]), str(resp["ts"]))
