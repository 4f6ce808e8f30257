"""Just-in-time access (RB-020): request -> approval run -> grant -> timed revocation.

A request is a run of RB-020 opened through ``gate.ingest.request`` (same audit entry, card and approval rules;
the requester is the run's requester and its target, so they can never approve it). The grant row is written by
the run's ``created`` transition listener, in the same transaction as the run. Later transitions move the grant
in the same transaction as the run's own change: ``succeeded`` makes it active with its due time (durable before
anyone is told), ``denied``/``expired``/``cancelled``/``failed`` close it. Revocation is claimed from the
database by any replica (:mod:`opsgate.bot.jit.revoke`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from opsgate.bot.durations import DurationError, format_duration, parse_duration
from opsgate.bot.errors import Conflict, NotFound, ValidationFailed
from opsgate.bot.jit.jira import enqueue_jira
from opsgate.bot.proposals import propose
from opsgate.runbooks.base import Target
from opsgate.runbooks.intents import Intent
from opsgate.runbooks.shipped import okta_steps
from opsgate.store import audit, outbox
from opsgate.store import jit as rows
from opsgate.store.audit import AuditRecord
from opsgate.store.models import JitGrant, JitResource, Run, utcnow

if TYPE_CHECKING:
    from opsgate.bot.gate import OpsGate

RUNBOOK_ID = "RB-020"
NOTICE = "jit.notice"
# A failed run keeps its grant ``requested``: an approver may retry it (failed -> executing -> succeeded), and the
# grant must still become active then, with its revocation.
_CLOSED_BY_RUN = {"denied": "denied", "expired": "expired", "cancelled": "cancelled"}


class NotInCatalog(ValidationFailed):
    code = "jit_unknown_resource"


@dataclass(frozen=True)
class JitRequest:
    run: Run
    grant: JitGrant
    resource: JitResource


def _at(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def enqueue_notice(session: Session, grant: JitGrant, kind: str, text: str, *, actor: str = "system:jit") -> None:
    """A notice to the requester (granted, expiring, revoked): audited now, delivered by the outbox."""
    record = audit.append(
        session,
        org_id=grant.org_id,
        actor=actor,
        action=f"jit.notice.{kind}",
        subject=f"jit_grant:{grant.id}",
        data={"run": grant.run_id, "requester": grant.requester, "text": text},
    )
    outbox.enqueue(
        session,
        org_id=grant.org_id,
        kind=NOTICE,
        dedupe_key=f"jit:{grant.id}:{kind}:{record.seq}",
        payload={"run_id": grant.run_id, "grant_id": grant.id, "kind": kind, "text": text},
        run_id=grant.run_id,
        give_up_after=timedelta(hours=6),
    )


class JitService:
    def __init__(self, gate: OpsGate) -> None:
        self.gate = gate
        self.services = gate.services

    # --- request ------------------------------------------------------------------------------------------------

    def resolve(self, org_id: int, resource: str, duration: str | None) -> tuple[JitResource, timedelta]:
        """The catalog entry and the bounded duration; refuses what is not catalogued or too long."""
        with self.services.read_session() as session:
            found = rows.get_resource(session, org_id=org_id, name=resource.strip().lower())
            names = [r.name for r in rows.list_resources(session, org_id=org_id)]
        if found is None:
            offer = ", ".join(names) if names else "none yet; an admin adds them with `opsgate jit resources add`"
            raise NotInCatalog(
                f"{resource!r} is not a just-in-time resource. Grantable: {offer}.",
                [{"path": "$.resource", "message": "not in the JIT catalog"}],
            )
        if not duration:
            return found, timedelta(seconds=found.default_seconds)
        try:
            wanted = parse_duration(duration)
        except DurationError as exc:
            raise ValidationFailed(str(exc), [{"path": "$.duration", "message": str(exc)}]) from None
        limit = timedelta(seconds=found.max_seconds)
        if wanted > limit:
            detail = f"{format_duration(wanted)} is longer than {found.name}'s maximum of {format_duration(limit)}."
            raise ValidationFailed(detail, [{"path": "$.duration", "message": detail}])
        return found, wanted

    def request(
        self,
        org_id: int,
        resource: str,
        duration: str | None,
        reason: str,
        requester: str,
        requester_email: str,
        *,
        source: str = "api",
        extended_from: int | None = None,
    ) -> JitRequest:
        """Open the RB-020 run (card, audit) and its grant row (status requested). Blocking: call via services.db."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationFailed(
                "Say why you need it: approvers read the reason.", [{"path": "$.reason", "message": "is required"}]
            )
        if not requester_email:
            raise ValidationFailed(
                "The requester's email is required.", [{"path": "$.requesterEmail", "message": "is required"}]
            )
        found, wanted = self.resolve(org_id, resource, duration)
        params: dict[str, Any] = {
            "resource": found.name,
            "duration": format_duration(wanted),
            "group": found.group_name,
            "group_system": found.system,
        }
        if found.extra_approvers:
            params["approvers"] = list(found.extra_approvers)
        proposal = propose(
            Intent.JIT_ACCESS,
            Target(requester_email.strip().lower()),
            params,
            confidence=1.0,
            reason=f"just-in-time access to {found.name} for {params['duration']}: {reason}",
            settings=self.services.settings,
        )
        if proposal.status != "awaiting_approval":
            raise ValidationFailed(proposal.reason, [{"path": "$", "message": proposal.reason}])
        if found.extra_approvers:  # one of the resource's approvers on top of the usual approval(s)
            proposal = dataclasses.replace(proposal, approvals_required=proposal.approvals_required + 1)
        run = self.gate.ingest.request(
            org_id=org_id,
            source=source,
            requester=requester,
            requester_email=requester_email.strip().lower(),
            summary=f"JIT {found.name} for {params['duration']}: {reason}"[:500],
            proposal=proposal,
        )
        with self.services.transaction() as session:
            grant = rows.grant_for_run(session, run.id, lock=True)
            if grant is None:  # the listener was not attached; write the row now (idempotent on run_id)
                grant = rows.insert_grant(session, self._new_grant(run))
            if extended_from is not None:
                rows.save_grant(session, grant, {"extended_from": extended_from})
        return JitRequest(run, grant, found)

    def extend(
        self, org_id: int, grant_id: int, duration: str | None, reason: str, requester: str, email: str
    ) -> JitRequest:
        """Ask for more time on an active grant: a new request (new approval) linked with ``extended_from``."""
        with self.services.read_session() as session:
            grant = rows.get_grant(session, grant_id, org_id=org_id)
        if grant is None or grant.requester_email != email.strip().lower():
            raise NotFound(f"no grant {grant_id} of yours")
        if grant.status != rows.ACTIVE:
            raise Conflict(f"grant {grant_id} is {grant.status}; only an active grant can be extended")
        return self.request(
            org_id,
            grant.resource,
            duration,
            f"extension of grant {grant_id}: {reason}",
            requester,
            email,
            extended_from=grant_id,
        )

    # --- transitions (listener, same transaction as the run's change) --------------------------------------------

    @staticmethod
    def _new_grant(run: Run) -> JitGrant:
        return JitGrant(
            org_id=run.org_id,
            run_id=run.id,
            resource=str(run.params.get("resource", "")),
            requester=run.requester,
            requester_email=(run.requester_email or run.target_email or "").lower(),
            duration_seconds=int(parse_duration(str(run.params.get("duration", "0s") or "1s")).total_seconds()),
            status=rows.REQUESTED,
        )

    def on_transition(self, session: Session, run: Run, event: str, record: AuditRecord) -> None:
        if run.runbook_id != RUNBOOK_ID:
            return
        if event == "created":
            if rows.grant_for_run(session, run.id) is None and run.status == "awaiting_approval":
                new = rows.insert_grant(session, self._new_grant(run))
                enqueue_jira(session, new, "requested", f"Requested by {run.requester}: {run.reason}")
            return
        grant = rows.grant_for_run(session, run.id, lock=True)
        if grant is None or grant.status != rows.REQUESTED:
            return
        if event == "succeeded":
            self._activate(session, run, grant)
        elif run.status in _CLOSED_BY_RUN:
            status = _CLOSED_BY_RUN[run.status]
            rows.save_grant(session, grant, {"status": status})
            enqueue_jira(session, grant, status, f"Request {status} (run {run.status}); no access was granted.")
            audit.append(
                session,
                org_id=grant.org_id,
                actor="system:jit",
                action=f"jit.{status}",
                subject=f"jit_grant:{grant.id}",
                data={"run": run.id, "resource": grant.resource},
            )

    def _activate(self, session: Session, run: Run, grant: JitGrant) -> None:
        now = utcnow()
        due = now + timedelta(seconds=grant.duration_seconds)
        overlapping = rows.other_active(session, grant)
        # an extension (or any overlapping grant) finds the member its predecessor added: inherit what was known
        before = overlapping[0].member_before if overlapping else member_before(run)
        rows.save_grant(
            session, grant, {"status": rows.ACTIVE, "granted_at": now, "due_at": due, "member_before": before}
        )
        audit.append(
            session,
            org_id=grant.org_id,
            actor="system:jit",
            action="jit.granted",
            subject=f"jit_grant:{grant.id}",
            data={
                "run": run.id,
                "resource": grant.resource,
                "requester": grant.requester_email,
                "granted_at": _at(now),
                "due_at": _at(due),
                "member_before": before,
            },
        )
        enqueue_jira(session, grant, "succeeded", f"Access granted at {_at(now)}; due to be revoked at {_at(due)}.")
        kept = " You were already a member before, so your access stays after that." if before else ""
        enqueue_notice(
            session,
            grant,
            "granted",
            f"Access to {grant.resource} granted to {grant.requester_email} until {_at(due)}"
            f" ({format_duration(timedelta(seconds=grant.duration_seconds))}).{kept}",
        )

    # --- early end ------------------------------------------------------------------------------------------------

    def end_early(
        self,
        org_id: int,
        grant_id: int,
        *,
        actor: str,
        email: str | None,
        is_approver: bool,
        now: datetime | None = None,
    ) -> JitGrant:
        """Release (the requester) or early revoke (an approver): the grant becomes due now; the revocation worker
        removes it. Idempotent: a grant already revoked answers as it is."""
        now = now or utcnow()
        with self.services.transaction() as session:
            grant = rows.get_grant(session, grant_id, org_id=org_id, lock=True)
            mine = grant is not None and email is not None and grant.requester_email == email.strip().lower()
            if grant is None or not (mine or is_approver):
                raise NotFound(f"no grant {grant_id} you may end")
            if grant.status != rows.ACTIVE:
                return grant
            what = "released" if mine else "revoked_early"
            audit.append(
                session,
                org_id=org_id,
                actor=actor,
                action=f"jit.{what}",
                subject=f"jit_grant:{grant.id}",
                data={"run": grant.run_id, "was_due_at": _at(grant.due_at), "now": _at(now)},
            )
            if grant.due_at is None or grant.due_at > now:
                rows.save_grant(session, grant, {"due_at": now, "revoke_claimed_until": None})
            return grant

    def active_grants(self, org_id: int, email: str) -> list[JitGrant]:
        with self.services.read_session() as session:
            return rows.grants_of(
                session, org_id=org_id, requester_email=email.strip().lower(), statuses=(rows.ACTIVE,)
            )


