"""A full server: the core gate plus every integration that attaches to it, and the route groups to serve.

Tests build smaller gates (``build_gate``) and attach only what they exercise; ``opsgate serve`` uses
:func:`assemble`. Integrations are imported here, lazily, so the core never imports a surface.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from opsgate.bot.gate import OpsGate, build_gate
from opsgate.bot.services import Services

if TYPE_CHECKING:
    from opsgate.bot.app import RouteRegistrar


def assemble(services: Services) -> OpsGate:
    from opsgate.bot import executor, jira, jit
    from opsgate.bot.jira import summary as jira_summary
    from opsgate.bot.jit import reconcile as jit_reconcile

    gate = build_gate(services)
    executor.attach(gate)
    jit.attach(gate)
    jit_reconcile.attach_reconciler(gate)  # managed JIT groups: remove members without an active grant
    jit.load_if_present(services)
    jira.attach(gate)
    jira_summary.attach(gate)
    return gate


def registrars() -> list[RouteRegistrar]:
    from opsgate.handlers import slack, teams
    from opsgate.handlers.http import ingest, jira_webhooks, requests, runs
    from opsgate.handlers.http import jit as jit_http

    return [
        ingest.register, runs.register, requests.register, jit_http.register, jira_webhooks.register, slack.register,
        teams.register,
    ]


def lifecycle(gate: OpsGate) -> list[Callable[[web.Application], AsyncIterator[None]]]:
    """What runs for the app's lifetime: the scheduler, and closing the integrations' clients at the end."""

    async def close_integrations(_app: web.Application) -> AsyncIterator[None]:
        yield
        for name, extra in gate.extras.items():
            if name == "executor":
                continue  # its own context closes it, after recovering interrupted runs at start
            close = getattr(extra, "close", None) or getattr(extra, "aclose", None)
            if close is not None:
                result = close()
                if hasattr(result, "__await__"):
                    await result

    contexts = [gate.scheduler.context(), close_integrations]
    executor = gate.extras.get("executor")
    if executor is not None:
        contexts.insert(0, executor.context())
    return contexts
