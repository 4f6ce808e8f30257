"""RB-002 MFA Reset (Okta): remove every enrolled factor so the user enrols a new device at next sign-in."""

from __future__ import annotations

from opsgate.runbooks.base import NoParams, PlanContext, PlanStep, Runbook, Target
from opsgate.runbooks.intents import Intent
from opsgate.runbooks.shipped import okta_steps


class MfaReset(Runbook):
    id = "RB-002"
    intent = Intent.MFA_RESET
    title = "MFA Reset"
    system = "Okta"
    idempotent_ops = frozenset({"okta.find_user", "okta.list_factors", "okta.reset_factors"})

    def steps(self, target: Target | None, params: NoParams, context: PlanContext) -> list[PlanStep]:
        assert target is not None
        return [
            okta_steps.find_user(target.email),
            PlanStep(
                "okta.list_factors",
                "okta",
                "GET",
                f"/api/v1/users/{{id of {target.email}}}/factors",
                f"List the MFA factors enrolled by {target.email}",
                {"login": target.email},
            ),
            okta_steps.lifecycle(target.email, "reset_factors", f"Reset every MFA factor of {target.email}"),
        ]
