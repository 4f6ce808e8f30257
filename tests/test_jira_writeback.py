"""Write-back of decisions and results to Jira through the outbox: ADF on Cloud v3, wiki markup on Server v2 with
a bearer PAT, outages and rate limits (comment lands once), give-up (visible in the thread and on the audit
chain), lost answers, sandbox mode, and Jira being down never holding up a decision."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Engine, text
from structlog.testing import capture_logs

from opsgate.store import audit
from opsgate.store import runs as run_rows
from opsgate.store.models import utcnow
from tests.fakes.jira_model import adf_to_text
from tests.jira_support import ALICE, Env, jira_env_gate


async def _approved(env: Env, key: str | None = None) -> tuple[str, str]:
    key = key or env.fake.add_issue("ITSM", "MFA reset").key
    run_id = await env.ingest(key)
    await env.drain()
    await env.approve(run_id)
    return key, run_id


def _comment_texts(env: Env, key: str) -> list[str]:
    return [adf_to_text(c.body) for c in env.fake.issues[key].comments]


async def test_approval_comment_is_adf_on_cloud_and_cites_the_audit_entry(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        key, _run_id = await _approved(env)
        await env.drain()
        [comment] = env.fake.issues[key].comments
        assert comment.body["type"] == "doc" and comment.body["version"] == 1
        assert comment.body["content"][0]["content"][1] == {
            "type": "text",
            "text": "APPROVED",
            "marks": [{"type": "strong"}],
        }
        with env.services.read_session() as session:
            entries = audit.page(session, org_id=env.services.default_org_id, org="", after_seq=0, limit=100)
        entry = next(e for e in entries if e["action"] == "run.approved")
        assert adf_to_text(comment.body).split("\n") == [
            "[OpsGate] Runbook decision: APPROVED",
            "Runbook: MFA Reset",
            "Target user: sarah.chen@acme.com",
            f"Decision by: slack:UALICE at {entry['ts']}",
            "OpsGate executes the runbook only after this explicit human approval.",
            "This decision is recorded on the org's tamper-evident audit chain "
            f"(entry {entry['seq']}, sha256 {entry['hash'][:12]}...).",
        ]
        assert comment.author == env.fake.bot.account_id
        assert env.fake.violations == [] and env.pending("jira.comment")[0].delivered_at is not None


async def test_server_gets_wiki_markup_over_v2_with_a_bearer_pat(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine, deployment="Server") as env:
        key = env.fake.add_issue("ITSM", "MFA reset").key
        run_id = await env.ingest(key)
        await env.drain()
        await env.deny(run_id, reason="caller not verified [phone]")
        await env.drain()
        [comment] = env.fake.issues[key].comments
        assert isinstance(comment.body, str)
        lines = comment.body.split("\n")
        assert lines[0] == "\\[OpsGate\\] Runbook decision: *DENIED*"
        assert "Reason: caller not verified \\[phone\\]" in lines and "No changes were made." in lines
        paths = {r.path for r in env.fake.requests}
        assert f"/jira/rest/api/2/issue/{key}/comment" in paths and not any("/rest/api/3/" in p for p in paths)
        assert env.jira.integrations.sites()[0].config.deployment == "Server"
        assert env.fake.violations == []


async def test_comment_lands_once_after_an_outage_and_a_rate_limit(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        key = env.fake.add_issue("ITSM", "MFA reset").key
        run_id = await env.ingest(key)
        await env.drain()
        env.fake.down("reset")  # refuses connections
        await env.approve(run_id)  # the decision does not wait for Jira
        assert env.gate.runs.get(run_id).status == "approved"
        await env.drain()
        env.fake.down("503")
        for _ in range(3):
            env.make_due("jira.comment")
            await env.drain()
        env.fake.up()
        env.fake.rate_limit_next(1, retry_after=2, path="/comment")
        env.make_due("jira.comment")
        before = utcnow()
        await env.drain()
        [row] = env.pending("jira.comment")
        assert row.delivered_at is None and row.next_attempt_at >= before + dt.timedelta(seconds=2)
        assert "429" in (row.last_error or "")
        await env.drain()  # not due yet: Retry-After is honoured
        assert env.fake.issues[key].comments == []
        env.make_due("jira.comment")
        await env.drain()
        assert len(env.fake.issues[key].comments) == 1 and "APPROVED" in _comment_texts(env, key)[0]
        assert [r.status for r in env.fake.comment_posts(key)][-1] == 201
        assert env.pending("jira.comment")[0].delivered_at is not None
        assert env.audit("jira.writeback_gave_up") == 0 and env.fake.violations == []


async def test_a_retry_after_a_lost_answer_does_not_comment_twice(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        key, _run = await _approved(env)
        await env.drain()
        # The comment landed but the process died before recording it: the row is due again, one attempt in.
        with engine.begin() as conn:
            conn.execute(text("UPDATE outbox SET delivered_at = NULL, attempts = 1 WHERE kind = 'jira.comment'"))
        env.make_due("jira.comment")
        await env.drain()
        assert len(env.fake.issues[key].comments) == 1
        assert env.pending("jira.comment")[0].delivered_at is not None


async def test_give_up_is_visible_in_the_thread_and_on_the_audit_chain(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine, env={"OPSGATE_JIRA_WRITEBACK_GIVE_UP": "5s"}) as env:
        key = env.fake.add_issue("ITSM", "MFA reset").key
        run_id = await env.ingest(key)
        await env.drain()
        env.fake.down("503")
        await env.approve(run_id)
        with capture_logs() as logs:
            for _ in range(5):
                env.make_due("jira.comment")
                await env.drain()
        [row] = env.pending("jira.comment")
        assert env.fake.api_token not in json.dumps(logs, default=str) + (row.last_error or "")
        assert row.gave_up_at is not None and row.attempts >= 2
        assert env.audit("jira.writeback_gave_up") == 1
        thread = env.card_thread(run_id)
        assert any(
            line.startswith(f"Jira write-back failed ({key}): OpsGate gave up on the decision comment")
            and "Jira answered HTTP 503" in line
            for line in thread
        ), thread
        assert env.gate.runs.get(run_id).status == "approved"  # the run is not affected


async def test_a_deleted_issue_gives_up_at_once(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        key = env.fake.add_issue("ITSM", "MFA reset").key
        run_id = await env.ingest(key)
        await env.drain()
        env.fake.delete_issue(key)
        await env.approve(run_id)
        await env.drain()
        [row] = env.pending("jira.comment")
        assert row.gave_up_at is not None and row.attempts == 1 and "HTTP 404" in (row.last_error or "")
        assert any("gave up" in line and "HTTP 404" in line for line in env.card_thread(run_id))


async def test_sandbox_writes_nothing_to_jira(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine, sandbox=True, env={}) as env:
        key, run_id = await _approved(env)
        await env.drain()
        assert env.fake.issues[key].comments == [] and env.pending("jira.comment") == []
        assert not [r for r in env.fake.requests if r.method != "GET"]
        assert env.gate.runs.get(run_id).status == "approved"


async def test_results_follow_the_decision_in_order(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        key, run_id = await _approved(env)
        env.fake.down("503")
        await env.drain()
        with env.services.transaction() as session:  # what the executor does
            run = run_rows.lock(session, run_id)
            assert run is not None
            env.gate.runs.move(session, run, "executing", actor="opsgate:executor")
            env.gate.runs.move(session, run, "succeeded", actor="opsgate:executor")
        env.fake.up()
        env.make_due("jira.comment")
        await env.drain()
        env.make_due("jira.comment")
        await env.drain()
        texts = _comment_texts(env, key)
        assert [t.split("\n")[0] for t in texts] == [
            "[OpsGate] Runbook decision: APPROVED",
            "[OpsGate] Runbook result: SUCCEEDED",
        ]
        assert (
            "Approved by: slack:UALICE" in texts[1]
            and "Action executed by OpsGate after explicit human approval." in texts[1]
        )


async def test_expiry_and_compact_format(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        await env.jira.integrations.update(env.site_id, {"comment_format": "compact"}, actor="test")
        key = env.fake.add_issue("ITSM", "MFA reset").key
        run_id = await env.ingest(key)
        await env.drain()
        env.gate.runs.expire_due(utcnow() + dt.timedelta(days=2))
        await env.drain()
        [text] = _comment_texts(env, key)
        assert text.startswith("[OpsGate] EXPIRED: MFA Reset for sarah.chen@acme.com by opsgate:scheduler at ")
        assert "No changes were made." in text and "\n" not in text
        assert env.gate.runs.get(run_id).status == "expired"


async def test_decisions_do_not_wait_for_a_hanging_jira(db_url: str, engine: Engine) -> None:
    async with jira_env_gate(db_url, engine) as env:
        keys = [env.fake.add_issue("ITSM", f"MFA reset {i}").key for i in range(3)]
        runs = [await env.ingest(k) for k in keys]
        await env.drain()
        env.fake.down("reset")
        for run_id in runs:
            run = env.gate.runs.get(run_id)
            outcome = await env.gate.decide(run_id, ALICE, "approve", plan_hash=run.plan_hash)
            assert outcome.changed
        await env.drain()
        assert {env.gate.runs.get(r).status for r in runs} == {"approved"}
        assert len(env.pending("jira.comment")) == 3
