"""What happens after a decision press was acknowledged (Approve, the deny modal's submission, Retry).

1. Describe the clicker (:class:`~opsgate.handlers.slack.approvers.Approvers`).
2. For an approver on a run still waiting, replace the clicked card's buttons with "Processing..." at once, unless
   the press can only be refused (their own request or account, their second approval, an outdated plan).
3. Call the one decision service, :meth:`OpsGate.decide` (all the rules live in the run machine).
4. Changed: the outbox re-renders every copy of the card and DMs the requester (``decide`` kicked it).
   Refused or a repeat: put the clicked card back from the run's current state (buttons back if it still waits)
   and tell the clicker privately what already happened and by whom.

Non-approvers and refused approvers never make the shared card flip to "Processing...": their press is refused
without touching it. A card
this press did not flip is left to the outbox, which re-renders every copy on every transition; so a burst of
presses on an old copy costs one private answer each, not one card update each.
"""

from __future__ import annotations

from typing import Any, Literal

import structlog

from opsgate.bot.chat import ChatUnavailable
from opsgate.bot.errors import NotFound
from opsgate.bot.runs import Decider, Outcome
from opsgate.cards.blockkit.modals import deny_reason_modal
from opsgate.cards.ids import DecisionButton, DenyModalMetadata
from opsgate.cards.text import RefusalKind, subject
from opsgate.handlers.slack.errors import tell
from opsgate.handlers.slack.home import publish
from opsgate.handlers.slack.payloads import Where
from opsgate.handlers.slack.present import note, refusal_message, run_modal
from opsgate.handlers.slack.refusals import deny_precheck, refusal_kind
from opsgate.handlers.slack.runtime import SlackRuntime
from opsgate.store.models import Run

log = structlog.get_logger("opsgate.slack.decisions")

NO_RETRY = "Retry is not available in this OpsGate (no executor is running). Nothing changed."


async def load(rt: SlackRuntime, run_id: str) -> Run | None:
    try:
        return await rt.gate.services.db(rt.gate.runs.get, run_id)
    except NotFound:
        return None


async def show(rt: SlackRuntime, where: Where, run: Run, *, processing: bool = False) -> None:
    """Re-render what the clicker clicked: the card message, or their App Home / the run modal."""
    view = rt.gate.cards.view(run, processing=processing)
    try:
        if where.channel_id and where.message_ts:
            await rt.surface.update_card(where.channel_id, where.message_ts, view)
        elif where.view_type == "modal" and where.view_id and not processing:
            await rt.client.views_update(view_id=where.view_id, view=run_modal(view))
        elif where.view_type == "home" and where.user_id and not processing:
            await publish(rt, where.user_id)
    except ChatUnavailable as exc:
        log.warning("card_not_rerendered", run=run.id, error=str(exc))


async def refuse(
    rt: SlackRuntime, where: Where, run: Run | None, kind: RefusalKind | None, fallback: str, *, rerender: bool
) -> None:
    if run is not None and rerender:
        await show(rt, where, run)
    view = rt.gate.cards.view(run) if run is not None else None
    await tell(rt.client, where, refusal_message(kind, view, fallback))


async def decide(
    rt: SlackRuntime,
    where: Where,
    button: DecisionButton,
    decision: Literal["approve", "deny"],
    reason: str | None = None,
) -> Outcome | None:
    assert where.user_id is not None
    decider = await rt.approvers.decider(where.user_id)
    processing = False
    if decider.is_approver:  # only an approver's press may flip the shared card; nobody else's needs the run first
        run = await load(rt, button.run_id)
        # A press that can only be refused (the approver's own request or account, a second approval by them, an
        # old plan) leaves the shared card alone too: other approvers must not see "Processing..." come and go.
        processing = (
            run is not None
            and run.status == "awaiting_approval"
            and refusal_kind(run, decider, decision, button.plan_hash) is None
        )
        if run is not None and processing:
            await show(rt, where, run, processing=True)
    try:
        outcome = await rt.gate.decide(button.run_id, decider, decision, plan_hash=button.plan_hash, reason=reason)
    except NotFound:
        await refuse(rt, where, None, RefusalKind.UNKNOWN_RUN, "", rerender=False)
        return None
    if outcome.changed:
        if where.view_type in ("home", "modal"):
            await show(rt, where, outcome.run)
        if outcome.event == "approval_recorded":  # the card shows it too; the clicker hears how many are missing
            await tell(rt.client, where, note(outcome.message))
        return outcome
    # outcome.run is the state read under the run's lock: newer than anything the outbox rendered before it.
    kind = refusal_kind(outcome.run, decider, decision, button.plan_hash)
    await refuse(rt, where, outcome.run, kind, outcome.message, rerender=processing)
    return outcome


async def open_deny(rt: SlackRuntime, where: Where, button: DecisionButton) -> None:
    """Deny asks for a reason first; a press that would be refused anyway is refused without the modal."""
    assert where.user_id is not None and where.trigger_id is not None
    decider = await rt.approvers.decider(where.user_id)
    run = await load(rt, button.run_id)
    if run is None:
        await refuse(rt, where, None, RefusalKind.UNKNOWN_RUN, "", rerender=False)
        return
    kind = deny_precheck(run, decider, button.plan_hash)
    if kind is not None:
        await refuse(rt, where, run, kind, "", rerender=False)
        return
    metadata = DenyModalMetadata(
        run_id=run.id, plan_hash=button.plan_hash, channel=where.channel_id, message_ts=where.message_ts
    )
    view = deny_reason_modal(metadata, subject(rt.gate.cards.view(run)))
    await rt.client.views_open(trigger_id=where.trigger_id, view=view)


async def retry(rt: SlackRuntime, where: Where, button: DecisionButton) -> None:
    """The "Retry from the failed step" button: handed to the executor when one is attached to the gate."""
    assert where.user_id is not None
    executor: Any = rt.gate.extras.get("executor")
    retry_fn = getattr(executor, "retry", None)
    if retry_fn is None:
        await tell(rt.client, where, note(NO_RETRY))
        return
    decider: Decider = await rt.approvers.decider(where.user_id)
    run = await load(rt, button.run_id)
    if run is None:
        await refuse(rt, where, None, RefusalKind.UNKNOWN_RUN, "", rerender=False)
        return
    if not decider.is_approver:
        await refuse(rt, where, run, RefusalKind.NOT_APPROVER, "", rerender=False)
        return
    if run.status != "failed":
        await refuse(rt, where, run, RefusalKind.NOT_RETRYABLE, "", rerender=False)
        return
    await show(rt, where, run, processing=True)
    result = await retry_fn(run.id, decider)
    if getattr(result, "changed", True) is False:
        current = await load(rt, run.id) or run
        message = str(getattr(result, "message", "") or "")
        await refuse(rt, where, current, None if message else RefusalKind.NOT_RETRYABLE, message, rerender=True)
    rt.gate.outbox.kick()
