"""State mapping and transitions out, signed webhooks in: moves through the Transitions API only, unreachable
statuses reported (never fatal), timeline lines in the run's thread, replays applied once, forged or unknown
deliveries answered 200 with nothing written, no echo of OpsGate's own changes, deletion and mapped closing
statuses cancelling a waiting run, and two Jira sites with the same issue key kept apart."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from opsgate.bot.jira.integrations import JiraInput
from tests.fakes.jira import FakeJira
from tests.fakes.jira_model import adf_to_text
from tests.fakes.server import serve
from tests.jira_support import HOOK_SECRET, Env, jira_env_gate


async def _map(env: Env, **mapping: str) -> None:
    await env.jira.integrations.update(env.site_id, {"state_mapping": mapping}, actor="test")


def _written(env: Env) -> tuple[int, ...]:
    s = env.services
    from tests.helpers import count

    tables = ("outbox", "webhook_deliveries", "audit_entries", "jira_links")
    awaiting = count(s, "SELECT count(*) FROM runs WHERE status = 'awaiting_approval'")
    return (*(count(s, f"SELECT count(*) FROM {table}") for table in tables), awaiting)


def _transition_posts(env: Env) -> list[Any]:
    return [r for r in env.fake.requests if r.method == "POST" and r.path.endswith("/transitions")]


async def test_state_mapping_moves_the_issue_through_transitions(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        await _map(env, approved="in progress", succeeded="Done", awaiting_approval="To Do")
        key = env.fake.add_issue("ITSM", "MFA reset").key
        run_id = await env.ingest(key)
        await env.drain()
        assert _transition_posts(env) == []  # already "To Do": skipped
        await env.approve(run_id)
        await env.drain()
        issue = env.fake.issues[key]
        assert issue.status == "In Progress" and issue.changelog[-1].author == env.fake.bot.account_id
        assert [str(r.json()["transition"]["id"]) for r in _transition_posts(env)] == ["11"]
        with env.services.transaction() as session:
            from opsgate.store import runs as run_rows

            run = run_rows.lock(session, run_id)
            assert run is not None
            env.gate.runs.move(session, run, "executing", actor="opsgate:executor")
            env.gate.runs.move(session, run, "succeeded", actor="opsgate:executor")
        await env.drain()
        assert issue.status == "Done" and issue.resolution == "Done"
        assert env.fake.violations == []


async def test_unreachable_transition_is_reported_not_fatal(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        await _map(env, denied="Done")  # Done is reachable only from In Progress
        key = env.fake.add_issue("ITSM", "MFA reset").key
        run_id = await env.ingest(key)
        await env.drain()
        await env.deny(run_id)
        await env.drain()
        assert env.fake.issues[key].status == "To Do" and _transition_posts(env) == []
        assert len(env.fake.issues[key].comments) == 1  # the decision comment still landed
        assert env.gate.runs.get(run_id).status == "denied"
        assert env.audit("jira.transition_unreachable") == 1 and env.audit("jira.writeback_gave_up") == 0
        [row] = env.pending("jira.transition")
        assert row.delivered_at is not None
        assert (
            f'Jira ({key}): OpsGate could not move the issue to "Done": no transition leads there from "To Do". '
            'Reachable from "To Do": "In Progress", "Won\'t Do". The run is not affected; check the state mapping '
            "or the workflow."
        ) in env.card_thread(run_id)


async def test_signed_changelog_becomes_one_timeline_line(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        alice = env.fake.add_user("acc-alice", "Alice", "alice@example.com")
        issue = env.fake.add_issue("ITSM", "MFA reset")
        run_id = await env.ingest(issue.key)
        await env.drain()
        items = env.fake.move(issue, "In Progress")
        items.append(env.fake.set_field(issue, "assignee", alice.account_id))
        env.fake.record(issue, items, alice.account_id)
        payload = env.fake.webhook_payload("jira:issue_updated", issue.key)
        assert await env.hook(payload, identifier="d-1") == 200
        await env.drain()
        line = (
            f'Jira update ({issue.key}): status changed from "To Do" to "In Progress"; '
            'assignee set to "alice@example.com"'
        )
        assert env.card_thread(run_id).count(line) == 1
        assert await env.hook(payload, identifier="d-1") == 200  # Jira's retry of the same delivery
        env.make_due()
        await env.drain()
        assert env.card_thread(run_id).count(line) == 1
        assert env.gate.runs.get(run_id).status == "awaiting_approval"


async def test_forged_or_unknown_deliveries_get_200_and_write_nothing(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        issue = env.fake.add_issue("ITSM", "MFA reset")
        await env.ingest(issue.key)
        await env.drain()
        env.fake.add_user("acc-dave", "Dave", "dave@example.com")
        env.fake.delete_issue(issue.key)
        payload = env.fake.webhook_payload("jira:issue_deleted", issue.key, user="acc-dave")
        before = _written(env)
        assert await env.hook(payload, secret="not-the-secret") == 200
        assert await env.hook(payload, secret=None) == 200  # no signature at all
        assert await env.hook(payload, headers={"X-Hub-Signature": "sha1=abc"}) == 200
        assert await env.hook(payload, site_id="jira_doesnotexist") == 200
        stranger = env.fake.add_issue("ITSM", "not linked")
        env.fake.delete_issue(stranger.key)
        assert await env.hook(env.fake.webhook_payload("jira:issue_deleted", stranger.key, user="acc-dave")) == 200
        resp = await env.http.post(f"/api/v1/webhooks/jira/{env.site_id}", data=b"{not json", headers={})
        assert resp.status == 200 and await resp.read() == b""
        assert _written(env) == before
        assert await env.hook(payload) == 200  # the genuine delivery does apply
        assert _written(env) != before


async def test_deletion_cancels_an_awaiting_run_and_updates_its_card(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        issue = env.fake.add_issue("ITSM", "MFA reset")
        run_id = await env.ingest(issue.key)
        await env.drain()
        card = env.slack.channel_messages("C0APPROVALS")[0]
        env.fake.add_user("acc-dave", "Dave", "dave@example.com")
        env.fake.delete_issue(issue.key)
        deleted = env.fake.webhook_payload("jira:issue_deleted", issue.key, user="acc-dave")
        assert await env.hook(deleted) == 200
        await env.drain()
        run = env.gate.runs.get(run_id)
        assert run.status == "cancelled" and "deleted" in (run.deny_reason or "")
        updated = env.slack.message("C0APPROVALS", card["ts"])
        assert updated is not None and updated != card and "opsgate.approve" not in str(updated["blocks"])
        assert f"Jira update ({issue.key}): the issue was deleted in Jira by Dave; the request was cancelled." in (
            env.card_thread(run_id)
        )
        assert not [r for r in env.fake.requests if r.method == "POST"]  # nothing written to the deleted issue
        assert env.pending("jira.comment") == []
        before = _written(env)
        assert await env.hook(deleted, identifier="another-delivery") == 200  # the link is gone
        assert _written(env) == before


async def test_mapped_closing_status_cancels_without_moving_back(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        await _map(env, cancelled="won't do", denied="Won't Do")
        bob = env.fake.add_user("acc-bob", "Bob", "bob@example.com")
        issue = env.fake.add_issue("ITSM", "MFA reset")
        run_id = await env.ingest(issue.key)
        await env.drain()
        env.fake.transition(issue.key, "Won't Do", by=bob.account_id)
        assert await env.hook(env.fake.webhook_payload("jira:issue_updated", issue.key)) == 200
        await env.drain()
        run = env.gate.runs.get(run_id)
        assert run.status == "cancelled" and run.decided_by == "Bob (in Jira)"
        assert 'moved to "Won\'t Do" by Bob' in (run.deny_reason or "")
        [comment] = env.fake.issues[issue.key].comments
        assert adf_to_text(comment.body).startswith("[OpsGate] Runbook decision: CANCELLED")
        assert _transition_posts(env) == [] and env.pending("jira.transition") == []


async def test_opsgate_own_changes_do_not_echo(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        await _map(env, approved="In Progress")
        issue = env.fake.add_issue("ITSM", "MFA reset")
        run_id = await env.ingest(issue.key)
        await env.drain()
        await env.approve(run_id)
        await env.drain()
        assert issue.status == "In Progress" and issue.changelog[-1].author == env.fake.bot.account_id
        before = _written(env)
        own_move = env.fake.webhook_payload("jira:issue_updated", issue.key)
        own_comment = env.fake.webhook_payload("jira:issue_updated", issue.key, [], comment=issue.comments[0])
        assert own_move["user"]["accountId"] == env.fake.bot.account_id
        assert await env.hook(own_move) == 200 and await env.hook(own_comment) == 200
        assert _written(env) == before
        thread = env.card_thread(run_id)
        assert not any(line.startswith("Jira update") for line in thread)


async def test_server_webhooks_name_users_and_own_account_by_username(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine, deployment="Server") as env:
        carol = env.fake.add_user("carol-key", "Carol", "carol@example.com", name="carol")
        issue = env.fake.add_issue("ITSM", "MFA reset")
        run_id = await env.ingest(issue.key)
        await env.drain()
        env.fake.edit(issue.key, by=carol.account_id, priority="High")
        assert await env.hook(env.fake.webhook_payload("jira:issue_updated", issue.key)) == 200
        env.fake.edit(issue.key, priority="Low")  # by OpsGate's own account ("opsgate")
        assert await env.hook(env.fake.webhook_payload("jira:issue_updated", issue.key)) == 200
        await env.drain()
        lines = [line for line in env.card_thread(run_id) if line.startswith("Jira update")]
        assert lines == [f'Jira update ({issue.key}): priority changed from "Medium" to "High"']


async def test_two_sites_with_the_same_issue_key_stay_apart(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        other = FakeJira("Cloud", email="bot@beta.example", api_token="beta-token")
        other.add_project("ITSM", "Beta IT")
        async with serve(other.app) as other_base:
            site_b, _test = await env.jira.integrations.add(
                env.services.default_org_id,
                JiraInput(other_base, "beta-token", email="bot@beta.example", webhook_secret="beta-secret"),
                actor="test",
            )
            a = env.fake.add_issue("ITSM", "MFA reset")
            b = other.add_issue("ITSM", "MFA reset")
            assert a.key == b.key == "ITSM-1"
            run_a = await env.ingest(a.key)
            run_b = await env.ingest(b.key, base=other_base)
            assert run_a != run_b
            await env.drain()
            await env.approve(run_a)
            await env.drain()
            assert len(env.fake.issues[a.key].comments) == 1 and other.issues[b.key].comments == []
            other.add_user("acc-erin", "Erin")
            other.delete_issue(b.key)
            payload = other.webhook_payload("jira:issue_deleted", b.key, user="acc-erin")
            # signed with site B's secret but sent to site A's URL: not A's signature, ignored
            assert await env.hook(payload, secret="beta-secret", site_id=env.site_id) == 200
            assert await env.hook(payload, secret="beta-secret", site_id=site_b.id) == 200
            await env.drain()
            assert env.gate.runs.get(run_a).status == "approved"
            assert env.gate.runs.get(run_b).status == "cancelled"
            assert env.fake.violations == [] and other.violations == []


def test_hook_secret_is_what_the_env_set() -> None:
    assert HOOK_SECRET.startswith("whsec-")
