"""End to end, black box (issues #6 and #7): the real ``opsgate serve`` process, configured only through the
environment and the CLI as README.md and docs/ describe, against fake Slack, Jira and Okta over loopback.

A Jira Automation rule posts a ticket; the approval card appears in Slack; an approver's signed click runs the
runbook in Okta, updates the card, DMs the reporter and writes the decision and the result to the Jira issue. The
reporter (an approver too) and a non-approver change nothing and are told so privately; Deny asks for a reason and
changes nothing in Okta; a badly signed or stale request gets 401. Each flow ends with ``opsgate audit verify``.
"""

from __future__ import annotations

import asyncio
import json
import pathlib
import time

import pytest

from tests.e2e_support import (
    ALICE,
    APPROVE,
    CAROL,
    CHANNEL,
    DENY,
    DENY_CALLBACK,
    DENY_FIELD,
    MALLORY,
    SARAH,
    World,
    buttons,
    e2e_world,
    message_text,
)
from tests.fakes.slack import view_submission_body

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

QUIET = 1.5  # seconds a refused or rejected request is given to (wrongly) change something


async def _card(
    world: World, summary: str, description: str, reporter: str = SARAH[1]
) -> tuple[str, str, dict[str, object]]:
    """Ingest a ticket; (issue key, run id, the posted approval card)."""
    issue, answer = await world.ingest(summary, description, reporter)
    assert answer["disposition"] == "awaiting_approval" and answer["duplicate"] is False, answer
    run_id = str(answer["runId"])
    await world.eventually(lambda: len(world.cards(run_id)) == 1, "the approval card is posted")
    card = world.card(run_id)
    assert buttons(card) == [APPROVE, DENY]
    return issue, run_id, card


async def _status_is(world: World, run_id: str, status: str) -> bool:
    return await world.status(run_id) == status


async def _post_unsigned(world: World, body: str) -> tuple[int, str, float]:
    started = time.monotonic()
    kind = "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
    headers = {"Content-Type": kind}
    async with world.http.post(world.base + "/slack/events", data=body.encode(), headers=headers) as resp:
        return resp.status, await resp.text(), time.monotonic() - started


async def _audit_verify(world: World) -> None:
    result = await world.cli("audit", "verify")
    assert result.code == 0 and result.out.startswith("OK: "), (result.code, result.out, result.err)


async def _chain(world: World, run_id: str) -> list[str]:
    """The run's actions on the exported audit chain (``opsgate audit export``), checked for secrets."""
    exported = await world.admin("audit", "export")
    assert [s for s in world.secrets() if s in exported] == [], "a secret is on the audit chain"
    entries = [json.loads(line) for line in exported.splitlines()]
    return [e["action"] for e in entries if e["subject"] == f"run:{run_id}"]


