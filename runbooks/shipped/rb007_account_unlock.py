"""RB-007 Account Unlock (Microsoft Entra ID): re-enable sign-in and revoke sessions.

Entra ID's smart lockout clears itself and cannot be reset through Graph; what an admin can do is make sure the
account is enabled and that stale sessions (often the device replaying an old password) are revoked.
"""

from __future__ import annotations

from opsgate.runbooks.base import NoParams, PlanContext, PlanStep, Runbook, Target
from opsgate.runbooks.intents import Intent
from opsgate.runbooks.shipped import graph_steps


class AccountUnlock(Runbook):
    id = "RB-007"
    intent = Intent.ACCOUNT_UNLOCK
    title = "Account Unlock"
    system = "Microsoft Entra ID"
    idempotent_ops = frozenset({"graph.find_user", "graph.enable_sign_in", "graph.revoke_sessions"})

    def steps(self, target: Target | None, params: NoParams, context: PlanContext) -> list[PlanStep]:
        assert target is not None
        user = f"{{id of {target.email}}}"
        return [
            graph_steps.find_user(target.email),
            PlanStep(
                "graph.enable_sign_in",
                "graph",
                "PATCH",
                f"/v1.0/users/{user}",
                f"Re-enable sign-in for {target.email}",
                {"upn": target.email},
                {"accountEnabled": True},
            ),
            PlanStep(
                "graph.revoke_sessions",
                "graph",
                "POST",
                f"/v1.0/users/{user}/revokeSignInSessions",
                f"Revoke the sign-in sessions of {target.email}",
                {"upn": target.email},
            ),
        ]
