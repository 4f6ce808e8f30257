"""Fixed example views: one per state a card can show, plus hostile input.

Used by the golden tests (tests/test_cards_*.py, tests/snapshots/cards/) and by anything that previews cards
(a card gallery, ``make cards``). Pure data with fixed, timezone-aware UTC datetimes, so every render is
byte-for-byte stable.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from .views import ApprovalView, GrantView, PlanStepView, RunSummaryView, StepResultView

T0 = datetime(2026, 6, 9, 17, 30, 0, tzinfo=UTC)  # the run was created
T_APPROVE_1 = datetime(2026, 6, 9, 17, 42, 11, tzinfo=UTC)
T_APPROVE_2 = datetime(2026, 6, 9, 17, 55, 3, tzinfo=UTC)
DEADLINE = datetime(2026, 6, 10, 17, 30, 0, tzinfo=UTC)
PLAN_HASH = "9f2c1e7a5b3d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7f"
APPROVER_1 = "slack:U0123APPROVER"
APPROVER_2 = "slack:U0456APPROVER"

INJECTION = "<!channel> *bold* <http://evil|click> @here & `code` _it_ ~strike~\n> quoted\n- item [x](http://evil)"

MFA_RESET = ApprovalView(
    run_id="run_01JXMFA0001",
    runbook_id="RB-002",
    runbook_title="MFA Reset",
    target_system="Okta",
    target_email="sarah.chen@acme.com",
    target_name="Sarah Chen",
    requester="jira:sarah.chen@acme.com",
    requester_label="sarah.chen@acme.com (Jira reporter)",
    issue_key="ITSM-123",
    issue_url="https://acme.atlassian.net/browse/ITSM-123",
    intent="mfa_reset",
    confidence=0.92,
    reason='intent mfa_reset: "new phone", "authenticator" (+0.62); target from reporter',
    params={"target_user": "sarah.chen@acme.com"},
    plan=(
        PlanStepView(
            system="okta",
            method="POST",
            path="/api/v1/users/00u1sarahchen/lifecycle/reset_factors",
            description="Reset every MFA factor of sarah.chen@acme.com",
        ),
    ),
    plan_hash=PLAN_HASH,
    sandbox=False,
    deadline=DEADLINE,
    status="awaiting_approval",
    summary="New phone, can't log in to Okta Verify",
)

OFFBOARDING = replace(
    MFA_RESET,
    run_id="run_01JXOFF0002",
    runbook_id="RB-011",
    runbook_title="Offboarding (suspend)",
    target_email="tom.hale@acme.com",
    target_name="Tom Hale",
    requester="slack:U0789MANAGER",
    requester_label="<@U0789MANAGER>",
    issue_key="ITSM-130",
    issue_url="https://acme.atlassian.net/browse/ITSM-130",
    intent="offboarding",
    confidence=0.97,
    reason='intent offboarding: "last day", "leaving" (+0.71)',
    params={"target_user": "tom.hale@acme.com"},
    plan=(PlanStepView("okta", "POST", "/api/v1/users/00u2tomhale/lifecycle/suspend", "Suspend tom.hale@acme.com"),),
    approvals_required=2,
    approvals=((APPROVER_1, T_APPROVE_1),),
    summary="Tom Hale leaves on Friday, please suspend his account",
)

NEW_HIRE_PLAN = (
    PlanStepView("okta", "POST", "/api/v1/users?activate=true", "Create the Okta user jane.doe@acme.com"),
    PlanStepView("graph", "POST", "/v1.0/users/jane.doe@acme.com/assignLicense", "Assign the E3 licence"),
    PlanStepView("graph", "POST", "/v1.0/groups/3f1c-staff/members/$ref", "Add jane.doe@acme.com to All Staff"),
)

NEW_HIRE_FAILED = replace(
    MFA_RESET,
    run_id="run_01JXNEW0003",
    runbook_id="RB-003",
    runbook_title="New Hire Provisioning",
    target_system="Okta + M365",
    target_email="jane.doe@acme.com",
    target_name="Jane Doe",
    issue_key="ITSM-140",
    issue_url="https://acme.atlassian.net/browse/ITSM-140",
    intent="new_hire",
    confidence=0.88,
    reason='intent new_hire: "starts Monday", "new hire" (+0.55)',
    params={"first_name": "Jane", "last_name": "Doe", "email": "jane.doe@acme.com", "licence": "E3"},
    plan=NEW_HIRE_PLAN,
    status="failed",
    approvals=((APPROVER_1, T_APPROVE_1),),
    decided_by=APPROVER_1,
    decided_at=T_APPROVE_1,
    results=(
        StepResultView(0, "Create the Okta user jane.doe@acme.com", "ok", "Okta user 00u3janedoe"),
        StepResultView(1, "Assign the E3 licence", "failed", "HTTP 400 from Graph: usageLocation is not set"),
        StepResultView(2, "Add jane.doe@acme.com to All Staff", "skipped"),
    ),
    failure="The Okta user was created; the E3 licence was not assigned, so the group step did not run.",
    can_retry=True,
    summary="New hire Jane Doe starts Monday, E3 licence",
)

DECIDED = replace(MFA_RESET, approvals=((APPROVER_1, T_APPROVE_1),), decided_by=APPROVER_1, decided_at=T_APPROVE_1)

LONG_REASON = ("The requester's identity could not be verified by phone; " * 80).strip()

SANDBOX_PLAN = (
    PlanStepView("okta", "POST", "/api/v1/users/00u1sarahchen/lifecycle/reset_factors", "Reset every MFA factor"),
)

# Just-in-time access (RB-020): prod-admins for 2h, approved 17:42, granted 17:43, due 19:43.
T_GRANTED = datetime(2026, 6, 9, 17, 43, 0, tzinfo=UTC)
T_DUE = T_GRANTED + timedelta(hours=2)
GRANT_REQUESTED = GrantView(
    grant_id=None,
    resource="prod-admins",
    duration="2h",
    status="requested",
    as_of=T0,
    requester_label="slack:U0123REQUESTER",
    requester_email="sarah.chen@acme.com",
)
GRANT_ACTIVE = replace(
    GRANT_REQUESTED,
    grant_id=12,
    status="active",
    as_of=T_GRANTED + timedelta(seconds=5),
    granted_at=T_GRANTED,
    due_at=T_DUE,
)
GRANT_REVOKED = replace(  # revoked 75 s late (every replica was down at the due time)
    GRANT_ACTIVE, status="revoked", revoked_at=T_DUE + timedelta(seconds=75), as_of=T_DUE + timedelta(seconds=76)
)
T_RELEASED = datetime(2026, 6, 9, 18, 10, 0, tzinfo=UTC)
GRANT_RELEASED = replace(
    GRANT_ACTIVE,
    status="revoked",
    due_at=T_RELEASED,
    revoked_at=T_RELEASED + timedelta(seconds=4),
    as_of=T_RELEASED + timedelta(seconds=5),
    ended_early="released",
    ended_early_by="slack:U0123REQUESTER",
    ended_early_at=T_RELEASED,
    was_due_at=T_DUE,
)
GRANT_ENDING = replace(  # an approver revoked it; the revoker has not removed it yet
    GRANT_ACTIVE,
    grant_id=13,
    resource="finance",
    due_at=T_RELEASED,
    as_of=T_RELEASED + timedelta(seconds=2),
    requester_label="slack:U0456OTHER",
    requester_email="tom.hale@acme.com",
    ended_early="revoked_early",
    ended_early_by=APPROVER_1,
    ended_early_at=T_RELEASED,
    was_due_at=T_DUE,
)
JIT = replace(
    MFA_RESET,
    run_id="run_01JXJIT0004",
    runbook_id="RB-020",
    runbook_title="Just-in-time Access",
    target_system="Okta",
    requester="slack:U0123REQUESTER",
    requester_label="slack:U0123REQUESTER",
    issue_key=None,
    issue_url=None,
    intent="jit_access",
    confidence=1.0,
    reason="requested with /opsgate request",
    params={"resource": "okta:prod-admins", "duration": "2h"},
    plan=(PlanStepView("okta", "PUT", "/api/v1/groups/00g9prodadmins/users/00u1sarahchen", "Add to prod-admins"),),
    grant=GRANT_REQUESTED,
    summary=None,
)
JIT_DONE = replace(
    JIT,
    status="succeeded",
    approvals=((APPROVER_1, T_APPROVE_1),),
    decided_by=APPROVER_1,
    decided_at=T_APPROVE_1,
    results=(StepResultView(0, "Add to prod-admins", "ok", "HTTP 204 from Okta"),),
)
HOME_AS_OF = T_RELEASED + timedelta(seconds=2)
HOME_GRANTS: tuple[GrantView, ...] = (  # newest first, as App Home lists them
    replace(GRANT_ENDING, as_of=HOME_AS_OF),
    *(
        replace(
            GRANT_ACTIVE,
            grant_id=30 - i,
            resource=("prod-admins", "finance", "prod-db-admin")[i % 3],
            requester_label=f"slack:U0{i:03d}PERSON",
            requester_email=f"user{i}@acme.com",
            granted_at=T_GRANTED - timedelta(minutes=i),
            due_at=T_DUE - timedelta(minutes=7 * i),
            as_of=HOME_AS_OF,
        )
        for i in range(11)
    ),
)

SAMPLES: dict[str, ApprovalView] = {
    "awaiting": MFA_RESET,
    "awaiting_quorum": OFFBOARDING,
    "processing": replace(MFA_RESET, processing=True),
    "executing": replace(DECIDED, status="executing"),
    "succeeded": replace(
        DECIDED,
        status="succeeded",
        results=(StepResultView(0, "Reset every MFA factor of sarah.chen@acme.com", "ok", "HTTP 200 from Okta"),),
    ),
    "failed_retry": NEW_HIRE_FAILED,
    "denied_long_reason": replace(
        MFA_RESET, status="denied", decided_by=APPROVER_2, decided_at=T_APPROVE_2, deny_reason=LONG_REASON
    ),
    "expired": replace(MFA_RESET, status="expired", decided_at=DEADLINE),
    "cancelled": replace(MFA_RESET, status="cancelled", decided_at=T_APPROVE_2),
    "sandbox": replace(MFA_RESET, sandbox=True, plan=SANDBOX_PLAN),
    "sandbox_succeeded": replace(
        DECIDED,
        sandbox=True,
        plan=SANDBOX_PLAN,
        status="succeeded",
        results=(StepResultView(0, "Reset every MFA factor", "sandbox"),),
    ),
    "injection": replace(
        MFA_RESET,
        target_name="Eve <!here> *Admin*",
        requester_label="mallory@acme.com <@U999> <!subteam^S1|admins>",
        summary=INJECTION,
        reason=INJECTION,
        plan=(PlanStepView("okta", "POST", "/api/v1/users/<!channel>/lifecycle/reset_factors", INJECTION),),
    ),
    "injection_denied": replace(
        MFA_RESET, status="denied", decided_by=APPROVER_2, decided_at=T_APPROVE_2, deny_reason=INJECTION
    ),
    "jit": JIT,
    "jit_active": replace(JIT_DONE, grant=GRANT_ACTIVE),
    "jit_revoked": replace(JIT_DONE, grant=GRANT_REVOKED),
    "jit_released": replace(JIT_DONE, grant=GRANT_RELEASED),
}

SUMMARIES: tuple[RunSummaryView, ...] = tuple(
    RunSummaryView(
        run_id=f"run_01JXSUM{i:04d}",
        runbook_title=("MFA Reset", "Password Reset", "Account Unlock")[i % 3],
        target=f"user{i}@acme.com",
        status=("awaiting_approval", "succeeded", "denied", "failed", "expired")[i % 5],
        issue_key=f"ITSM-{200 + i}" if i % 2 == 0 else None,
        created_at=T0 - timedelta(hours=i),
    )
    for i in range(14)
)

RUNBOOKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("RB-001", "Password Reset", ("target_user",)),
    ("RB-002", "MFA Reset", ("target_user",)),
    ("RB-006", "M365 License Assignment", ("target_user", "licence")),
    ("RB-007", "Account Unlock", ("target_user",)),
    ("RB-013", "Group Add/Remove", ("target_user", "group", "action")),
    ("RB-020", "Just-in-time Access", ("group",)),
)
