"""RB-006 M365 License Assignment (Microsoft Graph)."""

from __future__ import annotations

from opsgate.runbooks.base import PlanContext, PlanStep, Runbook, RunbookParams, Target
from opsgate.runbooks.intents import Intent
from opsgate.runbooks.shipped import graph_steps
from opsgate.runbooks.shipped.params import License


class LicenseParams(RunbookParams):
    license: License


class LicenseAssignment(Runbook):
    id = "RB-006"
    intent = Intent.LICENSE_ASSIGN
    title = "M365 License Assignment"
    system = "Microsoft Graph"
    params_model = LicenseParams
    idempotent_ops = frozenset({"graph.find_user", "graph.assign_license"})

    def steps(self, target: Target | None, params: LicenseParams, context: PlanContext) -> list[PlanStep]:
        assert target is not None
        return [
            graph_steps.find_user(target.email),
            PlanStep(
                "graph.assign_license",
                "graph",
                "POST",
                f"/v1.0/users/{{id of {target.email}}}/assignLicense",
                f"Assign the {params.license} licence to {target.email} (SKU resolved via /v1.0/subscribedSkus, "
                "free seats checked first)",
                {"upn": target.email, "license": params.license},
                {"addLicenses": [{"skuId": f"{{skuId of {params.license}}}"}], "removeLicenses": []},
            ),
        ]
