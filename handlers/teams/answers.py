"""The shapes Teams expects back: a message carrying an Adaptive Card, and the answers to ``adaptiveCard/action``.

Universal Actions (``Action.Execute``) are answered with HTTP 200 and ``{statusCode, type, value}``: the card that
replaces the clicked one (``application/vnd.microsoft.card.adaptive``), or a message Teams shows to the clicker
(``application/vnd.microsoft.activity.message``).
"""

from __future__ import annotations

from typing import Any

from botbuilder.core import InvokeResponse
from botbuilder.schema import Activity, ActivityTypes, AdaptiveCardInvokeResponse, Attachment, TextFormatTypes

CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else ``{}`` (activity fields arrive as whatever the sender put there)."""
    return value if isinstance(value, dict) else {}


def card_activity(card: dict[str, Any]) -> Activity:
    """A message whose one attachment is ``card`` (its fallback text is the notification preview)."""
    summary = card.get("fallbackText")
    return Activity(
        type=ActivityTypes.message,
        attachments=[Attachment(content_type=CARD, content=card)],
        summary=str(summary)[:200] if summary else None,
    )


def text_activity(text: str) -> Activity:
    """Plain text (no markdown): used for thread lines whose text comes from users and Jira."""
    return Activity(type=ActivityTypes.message, text=text, text_format=TextFormatTypes.plain)


def invoke_card(card: dict[str, Any]) -> InvokeResponse:
    """The card that replaces the one clicked, for the clicker (and, after ``refresh``, for whoever opens it)."""
    return InvokeResponse(status=200, body=AdaptiveCardInvokeResponse(status_code=200, type=CARD, value=card))


def invoke_message(text: str) -> InvokeResponse:
    """A message Teams shows the clicker; the card stays as it was.

    A plain dict body: botbuilder 4.17's ``AdaptiveCardInvokeResponse`` model types ``value`` as an object and
    cannot serialize the string this answer carries.
    """
    return InvokeResponse(status=200, body={"statusCode": 200, "type": MESSAGE, "value": text})
