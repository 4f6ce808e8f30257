"""Events API: ``app_home_opened`` publishes the user's App Home (after the ack)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck

from opsgate.handlers.slack.home import publish
from opsgate.handlers.slack.runtime import runtime


async def on_app_home_opened(
    ack: AsyncAck, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
) -> None:
    await ack()
    if event.get("tab", "home") != "home" or not event.get("user"):
        return  # the Messages tab: nothing to publish
    rt = runtime(context)
    rt.later(publish(rt, str(event["user"])), context, body)


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(on_app_home_opened)
