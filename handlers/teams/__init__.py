"""Microsoft Teams through the Bot Framework: ``POST /api/messages`` and the Teams ``ChatSurface``.

``register(app, gate)`` is a route registrar (``bot.app.RouteRegistrar``). With ``MicrosoftAppId`` set it builds
``CloudAdapter(ConfigurationBotFrameworkAuthentication(config))`` from the Bot Framework's own settings, serves
``POST /api/messages`` on the one aiohttp app (every activity authenticated first: 401 otherwise) and adds the
:class:`~opsgate.handlers.teams.surface.TeamsSurface` to the gate. Without an app id Teams stays off, unless
``OPSGATE_APPROVAL_SURFACE`` asks for it: then start-up fails, naming what is missing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import structlog
from aiohttp import web
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)

from opsgate.bot.gate import OpsGate
from opsgate.handlers.teams.approvers import Approvers, Directory
from opsgate.handlers.teams.bot import OpsGateBot, on_turn_error
from opsgate.handlers.teams.config import (
    CachedCredentialsFactory,
    SigningKeys,
    TeamsNotConfigured,
    bot_config,
    metadata_url,
    trust_ca_bundle,
)
from opsgate.handlers.teams.directory import TeamsDirectory
from opsgate.handlers.teams.endpoint import MessagesEndpoint
from opsgate.handlers.teams.surface import TeamsSurface

log = structlog.get_logger("opsgate.teams")

ROUTE = "/api/messages"


@dataclass
class Teams:
    """What register() assembled (``app[TEAMS]``, ``gate.extras["teams"]``): for the CLI, tests and benchmarks."""

    adapter: CloudAdapter
    bot: OpsGateBot
    surface: TeamsSurface
    approvers: Approvers
    directory: TeamsDirectory
    endpoint: MessagesEndpoint
    app_id: str


TEAMS: web.AppKey[Teams] = web.AppKey("opsgate_teams", Teams)


def _graph(gate: OpsGate, app: web.Application) -> Directory | None:
    shared = gate.extras.get("graph")
    if shared is not None:
        return shared  # type: ignore[no-any-return]
    settings = gate.services.settings
    if not settings.graph_configured:
        return None
    from opsgate.runbooks.connectors.graph import GraphClient

    assert settings.graph_tenant_id and settings.graph_client_id and settings.graph_client_secret
    client = GraphClient(
        settings.graph_url,
        settings.graph_login_url,
        settings.graph_tenant_id,
        settings.graph_client_id,
        settings.graph_client_secret.get_secret_value(),
        settings.graph_usage_location,
    )

    async def close(_app: web.Application) -> None:
        await client.aclose()

    app.on_cleanup.append(close)
    return client


def register(app: web.Application, gate: OpsGate) -> None:
    settings = gate.services.settings
    if not settings.teams_configured:
        if "teams" in settings.approval_surface:
            raise TeamsNotConfigured(
                "OPSGATE_APPROVAL_SURFACE includes teams but MicrosoftAppId is not set: Teams needs the bot's app id "
                "and password (see docs/teams.md)"
            )
        log.info("teams_off", note="MicrosoftAppId is not set")
        return
    config = bot_config(settings)
    trust_ca_bundle()
    # msrest warns about every channelData field its models lack (Teams sends teamsChannelId, teamsTeamId ...).
    logging.getLogger("msrest.serialization").setLevel(logging.ERROR)
    credentials = CachedCredentialsFactory(ConfigurationServiceClientCredentialFactory(config))
    auth = ConfigurationBotFrameworkAuthentication(config, credentials_factory=credentials)
    adapter = CloudAdapter(auth)
    adapter.on_turn_error = on_turn_error
    directory = TeamsDirectory(gate.services)
    approvers = Approvers(settings, _graph(gate, app))
    bot = OpsGateBot(gate, approvers, directory)
    app_id = str(config.get("APP_ID"))
    surface = TeamsSurface(adapter, app_id, directory)
    gate.add_surface(surface)
    tenant = settings.microsoft_app_tenant_id or None
    endpoint = MessagesEndpoint(adapter, bot, auth, SigningKeys(metadata_url(config)), tenant)
    app.router.add_post(ROUTE, endpoint.handle)
    teams = Teams(adapter, bot, surface, approvers, directory, endpoint, app_id)
    app[TEAMS] = teams
    gate.extras["teams"] = teams
    log.info("teams_on", route=ROUTE, app_id=app_id, surfaces=",".join(settings.surfaces))


__all__: list[Any] = ["ROUTE", "TEAMS", "Teams", "TeamsNotConfigured", "register"]
