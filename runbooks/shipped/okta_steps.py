"""Plan steps for Okta calls, written once and shared by the Okta runbooks.

``okta.check_membership`` (RB-020: is the requester already in the group?) is both planned and performed here:
its step function is registered into :data:`opsgate.runbooks.steps.STEPS` when this module is imported (every
shipped runbook is, through the catalog), so the plan and the code that answers it stay side by side. Its journal
detail starts with :data:`ALREADY_MEMBER` when the requester was a member before the grant; the JIT service reads
that into ``member_before`` so the revocation keeps access the requester had anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opsgate.runbooks.base import PlanStep
from opsgate.runbooks.steps import STEPS, StepContext

CHECK_MEMBERSHIP = "okta.check_membership"
ALREADY_MEMBER = "already a member"
NOT_YET_MEMBER = "not yet a member"


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


def check_membership(email: str, group: str) -> PlanStep:
    """Read the user's groups (``listUserGroups``): one call, bounded by the user's memberships, not the group's."""
    return PlanStep(
        CHECK_MEMBERSHIP,
        "okta",
        "GET",
        f"/api/v1/users/{{id of {email}}}/groups",
        f"Check whether {email} is already in {group!r} (if so, they stay in it when the grant ends)",
        {"name": group, "login": email},
    )


async def perform_check_membership(args: Mapping[str, Any], ctx: StepContext) -> str:
    group_id = await ctx.okta_group(str(args["name"]))
    member = await ctx.okta.is_member(group_id, await ctx.okta_user(str(args["login"])))
    if member is None:
        return "membership unknown; the member is removed when the grant ends"
    if member:
        return f"{ALREADY_MEMBER} of Okta group {group_id}; kept when the grant ends"
    return f"{NOT_YET_MEMBER} of Okta group {group_id}"


STEPS.setdefault(CHECK_MEMBERSHIP, perform_check_membership)
