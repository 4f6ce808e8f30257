"""One plan step, one connector call: what each ``op`` of a plan does against Okta or Microsoft Graph.

A step reads what it needs from its plan ``args`` (the same values the approver saw) and from the
:class:`StepContext`, which carries the ids resolved by earlier steps (the Okta user id found by
``okta.find_user``, the group id found by ``graph.find_group``, the user created by ``graph.create_user`` ...).
Ids are not secrets; they are kept on each journal entry so a run resumed after a failure or a restart picks them
up again instead of looking everything up anew. When an id is missing (a resumed step whose lookup ran in an older
version), the context looks it up through the connector.

Nothing a step returns holds a secret: a generated password or an Okta one-time reset link never leaves the step.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from opsgate.runbooks.base import PlanStep
from opsgate.runbooks.connectors import ConnectorHalt, ErrorCode, GraphConnector, LicenceCatalog, OktaConnector

SYSTEM_LABELS = {"okta": "Okta", "graph": "Microsoft Graph"}
# Ops that only read: they run before anything changes and may be repeated freely.
READ_OPS = frozenset(
    {
        "okta.find_user",
        "okta.list_factors",
        "okta.find_group",
        "okta.check_membership",
        "graph.find_user",
        "graph.find_group",
    }
)
NOT_CONFIGURED = {
    "okta": "Okta is not configured: set OKTA_ORG_URL and OKTA_API_TOKEN (or run with OPSGATE_SANDBOX=true)",
    "graph": "Microsoft Graph is not configured: set GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET "
    "(or run with OPSGATE_SANDBOX=true)",
}
_SYMBOLS = "!#$%&*+-=?@^_"
_PASSWORD_ALPHABET = string.ascii_letters + string.digits + _SYMBOLS


def temporary_password(length: int = 24) -> str:
    """A random initial password that meets Entra ID's complexity rules (all four character classes)."""
    while True:
        value = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        classes = (str.islower, str.isupper, str.isdigit, lambda c: c in _SYMBOLS)
        if all(any(test(c) for c in value) for test in classes):
            return value


@dataclass
class Connectors:
    """The connectors a run may call; ``None`` where the system is not configured."""

    okta: OktaConnector | None = None
    graph: GraphConnector | None = None

    def has(self, system: str) -> bool:
        return getattr(self, system, None) is not None


def not_configured(system: str, op: str) -> ConnectorHalt:
    return ConnectorHalt(
        system, op, None, NOT_CONFIGURED.get(system, f"{system} is not configured"), code=ErrorCode.PRECONDITION
    )


@dataclass
class StepContext:
    """Ids resolved so far (persisted on the journal) plus facts that only matter within one execution."""

    connectors: Connectors
    send_reset_email: bool = True
    licences: LicenceCatalog = field(default_factory=LicenceCatalog)
    ids: dict[str, str] = field(default_factory=dict)
    okta_status: dict[str, str] = field(default_factory=dict)  # login -> Okta status seen by find_user
    graph_licences: dict[str, tuple[str, ...]] = field(default_factory=dict)  # upn -> assigned skuIds
    _new: dict[str, str] = field(default_factory=dict)

    @property
    def okta(self) -> OktaConnector:
        if self.connectors.okta is None:
            raise not_configured("okta", "okta")
        return self.connectors.okta

    @property
    def graph(self) -> GraphConnector:
        if self.connectors.graph is None:
            raise not_configured("graph", "graph")
        return self.connectors.graph

    def remember(self, key: str, value: str) -> None:
        self.ids[key] = value
        self._new[key] = value

    def take_new(self) -> dict[str, str]:
        """Ids learnt since the last call (they go on the step's journal entry)."""
        new, self._new = self._new, {}
        return new

    async def okta_user(self, login: str) -> str:
        key = f"okta.user:{login.casefold()}"
        if key not in self.ids:
            user = await self.okta.require_user(login)
            self.okta_status[login.casefold()] = user.status
            self.remember(key, user.id)
        return self.ids[key]

    async def graph_user(self, upn: str) -> str:
        key = f"graph.user:{upn.casefold()}"
        if key not in self.ids:
            user = await self.graph.require_user(upn)
            self.graph_licences[upn.casefold()] = user.assigned_sku_ids
            self.remember(key, user.id)
        return self.ids[key]

    async def okta_group(self, name: str) -> str:
        key = f"okta.group:{name}"
        if key not in self.ids:
            self.remember(key, (await self.okta.find_group(name)).id)
        return self.ids[key]

    async def graph_group(self, name: str) -> str:
        key = f"graph.group:{name}"
        if key not in self.ids:
            self.remember(key, (await self.graph.find_group(name)).id)
        return self.ids[key]


