"""``/opsgate request``: which runbooks the modal offers, and turning its answers into a proposal or into
per-field errors (``response_action: errors``). Pure: the caller resolves Slack users first.

A runbook is offered when every parameter it takes has an input in the modal (group, licence, add/remove) and it
acts on a target user; the others (new hires, JIT access) are requested through their own flows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opsgate.bot.proposals import Proposal, propose
from opsgate.bot.settings import Settings
from opsgate.cards.ids import FieldId
from opsgate.cards.limits import REQUEST_REASON_MAX
from opsgate.cards.text import RunbookChoice
from opsgate.runbooks import catalog
from opsgate.runbooks.base import ParamsError, Runbook, Target

PARAM_FIELDS: dict[str, FieldId] = {"group": FieldId.GROUP, "license": FieldId.LICENCE, "action": FieldId.ACTION}
REQUEST_REASON = "requested in Slack with /opsgate request"


def _params_of(runbook: Runbook) -> tuple[str, ...]:
    return tuple(runbook.params_model.model_fields)


def requestable() -> list[Runbook]:
    return [
        rb
        for rb in catalog.RUNBOOKS.values()
        if rb.needs_target and all(name in PARAM_FIELDS for name in _params_of(rb))
    ]


def runbook_choices() -> list[RunbookChoice]:
    """What the request modal offers: (id, title, parameter names), catalog order."""
    return [(rb.id, rb.title, _params_of(rb)) for rb in requestable()]


@dataclass(frozen=True)
class RequestForm:
    runbook: Runbook
    target_user: str | None  # Slack user id picked, None: the requester themself
    params: dict[str, Any]
    reason: str


def read_form(values: dict[FieldId, str]) -> RequestForm | dict[str, str]:
    """The form, or ``{block_id: error}`` for the modal."""
    offered = {rb.id: rb for rb in requestable()}
    runbook = offered.get(values.get(FieldId.RUNBOOK, ""))
    reason = values.get(FieldId.REASON, "")
    errors: dict[str, str] = {}
    if runbook is None:
        errors[str(FieldId.RUNBOOK)] = "Choose one of the runbooks listed."
    if not reason:
        errors[str(FieldId.REASON)] = "Say what you need and why: approvers read it on the card."
    if runbook is None or errors:
        return errors
    params = {
        name: values[field] for name, field in PARAM_FIELDS.items() if name in _params_of(runbook) and field in values
    }
    return RequestForm(runbook, values.get(FieldId.TARGET_USER), params, reason[:REQUEST_REASON_MAX])


def param_errors(form: RequestForm) -> dict[str, str]:
    """Per-field errors of the runbook's own parameter validation (``{}`` when they validate)."""
    try:
        form.runbook.validate(form.params)
    except ParamsError as exc:
        errors: dict[str, str] = {}
        for name, message in exc.errors:
            field = PARAM_FIELDS.get(name.split(".")[0], FieldId.RUNBOOK)
            text = f"Required for {form.runbook.title}." if message == "Field required" else message
            errors.setdefault(str(field), text[:150])
        return errors
    return {}


def proposal_for(form: RequestForm, target: Target, settings: Settings) -> Proposal | dict[str, str]:
    """The proposal the run is opened with, or the modal errors when the runbook refuses the request."""
    errors = param_errors(form)
    if errors:
        return errors
    proposal = propose(
        form.runbook.intent, target, form.params, confidence=1.0, reason=REQUEST_REASON, settings=settings
    )
    if proposal.status != "awaiting_approval":
        return {str(FieldId.RUNBOOK): proposal.reason.removeprefix(REQUEST_REASON + "; ")[:150]}
    return proposal
