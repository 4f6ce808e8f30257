"""Jira ingest: classify a ticket and open a run for it, exactly once per (org, Jira site, issue key).

The transaction takes a token from the key's bucket, inserts the run (the unique constraint on
``(org_id, external_ref)`` decides who wins a storm of duplicates, on any number of replicas), appends the
"ingested" entry and requests the approval card through the outbox. A duplicate gets the original run back and
changes nothing; a rate-limited request rolls back and stores nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from opsgate.bot.errors import RateLimited, Unauthenticated
from opsgate.bot.proposals import Proposal, from_classification
from opsgate.bot.runs import RunMachine
from opsgate.bot.services import Services
from opsgate.runbooks.classifier.model import Classifier, TicketText
from opsgate.store import audit
from opsgate.store import runs as run_rows
from opsgate.store.apikeys import KeyRevoked, Principal, take_token
from opsgate.store.models import Run

_BROWSE = re.compile(r"^(https?://[^\s?#]+?)/browse/([A-Za-z][A-Za-z0-9_]*-\d+)/?$")


@dataclass(frozen=True)
class IngestTicket:
    issue_key: str
    summary: str
    description: str | None
    url: str | None
    reporter_email: str | None


@dataclass(frozen=True)
class IngestResult:
    run_id: str
    issue_key: str
    disposition: str
    status: str
    intent: str | None
    runbook: str | None
    confidence: float
    target_email: str | None
    target_name: str | None
    duplicate: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "runId": self.run_id,
            "issueKey": self.issue_key,
            "disposition": self.disposition,
            "status": self.status,
            "intent": self.intent,
            "runbook": self.runbook,
            "confidence": self.confidence,
            "targetUser": None if self.target_email is None else {"email": self.target_email, "name": self.target_name},
            "duplicate": self.duplicate,
        }

    @classmethod
    def of(cls, run: Run, duplicate: bool) -> IngestResult:
        return cls(
            run.id,
            run.issue_key or "",
            "no_action" if run.status == "no_action" else "awaiting_approval",
            run.status,
            run.intent,
            run.runbook_id,
            run.confidence,
            run.target_email,
            run.target_name,
            duplicate,
        )


def jira_site(issue_key: str, url: str | None) -> str | None:
    """The Jira base URL when ``url`` is ``<base>/browse/<issue key>``; it keys links and idempotency."""
    if not url:
        return None
    match = _BROWSE.match(url.strip())
    if match is None or match.group(2).upper() != issue_key.upper():
        return None
    return match.group(1).rstrip("/").lower()


class IngestService:
    def __init__(self, services: Services, machine: RunMachine, classifier: Classifier) -> None:
        self.services = services
        self.machine = machine
        self.classifier = classifier

    async def ingest(self, principal: Principal, ticket: IngestTicket) -> IngestResult:
        text = TicketText(ticket.issue_key, ticket.summary, ticket.description, ticket.reporter_email)
        proposal = from_classification(await self.classifier.classify(text), self.services.settings)
        return await self.services.write(self._store, principal, ticket, proposal)

    def _store(self, session: Session, principal: Principal, ticket: IngestTicket, proposal: Proposal) -> IngestResult:
        """One ingest, inside a group-committed transaction (its own savepoint: a refusal rolls back only it)."""
        settings = self.services.settings
        site = jira_site(ticket.issue_key, ticket.url)
        external_ref = f"{site or ''}#{ticket.issue_key}"
        values = {
            "id": run_rows.new_run_id(),
            "org_id": principal.org_id,
            "external_ref": external_ref,
            "source": "jira",
            "issue_key": ticket.issue_key,
            "issue_url": ticket.url,
            "jira_base_url": site,
            "summary": ticket.summary,
            "description": ticket.description,
            "requester": f"jira:{ticket.reporter_email}" if ticket.reporter_email else f"api:{principal.key_id}",
            "requester_email": ticket.reporter_email,
            "approvals": [],
            "steps": [],
            "version": 1,
            **proposal.run_values(settings),
        }
        try:
            wait = take_token(
                session,
                key_id=principal.key_id,
                per_minute=principal.rate_limit_per_min or settings.ingest_rate_limit,
            )
        except KeyRevoked:
            raise Unauthenticated(
                "This API key was revoked; create a new one with 'opsgate keys create'."
            ) from None
        if wait > 0:
            raise RateLimited(
                f"This key may send {principal.rate_limit_per_min or settings.ingest_rate_limit} requests per "
                f"minute; retry in {wait:.1f} s (raise it with 'opsgate keys create --rate-limit').",
                retry_after=wait,
            )
        if not run_rows.insert_if_new(session, values):
            existing = run_rows.get_by_ref(session, org_id=principal.org_id, external_ref=external_ref)
            assert existing is not None
            return IngestResult.of(existing, duplicate=True)
        run = self._announce(session, values, actor=f"api:{principal.key_id}", event="ingested")
        return IngestResult.of(run, duplicate=False)

    def request(
        self,
        *,
        org_id: int,
        source: str,
        requester: str,
        requester_email: str | None,
        summary: str,
        proposal: Proposal,
    ) -> Run:
        """Open a run asked for in chat or through the API (no Jira issue): same rules, same audit, same card."""
        values = {
            "id": run_rows.new_run_id(),
            "org_id": org_id,
            "external_ref": None,
            "source": source,
            "summary": summary,
            "requester": requester,
            "requester_email": requester_email,
            "approvals": [],
            "steps": [],
            "version": 1,
            **proposal.run_values(self.services.settings),
        }
        with self.services.transaction() as session:
            run_rows.insert_if_new(session, values)
            return self._announce(session, values, actor=requester, event="created")

    def _announce(self, session: Session, values: dict[str, Any], *, actor: str, event: str) -> Run:
        """The audit entry and the listeners' outbox rows for a run just inserted."""
        run = Run.model_construct(**values)  # read-only here (listeners read it); validated construction costs 15x
        record = audit.append(
            session,
            org_id=run.org_id,
            actor=actor,
            action=f"run.{event}",
            subject=f"run:{run.id}",
            data={
                "issue": run.issue_key,
                "site": run.jira_base_url,
                "status": run.status,
                "intent": run.intent,
                "runbook": run.runbook_id,
                "confidence": run.confidence,
                "target": run.target_email,
                "reason": run.reason,
                "plan_hash": run.plan_hash,
            },
        )
        for listener in self.machine.listeners:
            listener(session, run, event, record)
        return run
