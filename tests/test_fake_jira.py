"""The fake Jira, driven by the real ``jira`` library (synchronous, so in a thread) over loopback."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import pytest
import requests
from jira import JIRA, JIRAError

from tests.fakes.jira import FakeJira, webhook_request, webhook_signature
from tests.fakes.jira_model import UTC, text_to_adf
from tests.fakes.server import serve

T = TypeVar("T")
ADF = text_to_adf("Approved by OpsGate")


async def run(fn: Callable[[], T]) -> T:
    return await asyncio.to_thread(fn)


def cloud_client(base: str, fake: FakeJira, token: str | None = None) -> JIRA:
    return JIRA(
        server=base,
        basic_auth=(fake.email, token or fake.api_token),
        options={"rest_api_version": "3"},
        max_retries=0,
    )


def server_client(base: str, fake: FakeJira, pat: str | None = None) -> JIRA:
    return JIRA(server=base, token_auth=pat or fake.pat, max_retries=0)


@pytest.fixture
async def cloud() -> AsyncIterator[tuple[FakeJira, str]]:
    fake = FakeJira("Cloud")
    fake.add_project("ITSM", "IT Service Management", type="service_desk")
    async with serve(fake.app) as base:
        yield fake, base


@pytest.fixture
async def server() -> AsyncIterator[tuple[FakeJira, str]]:
    fake = FakeJira("Server", base_path="/jira")
    fake.add_project("OPS", "Operations")
    async with serve(fake.app) as base:
        yield fake, base + "/jira"


async def jira_error(fn: Callable[[], Any]) -> JIRAError:
    with pytest.raises(JIRAError) as info:
        await run(fn)
    return info.value


# ---- Cloud: issues, comments, transitions -----------------------------------------------------------------


async def test_cloud_create_comment_and_transition_by_name(cloud: tuple[FakeJira, str]) -> None:
    fake, base = cloud
    client = await run(lambda: cloud_client(base, fake))
    fields = {
        "project": {"key": "ITSM"},
        "summary": "Reset MFA for sarah.chen@acme.com",
        "issuetype": {"name": "Task"},
        "description": text_to_adf("Lost phone"),
        "duedate": "2026-07-01",
    }
    issue = await run(lambda: client.create_issue(fields=fields))
    comment = await run(lambda: client.add_comment(issue.key, ADF))
    names = await run(lambda: [t["name"] for t in client.transitions(issue.key)])
    await run(lambda: client.transition_issue(issue.key, "Start Progress"))
    reloaded = await run(lambda: client.issue(issue.key))

    stored = fake.issues[issue.key]
    assert stored.status == "In Progress" == reloaded.fields.status.name
    assert reloaded.fields.status.statusCategory.key == "indeterminate"
    assert stored.duedate == "2026-07-01" and stored.description == text_to_adf("Lost phone")
    assert [(c.id, c.body, c.author) for c in stored.comments] == [(comment.id, ADF, fake.bot.account_id)]
    assert names == ["Start Progress", "Won't Do"]
    assert stored.changelog[-1].items[0] == {
        "field": "status",
        "fieldtype": "jira",
        "fieldId": "status",
        "from": "10000",
        "fromString": "To Do",
        "to": "3",
        "toString": "In Progress",
    }
    assert fake.violations == []


async def test_cloud_unreachable_transition_is_rejected(cloud: tuple[FakeJira, str]) -> None:
    fake, base = cloud
    key = fake.add_issue("ITSM", "Offboard bob").key
    client = await run(lambda: cloud_client(base, fake))
    err = await jira_error(lambda: client.transition_issue(key, "31"))  # Done: only from In Progress
    assert err.status_code == 400 and "Transition id '31' is not valid for this issue." in err.text
    assert fake.issues[key].status == "To Do" and fake.issues[key].changelog == []
    await run(lambda: client.transition_issue(key, "41"))  # a numeric id, sent as a JSON number, is accepted
    assert fake.issues[key].status == "Won't Do" and fake.issues[key].resolution == "Won't Do"
    assert fake.violations == []


async def test_cloud_rejects_plain_text_rich_fields(cloud: tuple[FakeJira, str]) -> None:
    fake, base = cloud
    key = fake.add_issue("ITSM", "x").key
    client = await run(lambda: cloud_client(base, fake))
    err = await jira_error(lambda: client.add_comment(key, "plain wiki text"))
    assert err.status_code == 400
    fields = {"project": {"key": "ITSM"}, "summary": "s", "issuetype": {"name": "Task"}, "description": "plain"}
    err = await jira_error(lambda: client.create_issue(fields=fields))
    assert err.status_code == 400 and "Atlassian Document" in err.text
    assert fake.issues[key].comments == [] and len(fake.issues) == 1


async def test_cloud_edit_records_changelog_and_status_needs_a_transition(cloud: tuple[FakeJira, str]) -> None:
    fake, base = cloud
    agent = fake.add_user("acc-agent", "IT Agent", "agent@acme.example")
    key = fake.add_issue("ITSM", "Old summary").key
    client = await run(lambda: cloud_client(base, fake))
    issue = await run(lambda: client.issue(key))
    await run(lambda: issue.update(fields={"summary": "New summary", "assignee": {"accountId": agent.account_id}}))
    err = await jira_error(lambda: issue.update(fields={"status": {"name": "Done"}}))
    assert "Field 'status' cannot be set" in err.text
    stored = fake.issues[key]
    assert (stored.summary, stored.assignee, stored.status) == ("New summary", "acc-agent", "To Do")
    items = {i["field"]: i for i in stored.changelog[-1].items}
    assert items["assignee"]["tmpToAccountId"] == "acc-agent" and items["summary"]["toString"] == "New summary"


async def test_cloud_attachment_upload(cloud: tuple[FakeJira, str]) -> None:
    fake, base = cloud
    key = fake.add_issue("ITSM", "thread").key
    client = await run(lambda: cloud_client(base, fake))
    att = await run(lambda: client.add_attachment(key, io.BytesIO(b"alice: help\nbob: on it\n"), "thread.txt"))
    stored = fake.issues[key].attachments
    assert [(a.filename, a.content) for a in stored] == [("thread.txt", b"alice: help\nbob: on it\n")]
    assert att.size == stored[0].size and att.filename == "thread.txt"
    # Without the XSRF header Jira refuses the upload; the fake also records it as a violation.
    url = f"{base}/rest/api/3/issue/{key}/attachments"
    answer = await run(
        lambda: requests.post(url, files={"file": ("a.txt", b"x")}, auth=(fake.email, fake.api_token), timeout=5)
    )
    assert answer.status_code == 403 and len(fake.violations) == 1


# ---- search --------------------------------------------------------------------------------------------


async def test_enhanced_search_pages_over_thousands(cloud: tuple[FakeJira, str]) -> None:
    fake, base = cloud
    issues = fake.bulk_issues("ITSM", 5200, seed=7)
    jql = "project = ITSM AND statusCategory != Done ORDER BY updated DESC"
    truth = [
        i.key for i in sorted(issues, key=lambda i: i.updated, reverse=True) if i.status in {"To Do", "In Progress"}
    ]
    client = await run(lambda: cloud_client(base, fake))
    found = await run(lambda: client.enhanced_search_issues(jql, maxResults=0, fields=["summary", "status"]))
    assert [i.key for i in found] == truth and len(truth) == fake.count(jql) > 2000
    pages = [r for r in fake.requests if r.path.endswith("/search/jql")]
    assert len(pages) == -(-len(truth) // 100)  # 100 per page when fields are asked for
    ids = await run(
        lambda: client.enhanced_search_issues("project = ITSM", maxResults=6000, fields="key", json_result=True)
    )
    assert len(ids["issues"]) == 5000 and ids["isLast"] is False  # id/key only: up to 5000 per page
    first = await run(lambda: client.enhanced_search_issues(jql, maxResults=500, json_result=True))
    assert len(first["issues"]) == 100 and first["isLast"] is False and first["nextPageToken"]
    assert fake.violations == []


async def test_approximate_count_and_unbounded_queries(cloud: tuple[FakeJira, str]) -> None:
    fake, base = cloud
    fake.bulk_issues("ITSM", 400, seed=3)
    client = await run(lambda: cloud_client(base, fake))
    jql = "project = ITSM AND assignee is EMPTY"
    count = await run(lambda: client.approximate_issue_count(jql))
    assert count == fake.count(jql) == sum(1 for i in fake.issues.values() if i.assignee is None) > 0
    err = await jira_error(lambda: client.approximate_issue_count("ORDER BY updated DESC"))
    assert err.status_code == 400 and "Unbounded JQL queries are not allowed here" in err.text


async def test_old_search_is_gone_on_cloud(cloud: tuple[FakeJira, str]) -> None:
    fake, base = cloud
    answer = await run(
        lambda: requests.get(
            f"{base}/rest/api/3/search", params={"jql": "project = ITSM"}, auth=(fake.email, fake.api_token), timeout=5
        )
    )
    assert answer.status_code == 410 and "/rest/api/3/search/jql" in answer.json()["errorMessages"][0]


async def test_server_search_with_total(server: tuple[FakeJira, str]) -> None:
    fake, base = server
    fake.bulk_issues("OPS", 1200, seed=5)
    client = await run(lambda: server_client(base, fake))
    jql = "project = OPS AND priority in (High, Highest)"
    page = await run(lambda: client.search_issues(jql, maxResults=10))
    everything = await run(lambda: client.search_issues(jql, maxResults=False))
    truth = sum(1 for i in fake.issues.values() if i.priority in {"High", "Highest"})
    assert page.total == truth == len(everything) and len(page) == 10
    assert {r.path for r in fake.requests} >= {"/jira/rest/api/2/search", "/jira/rest/api/2/field"}
    assert fake.violations == []


@pytest.mark.parametrize(
    ("jql", "message"),
    [
        ("project = ITSM AND foo = bar", "Field 'foo' does not exist or you do not have permission to view it."),
        ('status = "Nope"', "The value 'Nope' does not exist for the field 'status'."),
        ("assignee = bob@acme.example", "The character '@' is a reserved JQL character."),
        ("project = ITSM AND", "Error in the JQL Query: Expecting a field name but got EOF."),
        ("project ITSM", "Error in the JQL Query: Expecting operator but got 'ITSM'."),
        ("updated >= yesterday", "Date value 'yesterday' for field 'updated' is invalid."),
    ],
)
async def test_invalid_jql_gets_jiras_message(cloud: tuple[FakeJira, str], jql: str, message: str) -> None:
    fake, base = cloud
    client = await run(lambda: cloud_client(base, fake))
    err = await jira_error(lambda: client.enhanced_search_issues(jql))
    assert err.status_code == 400 and message in err.text


def test_jql_subset_matches_hand_computed_truth() -> None:
    fake = FakeJira("Cloud")
    fake.add_project("ITSM")
    fake.add_project("SEC")
    issues = fake.bulk_issues("ITSM", 1500, seed=11) + fake.bulk_issues("SEC", 300, seed=12)
    now = dt.datetime.now(UTC)
    agent = issues[0].assignee or issues[1].assignee
    itsm = [i for i in issues if i.project == "ITSM"]
    cases = {
        "project = ITSM": len(itsm),
        'project = ITSM AND status = "In Progress"': sum(i.status == "In Progress" for i in itsm),
        'project = ITSM AND statusCategory = "To Do"': sum(i.status == "To Do" for i in itsm),
        "project = ITSM AND statusCategory = Done": sum(i.status in {"Done", "Won't Do"} for i in itsm),
        f'project = ITSM AND assignee = "{agent}"': sum(i.assignee == agent for i in itsm),
        f'project = ITSM AND assignee != "{agent}"': sum(i.assignee not in {agent, None} for i in itsm),
        "project = ITSM AND priority = Highest": sum(i.priority == "Highest" for i in itsm),
        "project = ITSM AND updated >= -30d": sum(i.updated >= now - dt.timedelta(days=30) for i in itsm),
        "project = ITSM AND statusCategory = Done AND resolutiondate >= -30d": sum(
            i.resolutiondate is not None and i.resolutiondate >= now - dt.timedelta(days=30) for i in itsm
        ),
        "(project = SEC OR project = ITSM) AND resolution = Unresolved": sum(i.resolution is None for i in issues),
    }
    assert {jql: fake.count(jql) for jql in cases} == cases
    ordered = fake.search("project = ITSM ORDER BY updated DESC")
    assert [i.updated for i in ordered] == sorted((i.updated for i in itsm), reverse=True)


# ---- auth, projects, permissions -------------------------------------------------------------------------


async def test_bad_credentials_get_401(cloud: tuple[FakeJira, str], server: tuple[FakeJira, str]) -> None:
    (cfake, cbase), (sfake, sbase) = cloud, server
    err = await jira_error(lambda: cloud_client(cbase, cfake, token="wrong"))
    assert err.status_code == 401 and "not authenticated" in err.text
    err = await jira_error(lambda: server_client(sbase, sfake, pat="wrong"))
    assert err.status_code == 401
    answer = await run(lambda: requests.get(f"{cbase}/rest/api/3/myself", timeout=5))  # anonymous
    assert answer.status_code == 401 and answer.json() == {
        "errorMessages": ["You are not authenticated. Authentication required to perform this operation."],
        "errors": {},
    }


async def test_projects_permissions_and_myself(cloud: tuple[FakeJira, str]) -> None:
    fake, base = cloud
    for i in range(5):
        fake.add_project(f"P{i}", f"Project {i}")
    fake.permissions["ADD_COMMENTS"] = False
    client = await run(lambda: cloud_client(base, fake))
    me = await run(client.myself)
    perms: dict[str, Any] = await run(lambda: client.my_permissions(permissions="BROWSE_PROJECTS,ADD_COMMENTS"))
    projects = await run(client.projects)
    lead = await run(lambda: client.project("ITSM").lead.displayName)
    page = await run(
        lambda: requests.get(
            f"{base}/rest/api/3/project/search",
            params={"maxResults": "4", "expand": "lead"},
            auth=(fake.email, fake.api_token),
            timeout=5,
        ).json()
    )
    assert me["accountId"] == fake.bot.account_id and me["emailAddress"] == fake.email
    assert {k: v["havePermission"] for k, v in perms["permissions"].items()} == {
        "BROWSE_PROJECTS": True,
        "ADD_COMMENTS": False,
    }
    assert len(projects) == 6 and lead == "OpsGate Bot"
    assert (page["total"], page["isLast"], len(page["values"])) == (6, False, 4)
    assert page["values"][0]["lead"]["accountId"] == fake.bot.account_id
    key = fake.add_issue("ITSM", "x").key
    err = await jira_error(lambda: client.add_comment(key, ADF))
    assert err.status_code == 403 and fake.issues[key].comments == []


async def test_server_mode_uses_v2_wiki_markup_and_bearer_pat(server: tuple[FakeJira, str]) -> None:
    fake, base = server
    client = await run(lambda: server_client(base, fake))
    info = await run(client.server_info)
    fields = {"project": {"key": "OPS"}, "summary": "s", "issuetype": {"name": "Task"}, "description": "h1. Hi"}
    issue = await run(lambda: client.create_issue(fields=fields))
    await run(lambda: client.add_comment(issue.key, "*Approved* by OpsGate"))
    err = await jira_error(lambda: client.add_comment(issue.key, ADF))
    await run(lambda: client.transition_issue(issue.key, "Start Progress"))
    me = await run(client.myself)
    assert info["deploymentType"] == "Server" and me["name"] == "opsgate"
    assert [c.body for c in fake.issues[issue.key].comments] == ["*Approved* by OpsGate"]
    assert err.status_code == 400 and fake.issues[issue.key].status == "In Progress"
    assert fake.issues[issue.key].description == "h1. Hi"
    assert fake.violations == []


async def test_calls_outside_the_description_are_violations(cloud: tuple[FakeJira, str]) -> None:
    fake, base = cloud
    auth = (fake.email, fake.api_token)
    wrong_version = await run(lambda: requests.get(f"{base}/rest/api/2/myself", auth=auth, timeout=5))
    bad_body = await run(lambda: requests.post(f"{base}/rest/api/3/search/jql", json={"jql": 5}, auth=auth, timeout=5))
    assert (wrong_version.status_code, bad_body.status_code) == (404, 400)
    assert len(fake.violations) == 2 and "InvalidRequestBody" in fake.violations[1]


# ---- failure injection and the Retry-After check ----------------------------------------------------------


async def test_rate_limit_and_retry_after_checker(cloud: tuple[FakeJira, str]) -> None:
    fake, base = cloud
    key = fake.add_issue("ITSM", "x").key
    client = await run(lambda: cloud_client(base, fake))
    fake.rate_limit_next(1, retry_after=1, path="/comment")
    err = await jira_error(lambda: client.add_comment(key, ADF))
    assert err.status_code == 429 and err.response is not None and err.response.headers["Retry-After"] == "1"
    await run(lambda: client.add_comment(key, ADF))  # too soon
    assert len(fake.pacing_violations) == 1
    fake.rate_limit_next(1, retry_after=1, path="/comment")
    await jira_error(lambda: client.add_comment(key, ADF))
    await asyncio.sleep(1.05)
    await run(lambda: client.add_comment(key, ADF))
    assert len(fake.pacing_violations) == 1
    assert [(r.status, r.retry_after) for r in fake.comment_posts(key)] == [
        (429, 1),
        (201, None),
        (429, 1),
        (201, None),
    ]
    assert len(fake.issues[key].comments) == 2


async def test_outages(cloud: tuple[FakeJira, str]) -> None:
    fake, base = cloud
    key = fake.add_issue("ITSM", "x").key
    client = await run(lambda: cloud_client(base, fake))
    fake.fail_next(2, status=503)
    assert (await jira_error(lambda: client.add_comment(key, ADF))).status_code == 503
    assert (await jira_error(lambda: client.issue(key))).status_code == 503
    fake.down()
    assert (await jira_error(lambda: client.add_comment(key, ADF))).status_code == 503
    fake.down("reset")
    with pytest.raises(requests.ConnectionError):
        await run(lambda: client.add_comment(key, ADF))
    fake.up()
    await run(lambda: client.add_comment(key, ADF))
    assert [r.status for r in fake.comment_posts(key)] == [503, 503, 0, 201]
    assert len(fake.issues[key].comments) == 1


# ---- webhooks -------------------------------------------------------------------------------------------


def test_webhook_payloads_follow_the_changelog() -> None:
    fake = FakeJira("Cloud")
    fake.add_project("SEC", "Security")
    alice = fake.add_user("acc-alice", "Alice", "alice@example.com")
    key = fake.add_issue("SEC", "Rotate keys", description="Please rotate").key
    fake.transition(key, "In Progress", by=alice.account_id)
    with pytest.raises(ValueError, match="not reachable"):
        fake.transition(key, "Won't Do")
    updated = fake.webhook_payload("jira:issue_updated", key)
    assert updated["user"]["accountId"] == "acc-alice" and updated["issue_event_type_name"] == "issue_generic"
    assert [(i["field"], i["fromString"], i["toString"]) for i in updated["changelog"]["items"]] == [
        ("status", "To Do", "In Progress")
    ]
    assert updated["issue"]["fields"]["description"] == "Please rotate"  # v2 representation in webhooks
    items = fake.edit(key, by=alice.account_id, assignee=alice.account_id)
    assigned = fake.webhook_payload("jira:issue_updated", key)
    assert assigned["changelog"]["items"] == items and assigned["issue_event_type_name"] == "issue_assigned"
    fake.delete_issue(key)
    deleted = fake.webhook_payload("jira:issue_deleted", key)
    assert deleted["webhookEvent"] == "jira:issue_deleted" and "changelog" not in deleted
    body, headers = webhook_request("s3cret", deleted, identifier="delivery-1")
    assert headers["X-Hub-Signature"] == webhook_signature("s3cret", body)
    assert headers["X-Atlassian-Webhook-Identifier"] == "delivery-1"


def test_bulk_issues_are_deterministic() -> None:
    def snapshot(seed: int) -> list[tuple[str, str, str | None, str | None]]:
        fake = FakeJira("Server")
        fake.add_project("OPS")
        return [(i.key, i.status, i.priority, i.assignee) for i in fake.bulk_issues("OPS", 200, seed=seed)]

    assert snapshot(1) == snapshot(1) != snapshot(2)
    started = time.monotonic()
    fake = FakeJira("Cloud")
    fake.bulk_issues("BIG", 5000, seed=1)
    assert fake.count("project = BIG") == 5000 and time.monotonic() - started < 5