async def test_approve_runs_the_runbook_updates_the_card_and_writes_to_jira(
    db_url: str, tmp_path: pathlib.Path
) -> None:
    async with e2e_world(db_url, tmp_path) as world:
        started = time.monotonic()
        issue, run_id, card = await _card(
            world, "MFA reset for Sam Lee", "Sam lost his phone; please reset the MFA of sam.lee@acme.com."
        )
        run = await world.run(run_id)
        assert run["runbook"] == "RB-002" and run["targetUser"]["email"] == "sam.lee@acme.com"
        assert run["requester"] == f"jira:{SARAH[1]}"
        text = message_text(card)
        assert "sam.lee@acme.com" in text and issue in text and "sandbox" not in text.lower()
        await world.eventually(
            lambda: any(issue in message_text(m) for m in world.slack.thread_replies(CHANNEL, str(card["ts"]))),
            "the card's thread names the Jira issue",
        )
        assert world.okta_writes() == [] and world.comments(issue) == []

        await world.click(ALICE, card, APPROVE)

        await world.eventually(lambda: _status_is(world, run_id, "succeeded"), "the run succeeds")
        user = world.okta.user("sam.lee@acme.com")
        assert world.okta_writes() == [f"POST /api/v1/users/{user['id']}/lifecycle/reset_factors"]
        assert world.okta.factor_types("sam.lee@acme.com") == []

        def card_done() -> bool:
            final = world.card(run_id)
            return "Succeeded" in message_text(final) and buttons(final) == []

        await world.eventually(card_done, "the card shows the outcome and no buttons")
        final = message_text(world.card(run_id))
        assert f"<@{ALICE[0]}>" in final
        assert any("Processing" in message_text(v) for v in world.card_versions(run_id)), "no Processing... render"
        updates = [c for c in world.slack.calls_of("chat.update") if c.args.get("channel") == CHANNEL]
        assert updates and all(c.ok for c in updates)

        def jira_done() -> bool:
            texts = world.comments(issue)
            return len(texts) == 2 and world.jira.issues[issue].status == "Done"

        await world.eventually(jira_done, "the Jira issue has both comments and is Done")
        approved, succeeded = world.comments(issue)
        assert "Runbook decision: APPROVED" in approved and f"slack:{ALICE[0]}" in approved
        assert "Runbook result: SUCCEEDED" in succeeded and "sam.lee@acme.com" in succeeded
        moves = [(c.items[0]["fromString"], c.items[0]["toString"]) for c in world.jira.issues[issue].changelog]
        assert moves == [("To Do", "In Progress"), ("In Progress", "Done")]

        # The reporter has a Slack account with the same email: told by DM who decided.
        await world.eventually(lambda: any("approved" in t for t in world.dms_to(SARAH)), "the reporter's DM")
        assert any(f"<@{ALICE[0]}>" in t for t in world.dms_to(SARAH))
        assert world.ephemerals_for(ALICE) == []
        assert (await world.run(run_id))["decidedBy"] == f"<@{ALICE[0]}>"
        chain = await _chain(world, run_id)
        assert chain[0] == "run.ingested" and "run.approved" in chain and chain.count("run.step") == 3, chain
        assert chain.index("run.approved") < chain.index("run.step") and chain[-1] == "run.succeeded", chain

        # A second press on the card as it was (a double click, a stale copy) changes nothing, privately said.
        dms, versions = len(world.dms_to(SARAH)), len(world.card_versions(run_id))
        await world.click(ALICE, card, APPROVE)
        await world.eventually(lambda: len(world.ephemerals_for(ALICE)) == 1, "the second press is answered")
        assert "already" in world.ephemerals_for(ALICE)[0].lower()
        await asyncio.sleep(QUIET)
        assert len(world.okta_writes()) == 1 and len(world.comments(issue)) == 2
        assert len(world.dms_to(SARAH)) == dms and len(world.card_versions(run_id)) == versions
        await _audit_verify(world)
        world.assert_clean()
        assert time.monotonic() - started < 15


async def test_the_reporter_a_non_approver_and_bad_signatures_change_nothing(
    db_url: str, tmp_path: pathlib.Path
) -> None:
    async with e2e_world(db_url, tmp_path) as world:
        started = time.monotonic()
        issue, run_id, card = await _card(
            world,
            "Password reset for Kim Park",
            "Kim is locked out, please reset the password of kim.park@acme.com",
            reporter="Sarah.Chen@Acme.com",  # Jira's spelling of the address need not match Slack's
        )
        # HTTP mode set-up: Slack verifies the request URL with a signed challenge; an unsigned one gets nothing.
        challenge = json.dumps({"token": "legacy", "challenge": "e2e-challenge-3f9c", "type": "url_verification"})
        status, text, _took = await world.post_slack(challenge)
        assert status == 200 and "e2e-challenge-3f9c" in text
        assert (await _post_unsigned(world, challenge))[0] == 401

        approve_as_alice = world.click_body(ALICE, card, APPROVE)

        forged = await world.post_slack(approve_as_alice, secret="not-the-signing-secret")
        assert forged[0] == 401
        stale = await world.post_slack(approve_as_alice, ts=int(time.time()) - 600)
        assert stale[0] == 401
        unsigned_status, _text, _took = await _post_unsigned(world, approve_as_alice)
        assert unsigned_status == 401
        # Said in the log as such, without the unauthenticated body.
        await world.eventually(
            lambda: sum(e["event"] == "slack_bad_signature" for e in world.log_events()) == 4, "bad signatures logged"
        )
        assert "payload=" not in world.log(100_000) and "block_actions" not in world.log(100_000)
        ages = [e.get("request_age_s") for e in world.log_events() if e["event"] == "slack_bad_signature"]
        assert any(isinstance(a, int) and 590 <= a <= 700 for a in ages), ages  # the stale one says how old

        # The reporter, although listed in OPSGATE_SLACK_APPROVERS, cannot approve their own request.
        versions = len(world.card_versions(run_id))
        await world.click(SARAH, card, APPROVE)
        await world.eventually(lambda: len(world.ephemerals_for(SARAH)) == 1, "the reporter is told privately")
        assert "You asked for" in world.ephemerals_for(SARAH)[0]

        # Someone who is not an approver: refused privately.
        await world.click(MALLORY, card, APPROVE)
        await world.eventually(lambda: len(world.ephemerals_for(MALLORY)) == 1, "the non-approver is told privately")
        assert "approver" in world.ephemerals_for(MALLORY)[0].lower()
        await world.click(MALLORY, card, DENY)
        await world.eventually(lambda: len(world.ephemerals_for(MALLORY)) == 2, "the non-approver's Deny is refused")
        assert world.slack.opened_views == []

        await asyncio.sleep(QUIET)
        # The shared card never flipped to "Processing..." for a press that could only be refused.
        assert len(world.card_versions(run_id)) == versions, [message_text(v) for v in world.card_versions(run_id)]
        run = await world.run(run_id)
        assert run["status"] == "awaiting_approval" and run["approvals"] == [] and run["decidedBy"] is None
        await world.eventually(lambda: buttons(world.card(run_id)) == [APPROVE, DENY], "the buttons stay")
        assert world.okta_writes() == []
        assert world.okta.factor_types("kim.park@acme.com") == ["push"]
        assert world.comments(issue) == [] and world.jira.issues[issue].status == "To Do"
        assert world.dms_to(SARAH) == []
        assert world.ephemerals_for(ALICE) == []
        await _audit_verify(world)
        world.assert_clean()
        assert time.monotonic() - started < 15


