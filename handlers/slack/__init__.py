"""The Slack surface: approval cards, decisions, ``/opsgate``, App Home, over HTTP (``POST /slack/events``) and
Socket Mode (``SLACK_APP_TOKEN``), with the real ``slack_bolt``.

``register(app, gate)`` is the route registrar ``bot.app.build_app`` takes. When Slack is configured it builds the
Bolt app (:func:`build_bolt_app`), adds the :class:`~opsgate.handlers.slack.surface.SlackSurface` to the gate,
mounts ``/slack/events`` (only with a signing secret: nothing unsigned is ever taken) and starts Socket Mode with
an app token. Listeners live per kind in ``actions``, ``views``, ``commands``, ``home`` and ``events``; other
rooms add theirs through ``extra_registrars`` (``register(bolt_app)``) and read the gate from
``context["gate"]`` (``runtime(context).gate`` in Bolt lazy listeners); see :mod:`.runtime`.
``handlers/slack/jira_ticket.py``, ``jira_summary.py`` and ``access.py`` are picked up automatically when they exist.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

import aiohttp
import structlog
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from opsgate.bot.chat_pacing import SharedPacing
from opsgate.bot.gate import OpsGate
from opsgate.handlers.slack import actions, commands, errors, events, home, socket_mode, views
from opsgate.handlers.slack.approvers import Approvers
from opsgate.handlers.slack.directory import SlackDirectory
from opsgate.handlers.slack.pacing import PacedWebClient, Pacer
from opsgate.handlers.slack.runtime import OpsGateBoltApp, SlackRuntime, middleware
from opsgate.handlers.slack.surface import SlackSurface

log = structlog.get_logger("opsgate.slack")

DEFAULT_API_URL = "https://slack.com/api/"
HTTP_TIMEOUT = 10  # seconds per Web API call
DRAIN_TIMEOUT = 10.0  # seconds given to background work at shutdown
ROOM_LISTENERS = (  # other rooms' listener modules (each exposes register(bolt_app)), loaded when present
    "opsgate.handlers.slack.jira_ticket",
    "opsgate.handlers.slack.jira_summary",
    "opsgate.handlers.slack.access",
)

BOLT_LOGGER = "opsgate.slack.bolt"
BAD_SIGNATURE_HINT = "if Slack's own requests are refused, check SLACK_SIGNING_SECRET and the server's clock"

BoltRegistrar = Callable[[AsyncApp], None]
SLACK: web.AppKey[SlackRuntime] = web.AppKey("opsgate_slack", SlackRuntime)
BOLT: web.AppKey[AsyncApp] = web.AppKey("opsgate_slack_bolt", AsyncApp)
OWN_LISTENERS: tuple[BoltRegistrar, ...] = (
    actions.register,
    views.register,
    commands.register,
    home.register,
    events.register,
)

__all__ = ["BOLT", "SLACK", "build_bolt_app", "build_runtime", "register", "room_registrars"]


def build_runtime(gate: OpsGate) -> SlackRuntime:
    settings = gate.services.settings
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = PacedWebClient(
        token=token,
        base_url=settings.slack_api_url or DEFAULT_API_URL,
        timeout=HTTP_TIMEOUT,
        pacer=Pacer(shared=SharedPacing(gate.services)),  # every replica keeps Slack's per-workspace limits
    )
    directory = SlackDirectory(client, ttl=settings.approver_cache.total_seconds())
    return SlackRuntime(
        gate=gate,
        client=client,
        directory=directory,
        approvers=Approvers(directory, settings.slack_approvers),
        surface=SlackSurface(client, directory, settings.slack_approval_channel),
    )


class BoltLogFilter(logging.Filter):
    """Keeps two of slack_bolt's own log lines out of OpsGate's JSON log.

    * A request with a bad or stale signature: Bolt logs the whole unauthenticated body (and its signature) as a raw
      line, so anyone who can reach ``/slack/events`` could write what they like into the log, and a replayed
      request's user data would land there. It becomes one structured ``slack_bad_signature`` line instead.
    * "As you gave `client` as well, `token` will be unused": Bolt reads ``SLACK_BOT_TOKEN`` from the environment
      by itself and warns because OpsGate hands it the paced client built from the same token. Nothing is wrong.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("Invalid request signature detected"):
            stamp = re.search(r"timestamp: (\d+)", message)
            age = int(time.time()) - int(stamp.group(1)) if stamp else None
            log.warning("slack_bad_signature", status=401, request_age_s=age, hint=BAD_SIGNATURE_HINT)
            return False
        return not message.startswith("As you gave `client` as well")


