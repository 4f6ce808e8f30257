"""Bot Framework configuration from OpsGate's settings, under the Bot Framework's own names, and what botbuilder
needs around it to behave on a server: trusted CAs, and outbound tokens that are cached and fetched off the loop.

botbuilder reads a configuration object by attribute (``APP_ID``, ``APP_PASSWORD``, ``APP_TYPE``,
``APP_TENANTID``, ``TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL`` ...). Optional values are set only when the
environment sets them, so botbuilder's own defaults (the public cloud) apply otherwise.
"""

from __future__ import annotations

import asyncio
import os
import time
from datetime import datetime, timedelta
from typing import Any

import structlog
from botframework.connector.auth import (
    AuthenticationConstants,
    MicrosoftAppCredentials,
    ServiceClientCredentialsFactory,
)
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from msrest.authentication import Authentication

from opsgate.bot.settings import Settings

log = structlog.get_logger("opsgate.teams")

APP_TYPES = {"multitenant": "MultiTenant", "singletenant": "SingleTenant", "userassignedmsi": "UserAssignedMSI"}
# Setting any of these switches botbuilder to its "parameterized" authentication, which then needs all four.
PARAMETERIZED = (
    ("ToBotFromChannelOpenIdMetadataUrl", "to_bot_from_channel_openid_metadata_url"),
    ("ToBotFromChannelTokenIssuer", "to_bot_from_channel_token_issuer"),
    ("ToChannelFromBotLoginUrl", "to_channel_from_bot_login_url"),
    ("ToChannelFromBotOAuthScope", "to_channel_from_bot_oauth_scope"),
)
TOKEN_REFRESH = 600.0  # seconds between off-loop token fetches; msal answers from its cache in between
TOKEN_RETRY = 30.0  # after a failed fetch


class TeamsNotConfigured(ValueError):
    """Teams was asked for but its settings cannot work; the message names the variables to fix."""


class BotConfig:
    """The configuration object botbuilder reads; only the settings given are set as attributes."""

    def __init__(self, **values: Any) -> None:
        for name, value in values.items():
            if value is not None:
                setattr(self, name, value)

    def get(self, name: str) -> Any:
        return getattr(self, name, None)


def bot_config(settings: Settings) -> BotConfig:
    """Validate the Teams settings and map them to botbuilder's names; raise :class:`TeamsNotConfigured`."""
    problems: list[str] = []
    if not settings.microsoft_app_id:
        problems.append("MicrosoftAppId is not set: Teams needs the bot's app id (no anonymous mode)")
    raw_type = (settings.microsoft_app_type or "MultiTenant").strip()
    app_type = APP_TYPES.get(raw_type.casefold())
    if app_type is None:
        problems.append(f"MicrosoftAppType {raw_type!r} is not one of MultiTenant, SingleTenant, UserAssignedMSI")
    password = settings.microsoft_app_password.get_secret_value() if settings.microsoft_app_password else None
    if app_type in ("MultiTenant", "SingleTenant") and not password:
        problems.append(f"MicrosoftAppPassword is not set (a {app_type} bot signs in with its client secret)")
    if app_type in ("SingleTenant", "UserAssignedMSI") and not settings.microsoft_app_tenant_id:
        problems.append(f"MicrosoftAppTenantId is not set (a {app_type} bot belongs to one tenant)")
    given = [env for env, field in PARAMETERIZED if getattr(settings, field)]
    if given and len(given) != len(PARAMETERIZED):
        missing = [env for env, field in PARAMETERIZED if not getattr(settings, field)]
        problems.append(f"{', '.join(given)} set without {', '.join(missing)}: set all four, or none")
    if problems:
        raise TeamsNotConfigured("Teams cannot start: " + "; ".join(problems))
    return BotConfig(
        APP_ID=settings.microsoft_app_id,
        APP_PASSWORD=password,
        APP_TYPE=app_type,
        APP_TENANTID=settings.microsoft_app_tenant_id,
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=settings.to_bot_from_channel_openid_metadata_url,
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=settings.to_bot_from_channel_token_issuer,
        TO_CHANNEL_FROM_BOT_LOGIN_URL=settings.to_channel_from_bot_login_url,
        TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=settings.to_channel_from_bot_oauth_scope,
        VALIDATE_AUTHORITY=settings.validate_authority,
    )