async def test_deny_asks_for_a_reason_and_changes_nothing_in_okta(db_url: str, tmp_path: pathlib.Path) -> None:
    async with e2e_world(db_url, tmp_path, jira_from="env") as world:  # Jira from JIRA_*, no state mapping
        started = time.monotonic()
        issue, run_id, card = await _card(
            world, "Reset MFA for Dana Wu", "New phone for dana.wu@acme.com, please reset her MFA."
        )
        await world.click(CAROL, card, DENY)  # an approver through the user group
        await world.eventually(lambda: len(world.slack.opened_views) == 1, "the deny modal opens")
        modal = world.slack.opened_views[0]
        assert modal["callback_id"] == DENY_CALLBACK
        assert await world.status(run_id) == "awaiting_approval"

        body = view_submission_body(
            DENY_CALLBACK,
            {DENY_FIELD: {DENY_FIELD: {"type": "plain_text_input", "value": "No manager approval on the ticket"}}},
            user_id=CAROL[0],
            private_metadata=modal["private_metadata"],
            view_id=modal["id"],
            blocks=modal["blocks"],
        )
        status, text, took = await world.post_slack(body)
        assert status == 200 and text == "" and took < 3.0

        await world.eventually(lambda: _status_is(world, run_id, "denied"), "the run is denied")

        def card_denied() -> bool:
            final = message_text(world.card(run_id))
            return "Denied" in final and "No manager approval on the ticket" in final

        await world.eventually(card_denied, "the card shows the denial and its reason")
        assert buttons(world.card(run_id)) == [] and f"<@{CAROL[0]}>" in message_text(world.card(run_id))

        await world.eventually(lambda: len(world.comments(issue)) == 1, "the denial is commented on the issue")
        (comment,) = world.comments(issue)
        assert "Runbook decision: DENIED" in comment and "No manager approval on the ticket" in comment
        assert "No changes were made." in comment
        await world.eventually(lambda: any("denied" in t for t in world.dms_to(SARAH)), "the reporter's DM")
        await asyncio.sleep(QUIET)
        assert world.okta_writes() == [] and world.okta.factor_types("dana.wu@acme.com") == ["sms"]
        assert world.jira.issues[issue].status == "To Do" and world.jira.issues[issue].changelog == []  # no mapping
        run = await world.run(run_id)
        assert run["denyReason"] == "No manager approval on the ticket" and run["steps"] == []
        await _audit_verify(world)
        world.assert_clean()
        assert time.monotonic() - started < 15
