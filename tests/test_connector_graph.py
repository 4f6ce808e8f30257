"""GraphClient against the stateful fake Graph tenant and its token endpoint; the sandbox Graph connector."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from structlog.testing import capture_logs

from opsgate.runbooks.connectors import (
    ConnectorFailure,
    ConnectorHalt,
    ErrorCode,
    GraphClient,
    GraphConnector,
    LicenceCatalog,
    RetryPolicy,
    SandboxConnector,
    jwt_claims,
)
from opsgate.runbooks.intents import LICENSE_NAMES
from tests.fakes.graph import FakeGraph
from tests.fakes.server import serve


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def policy(sleeps: Sleeps) -> RetryPolicy:
    return RetryPolicy(max_attempts=3, base=0.5, cap=4.0, sleep=sleeps, jitter=lambda: 0.0)


@pytest.fixture
def fake() -> FakeGraph:
    fake = FakeGraph()
    fake.add_user("adele.vance@contoso.com", display_name="Adele Vance")
    fake.add_user("alex.wilber@contoso.com", display_name="Alex Wilber", mail="alex@contoso.com")
    fake.add_user("megan.bowen@contoso.com", display_name="Megan Bowen", account_enabled=False)
    fake.add_user("guest.nobody@contoso.com", display_name="No Location", usage_location=None)
    fake.add_group("Finance")
    fake.add_group("Marketing")
    fake.add_group("Marketing")
    fake.add_member("Finance", "alex.wilber@contoso.com")
    fake.add_sku("SPE_E3", enabled=5, consumed=4)
    fake.add_sku("ENTERPRISEPREMIUM", enabled=10, consumed=0)
    fake.add_sku("POWER_BI_PRO", enabled=2, consumed=2)
    fake.add_sku("VISIOCLIENT", enabled=3, consumed=0, status="Suspended")
    return fake


@pytest.fixture
async def graph_url(fake: FakeGraph) -> AsyncIterator[str]:
    async with serve(fake.app) as url:
        yield url
    assert fake.violations == []


@pytest.fixture
def make_client(graph_url: str, fake: FakeGraph, policy: RetryPolicy) -> Callable[..., GraphClient]:
    def make(**overrides: Any) -> GraphClient:
        settings: dict[str, Any] = {
            "graph_url": graph_url,
            "login_url": graph_url,
            "tenant_id": fake.tenant_id,
            "client_id": fake.client_id,
            "client_secret": fake.client_secret,
            "usage_location": "GB",
            "retry": policy,
        }
        settings.update(overrides)
        return GraphClient(**settings)

    return make


@pytest.fixture
async def client(make_client: Callable[..., GraphClient]) -> AsyncIterator[GraphClient]:
    async with make_client() as client:
        yield client


# users --------------------------------------------------------------------------------------------------


async def test_find_user_by_upn_then_by_mail(client: GraphClient, fake: FakeGraph) -> None:
    adele = await client.find_user("adele.vance@contoso.com")
    assert adele is not None and adele.id == fake.user("adele.vance@contoso.com")["id"]
    assert adele.display_name == "Adele Vance" and adele.usage_location == "US"
    alex = await client.find_user("alex@contoso.com")
    assert alex is not None and alex.user_principal_name == "alex.wilber@contoso.com"
    assert [r.path for r in fake.api_requests()][-2:] == ["/v1.0/users/alex@contoso.com", "/v1.0/users"]
    assert fake.api_requests()[-1].query["$filter"] == "mail eq 'alex@contoso.com'"


async def test_absent_user_is_none_and_a_halt_when_required(client: GraphClient) -> None:
    assert await client.find_user("ghost@contoso.com") is None
    with pytest.raises(ConnectorHalt) as caught:
        await client.require_user("ghost@contoso.com")
    assert caught.value.code is ErrorCode.NOT_FOUND and caught.value.halt
    assert str(caught.value).startswith(
        "graph GET /v1.0/users/ghost@contoso.com failed (HTTP 404, not_found)"
    )


async def test_create_user_with_password_profile_and_usage_location(
    client: GraphClient, fake: FakeGraph
) -> None:
    user = await client.create_user(
        "Nia Lopez", "nia.lopez", "nia.lopez@contoso.com", "Temp-Pa55word!", given_name="Nia", surname="Lopez"
    )
    stored = fake.user("nia.lopez@contoso.com")
    assert user.id == stored["id"] and user.usage_location == "GB"
    assert (
        stored["accountEnabled"] is True and stored["usageLocation"] == "GB" and stored["givenName"] == "Nia"
    )
    assert stored["passwordProfile"] == {"forceChangePasswordNextSignIn": True}
    with pytest.raises(ConnectorHalt) as caught:
        await client.create_user("Nia Lopez", "nia.lopez", "nia.lopez@contoso.com", "Temp-Pa55word!")
    assert "already exists" in str(caught.value)
    assert "Temp-Pa55word!" not in str(caught.value)


async def test_enable_sign_in_and_revoke_sessions(client: GraphClient, fake: FakeGraph) -> None:
    megan = await client.require_user("megan.bowen@contoso.com")
    assert megan.account_enabled is False
    await client.enable_sign_in(megan.id)
    await client.revoke_sessions(megan.id)
    stored = fake.user("megan.bowen@contoso.com")
    assert stored["accountEnabled"] is True and stored["sessionsRevoked"] == 1
    assert stored["signInSessionsValidFromDateTime"] != "2024-01-01T00:00:00Z"


# licences -----------------------------------------------------------------------------------------------


async def test_subscribed_skus(client: GraphClient) -> None:
    skus = {s.sku_part_number: s for s in await client.subscribed_skus()}
    assert skus["SPE_E3"].free == 1 and skus["POWER_BI_PRO"].free == 0
    assert skus["VISIOCLIENT"].capability_status == "Suspended"


async def test_assign_license_by_name(client: GraphClient, fake: FakeGraph) -> None:
    adele = await client.require_user("adele.vance@contoso.com")
    result = await client.assign_license(adele.id, "E3")
    assert result.sku_part_number == "SPE_E3" and result.changed
    assert fake.licences("adele.vance@contoso.com") == {"SPE_E3"}
    assert fake.sku("SPE_E3")["consumedUnits"] == 5
    again = await client.assign_license(
        adele.id, "Microsoft 365 E3"
    )  # already held: no seat needed, no change
    assert not again.changed and fake.sku("SPE_E3")["consumedUnits"] == 5


async def test_assign_license_falls_back_to_the_variant_the_tenant_owns(
    client: GraphClient, fake: FakeGraph
) -> None:
    adele = await client.require_user("adele.vance@contoso.com")
    result = await client.assign_license(adele.id, "E5")
    assert result.sku_part_number == "ENTERPRISEPREMIUM"
    assert fake.licences("adele.vance@contoso.com") == {"ENTERPRISEPREMIUM"}


async def test_no_free_seats_is_a_halt_with_nothing_changed(client: GraphClient, fake: FakeGraph) -> None:
    adele = await client.require_user("adele.vance@contoso.com")
    with pytest.raises(ConnectorHalt) as caught:
        await client.assign_license(adele.id, "Power BI Pro")
    assert caught.value.code is ErrorCode.NO_FREE_SEATS
    assert "no free seats for POWER_BI_PRO: 2 of 2 assigned" in str(caught.value)
    assert not any(r.path.endswith("/assignLicense") for r in fake.requests)
    with pytest.raises(ConnectorHalt):
        await client.resolve_license("Power BI Pro")


async def test_licence_the_tenant_lacks_is_a_halt(client: GraphClient) -> None:
    with pytest.raises(ConnectorHalt) as missing:
        await client.resolve_license("Business Premium")
    assert missing.value.code is ErrorCode.LICENCE_UNAVAILABLE and "SPB" in str(missing.value)
    with pytest.raises(ConnectorHalt) as suspended:
        await client.resolve_license("Visio")
    assert suspended.value.code is ErrorCode.LICENCE_UNAVAILABLE


async def test_user_without_usage_location_is_a_halt(client: GraphClient, fake: FakeGraph) -> None:
    user = await client.require_user("guest.nobody@contoso.com")
    with pytest.raises(ConnectorHalt) as caught:
        await client.assign_license(user.id, "E3")
    assert caught.value.code is ErrorCode.PRECONDITION and "usageLocation" in str(caught.value)
    assert fake.sku("SPE_E3")["consumedUnits"] == 4


async def test_admin_extends_the_licence_table(
    make_client: Callable[..., GraphClient], fake: FakeGraph
) -> None:
    fake.add_sku("Microsoft_365_Copilot", enabled=1)
    async with make_client(
        licences={"Copilot": ["Microsoft_365_Copilot"], "E3": ["ENTERPRISEPREMIUM"]}
    ) as client:
        adele = await client.require_user("adele.vance@contoso.com")
        assert (await client.assign_license(adele.id, "copilot")).sku_part_number == "Microsoft_365_Copilot"
        assert (await client.resolve_license("E3")).sku_part_number == "ENTERPRISEPREMIUM"
        assert (await client.resolve_license("spe_e3")).sku_part_number == "SPE_E3"  # a part number as is
    assert fake.licences("adele.vance@contoso.com") == {"Microsoft_365_Copilot"}


def test_every_classifier_licence_name_has_a_sku() -> None:
    catalog = LicenceCatalog()
    for name in LICENSE_NAMES:
        assert catalog.candidates(name) != (name.upper(),), name
    assert catalog.candidates("E3") == ("SPE_E3", "ENTERPRISEPACK")
    assert catalog.candidates("Office 365 E1") == ("STANDARDPACK",)


# groups -------------------------------------------------------------------------------------------------


async def test_find_group_exact_refusing_ambiguity_and_absence(client: GraphClient, fake: FakeGraph) -> None:
    assert (await client.find_group("Finance")).id == fake.group("Finance")["id"]
    assert (await client.find_group("finance")).display_name == "Finance"
    with pytest.raises(ConnectorHalt) as ambiguous:
        await client.find_group("Marketing")
    assert ambiguous.value.code is ErrorCode.AMBIGUOUS
    with pytest.raises(ConnectorHalt) as absent:
        await client.find_group("Fin")
    assert absent.value.code is ErrorCode.NOT_FOUND
    assert fake.unchecked == ["GET /v1.0/groups"] * 4  # not in the trimmed spec: checked by hand


async def test_add_remove_and_check_membership(client: GraphClient, fake: FakeGraph) -> None:
    group = await client.find_group("Finance")
    adele = await client.require_user("adele.vance@contoso.com")
    assert await client.is_member(group.id, adele.id) is False
    assert await client.add_member(group.id, adele.id) is True
    assert fake.group_members("Finance") == {"alex.wilber@contoso.com", "adele.vance@contoso.com"}
    assert await client.is_member(group.id, adele.id) is True
    assert await client.add_member(group.id, adele.id) is False  # already a member: no change
    assert await client.remove_member(group.id, adele.id) is True
    assert await client.remove_member(group.id, adele.id) is False  # not a member any more
    assert fake.group_members("Finance") == {"alex.wilber@contoso.com"}


async def test_list_group_members_follows_next_links(client: GraphClient, fake: FakeGraph) -> None:
    for name in ("nia", "omar", "priya"):
        fake.add_user(f"{name}@contoso.com", mail=f"{name}.mail@contoso.com")
        fake.add_member("Finance", f"{name}@contoso.com")
    robot = fake.add_principal_member("Finance", "Payroll Robot")
    group = await client.find_group("Finance")
    members = await client.list_group_members(group.id, page_size=2)
    assert len(members) == 5
    people = {m.login: m for m in members if m.kind == "user"}
    assert set(people) == {"alex.wilber@contoso.com", "nia@contoso.com", "omar@contoso.com", "priya@contoso.com"}
    assert people["alex.wilber@contoso.com"].email == "alex@contoso.com"
    assert people["nia@contoso.com"].addresses == {"nia@contoso.com", "nia.mail@contoso.com"}
    (other,) = [m for m in members if m.kind != "user"]
    assert (other.id, other.kind, other.addresses, other.label) == (
        robot, "servicePrincipal", frozenset(), f"servicePrincipal {robot}"
    )  # fmt: skip
    pages = [r.query for r in fake.api_requests() if r.path == f"/v1.0/groups/{group.id}/members"]
    assert pages[0] == {"$select": "id,userPrincipalName,mail", "$top": "2"}
    assert len(pages) == 3 and all(set(q) == {"$select", "$top", "$skiptoken"} for q in pages[1:])
    assert fake.unchecked.count(f"GET /v1.0/groups/{group.id}/members") == 3  # outside the trimmed spec


async def test_list_group_members_default_page_and_limited_information(policy: RetryPolicy) -> None:
    fake = FakeGraph(roles=["GroupMember.Read.All"])  # may list members, may not read users
    fake.add_user("adele.vance@contoso.com")
    fake.add_group("Finance")
    fake.add_member("Finance", "adele.vance@contoso.com")
    async with (
        serve(fake.app) as url,
        GraphClient(url, url, fake.tenant_id, fake.client_id, fake.client_secret, "GB", retry=policy) as client,
    ):
        group = await client.find_group("Finance")
        (adele,) = await client.list_group_members(group.id)
        assert adele.kind == "user" and adele.login == "" and adele.addresses == frozenset()
        assert fake.api_requests()[-1].query == {"$select": "id,userPrincipalName,mail", "$top": "999"}
    assert fake.violations == []


async def test_sandbox_lists_no_member(graph_url: str, fake: FakeGraph) -> None:
    sandbox = SandboxConnector()
    assert await sandbox.graph.list_group_members("g-1") == []
    assert sandbox.lines() == ["graph: GET /v1.0/groups/g-1/members?$select=id,userPrincipalName,mail&$top=999"]
    assert fake.requests == []


# token --------------------------------------------------------------------------------------------------


async def test_token_cached_across_calls(client: GraphClient, fake: FakeGraph) -> None:
    for _ in range(5):
        await client.require_user("adele.vance@contoso.com")
    await client.subscribed_skus()
    assert fake.token_requests == 1
    token_post = fake.requests[0]
    assert token_post.path == f"/{fake.tenant_id}/oauth2/v2.0/token"
    assert b"grant_type=client_credentials" in token_post.body and b"scope=http" in token_post.body


async def test_token_refreshed_after_expiry(make_client: Callable[..., GraphClient], fake: FakeGraph) -> None:
    clock = Clock()
    async with make_client(clock=clock) as client:
        await client.subscribed_skus()
        clock.now += 3000  # within the refresh margin of the 3599 s lifetime
        await client.subscribed_skus()
        assert fake.token_requests == 1
        clock.now += 600
        await client.subscribed_skus()
        assert fake.token_requests == 2


async def test_token_refreshed_once_on_401(client: GraphClient, fake: FakeGraph) -> None:
    await client.subscribed_skus()
    fake.revoke_tokens()
    assert len(await client.subscribed_skus()) == 4
    assert fake.token_requests == 2


async def test_bad_client_secret_is_a_halt_without_the_secret(
    make_client: Callable[..., GraphClient], fake: FakeGraph
) -> None:
    secret = "wrong~Secret.value_0123456789"
    with capture_logs() as logs:
        async with make_client(client_secret=secret) as client:
            with pytest.raises(ConnectorHalt) as caught:
                await client.find_user("adele.vance@contoso.com")
    exc = caught.value
    assert exc.code is ErrorCode.UNAUTHORIZED and exc.status == 401
    assert f"graph POST /{fake.tenant_id}/oauth2/v2.0/token failed (HTTP 401" in str(exc)
    assert "AADSTS7000215" in str(exc) and "GRAPH_CLIENT_SECRET" in str(exc)
    assert fake.api_requests() == []
    for text in (str(exc), repr(exc), repr(logs), repr(client), repr(client.auth)):
        assert secret not in text and fake.client_secret not in text


async def test_token_endpoint_5xx_is_retried(client: GraphClient, fake: FakeGraph, sleeps: Sleeps) -> None:
    fake.fail_next(1, status=503, headers={"Retry-After": "2"}, only="/oauth2/")
    assert await client.find_user("adele.vance@contoso.com") is not None
    assert fake.token_requests == 1 and sleeps and sleeps[0] >= 2


async def test_secrets_never_in_errors_or_logs(client: GraphClient, fake: FakeGraph) -> None:
    with capture_logs() as logs:
        await client.subscribed_skus()
        fake.fail_next(5, status=500, only="/v1.0/")
        with pytest.raises(ConnectorFailure) as caught:
            await client.find_group("Finance")
    issued = list(fake.tokens)
    assert issued
    for text in (str(caught.value), repr(caught.value), repr(logs), repr(client.auth)):
        assert fake.client_secret not in text
        assert all(token not in text for token in issued)
        assert "Bearer" not in text


# retries ------------------------------------------------------------------------------------------------


async def test_429_retry_after_honoured(client: GraphClient, fake: FakeGraph, sleeps: Sleeps) -> None:
    adele = await client.require_user("adele.vance@contoso.com")
    fake.fail_next(1, status=429, headers={"Retry-After": "11"}, only="/assignLicense")
    await client.assign_license(adele.id, "E3")
    assert sleeps == [11]
    assert fake.licences("adele.vance@contoso.com") == {"SPE_E3"}


async def test_5xx_then_success(client: GraphClient, fake: FakeGraph, sleeps: Sleeps) -> None:
    group = await client.find_group("Finance")
    adele = await client.require_user("adele.vance@contoso.com")
    fake.fail_next(1, status=504, only="/members/")
    assert await client.add_member(group.id, adele.id) is True
    assert sleeps == [0.25]
    assert "adele.vance@contoso.com" in fake.group_members("Finance")


async def test_5xx_exhausted_is_a_failure_naming_system_call_status(
    client: GraphClient, fake: FakeGraph, sleeps: Sleeps
) -> None:
    megan = await client.require_user("megan.bowen@contoso.com")
    fake.fail_next(3, status=503, only="/v1.0/")
    with pytest.raises(ConnectorFailure) as caught:
        await client.enable_sign_in(megan.id)
    exc = caught.value
    assert not exc.halt and exc.status == 503
    assert f"graph PATCH /v1.0/users/{megan.id} failed (HTTP 503, remote_error)" in str(exc)
    assert len(sleeps) == 2 and fake.user("megan.bowen@contoso.com")["accountEnabled"] is False


async def test_create_user_not_resent_after_ambiguous_5xx(client: GraphClient, fake: FakeGraph) -> None:
    fake.fail_next(1, status=500, only="/v1.0/users")
    with pytest.raises(ConnectorFailure):
        await client.create_user("Nia Lopez", "nia", "nia@contoso.com", "Temp-Pa55word!")
    assert [r.method for r in fake.api_requests()] == ["POST"]


# doctor -------------------------------------------------------------------------------------------------


async def test_check_access_reports_roles(client: GraphClient, fake: FakeGraph) -> None:
    check = await client.check_access()
    assert check.ok and check.missing == {} and check.roles == frozenset(fake.roles)
    assert fake.api_requests()[0].query == {"$top": "1", "$select": "id"}


async def test_check_access_names_missing_permissions(policy: RetryPolicy) -> None:
    fake = FakeGraph(roles=["User.Read.All"])
    async with (
        serve(fake.app) as url,
        GraphClient(
            url, url, fake.tenant_id, fake.client_id, fake.client_secret, "GB", retry=policy
        ) as client,
    ):
        check = await client.check_access()
        assert check.ok and "not permitted" in check.detail
        assert "assign_license" in check.missing and "find_user" not in check.missing
        assert "LicenseAssignment.ReadWrite.All" in check.missing["assign_license"]
        adele_id = fake.add_user("adele@contoso.com")
        with pytest.raises(ConnectorHalt) as caught:
            await client.enable_sign_in(adele_id)
        assert caught.value.code is ErrorCode.FORBIDDEN and "Insufficient privileges" in str(caught.value)
    assert fake.violations == []


def test_jwt_claims_reads_roles_without_verifying() -> None:
    assert jwt_claims("not-a-jwt") == {}
    assert jwt_claims("a.!!!.c") == {}


# sandbox ------------------------------------------------------------------------------------------------


async def _new_hire_and_unlock(graph: GraphConnector) -> None:
    await graph.resolve_license("E3")
    user = await graph.create_user("Nia Lopez", "nia.lopez", "nia.lopez@contoso.com", "Temp-Pa55word!")
    await graph.assign_license(user.id, "E3")
    group = await graph.find_group("Finance")
    await graph.add_member(group.id, user.id)
    megan = await graph.require_user("megan.bowen@contoso.com")
    await graph.enable_sign_in(megan.id)
    await graph.revoke_sessions(megan.id)


async def test_sandbox_sends_nothing_and_records_the_calls(graph_url: str, fake: FakeGraph) -> None:
    sandbox = SandboxConnector(usage_location="GB")
    await _new_hire_and_unlock(sandbox.graph)
    assert fake.requests == [] and fake.token_requests == 0
    assert [(c.method, c.path) for c in sandbox.calls] == [
        ("GET", "/v1.0/subscribedSkus"),
        ("POST", "/v1.0/users"),
        ("GET", "/v1.0/users/nia.lopez@contoso.com"),
        ("GET", "/v1.0/subscribedSkus"),
        ("POST", "/v1.0/users/nia.lopez@contoso.com/assignLicense"),
        ("GET", "/v1.0/groups"),
        ("POST", "/v1.0/groups/sandbox:Finance/members/$ref"),
        ("GET", "/v1.0/users/megan.bowen@contoso.com"),
        ("PATCH", "/v1.0/users/megan.bowen@contoso.com"),
        ("POST", "/v1.0/users/megan.bowen@contoso.com/revokeSignInSessions"),
    ]
    created = sandbox.calls[1].body
    assert created["passwordProfile"] == {"forceChangePasswordNextSignIn": True, "password": "[redacted]"}
    assert created["usageLocation"] == "GB"
    assert sandbox.calls[4].body["addLicenses"][0]["skuId"] == "sandbox:SPE_E3 or ENTERPRISEPACK"
    assert "Temp-Pa55word!" not in repr(sandbox.calls)


async def test_same_step_code_runs_against_the_real_client(client: GraphClient, fake: FakeGraph) -> None:
    await _new_hire_and_unlock(client)
    assert fake.licences("nia.lopez@contoso.com") == {"SPE_E3"}
    assert "nia.lopez@contoso.com" in fake.group_members("Finance")
    assert fake.user("megan.bowen@contoso.com")["accountEnabled"] is True
