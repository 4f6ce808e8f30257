"""OktaClient against the stateful fake Okta org, and the sandbox Okta connector."""

from __future__ import annotations

import email.utils
from collections.abc import AsyncIterator

import httpx
import pytest
from structlog.testing import capture_logs

from opsgate.runbooks.connectors import (
    ConnectorFailure,
    ConnectorHalt,
    ErrorCode,
    OktaClient,
    OktaConnector,
    RetryPolicy,
    SandboxConnector,
    redact,
)
from tests.fakes.okta import FakeOkta
from tests.fakes.server import free_port, serve

NOW = 1_750_000_000.0


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def policy(sleeps: Sleeps) -> RetryPolicy:
    return RetryPolicy(max_attempts=3, base=0.5, cap=4.0, sleep=sleeps, clock=lambda: NOW, jitter=lambda: 0.0)


@pytest.fixture
def fake() -> FakeOkta:
    fake = FakeOkta()
    fake.add_user(
        "sarah.chen@acme.com", first="Sarah", last="Chen", factors=["push", "sms", "token:software:totp"]
    )
    fake.add_user("bob.ito@acme.com", first="Bob", last="Ito", email="bob@acme.com")
    fake.add_user("lena.park@acme.com", first="Lena", last="Park", status="LOCKED_OUT")
    fake.add_user("omar.said@acme.com", first="Omar", last="Said", status="SUSPENDED")
    fake.add_group("Engineering")
    fake.add_group("Engineering Leads")
    fake.add_group("Contractors")
    fake.add_group("Contractors")
    fake.add_member("Engineering", "bob.ito@acme.com")
    return fake


@pytest.fixture
async def okta_url(fake: FakeOkta) -> AsyncIterator[str]:
    async with serve(fake.app) as url:
        yield url
    assert fake.violations == []


@pytest.fixture
async def client(okta_url: str, fake: FakeOkta, policy: RetryPolicy) -> AsyncIterator[OktaClient]:
    async with OktaClient(okta_url, fake.api_token, retry=policy) as client:
        yield client


# lookups ------------------------------------------------------------------------------------------------


async def test_find_user_by_login_and_by_email(client: OktaClient, fake: FakeOkta) -> None:
    sarah = await client.find_user("sarah.chen@acme.com")
    assert sarah is not None
    assert (sarah.id, sarah.status, sarah.first_name) == (
        fake.user("sarah.chen@acme.com")["id"],
        "ACTIVE",
        "Sarah",
    )
    bob = await client.find_user("bob@acme.com")
    assert bob is not None and bob.login == "bob.ito@acme.com"
    seen = fake.requests[0]
    assert (
        seen.query["search"]
        == 'profile.login eq "sarah.chen@acme.com" or profile.email eq "sarah.chen@acme.com"'
    )


async def test_absent_user_is_none_and_a_halt_when_required(client: OktaClient) -> None:
    assert await client.find_user("ghost@acme.com") is None
    with pytest.raises(ConnectorHalt) as caught:
        await client.require_user("ghost@acme.com")
    exc = caught.value
    assert exc.halt and exc.code is ErrorCode.NOT_FOUND
    assert str(exc).startswith("okta GET /api/v1/users failed (HTTP 200, not_found)")
    assert "ghost@acme.com" in str(exc)


async def test_get_user_and_unknown_id(client: OktaClient, fake: FakeOkta) -> None:
    user_id = fake.user("bob.ito@acme.com")["id"]
    assert (await client.get_user(user_id)).email == "bob@acme.com"
    with pytest.raises(ConnectorHalt) as caught:
        await client.suspend("00u_nobody")
    assert caught.value.status == 404 and caught.value.code is ErrorCode.NOT_FOUND
    assert "POST /api/v1/users/00u_nobody/lifecycle/suspend" in str(caught.value)
    assert "E0000007" in str(caught.value)


# lifecycle ----------------------------------------------------------------------------------------------


async def test_reset_password_sends_email(client: OktaClient, fake: FakeOkta) -> None:
    user = await client.require_user("sarah.chen@acme.com")
    result = await client.reset_password(user.id, send_email=True)
    assert result.email_sent and result.reset_url is None
    assert fake.status("sarah.chen@acme.com") == "RECOVERY"
    assert fake.emails == [("reset_password", "sarah.chen@acme.com")]