# Per directory: the plan step that tells whether the requester was in the group already, and how its journal
# detail says yes.
_MEMBERSHIP_STEP = {
    "graph": ("graph.add_member", "already a member"),
    "okta": (okta_steps.CHECK_MEMBERSHIP, okta_steps.ALREADY_MEMBER),
}


def member_before(run: Run) -> bool | None:
    """Whether the requester was in the group before the grant, from the run's own journal. Graph says "already a
    member" atomically with the add; Okta's add is silent, so RB-020 reads the requester's groups just before it
    (``okta.check_membership``). None (unknown) for sandbox runs, which send nothing, and for runs planned before the
    Okta read existed: revocation then removes the member."""
    found = _MEMBERSHIP_STEP.get(str(run.params.get("group_system")))
    if found is None:
        return None
    op, yes = found
    for step in run.steps:
        if step.get("op") == op and step.get("outcome") == "ok":
            detail = str(step.get("detail", ""))
            if detail.startswith(yes):
                return True
            if op == okta_steps.CHECK_MEMBERSHIP and not detail.startswith(okta_steps.NOT_YET_MEMBER):
                return None  # the read could not tell
            return False
    return None


def grant_json(grant: JitGrant) -> dict[str, Any]:
    return {
        "grantId": grant.id,
        "runId": grant.run_id,
        "resource": grant.resource,
        "requester": grant.requester,
        "requesterEmail": grant.requester_email,
        "durationSeconds": grant.duration_seconds,
        "status": grant.status,
        "memberBefore": grant.member_before,
        "grantedAt": _at(grant.granted_at),
        "dueAt": _at(grant.due_at),
        "revokedAt": _at(grant.revoked_at),
        "extendedFrom": grant.extended_from,
    }
