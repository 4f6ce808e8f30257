"""Adaptive Card ``Action.Execute`` presses (``adaptiveCard/action`` invokes), answered within the request.

Verbs (:class:`~opsgate.cards.ids.Verb`): ``approve`` / ``deny`` (with the ``reason`` input) go to the one
decision service, ``gate.decide``; ``refresh`` answers the run's current card and changes nothing; ``retry``
hands a failed run to the executor; ``request`` opens a run from the request form; ``opsgate.access.request``
(:class:`~opsgate.cards.adaptive.access.AccessVerb`) asks for just-in-time access from the access form
(:mod:`opsgate.handlers.teams.access`). The answer is the card that
replaces the clicked one, or a message for a press that changed nothing and needs explaining.
"""

from __future__ import annotations

from typing import Any, Literal

import structlog
from botbuilder.core import InvokeResponse, TurnContext
from pydantic import ValidationError

from opsgate.bot.errors import NotFound, OpsGateError
from opsgate.bot.gate import OpsGate
from opsgate.bot.runs import Outcome
from opsgate.cards.adaptive.access import AccessVerb
from opsgate.cards.adaptive.approval import approval_card, note_card
from opsgate.cards.ids import DecisionButton, InputId, Verb
from opsgate.cards.limits import DENY_REASON_MAX
from opsgate.cards.text import RefusalKind, refusal_text
from opsgate.handlers.teams import runbook_requests
from opsgate.handlers.teams.access import AccessCommands
from opsgate.handlers.teams.answers import as_dict, invoke_card, invoke_message
from opsgate.handlers.teams.approvers import Approvers
from opsgate.handlers.teams.directory import TeamsDirectory, contact_of
from opsgate.store.models import Run

log = structlog.get_logger("opsgate.teams")

UNKNOWN_RUN = refusal_text(RefusalKind.UNKNOWN_RUN)
NO_EMAIL = (
    "OpsGate could not read your email address from Teams or Microsoft Entra ID, so it cannot check that this is "
    "not your own request. Nothing changed; ask an OpsGate admin."
)


def correlation_id() -> str:
    return str(structlog.contextvars.get_contextvars().get("request_id") or "-")


def action_of(turn_context: TurnContext) -> tuple[str, dict[str, Any]]:
    action = as_dict(as_dict(turn_context.activity.value).get("action"))
    return str(action.get("verb") or ""), as_dict(action.get("data"))


class CardActions:
    def __init__(
        self,
        gate: OpsGate,
        approvers: Approvers,
        directory: TeamsDirectory,
        *,
        access: AccessCommands | None = None,
    ) -> None:
        self.gate = gate
        self.approvers = approvers
        self.directory = directory
        self.access = access or AccessCommands(gate, approvers, directory)

    async def handle(self, turn_context: TurnContext) -> InvokeResponse:
        verb, data = action_of(turn_context)
        try:
            return await self._dispatch(turn_context, verb, data)
        except NotFound:
            return invoke_message(UNKNOWN_RUN)
        except OpsGateError as exc:
            return invoke_message(exc.detail)
        except Exception:
            log.exception("teams_action_failed", verb=verb)
            return invoke_message(
                f"Something went wrong on our side; quote correlation id {correlation_id()} when reporting it."
            )

    async def _dispatch(self, turn_context: TurnContext, verb: str, data: dict[str, Any]) -> InvokeResponse:
        if verb == AccessVerb.REQUEST:
            return await self.access.submit(turn_context, data)
        try:
            known = Verb(verb)
        except ValueError:
            return invoke_message("OpsGate does not know this action. Nothing changed.")
        if known is Verb.REQUEST:
            return await self.request(turn_context, data)
        try:
            button = DecisionButton(run_id=data.get("run_id"), plan_hash=data.get("plan_hash"))
        except ValidationError:
            return invoke_message("This card is missing its run. Nothing changed.")
        if known is Verb.REFRESH:
            return await self.refresh(button.run_id)
        if known is Verb.RETRY:
            return await self.retry(turn_context, button)
        decision: Literal["approve", "deny"] = "approve" if known is Verb.APPROVE else "deny"
        return await self.decide(turn_context, button, decision, data)

    async def _card(self, run: Run) -> InvokeResponse:
        return invoke_card(approval_card(self.gate.cards.view(run)))

    async def _run(self, run_id: str) -> Run:
        services = self.gate.services
        return await services.db(self.gate.runs.get, run_id, org_id=services.default_org_id)

    async def refresh(self, run_id: str) -> InvokeResponse:
        """The run's current card; reads only, so a stale card refreshed any number of times changes nothing."""
        return await self._card(await self._run(run_id))

    async def decide(
        self,
        turn_context: TurnContext,
        button: DecisionButton,
        decision: Literal["approve", "deny"],
        data: dict[str, Any],
    ) -> InvokeResponse:
        reason = data.get(str(InputId.REASON))
        reason = reason.strip()[:DENY_REASON_MAX] if isinstance(reason, str) else ""
        if decision == "deny" and not reason:
            return invoke_message("Say why you deny it: the requester and the Jira issue will see the reason.")
        await self._run(button.run_id)  # an unknown run is answered before anyone is looked up
        decider, _person = await self.approvers.decider(turn_context)
        if decision == "approve" and decider.is_approver and decider.email is None:
            return invoke_message(NO_EMAIL)
        outcome: Outcome = await self.gate.decide(
            button.run_id, decider, decision, plan_hash=button.plan_hash, reason=reason or None
        )
        log.info(
            "teams_decision",
            run=button.run_id,
            decision=decision,
            actor=decider.actor,
            changed=outcome.changed,
            status=outcome.run.status,
        )
        if outcome.changed or outcome.run.status != "awaiting_approval":
            return await self._card(outcome.run)  # decided (now or before): the card says who and when
        return invoke_message(outcome.message)

    async def retry(self, turn_context: TurnContext, button: DecisionButton) -> InvokeResponse:
        executor = self.gate.extras.get("executor")
        if executor is None or not hasattr(executor, "retry"):
            return invoke_message("Retrying is not available on this OpsGate server yet. Nothing changed.")
        decider, _person = await self.approvers.decider(turn_context)
        if not decider.is_approver:
            return invoke_message(refusal_text(RefusalKind.NOT_APPROVER))
        result = await executor.retry(button.run_id, decider)
        if isinstance(result, Outcome) and not result.ok:
            return invoke_message(result.message)
        return await self._card(await self._run(button.run_id))

    async def request(self, turn_context: TurnContext, data: dict[str, Any]) -> InvokeResponse:
        person = await self.approvers.person(turn_context)
        answer = await runbook_requests.submit(self.gate, person, data)
        if answer.run is None or answer.text is None:
            return invoke_message(answer.problem or "Nothing was requested.")
        if person.aad_object_id:
            await self.directory.remember_user(person.aad_object_id, contact_of(turn_context.activity))
        return invoke_card(note_card(answer.text))
