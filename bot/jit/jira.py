"""The Jira task of a JIT request: created in the resource's project on request, commented and moved at each step.

Every step is an outbox row (kind ``jit.jira``) written in the same transaction as the grant's change, so Jira
trouble never blocks a grant or a revocation: the row is retried with backoff and given up on visibly. Rows of one
grant land in order (a later step waits for the task to exist). The target status comes from the integration's
state mapping (OpsGate states ``requested``, ``succeeded``, ``revoked``, ``denied``, ``expired``, ``cancelled``)
or, without one, grant -> "In Progress" and revoke/deny/expiry -> "Done", found by the transition's target status
(``bot/jira/transitions.py``); an unreachable status is audited, never fatal.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import structlog
from sqlmodel import Session

from opsgate.bot.durations import format_duration
from opsgate.bot.jira.markup import JiraText
from opsgate.bot.jira.transitions import move_issue
from opsgate.bot.outbox_worker import RetryLater
from opsgate.store import audit, outbox
from opsgate.store import jit as rows
from opsgate.store import runs as run_rows
from opsgate.store.models import JitGrant
from opsgate.store.outbox import OutboxItem

if TYPE_CHECKING:
    from opsgate.bot.gate import OpsGate
    from opsgate.bot.jira.config import JiraSite

log = structlog.get_logger("opsgate.jit")

KIND = "jit.jira"
DEFAULT_STATUS = {"succeeded": "In Progress", "revoked": "Done", "denied": "Done", "expired": "Done",
                  "cancelled": "Done"}  # fmt: skip


def enqueue_jira(session: Session, grant: JitGrant, state: str, text: str) -> None:
    """One Jira step of a grant (``requested`` creates the task), in the caller's transaction."""
    outbox.enqueue(
        session,
        org_id=grant.org_id,
        kind=KIND,
        dedupe_key=f"jit-jira:{grant.id}:{state}",
        payload={"grant_id": grant.id, "state": state, "text": text},
        run_id=grant.run_id,
        give_up_after=timedelta(days=2),
    )


class JitJira:
    def __init__(self, gate: OpsGate) -> None:
        self.gate = gate
        self.services = gate.services

    def _load(self, grant_id: int) -> tuple[JitGrant | None, str | None, dict[str, Any]]:
        with self.services.read_session() as session:
            grant = rows.get_grant(session, grant_id)
            if grant is None:
                return None, None, {}
            resource = rows.get_resource(session, org_id=grant.org_id, name=grant.resource)
            run = run_rows.get(session, grant.run_id)
            return grant, resource.jira_project if resource else None, dict(run.params) if run else {}

    def _remember(self, grant_id: int, key: str) -> None:
        with self.services.transaction() as session:
            grant = rows.get_grant(session, grant_id, lock=True)
            assert grant is not None
            rows.save_grant(session, grant, {"jira_issue_key": key})
            audit.append(
                session, org_id=grant.org_id, actor="opsgate:jira", action="jit.jira_task_created",
                subject=f"jit_grant:{grant.id}", data={"issue": key, "run": grant.run_id},
            )  # fmt: skip

    def _unreachable(self, grant: JitGrant, key: str, target: str, current: str, reachable: list[str]) -> None:
        with self.services.transaction() as session:
            audit.append(
                session, org_id=grant.org_id, actor="opsgate:jira", action="jira.transition_unreachable",
                subject=f"jit_grant:{grant.id}",
                data={"issue": key, "target": target, "current": current, "reachable": reachable},
            )  # fmt: skip

    async def _site(self, org_id: int) -> JiraSite | None:
        gw = self.gate.extras.get("jira")
        if gw is None:
            return None
        sites = await self.services.db(gw.integrations.sites, org_id)
        if not sites:
            return None
        site: JiraSite | None = await gw.site(sites[0].id)
        return site

    async def deliver(self, item: OutboxItem) -> None:
        """The ``jit.jira`` outbox handler."""
        grant, project, params = await self.services.db(self._load, int(item.payload["grant_id"]))
        site = await self._site(item.org_id)
        if grant is None or project is None or site is None:
            return  # no Jira configured, or this resource is not tracked in Jira: nothing to write
        gw = self.gate.extras["jira"]
        state, text = str(item.payload["state"]), str(item.payload["text"])
        if state == "requested":
            if grant.jira_issue_key:
                return
            length = format_duration(timedelta(seconds=grant.duration_seconds))
            summary = f"JIT access: {grant.resource} for {grant.requester_email} ({length})"
            body = JiraText.plain(
                f"{text}\nResource: {grant.resource} (group {params.get('group')!r}, {params.get('group_system')})\n"
                f"Duration: {length}\nRequester: {grant.requester} ({grant.requester_email})\n"
                f"OpsGate run: {grant.run_id} (the approval card is in the IT approvals channel)"
            )
            key: str = await gw.deliver(
                site,
                lambda c: c.create_issue(
                    project_key=project, summary=summary[:250], description=body, issue_type=site.config.issue_type
                ),
            )
            await self.services.db(self._remember, grant.id or 0, key)
            return
        if not grant.jira_issue_key:
            raise RetryLater("waiting for the request's Jira task to be created")
        await gw.writeback.wait_for_earlier(item)
        issue = grant.jira_issue_key
        await gw.deliver(site, lambda c: c.add_comment(issue, JiraText.plain(f"[OpsGate] {text}")))
        target = site.target_status(state) or DEFAULT_STATUS.get(state)
        if target:
            move = await gw.deliver(site, lambda c: move_issue(c, issue, target))
            log.info("jit.jira_moved", issue=issue, target=target, outcome=move.outcome)
            if move.outcome == "unreachable":
                await self.services.db(self._unreachable, grant, issue, target, move.current, move.reachable)
