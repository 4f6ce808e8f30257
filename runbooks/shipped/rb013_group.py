"""RB-013 Group Add/Remove (Microsoft Entra ID): one user, one group named exactly, add or remove."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from opsgate.runbooks.base import PlanContext, PlanStep, Runbook, RunbookParams, Target
from opsgate.runbooks.intents import Intent
from opsgate.runbooks.shipped import graph_steps


class GroupParams(RunbookParams):
    group: str = Field(min_length=1, max_length=256)
    action: Literal["add", "remove"]


class GroupMembership(Runbook):
    id = "RB-013"
    intent = Intent.GROUP_MEMBERSHIP
    title = "Group Add/Remove"
    system = "Microsoft Entra ID"
    params_model = GroupParams
    idempotent_ops = frozenset({"graph.find_user", "graph.find_group"})

    def steps(self, target: Target | None, params: GroupParams, context: PlanContext) -> list[PlanStep]:
        assert target is not None
        group, user = f"{{id of group {params.group!r}}}", f"{{id of {target.email}}}"
        find_group = PlanStep(
            "graph.find_group",
            "graph",
            "GET",
            f"/v1.0/groups?$filter=displayName eq '{params.group}'",
            f"Find the group named exactly {params.group!r} (refused if none or several)",
            {"name": params.group},
        )
        if params.action == "add":
            change = PlanStep(
                "graph.add_member",
                "graph",
                "POST",
                f"/v1.0/groups/{group}/members/$ref",
                f"Add {target.email} to {params.group!r}",
                {"name": params.group, "upn": target.email},
                {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{user}"},
            )
        else:
            change = PlanStep(
                "graph.remove_member",
                "graph",
                "DELETE",
                f"/v1.0/groups/{group}/members/{user}/$ref",
                f"Remove {target.email} from {params.group!r}",
                {"name": params.group, "upn": target.email},
            )
        return [graph_steps.find_user(target.email), find_group, change]
