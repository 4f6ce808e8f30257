"""Button presses (``block_actions``): Approve, Deny, Retry, Details. Each listener acknowledges at once (HTTP 200
within Slack's 3 s, a refusal included) and hands the work to a background task (:mod:`.decisions`).
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck

from opsgate.bot.errors import NotFound
from opsgate.cards.ids import ActionId, DecisionButton
from opsgate.cards.text import RefusalKind
from opsgate.handlers.slack import decisions
from opsgate.handlers.slack.errors import tell
from opsgate.handlers.slack.payloads import Where, action_value, decision_button
from opsgate.handlers.slack.present import refusal_message, run_modal
from opsgate.handlers.slack.runtime import SlackRuntime, runtime


async def _malformed(rt: SlackRuntime, where: Where) -> None:
    await tell(rt.client, where, refusal_message(RefusalKind.UNKNOWN_RUN, None, ""))


def _button(rt: SlackRuntime, body: dict[str, Any], context: AsyncBoltContext) -> DecisionButton | None:
    button = decision_button(body)
    if button is None:
        rt.later(_malformed(rt, Where.of(body)), context, body)
    return button


async def on_approve(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    await ack()
    rt = runtime(context)
    button = _button(rt, body, context)
    if button is not None:

        async def work() -> None:
            await decisions.decide(rt, Where.of(body), button, "approve")

        rt.later(work(), context, body)


async def on_deny(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    await ack()
    rt = runtime(context)
    button = _button(rt, body, context)
    if button is not None:
        rt.later(decisions.open_deny(rt, Where.of(body), button), context, body)


async def on_retry(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    await ack()
    rt = runtime(context)
    button = _button(rt, body, context)
    if button is not None:
        rt.later(decisions.retry(rt, Where.of(body), button), context, body)


async def _details(rt: SlackRuntime, where: Where, run_id: str) -> None:
    """A run's card in a modal, for approvers and the run's own requester."""
    assert where.user_id is not None and where.trigger_id is not None
    run = await decisions.load(rt, run_id)
    allowed = run is not None and (
        run.requester == f"slack:{where.user_id}" or await rt.approvers.is_approver(where.user_id)
    )
    if run is None or not allowed:
        raise NotFound(f"No run {run_id} that you may see.")
    await rt.client.views_open(trigger_id=where.trigger_id, view=run_modal(rt.gate.cards.view(run)))


async def on_open_run(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    await ack()
    rt = runtime(context)
    run_id = action_value(body)
    if run_id:
        rt.later(_details(rt, Where.of(body), run_id), context, body)


def register(app: AsyncApp) -> None:
    app.action(str(ActionId.APPROVE))(on_approve)
    app.action(str(ActionId.DENY))(on_deny)
    app.action(str(ActionId.RETRY))(on_retry)
    app.action(str(ActionId.OPEN_RUN))(on_open_run)