async def test_reset_password_without_email_returns_secret_link(client: OktaClient, fake: FakeOkta) -> None:
    user = await client.require_user("bob.ito@acme.com")
    result = await client.reset_password(user.id, send_email=False)
    assert result.reset_url and "/reset_password/" in result.reset_url
    assert result.reset_url not in repr(result)
    assert fake.emails == []
    assert fake.requests[-1].query == {"sendEmail": "false"}


async def test_expire_password(client: OktaClient, fake: FakeOkta) -> None:
    user = await client.require_user("bob.ito@acme.com")
    assert (await client.expire_password(user.id)).status == "PASSWORD_EXPIRED"
    assert fake.status("bob.ito@acme.com") == "PASSWORD_EXPIRED"


async def test_suspend_unsuspend_unlock(client: OktaClient, fake: FakeOkta) -> None:
    sarah = await client.require_user("sarah.chen@acme.com")
    await client.suspend(sarah.id)
    assert fake.status("sarah.chen@acme.com") == "SUSPENDED"
    await client.unsuspend(sarah.id)
    assert fake.status("sarah.chen@acme.com") == "ACTIVE"
    lena = await client.require_user("lena.park@acme.com")
    await client.unlock(lena.id)
    assert fake.status("lena.park@acme.com") == "ACTIVE"


async def test_lifecycle_refused_in_wrong_state_is_a_halt(client: OktaClient, fake: FakeOkta) -> None:
    omar = await client.require_user("omar.said@acme.com")
    with pytest.raises(ConnectorHalt) as caught:
        await client.suspend(omar.id)
    assert caught.value.code is ErrorCode.REJECTED and caught.value.status == 400
    assert "Cannot suspend a user that is not active" in str(caught.value)
    assert fake.status("omar.said@acme.com") == "SUSPENDED"


# factors ------------------------------------------------------------------------------------------------


async def test_list_and_reset_factors(client: OktaClient, fake: FakeOkta) -> None:
    sarah = await client.require_user("sarah.chen@acme.com")
    factors = await client.list_factors(sarah.id)
    assert [f.factor_type for f in factors] == ["push", "sms", "token:software:totp"]
    await client.reset_factors(sarah.id)
    assert fake.factor_types("sarah.chen@acme.com") == []
    assert await client.list_factors(sarah.id) == []


async def test_delete_one_factor(client: OktaClient, fake: FakeOkta) -> None:
    sarah = await client.require_user("sarah.chen@acme.com")
    sms = next(f for f in await client.list_factors(sarah.id) if f.factor_type == "sms")
    await client.delete_factor(sarah.id, sms.id)
    assert fake.factor_types("sarah.chen@acme.com") == ["push", "token:software:totp"]


# create -------------------------------------------------------------------------------------------------


async def test_create_user_activated_in_default_groups(client: OktaClient, fake: FakeOkta) -> None:
    eng = await client.find_group("Engineering")
    profile = {
        "firstName": "Nia",
        "lastName": "Lopez",
        "email": "nia.lopez@acme.com",
        "login": "nia.lopez@acme.com",
    }
    user = await client.create_user(profile, activate=True, group_ids=[eng.id])
    assert user.status == "PROVISIONED"  # activated without a password: Okta emails the activation link
    assert fake.status("nia.lopez@acme.com") == "PROVISIONED"
    assert fake.group_members("Engineering") == {"bob.ito@acme.com", "nia.lopez@acme.com"}
    assert fake.emails == [("activation", "nia.lopez@acme.com")]
    assert fake.requests[-1].query == {"activate": "true"}


async def test_create_user_with_password_is_active(client: OktaClient, fake: FakeOkta) -> None:
    profile = {"firstName": "Ada", "lastName": "Byrne", "email": "ada@acme.com", "login": "ada@acme.com"}
    user = await client.create_user(profile, password="Temp-Pa55word!")
    assert user.status == "ACTIVE" and fake.status("ada@acme.com") == "ACTIVE"


