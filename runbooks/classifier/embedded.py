"""The embedded classifier: deterministic, no network, explains itself (DESIGN.md, "Runbooks shipped")."""

from __future__ import annotations

from collections.abc import Sequence

from .decide import decide
from .model import Classification, TicketText


class EmbeddedClassifier:
    """Rule-based classifier built to the contract in ``shared/data/README.md``.

    ``org_domains`` are the organisation's own email domains (``OPSGATE_ORG_DOMAINS``); when empty, the reporter's
    domain stands in. Below ``threshold`` (``OPSGATE_CLASSIFIER_THRESHOLD``) nothing is proposed.
    """

    def __init__(self, *, org_domains: Sequence[str] = (), threshold: float = 0.6) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be within [0, 1], got {threshold}")
        self.org_domains: tuple[str, ...] = tuple(d.strip().lower().lstrip("@") for d in org_domains if d and d.strip())
        self.threshold = threshold

    def classify_sync(self, ticket: TicketText) -> Classification:
        return decide(ticket, self.org_domains, self.threshold)

    async def classify(self, ticket: TicketText) -> Classification:
        return self.classify_sync(ticket)
