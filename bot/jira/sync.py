"""Jira webhooks in: verified, deduplicated, turned into timeline lines and, where mapped, run state changes.

``receive`` checks ``X-Hub-Signature: sha256=<hex>`` (HMAC-SHA256 of the raw body with the integration's webhook
secret, constant-time compare) before any JSON is parsed. Nothing is written for an unknown integration, a bad
or missing signature, an unknown issue or a deleted link, an event caused by OpsGate's own Jira account (its
comments and transitions), or a delivery already applied (same ``X-Atlassian-Webhook-Identifier``).

Applying a delivery is one transaction: the delivery record, the timeline line (a ``jira.note`` outbox row for the
run's card thread(s) and/or the linked Slack thread) and, for a deletion or a move to a status that a closing
state maps to, the cancellation of a run still waiting for approval (which re-renders its card).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import structlog
from sqlmodel import Session

from opsgate.bot.jira import repo
from opsgate.bot.jira.client import JiraCallError
from opsgate.bot.jira.config import CLOSING_STATES, JiraSite
from opsgate.bot.jira.notes import Thread, enqueue_note
from opsgate.bot.jira.timeline import update_line, who
from opsgate.bot.jira.writeback import JIRA_ORIGIN
from opsgate.store import runs as run_rows
from opsgate.store.crypto import SecretKeyError
from opsgate.store.models import utcnow

if TYPE_CHECKING:
    from opsgate.bot.jira.gateway import JiraGateway

log = structlog.get_logger("opsgate.jira.webhooks")

UPDATED, DELETED, CREATED = "jira:issue_updated", "jira:issue_deleted", "jira:issue_created"
CANCELLABLE = frozenset({"awaiting_approval", "approved"})


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """``X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>``, compared in constant time."""
    if not header:
        return False
    scheme, _, given = header.strip().partition("=")
    if scheme.lower() != "sha256" or not given:
        return False
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), given.strip().lower().encode("ascii", "replace"))


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class WebhookSync:
    def __init__(self, gateway: JiraGateway) -> None:
        self.gw = gateway

    async def receive(self, integration_id: str, body: bytes, headers: Mapping[str, str]) -> str:
        """Apply one delivery; returns what happened (for logs and tests). The caller always answers 200."""
        try:
            site = await self.gw.site(integration_id)
        except SecretKeyError:
            log.error("jira_webhook_secrets_unreadable", integration=integration_id)
            return "secrets_unreadable"
        if site is None:
            return "unknown_integration"
        assert site.secrets is not None
        if site.secrets.webhook_secret is None:
            log.warning(
                "jira_webhook_without_secret", integration=site.id, hint="set a webhook secret to accept webhooks"
            )
            return "no_webhook_secret"
        if not signature_ok(site.secrets.webhook_secret.get_secret_value(), body, headers.get("X-Hub-Signature")):
            log.info("jira_webhook_bad_signature", integration=site.id)
            return "bad_signature"
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            return "invalid_json"
        if not isinstance(payload, dict):
            return "invalid_json"
        identifier = headers.get("X-Atlassian-Webhook-Identifier") or "sha256:" + hashlib.sha256(body).hexdigest()
        site = await self._knowing_own_account(site)
        outcome = await self.gw.services.db(self.apply, site, identifier, payload)
        log.info("jira_webhook", integration=site.id, outcome=outcome, webhook_event=payload.get("webhookEvent"))
        if outcome in ("applied", "deleted"):
            self.gw.gate.outbox.kick()
        return outcome

    async def _knowing_own_account(self, site: JiraSite) -> JiraSite:
        """The site with OpsGate's own Jira account known (learned once, normally by the start-up self-test),
        so that changes OpsGate made itself are recognised."""
        if site.config.account_id or site.config.account_name:
            return site
        try:
            await self.gw.call(site, lambda _client: None)  # connecting learns the account
        except JiraCallError as err:
            log.warning("jira_own_account_unknown", integration=site.id, problem=str(err))
            return site
        return await self.gw.site(site.id) or site

    def apply(self, site: JiraSite, identifier: str, payload: dict[str, Any]) -> str:
        event = payload.get("webhookEvent")
        issue = _obj(payload.get("issue"))
        key = str(issue.get("key") or "").upper()
        if event not in (UPDATED, DELETED, CREATED) or not key:
            return "ignored_event"
        user = _obj(payload.get("user"))
        if site.is_own_account(user or None):
            return "own_account"
        with self.gw.services.transaction() as session:
            link = repo.link_for_issue(session, org_id=site.org_id, base_url=site.link_base, issue_key=key)
            if link is None or link.id is None:
                return "unknown_issue"
            if not repo.record_delivery(session, integration_id=site.id, identifier=identifier):
                return "duplicate"
            thread = None
            if link.chat_surface and link.chat_channel and link.chat_thread:
                thread = Thread(link.chat_surface, link.chat_channel, link.chat_thread)
            person = who(user)
            actor = f"jira:{user.get('accountId') or user.get('name') or 'unknown'}"

            def note(text: str) -> None:
                enqueue_note(
                    session,
                    org_id=site.org_id,
                    text=text,
                    dedupe=f"hook:{site.id}:{identifier}",
                    run_id=link.run_id,
                    thread=thread,
                )

            if event == DELETED:
                repo.delete_link(session, link.id)  # first: the cancellation then writes nothing back
                reason = f"the Jira issue {key} was deleted by {person}"
                cancelled = link.run_id is not None and self._cancel(session, site, link.run_id, actor, person, reason)
                tail = "the request was cancelled" if cancelled else "OpsGate no longer follows it"
                note(f"Jira update ({key}): the issue was deleted in Jira by {person}; {tail}.")
                return "deleted"
            if event != UPDATED:
                return "applied"
            items = [i for i in _obj(payload.get("changelog")).get("items") or [] if isinstance(i, dict)]
            comment = _obj(payload.get("comment")) or None
            line = update_line(key, items, _obj(issue.get("fields")), comment)
            if line:
                note(line)
            moved_to = next(
                (str(i["toString"]) for i in items if i.get("field") == "status" and i.get("toString")), None
            )
            if link.run_id and site.states_for_status(moved_to) & CLOSING_STATES:
                reason = f'the Jira issue {key} was moved to "{moved_to}" by {person}'
                self._cancel(session, site, link.run_id, actor, person, reason)
            return "applied"

    def _cancel(self, session: Session, site: JiraSite, run_id: str, actor: str, person: str, reason: str) -> bool:
        """Cancel a run still waiting (or approved, not yet executing) in this transaction, as RunMachine.cancel
        does; its listeners re-render the card and comment on the issue (but do not move it back)."""
        run = run_rows.lock(session, run_id)
        if run is None or run.status not in CANCELLABLE:
            return False
        token = JIRA_ORIGIN.set(site.id)
        try:
            self.gw.gate.runs.move(
                session,
                run,
                "cancelled",
                actor=actor,
                changes={
                    "decided_by": f"{person} (in Jira)",
                    "decided_at": utcnow(),
                    "deny_reason": reason,
                    "next_reminder_at": None,
                },
                data={"reason": reason, "integration": site.id},
            )
        finally:
            JIRA_ORIGIN.reset(token)
        return True
