"""Plan steps for Okta calls, written once and shared by the Okta runbooks."""

from __future__ import annotations

from opsgate.runbooks.base import PlanStep


def find_user(email: str) -> PlanStep:
    return PlanStep(
        "okta.find_user", "okta", "GET", f"/api/v1/users/{email}", f"Look up the Okta user {email}", {"login": email}
    )


def lifecycle(email: str, action: str, description: str, query: str = "") -> PlanStep:
    return PlanStep(
        f"okta.{action}",
        "okta",
        "POST",
        f"/api/v1/users/{{id of {email}}}/lifecycle/{action}{query}",
        description,
        {"login": email},
    )
