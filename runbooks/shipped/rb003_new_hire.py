"""RB-003 New Hire Provisioning (Okta + Microsoft 365): an activated Okta user, an Entra ID user, a licence."""

from __future__ import annotations

import datetime as dt
import re

from pydantic import field_validator

from opsgate.runbooks.base import PlanContext, PlanStep, Runbook, RunbookParams, Target
from opsgate.runbooks.intents import Intent
from opsgate.runbooks.shipped.params import License, validate_email


class NewHireParams(RunbookParams):
    first_name: str
    last_name: str
    email: str
    license: License | None = None
    start_date: dt.date | None = None

    @field_validator("first_name", "last_name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value or len(value) > 64 or re.search(r"[<>@\n\r\t]", value):
            raise ValueError("must be 1-64 characters without <, >, @ or line breaks")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return validate_email(value)


class NewHire(Runbook):
    id = "RB-003"
    intent = Intent.NEW_HIRE
    title = "New Hire Provisioning"
    system = "Okta + Microsoft 365"
    params_model = NewHireParams

    def steps(self, target: Target | None, params: NewHireParams, context: PlanContext) -> list[PlanStep]:
        email = params.email
        display = f"{params.first_name} {params.last_name}"
        okta_profile = {"firstName": params.first_name, "lastName": params.last_name, "email": email, "login": email}
        okta_body: dict[str, object] = {"profile": okta_profile}
        if context.okta_default_group_ids:
            okta_body["groupIds"] = list(context.okta_default_group_ids)
        graph_body = {
            "accountEnabled": True,
            "displayName": display,
            "givenName": params.first_name,
            "surname": params.last_name,
            "mailNickname": email.split("@")[0],
            "userPrincipalName": email,
            "usageLocation": context.usage_location,
            "passwordProfile": {"forceChangePasswordNextSignIn": True, "password": "[generated]"},
        }
        steps = [
            PlanStep(
                "okta.create_user",
                "okta",
                "POST",
                "/api/v1/users?activate=true",
                f"Create and activate the Okta user {email}",
                {"profile": okta_profile, "group_ids": list(context.okta_default_group_ids)},
                okta_body,
            ),
            PlanStep(
                "graph.create_user",
                "graph",
                "POST",
                "/v1.0/users",
                f"Create the Entra ID user {email} ({display})",
                {
                    "upn": email,
                    "display_name": display,
                    "given_name": params.first_name,
                    "surname": params.last_name,
                    "usage_location": context.usage_location,
                },
                graph_body,
            ),
        ]
        if params.license:
            steps += [
                PlanStep(
                    "graph.assign_license",
                    "graph",
                    "POST",
                    f"/v1.0/users/{{id of {email}}}/assignLicense",
                    f"Assign the {params.license} licence to {email} (SKU resolved via /v1.0/subscribedSkus)",
                    {"upn": email, "license": params.license},
                    {"addLicenses": [{"skuId": f"{{skuId of {params.license}}}"}], "removeLicenses": []},
                )
            ]
        return steps
