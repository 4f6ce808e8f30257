"""The Teams ``request`` form: which runbooks it offers, and its submission (verb ``opsgate.request``) turned into
a run through the same path as every other request (``bot.proposals.propose`` + ``IngestService.request``).

The form offers the runbooks whose parameters it can fill (a target user's email, a group, a licence, add or
remove). Anyone in the tenant may ask; an approver still decides, and the requester cannot approve their own run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from opsgate.bot.gate import OpsGate
from opsgate.bot.proposals import propose
from opsgate.cards.ids import InputId
from opsgate.cards.limits import REQUEST_REASON_MAX
from opsgate.cards.markup import TEAMS
from opsgate.cards.text import RunbookChoice
from opsgate.handlers.teams.approvers import Person
from opsgate.runbooks import catalog
from opsgate.runbooks.base import Runbook, Target
from opsgate.runbooks.shipped.params import validate_email
from opsgate.store.models import Run

REQUESTABLE = ("RB-001", "RB-002", "RB-006", "RB-007", "RB-011", "RB-013")
# form input -> runbook parameter
INPUT_PARAMS: dict[InputId, str] = {InputId.LICENCE: "license", InputId.GROUP: "group", InputId.ACTION: "action"}


def _param_names(runbook: Runbook) -> tuple[str, ...]:
    return (("target_user",) if runbook.needs_target else ()) + tuple(runbook.params_model.model_fields)


def choices() -> list[RunbookChoice]:
    return [(rb.id, rb.title, _param_names(rb)) for rb in (catalog.RUNBOOKS[i] for i in REQUESTABLE)]


@dataclass(frozen=True)
class RequestAnswer:
    """``run`` when a run was opened; otherwise ``problem`` says what to fix (nothing was stored)."""

    run: Run | None
    problem: str | None = None
    text: str | None = None  # Adaptive Card markdown for the answer card


def _text(data: dict[str, Any], key: str, limit: int) -> str:
    value = data.get(str(key))
    return value.strip()[:limit] if isinstance(value, str) else ""


async def submit(
    gate: OpsGate, person: Person, data: dict[str, Any], offered: Sequence[str] = REQUESTABLE
) -> RequestAnswer:
    runbook_id = _text(data, InputId.RUNBOOK, 20)
    if runbook_id not in offered:
        return RequestAnswer(None, "Choose one of the runbooks in the list.")
    runbook = catalog.get(runbook_id)
    reason = _text(data, InputId.REASON, REQUEST_REASON_MAX)
    if not reason:
        return RequestAnswer(None, "Say what you need and why, so the approver can decide.")
    target_email = _text(data, InputId.TARGET_EMAIL, 254) or (person.email or "")
    if not target_email:
        return RequestAnswer(None, "Type the target user's email: OpsGate could not read yours from Teams.")
    try:
        target_email = validate_email(target_email)
    except ValueError as exc:
        return RequestAnswer(None, f"Target user's email: {exc}.")
    fields = runbook.params_model.model_fields
    params = {param: _text(data, key, 256) for key, param in INPUT_PARAMS.items() if param in fields}
    params = {k: v for k, v in params.items() if v}
    settings = gate.services.settings
    proposal = propose(
        runbook.intent,
        Target(target_email),
        params,
        confidence=1.0,
        reason=f"requested in Teams by {person.name}",
        settings=settings,
    )
    if proposal.status != "awaiting_approval":
        return RequestAnswer(None, f"OpsGate cannot propose this: {proposal.reason.split('not proposed: ')[-1]}.")
    run = await gate.services.db(
        gate.ingest.request,
        org_id=gate.services.default_org_id,
        source="teams",
        requester=person.actor,
        requester_email=person.email,
        summary=reason,
        proposal=proposal,
    )
    gate.outbox.kick()
    text = (
        f"**Requested:** {TEAMS.escape(runbook.title)} for {TEAMS.escape(target_email)}. "
        f"Run {TEAMS.escape(run.id)} is waiting for an approver; I will message you here when it is decided."
    )
    return RequestAnswer(run, None, text)
