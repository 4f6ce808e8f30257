"""Socket Mode (``SLACK_APP_TOKEN``): the same Bolt app and listeners over Slack's WebSocket, so no public URL is
needed. Runs for the aiohttp app's lifetime; a failed connection is retried with capped backoff (and logged), never
a reason for the server not to start. Once connected, slack_sdk's client reconnects by itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import structlog
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from opsgate.handlers.slack.runtime import SlackRuntime

log = structlog.get_logger("opsgate.slack.socket_mode")

RETRY_FIRST, RETRY_CAP = 2.0, 60.0


async def _connect(handler: AsyncSocketModeHandler) -> None:
    delay = RETRY_FIRST
    while True:
        try:
            await handler.connect_async()  # type: ignore[no-untyped-call]
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            error = str(exc).splitlines()[0] if str(exc) else repr(exc)
            log.warning("socket_mode_connect_failed", error=error, retry_in=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_CAP)
            continue
        log.info("socket_mode_connected")
        return


def context(bolt: AsyncApp, app_token: str, rt: SlackRuntime) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(_app: web.Application) -> AsyncIterator[None]:
        handler = AsyncSocketModeHandler(bolt, app_token, web_client=rt.client)
        task = asyncio.get_running_loop().create_task(_connect(handler))
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await handler.close_async()  # type: ignore[no-untyped-call]

    return ctx