StepFn = Callable[[Mapping[str, Any], StepContext], Awaitable[str]]


def _login(args: Mapping[str, Any]) -> str:
    return str(args["login"])


def _upn(args: Mapping[str, Any]) -> str:
    return str(args["upn"])


# --- Okta ----------------------------------------------------------------------------------------------------


async def okta_find_user(args: Mapping[str, Any], ctx: StepContext) -> str:
    login = _login(args)
    user = await ctx.okta.require_user(login)
    ctx.okta_status[login.casefold()] = user.status
    ctx.remember(f"okta.user:{login.casefold()}", user.id)
    return f"found Okta user {user.id} ({user.status})"


async def okta_reset_password(args: Mapping[str, Any], ctx: StepContext) -> str:
    user_id = await ctx.okta_user(_login(args))
    result = await ctx.okta.reset_password(user_id, send_email=ctx.send_reset_email)
    if result.email_sent:
        return f"password reset; Okta emailed a reset link to {_login(args)}"
    # The one-time link is a secret: it is never journaled, logged or audited.
    return "password reset; Okta issued a one-time reset link (not recorded by OpsGate)"


async def okta_list_factors(args: Mapping[str, Any], ctx: StepContext) -> str:
    factors = await ctx.okta.list_factors(await ctx.okta_user(_login(args)))
    if not factors:
        return "no MFA factors enrolled"
    kinds = ", ".join(sorted(f.factor_type for f in factors))
    return f"{len(factors)} factor(s) enrolled: {kinds}"


async def okta_reset_factors(args: Mapping[str, Any], ctx: StepContext) -> str:
    await ctx.okta.reset_factors(await ctx.okta_user(_login(args)))
    return "every MFA factor reset; the user enrols again at next sign-in"


async def okta_suspend(args: Mapping[str, Any], ctx: StepContext) -> str:
    login = _login(args)
    user_id = await ctx.okta_user(login)
    if ctx.okta_status.get(login.casefold()) == "SUSPENDED":
        return "already suspended; nothing to change"
    await ctx.okta.suspend(user_id)
    return f"Okta user {user_id} suspended"


async def okta_create_user(args: Mapping[str, Any], ctx: StepContext) -> str:
    profile = {str(k): str(v) for k, v in dict(args["profile"]).items()}
    group_ids = [str(g) for g in args.get("group_ids") or []]
    user = await ctx.okta.create_user(profile, activate=True, group_ids=group_ids)
    ctx.remember(f"okta.user:{profile['login'].casefold()}", user.id)
    groups = f", added to {len(group_ids)} default group(s)" if group_ids else ""
    return f"created Okta user {user.id} ({user.status}){groups}"


async def okta_find_group(args: Mapping[str, Any], ctx: StepContext) -> str:
    group = await ctx.okta.find_group(str(args["name"]))
    ctx.remember(f"okta.group:{args['name']}", group.id)
    return f"found Okta group {group.id}"


async def okta_add_to_group(args: Mapping[str, Any], ctx: StepContext) -> str:
    group_id = await ctx.okta_group(str(args["name"]))
    await ctx.okta.add_to_group(group_id, await ctx.okta_user(_login(args)))
    return f"added to Okta group {group_id}"


async def okta_remove_from_group(args: Mapping[str, Any], ctx: StepContext) -> str:
    group_id = await ctx.okta_group(str(args["name"]))
    await ctx.okta.remove_from_group(group_id, await ctx.okta_user(_login(args)))
    return f"removed from Okta group {group_id}"