async def test_create_existing_login_is_a_halt(client: OktaClient, fake: FakeOkta) -> None:
    profile = {
        "firstName": "Sarah",
        "lastName": "Chen",
        "email": "sarah.chen@acme.com",
        "login": "sarah.chen@acme.com",
    }
    with pytest.raises(ConnectorHalt) as caught:
        await client.create_user(profile)
    assert "already exists" in str(caught.value) and caught.value.status == 400
    assert len(fake.users) == 4


async def test_create_with_incomplete_profile_sends_nothing(client: OktaClient, fake: FakeOkta) -> None:
    with pytest.raises(ConnectorHalt) as caught:
        await client.create_user({"login": "x@acme.com", "email": "x@acme.com"})
    assert caught.value.code is ErrorCode.PRECONDITION and "firstName, lastName" in str(caught.value)
    assert fake.requests == []


# groups -------------------------------------------------------------------------------------------------


async def test_find_group_exact_name(client: OktaClient, fake: FakeOkta) -> None:
    group = await client.find_group("Engineering")
    assert group.id == fake.group("Engineering")["id"] and group.name == "Engineering"
    assert (await client.find_group("engineering leads")).name == "Engineering Leads"


async def test_find_group_refuses_ambiguity_and_absence(client: OktaClient) -> None:
    with pytest.raises(ConnectorHalt) as ambiguous:
        await client.find_group("Contractors")
    assert ambiguous.value.code is ErrorCode.AMBIGUOUS
    with pytest.raises(ConnectorHalt) as absent:
        await client.find_group("Engine")
    assert absent.value.code is ErrorCode.NOT_FOUND


async def test_add_and_remove_group_member(client: OktaClient, fake: FakeOkta) -> None:
    group = await client.find_group("Engineering")
    sarah = await client.require_user("sarah.chen@acme.com")
    await client.add_to_group(group.id, sarah.id)
    await client.add_to_group(group.id, sarah.id)  # idempotent
    assert fake.group_members("Engineering") == {"bob.ito@acme.com", "sarah.chen@acme.com"}
    await client.remove_from_group(group.id, sarah.id)
    assert fake.group_members("Engineering") == {"bob.ito@acme.com"}


async def test_list_group_members_follows_the_link_header(client: OktaClient, fake: FakeOkta) -> None:
    for i in range(4):
        fake.add_user(f"temp{i}@acme.com", email=f"t{i}@acme.com")
        fake.add_member("Engineering", f"temp{i}@acme.com")
    group = await client.find_group("Engineering")
    members = await client.list_group_members(group.id, page_size=2)
    assert sorted(m.login for m in members) == ["bob.ito@acme.com", *[f"temp{i}@acme.com" for i in range(4)]]
    bob = next(m for m in members if m.login == "bob.ito@acme.com")
    assert bob.kind == "user" and bob.email == "bob@acme.com"
    assert bob.addresses == {"bob.ito@acme.com", "bob@acme.com"}
    assert bob.id == fake.user("bob.ito@acme.com")["id"]
    pages = [r.query for r in fake.requests if r.path == f"/api/v1/groups/{group.id}/users"]
    assert pages == [
        {"limit": "2"},
        {"after": sorted(fake.members[group.id])[1], "limit": "2"},
        {"after": sorted(fake.members[group.id])[3], "limit": "2"},
    ]  # each next page exactly as Okta's Link: <...>; rel="next" said
    assert fake.unchecked == [f"GET /api/v1/groups/{group.id}/users"] * 3  # outside the trimmed spec


async def test_each_page_is_retried_on_its_own(client: OktaClient, fake: FakeOkta, sleeps: Sleeps) -> None:
    fake.add_user("temp@acme.com")
    fake.add_member("Engineering", "temp@acme.com")
    group = await client.find_group("Engineering")
    fake.page_cap = 1
    fake.fail_next(1, status=503, only=f"/groups/{group.id}/users")
    assert len(await client.list_group_members(group.id)) == 2 and len(sleeps) == 1


