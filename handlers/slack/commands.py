"""``/opsgate``: ``help``, ``request`` (a modal), ``status RUN_ID``, ``pending``; anything else gets the help.

Help is answered in the ack itself; the others acknowledge at once and answer privately through the command's
``response_url`` (or open the modal with its trigger) from a background task.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from opsgate.bot.approval_views import summary_view
from opsgate.bot.run_lists import pending_runs
from opsgate.cards.blockkit.approval import approval_card
from opsgate.cards.blockkit.messages import help_message, pending_list_message
from opsgate.cards.blockkit.modals import request_runbook_modal
from opsgate.handlers.slack import decisions
from opsgate.handlers.slack.approvers import actor
from opsgate.handlers.slack.present import note
from opsgate.handlers.slack.requests import runbook_choices
from opsgate.handlers.slack.runtime import SlackRuntime, runtime

COMMAND = "/opsgate"
PENDING_LIMIT = 50


class Sub(StrEnum):
    HELP = "help"
    REQUEST = "request"
    STATUS = "status"
    PENDING = "pending"


def parse(text: str) -> tuple[Sub, str]:
    """The subcommand and its argument; unknown or empty text is ``help``."""
    head, _, rest = text.strip().partition(" ")
    try:
        return Sub(head.lower()), rest.strip()
    except ValueError:
        return Sub.HELP, ""


async def _say(respond: AsyncRespond, body: dict[str, Any]) -> None:
    await respond(response_type="ephemeral", replace_original=False, **body)


async def status(rt: SlackRuntime, user: str, run_id: str, respond: AsyncRespond) -> None:
    """The run's card, for approvers and the run's own requester."""
    run = await decisions.load(rt, run_id) if run_id else None
    if run is None or not (run.requester == actor(user) or await rt.approvers.is_approver(user)):
        text = f"No run {run_id!r} that you may see." if run_id else f"Usage: {COMMAND} status RUN_ID"
        await _say(respond, note(text))
        return
    await _say(respond, approval_card(rt.gate.cards.view(run)))


async def pending(rt: SlackRuntime, user: str, respond: AsyncRespond) -> None:
    """Runs waiting for approval that this approver may decide."""
    if not await rt.approvers.is_approver(user):
        await _say(respond, note("You are not an OpsGate approver, so no approval waits for you."))
        return
    services = rt.gate.services
    profile = await rt.directory.user(user)
    org_id = await services.db(lambda: services.default_org_id)
    runs = await services.db(
        pending_runs,
        services,
        org_id=org_id,
        limit=PENDING_LIMIT,
        for_actor=actor(user),
        for_email=profile.email if profile else None,
    )
    await _say(respond, pending_list_message([summary_view(run) for run in runs]))


async def open_request(rt: SlackRuntime, trigger_id: str, channel_id: str | None) -> None:
    await rt.client.views_open(trigger_id=trigger_id, view=request_runbook_modal(runbook_choices(), channel_id or ""))


async def on_command(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond) -> None:
    sub, arg = parse(str(body.get("text") or ""))
    if sub is Sub.HELP:
        await ack(response_type="ephemeral", **help_message(str(body.get("command") or COMMAND)))
        return
    await ack()
    rt = runtime(context)
    user = str(body["user_id"])
    if sub is Sub.REQUEST:
        rt.later(open_request(rt, str(body["trigger_id"]), body.get("channel_id")), context, body)
    elif sub is Sub.STATUS:
        rt.later(status(rt, user, arg.split(" ")[0], respond), context, body)
    else:
        rt.later(pending(rt, user, respond), context, body)


def register(app: AsyncApp) -> None:
    app.command(COMMAND)(on_command)
