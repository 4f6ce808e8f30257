"""``POST /api/messages`` authenticates every activity first, with the real botbuilder JWT validation against the
fake channel's OpenID metadata and keys: any token that fails gets 401 and nothing changes (no database row, no
audit entry, no call to the Bot Connector). Also: Teams refuses to start without an app id."""

from __future__ import annotations

import os
from typing import Any

import pytest
from aiohttp import web

from opsgate.bot.gate import build_gate
from opsgate.bot.services import Services
from opsgate.handlers import teams
from opsgate.handlers.teams.config import TeamsNotConfigured, bot_config
from tests.conftest import make_settings
from tests.fakes.botframework import SigningKey
from tests.helpers import count
from tests.teams_support import World, teams_world


def _state(w: World) -> tuple[int, int, int, int]:
    s = w.gate.services
    return (
        count(s, "SELECT count(*) FROM audit_entries"),
        count(s, "SELECT count(*) FROM integrations"),
        count(s, "SELECT count(*) FROM outbox"),
        len(w.connector.calls),
    )


BAD_TOKENS: dict[str, Any] = {
    "expired": {"expires_in": -900},  # past botbuilder's 5-minute clock tolerance
    "wrong_audience": {"audience": "00000000-0000-0000-0000-000000000bad"},
    "unknown_key": {"key": SigningKey("not-published-anywhere")},
    "forged_signature": {"forge": True},
    "wrong_issuer": {"issuer": "https://evil.example.com"},
    "other_service_url": {"service_url": "https://smba.trafficmanager.net/evil/"},
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
async def test_bad_channel_tokens_get_401_and_change_nothing(db_url: str, case: str) -> None:
    async with teams_world(db_url) as w:
        before = _state(w)
        kwargs = dict(BAD_TOKENS[case])
        if kwargs.pop("forge", False):  # the published key id, a different private key
            kwargs.update(key=w.fake.stranger_key, kid=w.fake.key.kid)
        headers = {"Authorization": f"Bearer {w.fake.channel_token(**kwargs)}"}
        response = await w.send(w.channel_message("set approvals here", w.approver), headers=headers)
        body = await response.json()
        assert response.status == 401, body
        assert body["code"] == "unauthenticated" and response.content_type == "application/problem+json"
        assert _state(w) == before


async def test_missing_or_malformed_authorization_gets_401(db_url: str) -> None:
    async with teams_world(db_url) as w:
        before = _state(w)
        activity = w.channel_message("set approvals here", w.approver)
        token = w.fake.channel_token()
        for headers in (
            {},
            {"Authorization": token},
            {"Authorization": "Basic " + token},
            {"Authorization": "Bearer "},
        ):
            response = await w.send(activity, headers=headers)
            assert response.status == 401, headers
        assert _state(w) == before


async def test_an_invoke_with_a_bad_token_decides_nothing(db_url: str) -> None:
    async with teams_world(db_url) as w:
        await w.set_channel()
        run_id = await w.ingest()
        await w.deliver()
        post = w.card_post()
        before = _state(w)
        data = {"run_id": run_id, "plan_hash": post.first_card["actions"][0]["data"]["plan_hash"]}
        forged = {"Authorization": f"Bearer {w.fake.channel_token(key=w.fake.stranger_key, kid=w.fake.key.kid)}"}
        response = await w.send(w.card_action("opsgate.approve", data, w.approver, post.id), headers=forged)
        assert response.status == 401
        assert _state(w) == before
        assert w.gate.runs.get(run_id).status == "awaiting_approval"


async def test_garbage_body_is_401_without_a_valid_token_and_400_with_one(db_url: str) -> None:
    async with teams_world(db_url) as w:
        bad = {"Authorization": f"Bearer {w.fake.channel_token(expires_in=-900)}", "Content-Type": "application/json"}
        response = await w.client.post(teams.ROUTE, data=b"{not json", headers=bad)
        assert response.status == 401
        good = {**w.fake.auth_header(), "Content-Type": "application/json"}
        response = await w.client.post(teams.ROUTE, data=b"{not json", headers=good)
        assert response.status == 400
        response = await w.client.post(
            teams.ROUTE, data=b"hello", headers={**w.fake.auth_header(), "Content-Type": "text/plain"}
        )
        assert response.status == 400


async def test_an_activity_from_another_tenant_is_refused(db_url: str) -> None:
    async with teams_world(db_url) as w:
        activity = w.channel_message("set approvals here", w.approver)
        activity["conversation"]["tenantId"] = "99999999-0000-0000-0000-000000000000"
        activity["channelData"]["tenant"]["id"] = "99999999-0000-0000-0000-000000000000"
        response = await w.send(activity)
        assert response.status == 403
        assert count(w.gate.services, "SELECT count(*) FROM integrations") == 0


async def test_a_valid_token_is_accepted_and_keys_are_fetched_once(db_url: str) -> None:
    async with teams_world(db_url) as w:
        for _ in range(3):
            response = await w.send(w.personal_message("help", w.bystander))
            assert response.status == 200
        assert w.fake.metadata_requests == 1
        assert w.fake.token_requests == 1  # outbound token cached across turns
        assert w.fake.violations == []


async def test_tls_trust_follows_ssl_cert_file_too(db_url: str) -> None:
    async with teams_world(db_url, trust="SSL_CERT_FILE") as w:  # only SSL_CERT_FILE names the test CA
        await w.set_channel()  # the reply needs a token (msal) and the connector, both over HTTPS
        assert w.fake.token_requests == 1 and len(w.connector.of_kind("reply")) == 1
        assert os.environ["REQUESTS_CA_BUNDLE"] == os.environ["SSL_CERT_FILE"]


def test_teams_stays_off_without_an_app_id(db_url: str, engine: Any) -> None:
    services = Services(make_settings(db_url), engine)
    gate = build_gate(services)
    app = web.Application()
    teams.register(app, gate)
    assert "teams" not in gate.surfaces
    assert not [r for r in app.router.routes() if r.resource and r.resource.canonical == teams.ROUTE]
    services.close()


def test_teams_asked_for_without_an_app_id_refuses_to_start(db_url: str, engine: Any) -> None:
    services = Services(make_settings(db_url, OPSGATE_APPROVAL_SURFACE="teams"), engine)
    with pytest.raises(TeamsNotConfigured, match="MicrosoftAppId"):
        teams.register(web.Application(), build_gate(services))
    services.close()


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"MicrosoftAppId": "a"}, ["MicrosoftAppPassword"]),
        (
            {"MicrosoftAppId": "a", "MicrosoftAppPassword": "p", "MicrosoftAppType": "SingleTenant"},
            ["MicrosoftAppTenantId"],
        ),
        ({"MicrosoftAppId": "a", "MicrosoftAppPassword": "p", "MicrosoftAppType": "Anonymous"}, ["MicrosoftAppType"]),
        (
            {"MicrosoftAppId": "a", "MicrosoftAppPassword": "p", "ToBotFromChannelTokenIssuer": "https://x"},
            ["ToBotFromChannelOpenIdMetadataUrl", "ToChannelFromBotLoginUrl", "ToChannelFromBotOAuthScope"],
        ),
    ],
)
def test_unworkable_bot_settings_name_what_to_fix(db_url: str, env: dict[str, str], names: list[str]) -> None:
    with pytest.raises(TeamsNotConfigured) as raised:
        bot_config(make_settings(db_url, **env))
    for name in names:
        assert name in str(raised.value)


