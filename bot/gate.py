"""OpsGate assembled: the infrastructure (:class:`Services`) plus the core services that handlers call.

One :class:`OpsGate` per process. Surfaces (Slack, Teams), the Jira gateway and the executor attach themselves
here at assembly; services never import a surface.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from opsgate.bot.approvals import ApprovalCards
from opsgate.bot.chat import ChatSurface
from opsgate.bot.ingest import IngestService
from opsgate.bot.notifications import request_cards, request_execution
from opsgate.bot.outbox_worker import OutboxWorker
from opsgate.bot.runs import Decider, Outcome, RunMachine
from opsgate.bot.scheduler import Scheduler
from opsgate.bot.services import Services
from opsgate.runbooks.classifier.model import Classifier


@dataclass
class OpsGate:
    services: Services
    runs: RunMachine
    classifier: Classifier
    ingest: IngestService
    outbox: OutboxWorker
    scheduler: Scheduler
    cards: ApprovalCards
    surfaces: dict[str, ChatSurface] = field(default_factory=dict)  # "slack" / "teams"
    extras: dict[str, Any] = field(default_factory=dict)  # executor, jira gateway ... attached at assembly

    def add_surface(self, surface: ChatSurface) -> None:
        self.surfaces[surface.name] = surface

    async def decide(
        self,
        run_id: str,
        decider: Decider,
        decision: Literal["approve", "deny"],
        *,
        plan_hash: str | None,
        reason: str | None = None,
    ) -> Outcome:
        """The one decision service every surface calls: the rules live in the run machine."""
        outcome = await self.services.db(
            self.runs.decide, run_id, decider, decision, plan_hash=plan_hash, reason=reason
        )
        if outcome.changed:
            self.outbox.kick()
        return outcome

    async def expire_and_remind(self) -> None:
        settings = self.services.settings
        await self.services.db(self.runs.expire_due)
        await self.services.db(self.runs.remind_due, settings.approval_reminder)


def build_classifier(services: Services) -> Classifier:
    from opsgate.runbooks.classifier import EmbeddedClassifier, LLMClassifier

    settings = services.settings
    embedded = EmbeddedClassifier(org_domains=settings.org_domains, threshold=settings.classifier_threshold)
    if settings.llm_url and settings.llm_model:
        return LLMClassifier(
            url=settings.llm_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
            fallback=embedded,
            org_domains=settings.org_domains,
            threshold=settings.classifier_threshold,
        )
    return embedded


def build_gate(services: Services, *, classifier: Classifier | None = None) -> OpsGate:
    runs = RunMachine(services)
    runs.on_transition(request_cards)
    runs.on_transition(request_execution)
    classifier = classifier or build_classifier(services)
    surfaces: dict[str, ChatSurface] = {}
    gate = OpsGate(
        services=services,
        runs=runs,
        classifier=classifier,
        ingest=IngestService(services, runs, classifier),
        outbox=OutboxWorker(services),
        scheduler=Scheduler(),
        cards=ApprovalCards(services, surfaces),
        surfaces=surfaces,
    )
    gate.cards.attach(gate.outbox)
    interval = services.settings.scheduler_interval
    gate.scheduler.every(interval, "approvals", gate.expire_and_remind)
    gate.scheduler.every(timedelta(seconds=1), "outbox", gate.outbox.run_once)
    return gate
