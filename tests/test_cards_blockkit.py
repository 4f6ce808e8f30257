"""Behaviour of the Block Kit builders: blocks are found by block_id, never by position."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from opsgate.cards.blockkit import access_home, home, messages, modals
from opsgate.cards.blockkit import approval as slack
from opsgate.cards.ids import ActionId, BlockId, CallbackId, DecisionButton, DenyModalMetadata, FieldId, GrantButton
from opsgate.cards.limits import SLACK_SECTION_TEXT
from opsgate.cards.samples import (
    GRANT_ACTIVE,
    GRANT_ENDING,
    GRANT_REVOKED,
    HOME_GRANTS,
    PLAN_HASH,
    RUNBOOKS,
    SAMPLES,
    SUMMARIES,
)
from opsgate.cards.text import RefusalKind
from opsgate.cards.views import PlanStepView, StepResultView

AWAITING = SAMPLES["awaiting"]


def validate(blocks: list[dict[str, Any]]) -> None:
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        parsed.validate_json()


def by_id(payload: dict[str, Any], block_id: str) -> dict[str, Any]:
    found = [b for b in payload["blocks"] if b.get("block_id") == block_id]
    assert len(found) == 1, f"expected one block {block_id}, found {len(found)}"
    block: dict[str, Any] = found[0]
    return block


def has(payload: dict[str, Any], block_id: str) -> bool:
    return any(b.get("block_id") == block_id for b in payload["blocks"])


def text_of(block: dict[str, Any]) -> str:
    if block["type"] == "context":
        return "\n".join(e["text"] for e in block["elements"])
    if "fields" in block:
        return "\n".join(f["text"] for f in block["fields"])
    return str(block["text"]["text"])


def mrkdwn_texts(payload: dict[str, Any]) -> list[str]:
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                out.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload["blocks"])
    return [payload["text"], *out]


def buttons(payload: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for block in payload["blocks"]:
        out += [e for e in block.get("elements", []) if e.get("type") == "button"]
        if block.get("accessory", {}).get("type") == "button":
            out.append(block["accessory"])
    return out


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_sample_card_is_valid_block_kit(name: str) -> None:
    card = slack.approval_card(SAMPLES[name])
    validate(card["blocks"])
    assert json.loads(json.dumps(card)) == card
    assert by_id(card, BlockId.HEADER)["type"] == "header"


def test_awaiting_card_shows_the_proposal_and_two_buttons() -> None:
    card = slack.approval_card(AWAITING)
    fields = text_of(by_id(card, BlockId.FIELDS))
    assert "MFA Reset (RB-002) · Okta" in fields
    assert "Sarah Chen (sarah.chen@acme.com)" in fields
    assert "sarah.chen@acme.com (Jira reporter)" in fields
    assert "<https://acme.atlassian.net/browse/ITSM-123|ITSM-123>" in fields
    assert "<!date^1781112600^{date_short_pretty} {time}|2026-06-10T17:30:00Z>" in fields
    assert "mfa_reset, 92% — intent mfa_reset" in text_of(by_id(card, BlockId.CLASSIFICATION))
    assert "`POST /api/v1/users/00u1sarahchen/lifecycle/reset_factors`" in text_of(by_id(card, BlockId.PLAN))
    assert "SANDBOX" not in text_of(by_id(card, BlockId.PLAN))
    approve, deny = by_id(card, BlockId.ACTIONS)["elements"]
    assert (approve["text"]["text"], approve["style"], approve["action_id"]) == (
        "Approve",
        "primary",
        "opsgate.approve",
    )
    assert (deny["text"]["text"], deny["style"], deny["action_id"]) == ("Deny", "danger", "opsgate.deny")
    for button in (approve, deny):
        assert DecisionButton.parse(button["value"]) == DecisionButton(run_id=AWAITING.run_id, plan_hash=PLAN_HASH)
    for absent in (BlockId.PROCESSING, BlockId.RESULTS, BlockId.RETRY, BlockId.FAILURE, BlockId.APPROVALS):
        assert not has(card, absent)
    assert card["text"].startswith("Approval needed: MFA Reset for Sarah Chen — ")


def test_processing_replaces_the_buttons() -> None:
    card = slack.approval_card(SAMPLES["processing"])
    assert not has(card, BlockId.ACTIONS)
    assert "Processing..." in text_of(by_id(card, BlockId.PROCESSING))
    assert buttons(card) == []


@pytest.mark.parametrize("name", [n for n, v in SAMPLES.items() if v.status != "awaiting_approval"])
def test_no_decision_buttons_after_a_decision(name: str) -> None:
    card = slack.approval_card(SAMPLES[name])
    assert not has(card, BlockId.ACTIONS)
    assert {b["action_id"] for b in buttons(card)} <= {ActionId.RETRY}
    assert "Deadline" not in text_of(by_id(card, BlockId.FIELDS))


def test_decided_cards_say_who_when_and_the_outcome() -> None:
    executing = text_of(by_id(slack.approval_card(SAMPLES["executing"]), BlockId.STATUS))
    assert executing.startswith("*Approved* by <@U0123APPROVER> at <!date^1781026931^")
    assert executing.endswith("— executing")
    succeeded = slack.approval_card(SAMPLES["succeeded"])
    assert text_of(by_id(succeeded, BlockId.STATUS)).startswith("*Succeeded* — approved by <@U0123APPROVER>")
    assert "✅ 1. Reset every MFA factor of sarah.chen@acme.com — HTTP 200 from Okta" in text_of(
        by_id(succeeded, BlockId.RESULTS)
    )
    expired = text_of(by_id(slack.approval_card(SAMPLES["expired"]), BlockId.STATUS))
    assert (
        expired
        == "*Expired* — nobody decided before <!date^1781112600^{date_short_pretty} {time}|2026-06-10T17:30:00Z>"
    )
    cancelled = text_of(by_id(slack.approval_card(SAMPLES["cancelled"]), BlockId.STATUS))
    assert cancelled == "*Cancelled* — the Jira issue was closed"


def test_failed_run_offers_a_retry_from_the_failed_step() -> None:
    view = SAMPLES["failed_retry"]
    card = slack.approval_card(view)
    results = text_of(by_id(card, BlockId.RESULTS))
    assert "✅ 1. Create the Okta user" in results
    assert "❌ 2. Assign the E3 licence — HTTP 400 from Graph" in results
    assert "⏭ 3. Add jane.doe@acme.com to All Staff — skipped" in results
    assert "the E3 licence was not assigned" in text_of(by_id(card, BlockId.FAILURE))
    (retry,) = by_id(card, BlockId.RETRY)["elements"]
    assert retry["text"]["text"] == "Retry from the failed step"
    assert retry["action_id"] == ActionId.RETRY
    assert DecisionButton.parse(retry["value"]).run_id == view.run_id
    assert not has(slack.approval_card(replace(view, can_retry=False)), BlockId.RETRY)
    processing = slack.approval_card(replace(view, processing=True))
    assert not has(processing, BlockId.RETRY) and has(processing, BlockId.PROCESSING)


def test_a_long_deny_reason_is_truncated_and_still_valid() -> None:
    card = slack.approval_card(SAMPLES["denied_long_reason"])
    status = text_of(by_id(card, BlockId.STATUS))
    assert len(SAMPLES["denied_long_reason"].deny_reason or "") > 3000
    assert len(status) <= SLACK_SECTION_TEXT
    assert status.startswith("*Denied* by <@U0456APPROVER> at <!date^1781027703^")
    assert status.endswith("…")
    validate(card["blocks"])


def test_sandbox_is_marked() -> None:
    card = slack.approval_card(SAMPLES["sandbox"])
    assert "SANDBOX — nothing will be sent" in text_of(by_id(card, BlockId.PLAN))
    assert by_id(card, BlockId.HEADER)["text"]["text"].endswith("(sandbox)")
    done = slack.approval_card(SAMPLES["sandbox_succeeded"])
    assert "🧪 1. Reset every MFA factor — sandbox: recorded, not sent" in text_of(by_id(done, BlockId.RESULTS))


def test_quorum_shows_approvals_so_far() -> None:
    card = slack.approval_card(SAMPLES["awaiting_quorum"])
    assert text_of(by_id(card, BlockId.APPROVALS)).startswith("1 of 2 approvals: <@U0123APPROVER> at <!date^")
    assert text_of(by_id(card, BlockId.STATUS)).startswith("*Waiting for 1 more approval*")
    assert has(card, BlockId.ACTIONS)


@pytest.mark.parametrize("name", ["injection", "injection_denied"])
def test_user_text_cannot_inject_markup(name: str) -> None:
    card = slack.approval_card(SAMPLES[name])
    for text in mrkdwn_texts(card):
        assert "<!channel>" not in text and "<!here>" not in text and "<!subteam" not in text
        assert "<http://evil" not in text and "<@U999>" not in text
        assert "@here" not in text
        assert "*bold*" not in text and "`code`" not in text
    if name == "injection":
        assert "&lt;!channel&gt;" in text_of(by_id(card, BlockId.SUMMARY))
        assert "&lt;http://evil|click&gt;" in text_of(by_id(card, BlockId.CLASSIFICATION))
    else:
        assert "&lt;!channel&gt;" in text_of(by_id(card, BlockId.STATUS))


def test_huge_views_stay_within_slack_limits() -> None:
    step = PlanStepView("okta", "POST", "/api/v1/" + "p" * 500, "d&<" * 400)
    view = replace(
        SAMPLES["failed_retry"],
        runbook_title="R" * 500,
        target_name="N" * 3000,
        summary="S&" * 3000,
        reason="<" * 5000,
        plan=(step,) * 200,
        results=tuple(StepResultView(i, "x" * 500, "failed", "y" * 500) for i in range(200)),
        failure="&" * 5000,
        extra={f"k{i}": "v" * 3000 for i in range(20)},
    )
    card = slack.approval_card(view)
    validate(card["blocks"])
    assert len(card["blocks"]) <= 50
    assert text_of(by_id(card, BlockId.PLAN)).split("\n")[-1].startswith("… and ")
    assert len(by_id(card, BlockId.FIELDS)["fields"]) == 10


def test_messages_around_the_card() -> None:
    note = slack.thread_note(AWAITING)
    assert note["text"].startswith("Jira ITSM-123 — <https://acme.atlassian.net/browse/ITSM-123> — classified")
    assert text_of(by_id(note, BlockId.NOTE)) == note["text"]
    dm = slack.requester_dm(SAMPLES["executing"])
    assert "was approved by <@U0123APPROVER>" in dm["text"]
    assert "Reminder" in slack.reminder(SAMPLES["awaiting_quorum"])["text"]
    refusal = slack.refusal(RefusalKind.ALREADY_DECIDED, SAMPLES["executing"])
    assert "already approved by <@U0123APPROVER> at <!date^" in refusal["text"]
    for payload in (note, dm, refusal, slack.reminder(AWAITING), slack.refusal(RefusalKind.NOT_APPROVER)):
        assert set(payload) == {"text", "blocks"}
        validate(payload["blocks"])


# --- App Home ---------------------------------------------------------------------------------------------------


def test_home_for_an_approver_has_pending_with_buttons() -> None:
    view = home.home_view([AWAITING, SAMPLES["executing"]], SUMMARIES[:2], SUMMARIES[2:3], True)
    View(**view).validate_json()
    assert view["type"] == "home"
    assert "MFA Reset for Sarah Chen" in text_of(by_id(view, f"{BlockId.HOME_PENDING}.{AWAITING.run_id}"))
    approve, deny = by_id(view, f"{BlockId.ACTIONS}.{AWAITING.run_id}")["elements"]
    assert (approve["text"]["text"], deny["text"]["text"]) == ("Approve", "Deny")
    assert DecisionButton.parse(approve["value"]).plan_hash == PLAN_HASH
    assert text_of(by_id(view, BlockId.HOME_PENDING)) == "*Pending approvals (1)*"  # executing is not pending
    assert has(view, f"{BlockId.HOME_RECENT}.{SUMMARIES[0].run_id}")
    mine = by_id(view, f"{BlockId.HOME_MINE}.{SUMMARIES[2].run_id}")
    assert mine["accessory"]["action_id"] == ActionId.OPEN_RUN and mine["accessory"]["value"] == SUMMARIES[2].run_id
    toolbar = {b["action_id"] for b in by_id(view, BlockId.HOME_TOOLBAR)["elements"]}
    assert toolbar == {ActionId.REFRESH_HOME, ActionId.NEW_REQUEST}


def test_home_for_everyone_else_has_only_their_requests() -> None:
    view = home.home_view([AWAITING], SUMMARIES, [], False)
    View(**view).validate_json()
    assert not has(view, BlockId.HOME_PENDING) and not has(view, BlockId.HOME_RECENT)
    assert {b["action_id"] for b in buttons(view)} == {ActionId.REFRESH_HOME, ActionId.NEW_REQUEST}
    assert "not requested anything" in text_of(by_id(view, f"{BlockId.HOME_MINE}.empty"))


def test_home_caps_every_list_and_stays_under_100_blocks() -> None:
    pending = [replace(AWAITING, run_id=f"run_p{i}") for i in range(40)]
    runs = [replace(SUMMARIES[0], run_id=f"run_r{i}") for i in range(40)]
    extra = [{"type": "section", "text": {"type": "mrkdwn", "text": f"x{i}"}} for i in range(200)]
    view = home.home_view(pending + pending, runs, runs, True, extra)
    View(**view).validate_json()
    assert len(view["blocks"]) == 100
    assert text_of(by_id(view, f"{BlockId.HOME_MORE}.pending")) == "… and 30 more"
    assert text_of(by_id(view, f"{BlockId.HOME_MORE}.recent")) == "… and 30 more"
    assert text_of(by_id(view, f"{BlockId.HOME_MORE}.mine")) == "… and 30 more"
    assert has(view, f"{BlockId.HOME_MORE}.extra")
    ids = [b["block_id"] for b in view["blocks"] if "block_id" in b]
    assert len(ids) == len(set(ids))


# --- just-in-time access ---------------------------------------------------------------------------------------


def test_jit_card_shows_resource_and_duration_and_nothing_more_while_requested() -> None:
    card = slack.approval_card(SAMPLES["jit"])
    fields = text_of(by_id(card, BlockId.FIELDS))
    assert "*Resource*\nprod-admins" in fields and "*Duration*\n2h" in fields
    assert not has(card, BlockId.GRANT)
    assert not has(slack.approval_card(AWAITING), BlockId.GRANT)  # other runbooks: no access line at all


def test_jit_card_says_until_when_and_how_long_was_left_when_updated() -> None:
    line = text_of(by_id(slack.approval_card(SAMPLES["jit_active"]), BlockId.GRANT))
    assert line == "🔓 *Active* until 2026-06-09 19:43 UTC (1h 59m left when this card was updated)"
    nine = replace(GRANT_ACTIVE, as_of=GRANT_ACTIVE.due_at - timedelta(minutes=9, seconds=30))  # type: ignore[operator]
    line = text_of(by_id(slack.approval_card(replace(SAMPLES["jit_active"], grant=nine)), BlockId.GRANT))
    assert "(9m 30s left when this card was updated)" in line


def test_jit_card_says_when_access_ended_and_how_late() -> None:
    late = text_of(by_id(slack.approval_card(SAMPLES["jit_revoked"]), BlockId.GRANT))
    assert late == "🔒 *Ended* 2026-06-09 19:44 UTC (due 2026-06-09 19:43 UTC, 1m 15s late)"
    on_time = replace(GRANT_REVOKED, revoked_at=GRANT_REVOKED.due_at + timedelta(seconds=4))  # type: ignore[operator]
    line = text_of(by_id(slack.approval_card(replace(SAMPLES["jit_revoked"], grant=on_time)), BlockId.GRANT))
    assert line == "🔒 *Ended* 2026-06-09 19:43 UTC (due 2026-06-09 19:43 UTC)"  # 4 s is not "late"


def test_jit_card_says_who_ended_it_early() -> None:
    line = text_of(by_id(slack.approval_card(SAMPLES["jit_released"]), BlockId.GRANT))
    assert (
        line == "🔒 *Ended* 2026-06-09 18:10 UTC: released early by <@U0123REQUESTER> (it was due 2026-06-09 19:43 UTC)"
    )
    ending = text_of(by_id(slack.approval_card(replace(SAMPLES["jit_active"], grant=GRANT_ENDING)), BlockId.GRANT))
    assert ending.startswith("⏳ *Ending now*: revoked early by <@U0123APPROVER> at 2026-06-09 18:10 UTC")


def test_jit_card_escapes_who_ended_it() -> None:
    hostile = replace(
        GRANT_REVOKED, ended_early="revoked_early", ended_early_by="<!channel> *boss*", resource="<!here>"
    )
    card = slack.approval_card(replace(SAMPLES["jit_revoked"], grant=hostile))
    validate(card["blocks"])
    for text in mrkdwn_texts(card):
        assert "<!channel>" not in text and "<!here>" not in text


def test_your_access_lists_grants_with_time_left_and_release() -> None:
    blocks = access_home.your_access([GRANT_ACTIVE, GRANT_ENDING, GRANT_REVOKED])
    view = {"type": "home", "blocks": blocks}
    View(**view).validate_json()
    item = by_id(view, f"{BlockId.HOME_ACCESS}.12")
    assert text_of(item) == "🔓 *prod-admins* · until 2026-06-09 19:43 UTC · 1h 59m left · grant 12"
    assert item["accessory"]["action_id"] == ActionId.JIT_RELEASE
    assert GrantButton.parse(item["accessory"]["value"]).grant_id == 12
    assert "confirm" in item["accessory"]
    ending = by_id(view, f"{BlockId.HOME_ACCESS}.13")  # already ending: nothing to press
    assert "ending now" in text_of(ending) and "accessory" not in ending
    assert len([b for b in blocks if b["block_id"].startswith(f"{BlockId.HOME_ACCESS}.")]) == 2  # revoked: gone
    empty = {"type": "home", "blocks": access_home.your_access([])}
    assert "/access" in text_of(by_id(empty, f"{BlockId.HOME_ACCESS}.empty"))


def test_active_grants_for_approvers_are_capped_with_revoke_buttons() -> None:
    view = {"type": "home", "blocks": access_home.active_grants(HOME_GRANTS, 25)}
    View(**view).validate_json()
    assert text_of(by_id(view, BlockId.HOME_GRANTS)) == "*Active access grants (25)*"
    items = [b for b in view["blocks"] if b["block_id"].startswith(f"{BlockId.HOME_GRANTS}.")]
    assert len(items) == 10
    assert [b["block_id"] for b in items][:2] == [f"{BlockId.HOME_GRANTS}.13", f"{BlockId.HOME_GRANTS}.30"]
    assert text_of(by_id(view, f"{BlockId.HOME_MORE}.grants")) == "… and 15 more"
    first = by_id(view, f"{BlockId.HOME_GRANTS}.30")
    assert "<@U0000PERSON> (user0@acme.com)" in text_of(first) and "1h 32m left" in text_of(first)
    assert (first["accessory"]["action_id"], first["accessory"]["style"]) == (ActionId.JIT_REVOKE, "danger")
    assert "accessory" not in by_id(view, f"{BlockId.HOME_GRANTS}.13")


def test_home_places_access_sections_and_stays_under_100_blocks() -> None:
    pending = [replace(AWAITING, run_id=f"run_p{i}") for i in range(40)]
    runs = [replace(SUMMARIES[0], run_id=f"run_r{i}") for i in range(40)]
    mine = [replace(GRANT_ACTIVE, grant_id=100 + i) for i in range(15)]
    extra = [{"type": "section", "text": {"type": "mrkdwn", "text": f"x{i}"}} for i in range(200)]
    view = home.home_view(
        pending,
        runs,
        runs,
        True,
        extra,
        access=access_home.your_access(mine),
        grants=access_home.active_grants(HOME_GRANTS, 40),
    )
    View(**view).validate_json()
    assert len(view["blocks"]) == 100
    ids = [b["block_id"] for b in view["blocks"] if "block_id" in b]
    assert len(ids) == len(set(ids))
    order = [ids.index(str(x)) for x in (BlockId.HOME_PENDING, BlockId.HOME_GRANTS, BlockId.HOME_RECENT)]
    assert order == sorted(order) and ids.index(BlockId.HOME_ACCESS) < ids.index(BlockId.HOME_MINE)
    assert text_of(by_id(view, f"{BlockId.HOME_MORE}.access")) == "… and 5 more"
    requester = home.home_view([], [], [], False, access=access_home.your_access(mine[:1]), grants=[])
    assert not has(requester, BlockId.HOME_GRANTS) and has(requester, f"{BlockId.HOME_ACCESS}.100")


# --- modals -----------------------------------------------------------------------------------------------------


def test_deny_reason_modal() -> None:
    meta = DenyModalMetadata(run_id=AWAITING.run_id, plan_hash=PLAN_HASH, channel="C1", message_ts="1.2")
    view = modals.deny_reason_modal(meta, "MFA Reset for <!here>")
    View(**view).validate_json()
    assert view["callback_id"] == CallbackId.DENY_REASON
    assert DenyModalMetadata.parse(view["private_metadata"]) == meta
    block = by_id(view, FieldId.DENY_REASON)
    assert block["type"] == "input" and block["optional"] is False
    element = block["element"]
    assert element == {
        "type": "plain_text_input",
        "multiline": True,
        "max_length": 2000,
        "placeholder": element["placeholder"],
        "action_id": FieldId.DENY_REASON,
    }
    assert "<!here>" not in json.dumps(view)


def test_request_runbook_modal() -> None:
    view = modals.request_runbook_modal(RUNBOOKS, private_metadata="C1")
    View(**view).validate_json()
    assert view["callback_id"] == CallbackId.REQUEST_RUNBOOK and view["private_metadata"] == "C1"
    options = by_id(view, FieldId.RUNBOOK)["element"]["options"]
    assert [o["value"] for o in options] == [rid for rid, _, _ in RUNBOOKS]
    assert options[1]["text"]["text"] == "MFA Reset (RB-002)"
    assert by_id(view, FieldId.TARGET_USER)["element"]["type"] == "users_select"
    assert by_id(view, FieldId.GROUP)["optional"] is True
    assert "Group Add/Remove" in by_id(view, FieldId.GROUP)["hint"]["text"]
    actions = by_id(view, FieldId.ACTION)["element"]["options"]
    assert [o["value"] for o in actions] == ["add", "remove"]
    assert by_id(view, FieldId.REASON)["optional"] is False
    simple = modals.request_runbook_modal([("RB-001", "Password Reset", ("target_user",))])
    assert not has(simple, FieldId.GROUP) and not has(simple, FieldId.LICENCE) and not has(simple, FieldId.ACTION)
    View(**modals.request_runbook_modal([])).validate_json()


def test_read_values_flattens_view_state() -> None:
    state = {
        FieldId.RUNBOOK: {FieldId.RUNBOOK: {"type": "static_select", "selected_option": {"value": "RB-013"}}},
        FieldId.TARGET_USER: {FieldId.TARGET_USER: {"type": "users_select", "selected_user": "U0SARAH"}},
        FieldId.GROUP: {FieldId.GROUP: {"type": "plain_text_input", "value": "  vpn-users "}},
        FieldId.LICENCE: {FieldId.LICENCE: {"type": "plain_text_input", "value": None}},
        FieldId.ACTION: {FieldId.ACTION: {"type": "static_select", "selected_option": None}},
        FieldId.REASON: {FieldId.REASON: {"type": "plain_text_input", "value": "needs VPN"}},
        "someone.else": {"x": {"type": "plain_text_input", "value": "ignored"}},
    }
    assert modals.read_values(state) == {
        FieldId.RUNBOOK: "RB-013",
        FieldId.TARGET_USER: "U0SARAH",
        FieldId.GROUP: "vpn-users",
        FieldId.REASON: "needs VPN",
    }


def test_help_and_pending_messages() -> None:
    help_message = messages.help_message()
    validate(help_message["blocks"])
    assert "`/opsgate request`" in text_of(by_id(help_message, BlockId.NOTE))
    pending = messages.pending_list_message(SUMMARIES)
    validate(pending["blocks"])
    assert has(pending, f"{BlockId.HOME_PENDING}.{SUMMARIES[0].run_id}")
    assert text_of(by_id(pending, f"{BlockId.HOME_MORE}.pending")) == "… and 4 more"
    assert "Nothing is waiting" in messages.pending_list_message([])["text"]