# --- Microsoft Graph -----------------------------------------------------------------------------------------


async def graph_find_user(args: Mapping[str, Any], ctx: StepContext) -> str:
    upn = _upn(args)
    user = await ctx.graph.require_user(upn)
    ctx.graph_licences[upn.casefold()] = user.assigned_sku_ids
    ctx.remember(f"graph.user:{upn.casefold()}", user.id)
    enabled = {True: "sign-in enabled", False: "sign-in disabled", None: "sign-in state unknown"}
    return f"found Entra ID user {user.id} ({enabled[user.account_enabled]})"


async def graph_create_user(args: Mapping[str, Any], ctx: StepContext) -> str:
    upn = _upn(args)
    user = await ctx.graph.create_user(
        str(args["display_name"]),
        upn.split("@")[0],
        upn,
        temporary_password(),  # never stored: the user changes it at first sign-in
        given_name=args.get("given_name"),
        surname=args.get("surname"),
    )
    ctx.remember(f"graph.user:{upn.casefold()}", user.id)
    return f"created Entra ID user {user.id} (password to be changed at first sign-in)"


async def graph_assign_license(args: Mapping[str, Any], ctx: StepContext) -> str:
    result = await ctx.graph.assign_license(await ctx.graph_user(_upn(args)), str(args["license"]))
    if not result.changed:
        return f"already had {result.sku_part_number}; nothing to change"
    return f"assigned {result.sku_part_number} ({args['license']})"


async def graph_enable_sign_in(args: Mapping[str, Any], ctx: StepContext) -> str:
    await ctx.graph.enable_sign_in(await ctx.graph_user(_upn(args)))
    return "sign-in enabled"


async def graph_revoke_sessions(args: Mapping[str, Any], ctx: StepContext) -> str:
    await ctx.graph.revoke_sessions(await ctx.graph_user(_upn(args)))
    return "sign-in sessions revoked"


async def graph_find_group(args: Mapping[str, Any], ctx: StepContext) -> str:
    group = await ctx.graph.find_group(str(args["name"]))
    ctx.remember(f"graph.group:{args['name']}", group.id)
    return f"found Entra ID group {group.id}"


async def graph_add_member(args: Mapping[str, Any], ctx: StepContext) -> str:
    group_id = await ctx.graph_group(str(args["name"]))
    added = await ctx.graph.add_member(group_id, await ctx.graph_user(_upn(args)))
    return f"added to group {group_id}" if added else "already a member; nothing to change"


async def graph_remove_member(args: Mapping[str, Any], ctx: StepContext) -> str:
    group_id = await ctx.graph_group(str(args["name"]))
    removed = await ctx.graph.remove_member(group_id, await ctx.graph_user(_upn(args)))
    return f"removed from group {group_id}" if removed else "was not a member; nothing to change"


STEPS: dict[str, StepFn] = {
    "okta.find_user": okta_find_user,
    "okta.reset_password": okta_reset_password,
    "okta.list_factors": okta_list_factors,
    "okta.reset_factors": okta_reset_factors,
    "okta.suspend": okta_suspend,
    "okta.create_user": okta_create_user,
    "okta.find_group": okta_find_group,
    "okta.add_to_group": okta_add_to_group,
    "okta.remove_from_group": okta_remove_from_group,  # JIT revocation
    "graph.find_user": graph_find_user,
    "graph.create_user": graph_create_user,
    "graph.assign_license": graph_assign_license,
    "graph.enable_sign_in": graph_enable_sign_in,
    "graph.revoke_sessions": graph_revoke_sessions,
    "graph.find_group": graph_find_group,
    "graph.add_member": graph_add_member,
    "graph.remove_member": graph_remove_member,
}


async def run_op(step: PlanStep, ctx: StepContext) -> str:
    """Perform one plan step; returns the journal detail. Raises :class:`ConnectorError` when it did not happen."""
    fn = STEPS.get(step.op)
    if fn is None:
        raise ConnectorHalt(
            step.system, step.op, None, f"OpsGate cannot perform {step.op!r}", code=ErrorCode.PRECONDITION
        )
    return await fn(step.args, ctx)
