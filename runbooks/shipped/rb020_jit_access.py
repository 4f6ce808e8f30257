"""RB-020 Just-in-time Access: add the requester to a catalogued group for a bounded time, then remove them.

The resource catalog (which group, which system, the maximum duration) belongs to the JIT service; here the
resource is already resolved into ``system`` and ``group`` so the plan shows the exact calls.

Membership before the grant (kept when the grant ends): Okta's add is silent, so the Okta plan reads the
requester's groups first (``okta.check_membership``); Graph's add answers "already a member" by itself.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from opsgate.bot.durations import DurationError, parse_duration
from opsgate.runbooks.base import PlanContext, PlanStep, Runbook, RunbookParams, Target
from opsgate.runbooks.intents import Intent
from opsgate.runbooks.shipped import okta_steps


class JitParams(RunbookParams):
    resource: str = Field(min_length=1, max_length=100)
    duration: str
    group: str = Field(min_length=1, max_length=256)
    group_system: Literal["okta", "graph"]
    # The resource's own approvers (e.g. its owner: "slack:U0123", "teams:<aad id>" or an email): one of them must
    # approve too (bot/runs.py). Part of the plan, so the card shows them and the approval is bound to them.
    approvers: tuple[str, ...] | None = Field(default=None, max_length=20)

    @field_validator("approvers")
    @classmethod
    def _approvers(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is None:
            return None
        cleaned = tuple(dict.fromkeys(a.strip() for a in value if a.strip()))
        if any(len(a) > 200 for a in cleaned):
            raise ValueError("an approver is at most 200 characters")
        return cleaned or None

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: str) -> str:
        try:
            parse_duration(value)
        except DurationError as exc:
            raise ValueError(str(exc)) from None
        return value


class JitAccess(Runbook):
    id = "RB-020"
    intent = Intent.JIT_ACCESS
    title = "Just-in-time Access"
    system = "Okta or Entra ID group"
    params_model = JitParams

    def steps(self, target: Target | None, params: JitParams, context: PlanContext) -> list[PlanStep]:
        assert target is not None
        who, group = target.email, params.group
        if params.group_system == "okta":
            return [
                okta_steps.find_user(who),
                PlanStep(
                    "okta.find_group",
                    "okta",
                    "GET",
                    f"/api/v1/groups?q={group}",
                    f"Find the Okta group {group!r}",
                    {"name": group},
                ),
                okta_steps.check_membership(who, group),
                PlanStep(
                    "okta.add_to_group",
                    "okta",
                    "PUT",
                    f"/api/v1/groups/{{id of {group!r}}}/users/{{id of {who}}}",
                    f"Add {who} to {group!r} for {params.duration}, then remove them",
                    {"name": group, "login": who, "duration": params.duration},
                ),
            ]
        return [
            PlanStep(
                "graph.find_user",
                "graph",
                "GET",
                f"/v1.0/users/{who}",
                f"Look up the Entra ID user {who}",
                {"upn": who},
            ),
            PlanStep(
                "graph.find_group",
                "graph",
                "GET",
                f"/v1.0/groups?$filter=displayName eq '{group}'",
                f"Find the Entra ID group {group!r}",
                {"name": group},
            ),
            PlanStep(
                "graph.add_member",
                "graph",
                "POST",
                f"/v1.0/groups/{{id of {group!r}}}/members/$ref",
                f"Add {who} to {group!r} for {params.duration}, then remove them",
                {"name": group, "upn": who, "duration": params.duration},
            ),
        ]
