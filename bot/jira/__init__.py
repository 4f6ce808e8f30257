"""The Jira gateway room: integrations, write-back through the outbox, transitions, signed webhooks, tickets.

``attach(gate)`` wires it into an assembled gate; see :mod:`opsgate.bot.jira.gateway`. Imported lazily so that
``opsgate.bot.jira.cli`` (and ``opsgate --help``) stay light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opsgate.bot.jira.gateway import JiraGateway, attach

__all__ = ["JiraGateway", "attach"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from opsgate.bot.jira import gateway

        return getattr(gateway, name)
    raise AttributeError(name)
