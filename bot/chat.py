"""The ``ChatSurface`` protocol: what OpsGate needs from a chat platform. Slack and Teams implement it at the edge
(handlers/slack, handlers/teams); services only ever see this protocol, never slack_bolt or botbuilder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from opsgate.cards.views import ApprovalView


@dataclass(frozen=True)
class PostedMessage:
    """Where a card went: enough to update it or reply in its thread later, on any replica."""

    surface: str
    channel: str
    message_id: str  # Slack ts; Teams activity id
    reference: dict[str, Any] = field(default_factory=dict)  # Teams conversation reference


class ChatUnavailable(Exception):
    """The platform did not take the message now (rate limit, outage); try again later."""

    def __init__(self, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class ChatSurface(Protocol):
    name: str

    async def post_approval(self, view: ApprovalView) -> PostedMessage:
        """Post the approval card to the approval channel."""
        ...

    async def update_approval(self, posted: PostedMessage, view: ApprovalView) -> None:
        """Re-render a posted card from the run's current state."""
        ...

    async def post_note(self, posted: PostedMessage, view: ApprovalView) -> None:
        """The threaded note under a card: issue key, link, classification."""
        ...

    async def post_in_thread(self, posted: PostedMessage, text: str) -> None:
        """A line in the card's thread (reminders, Jira timeline, give-up notices). ``text`` is plain text."""
        ...

    async def notify_requester(self, requester: str, view: ApprovalView) -> bool:
        """Tell the requester privately what was decided; False when the requester is not a user of this surface."""
        ...

    async def send_direct(self, person: str, text: str) -> bool:
        """A private plain-text message to ``person`` (a run's requester form: ``slack:U…``, ``teams:<aad>``,
        ``jira:<email>``); False when the person is not a user of this surface."""
        ...

    async def announce(self, text: str) -> PostedMessage | None:
        """A plain-text line in the approval channel (what a background job did); None when there is no channel."""
        ...
