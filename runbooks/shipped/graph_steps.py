"""Plan steps for Microsoft Graph calls, written once and shared by the Graph runbooks."""

from __future__ import annotations

from opsgate.runbooks.base import PlanStep


def find_user(email: str) -> PlanStep:
    return PlanStep(
        "graph.find_user", "graph", "GET", f"/v1.0/users/{email}", f"Look up the Entra ID user {email}", {"upn": email}
    )
