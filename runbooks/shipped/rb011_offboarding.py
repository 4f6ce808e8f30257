"""RB-011 Offboarding (Okta suspend): the leaver can no longer sign in; nothing is deleted. Two approvals."""

from __future__ import annotations

from opsgate.runbooks.base import NoParams, PlanContext, PlanStep, Runbook, Target
from opsgate.runbooks.intents import Intent
from opsgate.runbooks.shipped import okta_steps


class Offboarding(Runbook):
    id = "RB-011"
    intent = Intent.OFFBOARDING
    title = "Offboarding (suspend)"
    system = "Okta"
    approvals_required = 2
    idempotent_ops = frozenset({"okta.find_user"})

    def steps(self, target: Target | None, params: NoParams, context: PlanContext) -> list[PlanStep]:
        assert target is not None
        return [
            okta_steps.find_user(target.email),
            okta_steps.lifecycle(target.email, "suspend", f"Suspend {target.email} (sign-in blocked, data kept)"),
        ]
