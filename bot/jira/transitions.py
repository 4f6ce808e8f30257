"""Moving a linked Jira issue to the status the state mapping names, through the Transitions API only.

The transition is found among those Jira offers from the issue's current status (``GET transitions``), matched on
its target status name case-insensitively; an issue already in that status is left alone. When no transition leads
there, the reachable statuses are named in the run's thread and on the audit chain, and the run is unaffected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import structlog

from opsgate.bot.jira.client import JiraClient
from opsgate.bot.jira.notes import enqueue_note
from opsgate.store import audit
from opsgate.store.outbox import OutboxItem

if TYPE_CHECKING:
    from opsgate.bot.jira.gateway import JiraGateway

log = structlog.get_logger("opsgate.jira")


@dataclass(frozen=True)
class Move:
    outcome: str  # "moved" | "already" | "unreachable"
    current: str
    reachable: list[str] = field(default_factory=list)
    transition: str | None = None


def move_issue(client: JiraClient, key: str, target: str) -> Move:
    """Blocking: read the status, find the transition to ``target`` and perform it (or say why not)."""
    current = client.status(key)
    if current.casefold() == target.casefold():
        return Move("already", current)
    options = client.transitions(key)

    def to_name(t: dict[str, object]) -> str:
        to = t.get("to")
        return str(to.get("name", "")) if isinstance(to, dict) else ""

    match = next((t for t in options if to_name(t).casefold() == target.casefold()), None)
    if match is None:
        reachable = sorted({to_name(t) for t in options if to_name(t)}, key=str.casefold)
        return Move("unreachable", current, reachable)
    client.transition(key, str(match["id"]))
    return Move("moved", current, transition=str(match.get("name") or match["id"]))


def unreachable_text(key: str, target: str, move: Move) -> str:
    if move.reachable:
        options = ", ".join(f'"{s}"' for s in move.reachable)
        reach = f'Reachable from "{move.current}": {options}.'
    else:
        reach = f'No transition is available from "{move.current}" to OpsGate\'s Jira account.'
    return (
        f'Jira ({key}): OpsGate could not move the issue to "{target}": no transition leads there from '
        f'"{move.current}". {reach} The run is not affected; check the state mapping or the workflow.'
    )


class Transitions:
    def __init__(self, gateway: JiraGateway) -> None:
        self.gw = gateway

    async def deliver(self, item: OutboxItem) -> None:
        site = await self.gw.writeback.site_for(item)
        await self.gw.writeback.wait_for_earlier(item)
        key, target = str(item.payload["issue_key"]), str(item.payload["status"])
        move: Move = await self.gw.deliver(site, lambda c: move_issue(c, key, target))
        log.info("jira_transition", issue=key, target=target, outcome=move.outcome, current=move.current)
        if move.outcome == "unreachable":
            await self.gw.services.db(self._report, item, move)

    def _report(self, item: OutboxItem, move: Move) -> None:
        key, target = str(item.payload["issue_key"]), str(item.payload["status"])
        with self.gw.services.transaction() as session:
            audit.append(
                session,
                org_id=item.org_id,
                actor="opsgate:jira",
                action="jira.transition_unreachable",
                subject=f"run:{item.run_id}" if item.run_id else f"outbox:{item.id}",
                data={
                    "issue": key,
                    "integration": item.payload.get("integration_id"),
                    "state": item.payload.get("state"),
                    "target": target,
                    "current": move.current,
                    "reachable": move.reachable,
                },
            )
            enqueue_note(
                session,
                org_id=item.org_id,
                text=unreachable_text(key, target, move),
                dedupe=f"unreachable:{item.id}",
                run_id=item.run_id,
            )