def trust_ca_bundle() -> str | None:
    """Make the Bot Framework's ``requests``-based clients (msal, the connector, the key fetch) trust what the rest
    of the process trusts: ``REQUESTS_CA_BUNDLE`` as set, else ``SSL_CERT_FILE``, which requests ignores on its own."""
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        return bundle
    cert_file = os.environ.get("SSL_CERT_FILE")
    if cert_file:
        os.environ["REQUESTS_CA_BUNDLE"] = cert_file
        log.info("teams_ca_bundle", note="REQUESTS_CA_BUNDLE follows SSL_CERT_FILE for the Bot Framework clients")
    return cert_file


def metadata_url(config: BotConfig) -> str:
    return str(
        config.get("TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL")
        or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
    )


class SigningKeys:
    """Keeps botbuilder's cache of the channel's signing keys fresh from a worker thread.

    botbuilder fetches the keys with blocking ``requests`` calls inside the event loop once a day; refreshing them
    here first (off the loop) means validation never waits on the network while other activities queue.
    """

    def __init__(self, url: str, max_age: timedelta = timedelta(hours=23)) -> None:
        self.url = url
        self.max_age = max_age
        self._lock = asyncio.Lock()

    def _stale(self) -> bool:
        metadata = JwtTokenExtractor.get_open_id_metadata(self.url)
        return bool(getattr(metadata, "last_updated", datetime.min) < datetime.now() - self.max_age)

    async def warm(self) -> None:
        if not self._stale():
            return
        async with self._lock:
            if not self._stale():
                return
            metadata = JwtTokenExtractor.get_open_id_metadata(self.url)
            refresh = getattr(metadata, "_refresh", None)
            if refresh is None:
                return  # another botbuilder version: it fetches the keys itself
            try:
                await asyncio.to_thread(lambda: asyncio.run(refresh()))
            except Exception as exc:  # botbuilder tries again itself and the activity gets its 401 if that fails
                log.warning("teams_signing_keys_unavailable", url=self.url, error=f"{type(exc).__name__}: {exc}")


class CachedCredentialsFactory(ServiceClientCredentialsFactory):  # type: ignore[misc]
    """One set of credentials per (app, scope, login URL), with its token fetched in a worker thread.

    botbuilder creates fresh credentials (a new msal application, so a new token request) for every connector it
    makes, and msal fetches tokens with blocking calls inside the event loop. Keeping the credentials lets msal
    answer from its token cache; warming them here keeps that cache filled without blocking the loop.
    """

    def __init__(self, inner: ServiceClientCredentialsFactory, clock: Any = time.monotonic) -> None:
        self.inner = inner
        self.clock = clock
        self._cache: dict[tuple[Any, ...], Authentication] = {}
        self._fresh_until: dict[tuple[Any, ...], float] = {}
        self._locks: dict[tuple[Any, ...], asyncio.Lock] = {}

    async def is_valid_app_id(self, app_id: str) -> bool:
        return bool(await self.inner.is_valid_app_id(app_id))

    async def is_authentication_disabled(self) -> bool:
        return bool(await self.inner.is_authentication_disabled())

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> Authentication:
        key = (app_id, oauth_scope, login_endpoint, validate_authority)
        credentials = self._cache.get(key)
        if credentials is None:
            credentials = await self.inner.create_credentials(app_id, oauth_scope, login_endpoint, validate_authority)
            self._cache[key] = credentials
        await self._warm(key, credentials)
        return credentials

    async def _warm(self, key: tuple[Any, ...], credentials: Authentication) -> None:
        if not isinstance(credentials, MicrosoftAppCredentials) or not credentials.microsoft_app_id:
            return
        if self.clock() < self._fresh_until.get(key, 0.0):
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            if self.clock() < self._fresh_until.get(key, 0.0):
                return
            try:
                await asyncio.to_thread(credentials.get_access_token)
            except Exception as exc:  # the call that needs the token reports it; try again soon
                log.warning("teams_token_unavailable", error=f"{type(exc).__name__}: {exc}")
                self._fresh_until[key] = self.clock() + TOKEN_RETRY
                return
            self._fresh_until[key] = self.clock() + TOKEN_REFRESH
