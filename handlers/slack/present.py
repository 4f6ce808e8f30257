"""Small wrappers around the Block Kit builders of ``cards/`` for answers only the Slack edge gives: a refusal
chosen from an outcome, a run's card shown in a modal, the text-only notes. No I/O here.
"""

from __future__ import annotations

from typing import Any

from opsgate.cards.blockkit.approval import approval_card, refusal
from opsgate.cards.blockkit.blocks import plain
from opsgate.cards.limits import SLACK_VIEW_BUTTON, SLACK_VIEW_TITLE
from opsgate.cards.text import RefusalKind
from opsgate.cards.views import ApprovalView
from opsgate.handlers.slack.surface import plain_note

RUN_MODAL_CALLBACK = "opsgate.run_details"


def refusal_message(kind: RefusalKind | None, view: ApprovalView | None, fallback: str) -> dict[str, Any]:
    """The ephemeral answer to a press that changed nothing."""
    if kind is None:
        return plain_note(fallback)
    return refusal(kind, view)


def run_modal(view: ApprovalView) -> dict[str, Any]:
    """A run's card in a modal (App Home "Details", ``/opsgate pending``); its buttons work as on the card."""
    return {
        "type": "modal",
        "callback_id": RUN_MODAL_CALLBACK,
        "title": plain(f"Run {view.runbook_id}", SLACK_VIEW_TITLE),
        "close": plain("Close", SLACK_VIEW_BUTTON),
        "blocks": approval_card(view)["blocks"],
        "private_metadata": view.run_id,
    }


def note(text: str) -> dict[str, Any]:
    return plain_note(text)
