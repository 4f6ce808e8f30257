"""The one place where a failure in the Slack surface becomes words for the user (STYLE.md §12).

Bolt's ``@app.error`` and the background tasks started after an ack both land here. Domain errors
(:class:`~opsgate.bot.errors.OpsGateError`) are said as they are; Slack being unreachable is said as such; anything
else is logged with its traceback and shown as a reference the admin finds in the logs. Answers are private
(``chat.postEphemeral`` where the request came from, else a DM); Slack always gets HTTP 200, never an error status.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from opsgate.bot.errors import OpsGateError
from opsgate.handlers.slack.payloads import Where
from opsgate.handlers.slack.runtime import RUNTIME_KEY, SlackRuntime, correlation
from opsgate.handlers.slack.surface import plain_note, slack_error, unavailable

log = structlog.get_logger("opsgate.slack.errors")

NO_EPHEMERAL = frozenset({"channel_not_found", "not_in_channel", "user_not_in_channel", "is_archived"})


def user_text(error: BaseException, ref: str) -> str:
    if isinstance(error, OpsGateError):
        return error.detail
    if unavailable(error, "slack") is not None:
        return (
            f"Slack did not answer OpsGate in time, so this could not be finished. Try again in a moment (ref {ref})."
        )
    return (
        f"Something went wrong in OpsGate (ref {ref}). Tell your OpsGate admin and quote the reference: "
        "the logs say what happened."
    )


def log_error(error: BaseException, ref: str) -> None:
    if isinstance(error, OpsGateError):
        log.info("slack_request_refused", code=error.code, detail=error.detail, ref=ref)
    elif unavailable(error, "slack") is not None:
        log.warning("slack_unavailable", error=str(error).splitlines()[0], ref=ref)
    else:
        log.error("slack_listener_failed", ref=ref, exc_info=error)


async def tell(client: AsyncWebClient, where: Where, body: dict[str, Any]) -> None:
    """A private answer: ephemeral where the request came from, else (or if that fails) a DM."""
    if where.user_id is None:
        return
    if where.channel_id:
        try:
            await client.chat_postEphemeral(channel=where.channel_id, user=where.user_id, **body)
            return
        except SlackApiError as exc:
            if slack_error(exc) not in NO_EPHEMERAL:
                raise
    await client.chat_postMessage(channel=where.user_id, **body)


async def report(rt: SlackRuntime, error: BaseException, where: Where, ref: str) -> None:
    """Log ``error`` and tell the user; never raises (a user who cannot be told is logged)."""
    log_error(error, ref)
    try:
        await tell(rt.client, where, plain_note(user_text(error, ref)))
    except Exception as exc:
        log.warning("slack_error_not_told", ref=ref, error=str(exc).splitlines()[0] if str(exc) else repr(exc))


def install(app: AsyncApp, rt: SlackRuntime) -> None:
    """Register the global error handler and route background-task failures through it."""
    rt.tasks.on_error = lambda error, where, ref: report(rt, error, where, ref)

    async def on_error(error: Exception, body: Mapping[str, Any], context: Mapping[str, Any]) -> BoltResponse:
        ref = correlation(context)
        where = Where.of(body)
        if isinstance(context.get(RUNTIME_KEY), SlackRuntime):
            # Tell the user after the response: Slack must get its 200 now, not after another Web API call.
            async def later() -> None:
                await report(rt, error, where, ref)

            rt.tasks.spawn(later(), where, ref)
        else:
            log_error(error, ref)
        return BoltResponse(status=200, body="")

    app.error(on_error)
