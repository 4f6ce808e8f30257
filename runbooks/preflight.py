"""Preconditions of the steps that change something, checked before the first of them runs.

The read steps of a plan (find the user, find the group) are preconditions by themselves: they run first and a
missing user stops the run before anything changes. The checks here cover what a plan's reads do not: the
licence has a free seat, the users a new hire would get do not exist yet, the Okta user is in a state that
allows the reset. Each failing check is a :class:`ConnectorHalt` naming what to fix; nothing has changed then.
"""

from __future__ import annotations

from collections.abc import Sequence

from opsgate.runbooks.base import PlanStep
from opsgate.runbooks.connectors import ConnectorError, ConnectorHalt, ErrorCode
from opsgate.runbooks.steps import READ_OPS, StepContext, not_configured

# Okta refuses password and factor resets for users in these states (403 "not allowed in the current status").
OKTA_NOT_RESETTABLE = frozenset({"SUSPENDED", "DEPROVISIONED", "STAGED"})


def missing_system(plan: Sequence[PlanStep], start: int, ctx: StepContext) -> tuple[int, ConnectorError] | None:
    """The first remaining step whose system has no connector configured."""
    for index in range(start, len(plan)):
        step = plan[index]
        if not ctx.connectors.has(step.system):
            return index, not_configured(step.system, step.op)
    return None


async def check_writes(plan: Sequence[PlanStep], start: int, ctx: StepContext) -> tuple[int, ConnectorError] | None:
    """Check every remaining write step's preconditions; the first that fails, with its step index."""
    for index in range(start, len(plan)):
        step = plan[index]
        if step.op in READ_OPS:
            continue
        try:
            await _check(step, ctx)
        except ConnectorError as exc:
            return index, exc
    return None


def _halt(system: str, call: str, detail: str) -> ConnectorHalt:
    return ConnectorHalt(system, call, 200, detail, code=ErrorCode.PRECONDITION)


async def _check(step: PlanStep, ctx: StepContext) -> None:
    args = step.args
    if step.op == "okta.create_user":
        login = str(args["profile"]["login"])
        if await ctx.okta.find_user(login) is not None:
            raise _halt("okta", "GET /api/v1/users", f"an Okta user with login {login!r} already exists")
    elif step.op == "graph.create_user":
        upn = str(args["upn"])
        if await ctx.graph.find_user(upn) is not None:
            raise _halt("graph", "GET /v1.0/users/{id}", f"an Entra ID user {upn!r} already exists")
    elif step.op == "graph.assign_license":
        await _check_seat(str(args["license"]), str(args["upn"]), ctx)
    elif step.op in ("okta.reset_password", "okta.reset_factors"):
        login = str(args["login"])
        status = ctx.okta_status.get(login.casefold())
        if status in OKTA_NOT_RESETTABLE:
            what = "password" if step.op == "okta.reset_password" else "MFA"
            raise _halt("okta", "GET /api/v1/users", f"{login} is {status} in Okta; its {what} cannot be reset")


async def _check_seat(licence: str, upn: str, ctx: StepContext) -> None:
    """The tenant owns the licence and has a free seat, unless the user holds it already (then the step will
    change nothing and needs no seat)."""
    try:
        await ctx.graph.resolve_license(licence)
    except ConnectorHalt as exc:
        held = ctx.graph_licences.get(upn.casefold(), ())
        if exc.code is not ErrorCode.NO_FREE_SEATS or not held:
            raise
        candidates = set(ctx.licences.candidates(licence))
        skus = await ctx.graph.subscribed_skus()
        if not any(s.sku_id in held and s.sku_part_number.upper() in candidates for s in skus):
            raise
