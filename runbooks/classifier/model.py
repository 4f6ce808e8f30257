"""What goes into the classifier and what comes out of it: plain frozen dataclasses, no behaviour beyond views."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from opsgate.runbooks.intents import NO_ACTION, RUNBOOK_FOR_INTENT, Intent

AWAITING_APPROVAL = "awaiting_approval"


@dataclass(frozen=True)
class TicketText:
    """The parts of a ticket the classifier reads (the ingest ``ticket`` object, already parsed)."""

    issue_key: str
    summary: str
    description: str | None
    reporter_email: str | None


@dataclass(frozen=True)
class TargetUser:
    """The person a proposed run acts on: the email written in the ticket (or the reporter) and, when the
    ticket names them next to it, their full name."""

    email: str
    name: str | None


@dataclass(frozen=True)
class Classification:
    """A proposal (or the refusal to make one) with the words that decided it.

    ``intent`` is ``None`` for ``no_action``, which is also the answer when the confidence is below the threshold;
    ``best_guess`` then says what would have been proposed. ``confidence`` is the confidence in the answer given:
    for an intent, how strongly the text supports it; for ``no_action``, how sure the classifier is that nothing
    should be proposed.
    """

    intent: Intent | None
    confidence: float
    target: TargetUser | None
    params: dict[str, Any]
    reason: str
    best_guess: Intent | None = field(default=None)

    @property
    def disposition(self) -> str:
        return NO_ACTION if self.intent is None else AWAITING_APPROVAL

    @property
    def runbook(self) -> str | None:
        return None if self.intent is None else RUNBOOK_FOR_INTENT[self.intent]


def no_action(reason: str, *, confidence: float, best_guess: Intent | None = None) -> Classification:
    return Classification(
        intent=None,
        confidence=round(min(max(confidence, 0.0), 1.0), 3),
        target=None,
        params={},
        reason=reason,
        best_guess=best_guess,
    )


class Classifier(Protocol):
    """Anything that turns a ticket into a proposal: the embedded classifier, the LLM one, a test double."""

    async def classify(self, ticket: TicketText) -> Classification: ...