class LinkElsewhere(httpx.AsyncBaseTransport):
    """The real transport, but every Link header now points at another host (a hostile or broken answer)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        links = [v.replace("127.0.0.1", "evil.example") for v in response.headers.get_list("Link")]
        if links:
            response.headers["Link"] = ", ".join(links)
        return response


async def test_a_next_link_to_another_host_is_not_followed(
    okta_url: str, fake: FakeOkta, policy: RetryPolicy
) -> None:
    fake.add_user("temp@acme.com")
    fake.add_member("Engineering", "temp@acme.com")
    fake.page_cap = 1
    group_id = fake.group("Engineering")["id"]
    async with OktaClient(okta_url, fake.api_token, retry=policy, transport=LinkElsewhere()) as client:
        with pytest.raises(ConnectorFailure) as caught:
            await client.list_group_members(group_id)
    assert caught.value.code is ErrorCode.BAD_RESPONSE and "points outside this listing" in str(caught.value)
    assert len(fake.requests) == 1  # the token never went to the other host, nor anywhere else


async def test_is_member_reads_the_users_groups(client: OktaClient, fake: FakeOkta) -> None:
    group = await client.find_group("Engineering")
    bob, sarah = fake.user("bob.ito@acme.com")["id"], fake.user("sarah.chen@acme.com")["id"]
    assert await client.is_member(group.id, bob) is True
    assert await client.is_member(group.id, sarah) is False
    seen = [r for r in fake.requests if r.path.endswith("/groups") and r.path.startswith("/api/v1/users/")]
    assert [(r.path, r.query) for r in seen] == [
        (f"/api/v1/users/{bob}/groups", {}),
        (f"/api/v1/users/{sarah}/groups", {}),
    ]
    with pytest.raises(ConnectorHalt) as missing:
        await client.is_member(group.id, "00unobody")
    assert missing.value.code is ErrorCode.NOT_FOUND


async def test_sandbox_membership_reads_record_and_know_nothing(fake: FakeOkta) -> None:
    sandbox = SandboxConnector()
    assert await sandbox.okta.list_group_members("00g1") == []
    assert await sandbox.okta.is_member("00g1", "sam@acme.com") is None
    assert sandbox.lines() == [
        "okta: GET /api/v1/groups/00g1/users?limit=200",
        "okta: GET /api/v1/users/sam@acme.com/groups",
    ]
    assert fake.requests == []


# doctor -------------------------------------------------------------------------------------------------


async def test_check_access(client: OktaClient, okta_url: str, policy: RetryPolicy) -> None:
    check = await client.check_access()
    assert check.ok and check.system == "okta"
    async with OktaClient(okta_url, "wrong-token-value", retry=policy) as bad:
        check = await bad.check_access()
    assert not check.ok
    assert "API token rejected" in check.detail and "E0000011" in check.detail
    assert "wrong-token-value" not in check.detail


# retries ------------------------------------------------------------------------------------------------


async def test_rate_limit_reset_header_is_honoured(
    client: OktaClient, fake: FakeOkta, sleeps: Sleeps
) -> None:
    fake.fail_next(
        1, status=429, headers={"X-Rate-Limit-Reset": str(int(NOW) + 7), "X-Rate-Limit-Remaining": "0"}
    )
    sarah = await client.require_user("sarah.chen@acme.com")
    assert sarah.login == "sarah.chen@acme.com"
    assert len(sleeps) == 1 and sleeps[0] >= 7


async def test_retry_after_header_is_honoured(client: OktaClient, fake: FakeOkta, sleeps: Sleeps) -> None:
    fake.fail_next(2, status=429, headers={"Retry-After": "3"})
    sarah = await client.require_user("sarah.chen@acme.com")
    await client.suspend(sarah.id)
    assert fake.status("sarah.chen@acme.com") == "SUSPENDED"
    assert len(sleeps) == 2 and all(s >= 3 for s in sleeps)


async def test_5xx_then_success(client: OktaClient, fake: FakeOkta, sleeps: Sleeps) -> None:
    sarah = await client.require_user("sarah.chen@acme.com")
    fake.fail_next(2, status=503)
    await client.reset_factors(sarah.id)
    assert fake.factor_types("sarah.chen@acme.com") == []
    assert sleeps == [0.25, 0.5]  # capped exponential backoff, jitter pinned to its lower bound


async def test_5xx_exhausted_is_a_failure_naming_system_call_status(
    client: OktaClient, fake: FakeOkta, sleeps: Sleeps
) -> None:
    sarah = await client.require_user("sarah.chen@acme.com")
    fake.fail_next(5, status=502)
    with pytest.raises(ConnectorFailure) as caught:
        await client.suspend(sarah.id)
    exc = caught.value
    assert not exc.halt and exc.status == 502 and exc.code is ErrorCode.REMOTE_ERROR
    assert f"okta POST /api/v1/users/{sarah.id}/lifecycle/suspend failed (HTTP 502" in str(exc)
    assert "after 3 attempts" in str(exc)
    assert len(sleeps) == 2
    assert fake.status("sarah.chen@acme.com") == "ACTIVE"


async def test_rate_limit_storm_exhausted(client: OktaClient, fake: FakeOkta, sleeps: Sleeps) -> None:
    fake.fail_next(10, status=429, headers={"Retry-After": "1"})
    with pytest.raises(ConnectorFailure) as caught:
        await client.find_group("Engineering")
    assert caught.value.code is ErrorCode.RATE_LIMITED and caught.value.status == 429
    assert len(sleeps) == 2 and len(fake.requests) == 3


async def test_create_user_not_resent_after_ambiguous_5xx(client: OktaClient, fake: FakeOkta) -> None:
    fake.fail_next(1, status=500)
    profile = {"firstName": "Nia", "lastName": "Lopez", "email": "nia@acme.com", "login": "nia@acme.com"}
    with pytest.raises(ConnectorFailure):
        await client.create_user(profile)
    assert len(fake.requests) == 1
    fake.fail_next(1, status=429, headers={"Retry-After": "1"})
    await client.create_user(profile)  # a 429 was not processed: safe to resend
    assert fake.status("nia@acme.com") == "PROVISIONED"


async def test_overlong_retry_after_fails_at_once(client: OktaClient, fake: FakeOkta, sleeps: Sleeps) -> None:
    fake.fail_next(1, status=429, headers={"X-Rate-Limit-Reset": str(int(NOW) + 3600)})
    with pytest.raises(ConnectorFailure) as caught:
        await client.find_user("sarah.chen@acme.com")
    assert "asked to wait 3600s" in str(caught.value)
    assert sleeps == []


async def test_unreachable_org_is_a_failure(policy: RetryPolicy, sleeps: Sleeps) -> None:
    async with OktaClient(f"http://127.0.0.1:{free_port()}", "tok", retry=policy) as client:
        with pytest.raises(ConnectorFailure) as caught:
            await client.find_user("sarah.chen@acme.com")
    assert caught.value.code is ErrorCode.UNREACHABLE and caught.value.status is None
    assert "okta GET /api/v1/users failed (no answer" in str(caught.value)
    assert len(sleeps) == 2


# secrets ------------------------------------------------------------------------------------------------


async def test_token_never_in_errors_or_logs(okta_url: str, fake: FakeOkta, policy: RetryPolicy) -> None:
    secret = "00SuperSecretOktaToken_do_not_leak"
    errors: list[str] = []
    with capture_logs() as logs:
        async with OktaClient(okta_url, secret, retry=policy) as bad:
            assert secret not in repr(bad)
            with pytest.raises(ConnectorHalt) as caught:
                await bad.find_user("sarah.chen@acme.com")
            errors.append(str(caught.value) + repr(caught.value))
            assert caught.value.code is ErrorCode.UNAUTHORIZED
        async with OktaClient(okta_url, fake.api_token, retry=policy) as good:
            fake.fail_next(5, status=503)
            with pytest.raises(ConnectorFailure) as failed:
                await good.find_user("sarah.chen@acme.com")
            errors.append(str(failed.value))
    assert logs, "retries and errors are logged"
    for text in [*errors, repr(logs)]:
        assert secret not in text and fake.api_token not in text and "SSWS" not in text


# sandbox ------------------------------------------------------------------------------------------------


async def _offboard_and_reset(okta: OktaConnector) -> None:
    user = await okta.require_user("sarah.chen@acme.com")
    await okta.reset_factors(user.id)
    group = await okta.find_group("Engineering")
    await okta.remove_from_group(group.id, user.id)
    await okta.suspend(user.id)
    bob = await okta.require_user("bob.ito@acme.com")
    await okta.reset_password(bob.id, send_email=True)
    profile = {"firstName": "Nia", "lastName": "Lopez", "email": "nia@acme.com", "login": "nia@acme.com"}
    await okta.create_user(profile, group_ids=[group.id], password="Temp-Pa55word!")


async def test_sandbox_sends_nothing_and_records_the_calls(okta_url: str, fake: FakeOkta) -> None:
    sandbox = SandboxConnector()
    await _offboard_and_reset(sandbox.okta)
    assert fake.requests == []
    assert [(c.method, c.path) for c in sandbox.calls] == [
        ("GET", "/api/v1/users"),
        ("POST", "/api/v1/users/sarah.chen@acme.com/lifecycle/reset_factors"),
        ("GET", "/api/v1/groups"),
        ("DELETE", "/api/v1/groups/sandbox:Engineering/users/sarah.chen@acme.com"),
        ("POST", "/api/v1/users/sarah.chen@acme.com/lifecycle/suspend"),
        ("GET", "/api/v1/users"),
        ("POST", "/api/v1/users/bob.ito@acme.com/lifecycle/reset_password"),
        ("POST", "/api/v1/users"),
    ]
    assert all(c.system == "okta" for c in sandbox.calls)
    created = sandbox.calls[-1]
    assert created.body["credentials"] == {"password": {"value": "[redacted]"}}
    assert "Temp-Pa55word!" not in repr(sandbox.calls)
    assert (
        sandbox.lines()[6]
        == "okta: POST /api/v1/users/bob.ito@acme.com/lifecycle/reset_password?sendEmail=true"
    )


async def test_same_step_code_runs_against_the_real_client(client: OktaClient, fake: FakeOkta) -> None:
    await _offboard_and_reset(client)
    assert fake.status("sarah.chen@acme.com") == "SUSPENDED"
    assert fake.factor_types("sarah.chen@acme.com") == []
    assert fake.group_members("Engineering") == {"bob.ito@acme.com", "nia@acme.com"}
    assert fake.status("bob.ito@acme.com") == "RECOVERY"
    assert fake.emails == [("reset_password", "bob.ito@acme.com")]


# helpers ------------------------------------------------------------------------------------------------


def test_retry_after_as_http_date_and_okta_reset() -> None:
    policy = RetryPolicy(clock=lambda: NOW)
    date = email.utils.formatdate(NOW + 30, usegmt=True)
    assert policy.server_hint(httpx.Response(429, headers={"Retry-After": date})) == pytest.approx(30)
    assert policy.server_hint(httpx.Response(429, headers={"X-Rate-Limit-Reset": str(int(NOW) + 9)})) == 9
    assert policy.server_hint(httpx.Response(429, headers={"Retry-After": "soon"})) == 0
    assert policy.server_hint(httpx.Response(503)) is None
    assert [RetryPolicy(base=1, cap=5, jitter=lambda: 1.0).backoff(n) for n in (1, 2, 3, 4)] == [1, 2, 4, 5]


def test_redact_hides_secrets_only() -> None:
    body = {
        "profile": {"login": "a@b.c", "value": "kept"},
        "credentials": {
            "password": {"value": "s3cret"},
            "recovery_question": {"question": "q", "answer": "a"},
        },
        "passwordProfile": {"password": "p", "forceChangePasswordNextSignIn": True},
    }
    assert redact(body) == {
        "profile": {"login": "a@b.c", "value": "kept"},
        "credentials": {
            "password": {"value": "[redacted]"},
            "recovery_question": {"question": "q", "answer": "[redacted]"},
        },
        "passwordProfile": {"password": "[redacted]", "forceChangePasswordNextSignIn": True},
    }


async def test_injected_transport_is_used() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        user = {"id": "00u1", "status": "ACTIVE", "profile": {"login": "a@acme.com", "email": "a@acme.com"}}
        return httpx.Response(200, json=[user])

    async with OktaClient("https://acme.okta.com", "tok", transport=httpx.MockTransport(answer)) as client:
        user = await client.find_user("a@acme.com")
    assert user is not None and user.id == "00u1"
    assert seen[0].headers["Authorization"] == "SSWS tok"
    assert seen[0].url.host == "acme.okta.com"
