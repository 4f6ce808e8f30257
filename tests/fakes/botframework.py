"""A fake Bot Framework for Teams tests: what the real ``botbuilder`` stack talks to, over HTTPS on loopback.

* **The channel's keys.** ``GET /v1/.well-known/openidconfiguration`` and its ``jwks_uri`` publish an RSA test
  key whose JWKS entry lists ``msteams`` in ``endorsements`` (botbuilder checks the activity's ``channelId``
  against them). :meth:`FakeBotFramework.channel_token` mints channel-to-bot tokens with that key (RS256,
  ``iss``/``aud``/``serviceurl``/``exp``), and can mint the bad ones: expired, wrong audience, unknown key,
  forged signature, wrong issuer.
* **The bot's token service** for outbound calls, as an ADFS-style authority at ``<base>/adfs`` (msal skips
  Microsoft's instance discovery for ``/adfs`` authorities, and refuses plain http): OpenID discovery and
  ``POST /adfs/oauth2/token`` (client credentials; client id, secret and scope checked).
* **The Bot Connector** at the activities' ``serviceUrl`` (``<base>/teams/``): :mod:`tests.fakes.bf_connector`.

Why a thread: botbuilder fetches the signing keys and msal fetches tokens with synchronous ``requests`` calls
made from the event loop, so a fake served by the same loop would deadlock. The fake runs its own loop in a
daemon thread; its state is plain lists and dicts, read by tests after the call that wrote them returned.

Set-up chosen (and documented in docs/teams.md): stock botbuilder with ``ToChannelFromBotLoginUrl`` ending in
``/adfs``, HTTPS with the throw-away CA of :mod:`tests.fakes.tls`, trusted through ``REQUESTS_CA_BUNDLE``.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import threading
import time
import uuid
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.fakes.bf_connector import FakeConnector, Member
from tests.fakes.server import free_port
from tests.fakes.tls import TestCA

CHANNEL_ISSUER = "https://api.botframework.com"
OAUTH_SCOPE = "https://api.botframework.com"


def _b64int(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


_PRIVATE_KEYS: dict[str, rsa.RSAPrivateKey] = {}  # one RSA key per kid per process: generating them is slow


class SigningKey:
    def __init__(self, kid: str, endorsements: tuple[str, ...] = ("msteams",)) -> None:
        self.kid = kid
        self.endorsements = list(endorsements)
        if kid not in _PRIVATE_KEYS:
            _PRIVATE_KEYS[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private = _PRIVATE_KEYS[kid]

    def jwk(self) -> dict[str, Any]:
        numbers = self.private.public_key().public_numbers()
        return {
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "n": _b64int(numbers.n),
            "e": _b64int(numbers.e),
            "endorsements": self.endorsements,
        }


class FakeBotFramework:
    def __init__(
        self,
        *,
        app_id: str = "3f1e5d7c-0000-4b6a-9c1d-0a1b2c3d4e5f",
        app_password: str = "bot-test-password-123",
        tenant_id: str = "72f988bf-0000-41af-91ab-2d7cd011db47",
        ca: TestCA | None = None,
    ) -> None:
        self.app_id = app_id
        self.app_password = app_password
        self.tenant_id = tenant_id
        self.ca = ca or TestCA()
        self.key = SigningKey("fake-channel-key-1")
        self.stranger_key = SigningKey("fake-unknown-key")  # never published
        self.tokens: dict[str, float] = {}  # bot access token -> expiry
        self.token_requests = 0
        self.token_violations: list[str] = []
        self.metadata_requests = 0
        self.port = free_port()
        self.base = f"https://127.0.0.1:{self.port}"
        self.connector = FakeConnector(tenant_id, self._token_valid)
        self.app = web.Application()
        self._routes()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    # where things are -----------------------------------------------------------------------------------------

    @property
    def service_url(self) -> str:
        return f"{self.base}/teams/"

    @property
    def metadata_url(self) -> str:
        return f"{self.base}/v1/.well-known/openidconfiguration"

    @property
    def login_url(self) -> str:
        return f"{self.base}/adfs"

    def settings(self, **extra: Any) -> dict[str, Any]:
        """The Bot Framework settings (their own key names) that point botbuilder here."""
        return {
            "MicrosoftAppId": self.app_id,
            "MicrosoftAppPassword": self.app_password,
            "MicrosoftAppType": "SingleTenant",
            "MicrosoftAppTenantId": self.tenant_id,
            "ToBotFromChannelOpenIdMetadataUrl": self.metadata_url,
            "ToBotFromChannelTokenIssuer": CHANNEL_ISSUER,
            "ToChannelFromBotLoginUrl": self.login_url,
            "ToChannelFromBotOAuthScope": OAUTH_SCOPE,
            "ValidateAuthority": "false",
            **extra,
        }

    @property
    def violations(self) -> list[str]:
        return self.token_violations + self.connector.violations

    # channel tokens ---------------------------------------------------------------------------------------------

    def channel_token(
        self,
        *,
        audience: str | None = None,
        service_url: str | None = None,
        issuer: str = CHANNEL_ISSUER,
        expires_in: int = 3600,
        key: SigningKey | None = None,
        kid: str | None = None,
    ) -> str:
        """A channel-to-bot token as Teams sends it (``key``/``kid`` let a test forge one)."""
        now = int(time.time())
        claims = {
            "serviceurl": service_url or self.service_url,
            "nbf": now - 60,
            "exp": now + expires_in,
            "iss": issuer,
            "aud": audience or self.app_id,
            "iat": now - 60,
        }
        signer = key or self.key
        return jwt.encode(claims, signer.private, algorithm="RS256", headers={"kid": kid or signer.kid})

    def auth_header(self, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.channel_token(**kwargs)}"}

    # users ------------------------------------------------------------------------------------------------------

    def add_user(self, name: str, email: str | None, aad_object_id: str | None = None) -> Member:
        aad = aad_object_id or str(uuid.uuid4())
        member = Member(f"29:1{secrets.token_urlsafe(24)}", aad, name, email, email)
        return self.connector.add_member(member)

    # lifecycle --------------------------------------------------------------------------------------------------

    def start(self) -> FakeBotFramework:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            self._runner = web.AppRunner(self.app, access_log=None)
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", self.port, ssl_context=self.ca.server_context())
            loop.run_until_complete(site.start())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-botframework", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake Bot Framework did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop = None

    def __enter__(self) -> FakeBotFramework:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # routes -----------------------------------------------------------------------------------------------------

    def _routes(self) -> None:
        r = self.app.router
        r.add_get("/v1/.well-known/openidconfiguration", self._openid)
        r.add_get("/v1/.well-known/keys", self._keys)
        r.add_get("/adfs/.well-known/openid-configuration", self._adfs_discovery)
        r.add_post("/adfs/oauth2/token", self._token)
        self.connector.routes(self.app)

    async def _openid(self, _request: web.Request) -> web.Response:
        self.metadata_requests += 1
        return web.json_response(
            {
                "issuer": CHANNEL_ISSUER,
                "authorization_endpoint": "https://invalid.botframework.com",
                "jwks_uri": f"{self.base}/v1/.well-known/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _keys(self, _request: web.Request) -> web.Response:
        return web.json_response({"keys": [self.key.jwk()]})

    async def _adfs_discovery(self, _request: web.Request) -> web.Response:
        return web.json_response(
            {
                "issuer": f"{self.base}/adfs",
                "authorization_endpoint": f"{self.base}/adfs/oauth2/authorize",
                "token_endpoint": f"{self.base}/adfs/oauth2/token",
                "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
                "grant_types_supported": ["client_credentials"],
            }
        )

    async def _token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        form = await request.post()
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")

        def refuse(status: int, error: str, description: str) -> web.Response:
            self.token_violations.append(f"token: {error}: {description}")
            return web.json_response({"error": error, "error_description": description}, status=status)

        if form.get("grant_type") != "client_credentials":
            return refuse(400, "unsupported_grant_type", "only client_credentials")
        if client_id != self.app_id:
            return refuse(400, "unauthorized_client", f"unknown client {client_id}")
        if secret != self.app_password:
            return refuse(401, "invalid_client", "bad client secret")
        if form.get("scope") != f"{OAUTH_SCOPE}/.default":
            return refuse(400, "invalid_scope", f"scope {form.get('scope')!r}")
        token = secrets.token_urlsafe(32)
        self.tokens[token] = time.time() + 3600
        return web.json_response({"token_type": "Bearer", "expires_in": 3600, "access_token": token})

    def _token_valid(self, token: str) -> bool:
        expiry = self.tokens.get(token)
        return expiry is not None and expiry > time.time()