_BOLT_LOG_FILTER = BoltLogFilter()


def bolt_logger() -> logging.Logger:
    """The logger Bolt is given; Bolt copies its filters into the loggers of its own middleware as it makes them."""
    logger = logging.getLogger(BOLT_LOGGER)
    if _BOLT_LOG_FILTER not in logger.filters:
        logger.addFilter(_BOLT_LOG_FILTER)
    return logger


def build_bolt_app(
    gate: OpsGate, extra_registrars: Sequence[BoltRegistrar] = (), *, rt: SlackRuntime | None = None
) -> OpsGateBoltApp:
    """The Bolt app with OpsGate's middleware, error handler and listeners, plus ``extra_registrars``'."""
    rt = rt or build_runtime(gate)
    secret = gate.services.settings.slack_signing_secret
    app = OpsGateBoltApp(
        runtime=rt,
        name="opsgate",
        client=rt.client,
        signing_secret=secret.get_secret_value() if secret else "",
        process_before_response=True,  # acks leave at once; slow work runs in tracked background tasks
        logger=bolt_logger(),
    )
    app.middleware(middleware(rt))
    errors.install(app, rt)
    for register_listeners in (*OWN_LISTENERS, *extra_registrars):
        register_listeners(app)
    return app


def room_registrars() -> list[BoltRegistrar]:
    """``register(bolt_app)`` of the other rooms' Slack modules that exist in this installation."""
    found: list[BoltRegistrar] = []
    for name in ROOM_LISTENERS:
        if importlib.util.find_spec(name) is None:
            continue
        try:
            found.append(importlib.import_module(name).register)
        except Exception:  # an optional feature must not take approvals down with it; said loudly at start
            log.exception("slack_listeners_not_loaded", module=name)
    return found


def events_handler(bolt: AsyncApp) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """``POST /slack/events`` through slack_bolt's aiohttp adapter (signature checked by Bolt: 401 when bad)."""

    async def slack_events(request: web.Request) -> web.StreamResponse:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    return slack_events


async def _identify(rt: SlackRuntime) -> None:
    try:
        who = await rt.client.auth_test()
        log.info("slack_connected", team=who.get("team"), bot_user=who.get("user_id"))
    except (TimeoutError, SlackApiError, aiohttp.ClientError, OSError) as exc:
        log.warning("slack_auth_test_failed", error=str(exc).splitlines()[0] if str(exc) else repr(exc))


def lifecycle(rt: SlackRuntime) -> Callable[[web.Application], AsyncIterator[None]]:
    """One HTTP session for every Web API call while the app runs; background work drained at shutdown."""

    async def ctx(_app: web.Application) -> AsyncIterator[None]:
        rt.client.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=HTTP_TIMEOUT))
        hello = asyncio.get_running_loop().create_task(_identify(rt))
        try:
            yield
        finally:
            hello.cancel()
            await rt.tasks.drain(DRAIN_TIMEOUT)
            await rt.tasks.cancel()
            session, rt.client.session = rt.client.session, None
            if session is not None:
                await session.close()

    return ctx


def register(app: web.Application, gate: OpsGate) -> None:
    settings = gate.services.settings
    if not settings.slack_configured:
        log.info("slack_off", hint="set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN)")
        return
    rt = build_runtime(gate)
    bolt = build_bolt_app(gate, room_registrars(), rt=rt)
    gate.add_surface(rt.surface)
    app[SLACK] = rt
    app[BOLT] = bolt
    if not settings.slack_approval_channel:
        log.warning("slack_no_approval_channel", hint="set OPSGATE_SLACK_APPROVAL_CHANNEL; cards wait until then")
    if settings.slack_signing_secret:
        app.router.add_post("/slack/events", events_handler(bolt))
    else:
        log.info("slack_http_off", hint="no SLACK_SIGNING_SECRET: Slack is served over Socket Mode only")
    app.cleanup_ctx.append(lifecycle(rt))
    if settings.slack_app_token:
        app.cleanup_ctx.append(socket_mode.context(bolt, settings.slack_app_token.get_secret_value(), rt))