def test_bot_settings_pass_through_under_botbuilder_names(db_url: str) -> None:
    env = {
        "MicrosoftAppId": "app",
        "MicrosoftAppPassword": "secret",
        "MicrosoftAppType": "singletenant",
        "MicrosoftAppTenantId": "tenant",
        "ToBotFromChannelOpenIdMetadataUrl": "https://keys.example/openid",
        "ToBotFromChannelTokenIssuer": "https://issuer.example",
        "ToChannelFromBotLoginUrl": "https://login.example/adfs",
        "ToChannelFromBotOAuthScope": "https://scope.example",
        "ValidateAuthority": "false",
    }
    config = bot_config(make_settings(db_url, **env))
    assert (config.get("APP_ID"), config.get("APP_PASSWORD"), config.get("APP_TYPE")) == (
        "app",
        "secret",
        "SingleTenant",
    )
    assert config.get("APP_TENANTID") == "tenant"
    assert config.get("TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL") == "https://keys.example/openid"
    assert config.get("TO_BOT_FROM_CHANNEL_TOKEN_ISSUER") == "https://issuer.example"
    assert config.get("TO_CHANNEL_FROM_BOT_LOGIN_URL") == "https://login.example/adfs"
    assert config.get("TO_CHANNEL_FROM_BOT_OAUTH_SCOPE") == "https://scope.example"
    assert config.get("VALIDATE_AUTHORITY") is False
    public = bot_config(make_settings(db_url, MicrosoftAppId="app", MicrosoftAppPassword="secret"))
    assert not hasattr(public, "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER") and not hasattr(public, "VALIDATE_AUTHORITY")
