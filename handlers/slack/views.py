"""Modal submissions (``view_submission``): the deny reason and the runbook request.

The request is checked before the ack, so a wrong answer is shown on its field (``response_action: errors``); the
run itself is opened after the ack, through the same service the Jira ingest uses (``IngestService.request``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from pydantic import ValidationError
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck

from opsgate.cards.blockkit.approval import requester_dm
from opsgate.cards.blockkit.modals import read_values
from opsgate.cards.ids import CallbackId, DecisionButton, DenyModalMetadata, FieldId
from opsgate.cards.limits import DENY_REASON_MAX
from opsgate.handlers.slack import decisions
from opsgate.handlers.slack.approvers import actor
from opsgate.handlers.slack.directory import SlackUser
from opsgate.handlers.slack.payloads import Where, private_metadata, view_state
from opsgate.handlers.slack.requests import RequestForm, proposal_for, read_form
from opsgate.handlers.slack.runtime import SlackRuntime, correlation, runtime
from opsgate.handlers.slack.surface import unavailable
from opsgate.runbooks.base import Target

log = structlog.get_logger("opsgate.slack.views")

LOOKUP_BUDGET = 1.5  # seconds for users.info before the ack (Slack waits 3 s for a submission's answer)


async def on_deny_reason(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    values = read_values(view_state(body))
    reason = values.get(FieldId.DENY_REASON, "")
    if not reason:
        await ack(response_action="errors", errors={str(FieldId.DENY_REASON): "Say why, so the requester knows."})
        return
    try:
        meta = DenyModalMetadata.parse(private_metadata(body))
    except (ValidationError, ValueError):
        await ack(response_action="errors", errors={str(FieldId.DENY_REASON): "This form is out of date; close it."})
        return
    await ack()
    rt = runtime(context)
    user = Where.of(body).user_id
    # Deny pressed in App Home or a run's modal: no card message to flip; the home tab is refreshed instead.
    where = Where(
        user_id=user, channel_id=meta.channel, message_ts=meta.message_ts, view_type=None if meta.channel else "home"
    )
    button = DecisionButton(run_id=meta.run_id, plan_hash=meta.plan_hash)

    async def work() -> None:
        await decisions.decide(rt, where, button, "deny", reason[:DENY_REASON_MAX])

    rt.tasks.spawn(work(), where, correlation(context))


async def _target(rt: SlackRuntime, user_id: str) -> SlackUser | str:
    """The target's Slack profile, or the error to show on the target field."""
    try:
        user = await asyncio.wait_for(rt.directory.user(user_id), LOOKUP_BUDGET)
    except Exception as exc:
        if isinstance(exc, asyncio.TimeoutError) or unavailable(exc, "users.info") is not None:
            return "Slack did not answer in time; submit again."
        raise
    if user is None or user.deleted:
        return "OpsGate cannot find this person in Slack."
    if user.is_bot:
        return "Pick a person, not an app."
    if not user.email:
        return "This person's Slack profile has no email address OpsGate can read."
    return user


async def _open_run(rt: SlackRuntime, requester: str, form: RequestForm, proposal: Any) -> None:
    gate = rt.gate
    services = gate.services
    profile = await rt.directory.user(requester)
    org_id = await services.db(lambda: services.default_org_id)
    run = await services.db(
        gate.ingest.request,
        org_id=org_id,
        source="slack",
        requester=actor(requester),
        requester_email=profile.email if profile else None,
        summary=form.reason,
        proposal=proposal,
    )
    gate.outbox.kick()
    log.info("run_requested", run=run.id, runbook=run.runbook_id, requester=actor(requester))
    await rt.client.chat_postMessage(channel=requester, **requester_dm(gate.cards.view(run)))


async def on_request(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    rt = runtime(context)
    requester = Where.of(body).user_id
    assert requester is not None
    form = read_form(read_values(view_state(body)))
    if not isinstance(form, RequestForm):
        await ack(response_action="errors", errors=form)
        return
    target = await _target(rt, form.target_user or requester)
    if isinstance(target, str):
        await ack(response_action="errors", errors={str(FieldId.TARGET_USER): target})
        return
    settings = rt.gate.services.settings
    proposal = proposal_for(form, Target(target.email or "", target.name), settings)
    if isinstance(proposal, dict):
        await ack(response_action="errors", errors=proposal)
        return
    await ack()
    rt.later(_open_run(rt, requester, form, proposal), context, body)


def register(app: AsyncApp) -> None:
    app.view(str(CallbackId.DENY_REASON))(on_deny_reason)
    app.view(str(CallbackId.REQUEST_RUNBOOK))(on_request)
