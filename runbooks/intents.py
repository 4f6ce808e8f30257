"""The intents OpsGate can act on and the runbook that serves each.

Shared by the classifier (which proposes an intent), the catalog (which registers a runbook per intent) and the
edges that show them. ``None`` stands for ``no_action`` everywhere in code; the wire says ``"no_action"``.
"""

from enum import StrEnum


class Intent(StrEnum):
    PASSWORD_RESET = "password_reset"
    MFA_RESET = "mfa_reset"
    NEW_HIRE = "new_hire"
    LICENSE_ASSIGN = "license_assign"
    ACCOUNT_UNLOCK = "account_unlock"
    OFFBOARDING = "offboarding"
    GROUP_MEMBERSHIP = "group_membership"
    JIT_ACCESS = "jit_access"


NO_ACTION = "no_action"

RUNBOOK_FOR_INTENT: dict[Intent, str] = {
    Intent.PASSWORD_RESET: "RB-001",
    Intent.MFA_RESET: "RB-002",
    Intent.NEW_HIRE: "RB-003",
    Intent.LICENSE_ASSIGN: "RB-006",
    Intent.ACCOUNT_UNLOCK: "RB-007",
    Intent.OFFBOARDING: "RB-011",
    Intent.GROUP_MEMBERSHIP: "RB-013",
    Intent.JIT_ACCESS: "RB-020",
}

# The licence names the classifier emits (data/README.md rule 12); the Graph connector maps them to SKUs.
LICENSE_NAMES: tuple[str, ...] = (
    "E1",
    "E3",
    "E5",
    "F3",
    "Business Basic",
    "Business Standard",
    "Business Premium",
    "Visio",
    "Project",
    "Power BI Pro",
)
