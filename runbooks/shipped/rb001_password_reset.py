"""RB-001 Password Reset (Okta): send the user a reset link; the old password stops working."""

from __future__ import annotations

from opsgate.runbooks.base import NoParams, PlanContext, PlanStep, Runbook, Target
from opsgate.runbooks.intents import Intent
from opsgate.runbooks.shipped import okta_steps


class PasswordReset(Runbook):
    id = "RB-001"
    intent = Intent.PASSWORD_RESET
    title = "Password Reset"
    system = "Okta"
    idempotent_ops = frozenset({"okta.find_user"})

    def steps(self, target: Target | None, params: NoParams, context: PlanContext) -> list[PlanStep]:
        assert target is not None
        send = "true" if context.okta_send_reset_email else "false"
        how = "email a reset link to" if context.okta_send_reset_email else "return a one-time reset link for"
        return [
            okta_steps.find_user(target.email),
            okta_steps.lifecycle(
                target.email, "reset_password", f"Reset the password and {how} {target.email}", f"?sendEmail={send}"
            ),
        ]
