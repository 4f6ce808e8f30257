"""Decisions and results written back to the Jira issue, through the outbox.

The transition listener runs inside the run's transition transaction. At ingest it links the run to its issue when
the ticket's URL is ``<base>/browse/KEY`` of a configured site. On every decision (approved, denied, expired,
cancelled) and result (succeeded, failed) of a linked run it enqueues a ``jira.comment`` row, and, when the site's
state mapping names a Jira status for the run's new state, a ``jira.transition`` row, in that same transaction;
nothing about Jira can delay or fail the transition itself. Sandbox mode writes nothing to Jira.

Delivery retries with capped backoff honouring ``Retry-After`` until ``OPSGATE_JIRA_WRITEBACK_GIVE_UP`` (24 h by
default), then gives up visibly: an audit entry and a line in the run's chat thread(s). A retried comment first
looks for itself on the issue (by the audit entry it cites), so a comment whose answer was lost lands once.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import structlog
from sqlmodel import Session

from opsgate.bot.jira import repo
from opsgate.bot.jira.comments import COMMENT_STATES, CommentFacts, decision_comment, marker
from opsgate.bot.jira.config import JiraSite
from opsgate.bot.jira.markup import JiraText
from opsgate.bot.jira.notes import enqueue_note
from opsgate.bot.outbox_worker import GiveUp, RetryLater
from opsgate.runbooks.catalog import RUNBOOKS
from opsgate.store import audit, outbox
from opsgate.store.models import Run
from opsgate.store.outbox import OutboxItem

if TYPE_CHECKING:
    from opsgate.bot.jira.gateway import JiraGateway

log = structlog.get_logger("opsgate.jira")

COMMENT = "jira.comment"
TRANSITION = "jira.transition"
LINK_EVENTS = frozenset({"ingested"})
QUIET_EVENTS = frozenset({"reminded", "approval_recorded"})
# Set while a change that came from Jira itself is applied: its issue is not moved back (the person in Jira chose
# that status), though the decision is still commented.
JIRA_ORIGIN: ContextVar[str | None] = ContextVar("opsgate_jira_origin", default=None)


def comment_facts(session: Session, run: Run, record: audit.AuditRecord) -> CommentFacts:
    entry = audit.page(session, org_id=run.org_id, org="", after_seq=record.seq - 1, limit=1)
    actor = str(entry[0]["actor"]) if entry else "opsgate"
    runbook = RUNBOOKS.get(run.runbook_id or "")
    return CommentFacts(
        state=run.status,
        runbook=runbook.title if runbook is not None else (run.runbook_id or "none"),
        target_name=run.target_name,
        target_email=run.target_email,
        actor=actor,
        approvers=tuple(str(a.get("actor")) for a in run.approvals),
        at=record.ts,
        seq=record.seq,
        hash=record.hash,
        reason=run.deny_reason,
        failure=run.failure,
        issue_key=run.issue_key,
    )


class WriteBack:
    def __init__(self, gateway: JiraGateway) -> None:
        self.gw = gateway
        self.settings = gateway.services.settings

    # --- in the transition's transaction ---------------------------------------------------------------------

    def listener(self, session: Session, run: Run, event: str, record: audit.AuditRecord) -> None:
        if not run.issue_key:
            return
        if event in LINK_EVENTS and run.jira_base_url:
            row = repo.row_for_base(session, org_id=run.org_id, base_url=run.jira_base_url)
            if row is not None:
                repo.link_run(session, site=repo.site_of(row), issue_key=run.issue_key, run_id=run.id)
        if event in QUIET_EVENTS or self.settings.sandbox_mode:
            return
        link = repo.link_for_run(session, run.id)
        row = repo.get_row(session, link.integration_id) if link is not None else None
        if link is None or row is None:
            return
        site = repo.site_of(row)
        give_up = self.settings.jira_writeback_give_up
        common: dict[str, Any] = {"integration_id": site.id, "issue_key": link.issue_key, "state": run.status}
        if run.status in COMMENT_STATES:
            facts = comment_facts(session, run, record)
            text = decision_comment(facts, compact=site.config.comment_format == "compact")
            payload = {
                **common,
                "seq": record.seq,
                "marker": marker(record.seq, record.hash),
                "text": text.to_json(),
                "internal": site.config.internal_comments,
            }
            outbox.enqueue(
                session,
                org_id=run.org_id,
                kind=COMMENT,
                dedupe_key=f"{COMMENT}:{run.id}:{record.seq}",
                payload=payload,
                run_id=run.id,
                give_up_after=give_up,
            )
        target = site.target_status(run.status)
        if target and JIRA_ORIGIN.get() != site.id:
            outbox.enqueue(
                session,
                org_id=run.org_id,
                kind=TRANSITION,
                dedupe_key=f"{TRANSITION}:{run.id}:{record.seq}",
                payload={**common, "status": target, "seq": record.seq},
                run_id=run.id,
                give_up_after=give_up,
            )

    # --- delivery -------------------------------------------------------------------------------------------

    async def site_for(self, item: OutboxItem) -> JiraSite:
        site = await self.gw.site(str(item.payload["integration_id"]))
        if site is None:
            raise GiveUp(f"the Jira integration {item.payload['integration_id']} was removed")
        return site

    def _earlier_pending(self, item: OutboxItem) -> bool:
        """Whether an earlier row of the same kind for the same run is still undelivered (keeps order)."""
        if item.run_id is None:
            return False
        with self.gw.services.read_session() as session:
            return any(
                r.id is not None and r.id < item.id for r in outbox.pending(session, run_id=item.run_id, kind=item.kind)
            )

    async def wait_for_earlier(self, item: OutboxItem) -> None:
        if await self.gw.services.db(self._earlier_pending, item):
            raise RetryLater("waiting for an earlier Jira write-back of this run to land first")

    async def deliver_comment(self, item: OutboxItem) -> None:
        site = await self.site_for(item)
        await self.wait_for_earlier(item)
        key = str(item.payload["issue_key"])
        text = JiraText.from_json(item.payload["text"])
        tag = str(item.payload["marker"])
        internal = bool(item.payload.get("internal"))
        if item.attempts > 0:  # an earlier attempt may have landed with its answer lost
            landed = await self.gw.deliver(site, lambda c: any(tag in body for _who, body in c.recent_comments(key)))
            if landed:
                log.info("jira_comment_already_there", issue=key, item=item.id)
                return
        await self.gw.deliver(site, lambda c: c.add_comment(key, text, internal=internal))
        log.info("jira_comment_added", issue=key, site=site.base_url, item=item.id, attempts=item.attempts + 1)

    async def on_give_up(self, item: OutboxItem, error: str) -> None:
        """Visible: an audit entry and a line in the run's thread(s), written together."""
        p = item.payload
        key = str(p.get("issue_key"))
        site = await self.gw.services.db(self.gw.integrations.load, str(p.get("integration_id")))
        where = site.browse_url(key) if site is not None else key
        what = "the decision comment" if item.kind == COMMENT else f'the move to "{p.get("status")}"'
        text = (
            f"Jira write-back failed ({key}): OpsGate gave up on {what} after {item.attempts + 1} attempt(s). "
            f"Last error: {error}. The run is not affected; update {where} by hand."
        )
        await self.gw.services.db(self._record_give_up, item, error, text)

    def _record_give_up(self, item: OutboxItem, error: str, text: str) -> None:
        p = item.payload
        with self.gw.services.transaction() as session:
            audit.append(
                session,
                org_id=item.org_id,
                actor="opsgate:jira",
                action="jira.writeback_gave_up",
                subject=f"run:{item.run_id}" if item.run_id else f"outbox:{item.id}",
                data={
                    "issue": p.get("issue_key"),
                    "integration": p.get("integration_id"),
                    "kind": item.kind,
                    "state": p.get("state"),
                    "status": p.get("status"),
                    "attempts": item.attempts + 1,
                    "error": error[:500],
                },
            )
            enqueue_note(session, org_id=item.org_id, text=text, dedupe=f"giveup:{item.id}", run_id=item.run_id)
