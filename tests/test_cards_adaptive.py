"""Behaviour of the Adaptive Card builders; every card is validated as-is against the official 1.5 schema."""

from __future__ import annotations

import json
import os
import pathlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import jsonschema
import pytest

from opsgate.cards.adaptive import approval as teams
from opsgate.cards.adaptive import forms
from opsgate.cards.ids import BlockId, InputId, Verb
from opsgate.cards.samples import GRANT_REVOKED, PLAN_HASH, RUNBOOKS, SAMPLES, SUMMARIES
from opsgate.cards.text import RefusalKind

AWAITING = SAMPLES["awaiting"]
DATA = {"run_id": AWAITING.run_id, "plan_hash": PLAN_HASH}


def _specs_dir() -> pathlib.Path:
    env = os.environ.get("OPSGATE_SPECS_DIR")
    if env:
        return pathlib.Path(env)
    for parent in pathlib.Path(__file__).resolve().parents:
        if (parent / "shared" / "specs").is_dir():
            return parent / "shared" / "specs"
    raise RuntimeError("shared/specs not found beside the checkout; set OPSGATE_SPECS_DIR")


AC15 = jsonschema.Draft6Validator(json.loads((_specs_dir() / "adaptive-card.schema.json").read_text()))


def assert_valid(card: dict[str, Any]) -> None:
    assert [f"{list(e.absolute_path)}: {e.message}" for e in AC15.iter_errors(card)] == []
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert "msteams" not in json.dumps(card)


def nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from nodes(value)


def by_id(card: dict[str, Any], element_id: str) -> dict[str, Any]:
    found = [n for n in nodes(card["body"]) if n.get("id") == element_id and "type" in n]
    assert len(found) == 1, f"expected one element {element_id}, found {len(found)}"
    return found[0]


def has(card: dict[str, Any], element_id: str) -> bool:
    return any(n.get("id") == element_id for n in nodes(card.get("body", [])))


def facts(card: dict[str, Any], element_id: str) -> dict[str, str]:
    return {f["title"]: f["value"] for f in by_id(card, element_id)["facts"]}


def executes(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every Action.Execute in the card (actions, show cards, refresh), by verb."""
    return {n["verb"]: n for n in nodes(card.get("actions", [])) if n.get("type") == "Action.Execute"}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_sample_card_is_schema_valid(name: str) -> None:
    assert_valid(teams.approval_card(SAMPLES[name]))
    assert_valid(teams.thread_note(SAMPLES[name]))
    assert_valid(teams.reminder_card(SAMPLES[name]))
    assert_valid(teams.requester_dm_card(SAMPLES[name]))
    for kind in RefusalKind:
        assert_valid(teams.refusal_card(kind, SAMPLES[name]))


def test_awaiting_card_shows_the_facts_and_the_decisions() -> None:
    card = teams.approval_card(AWAITING)
    shown = facts(card, BlockId.FIELDS)
    assert shown["Runbook"] == "MFA Reset (RB-002) · Okta"
    assert shown["Target user"] == "Sarah Chen (sarah.chen@acme.com)"
    assert shown["Requested by"] == "sarah.chen@acme.com (Jira reporter)"
    assert shown["Jira issue"] == "[ITSM-123](https://acme.atlassian.net/browse/ITSM-123)"
    assert shown["Deadline"] == "2026-06-10 17:30 UTC"
    assert "mfa_reset, 92%" in by_id(card, BlockId.CLASSIFICATION)["text"]
    assert facts(card, BlockId.PLAN)["1."].startswith("POST /api/v1/users/00u1sarahchen/lifecycle/reset_factors — ")
    verbs = executes(card)
    assert set(verbs) == {Verb.APPROVE, Verb.DENY}
    approve = verbs[Verb.APPROVE]
    assert (approve["title"], approve["data"], approve["style"]) == ("Approve", DATA, "positive")
    assert verbs[Verb.DENY]["data"] == DATA
    assert card["refresh"]["action"] == {
        "type": "Action.Execute",
        "title": "Refresh",
        "verb": "opsgate.refresh",
        "data": DATA,
    }
    assert "userIds" not in card["refresh"]
    open_url = [a for a in card["actions"] if a["type"] == "Action.OpenUrl"]
    assert open_url == [
        {"type": "Action.OpenUrl", "title": "Open ITSM-123", "url": "https://acme.atlassian.net/browse/ITSM-123"}
    ]


def test_deny_asks_for_a_reason_inside_the_card() -> None:
    card = teams.approval_card(AWAITING)
    (show,) = [a for a in card["actions"] if a["type"] == "Action.ShowCard"]
    assert show["title"] == "Deny"
    (reason,) = [n for n in nodes(show["card"]) if n.get("type") == "Input.Text"]
    assert reason["id"] == InputId.REASON == "reason"
    assert reason["isMultiline"] is True and reason["isRequired"] is True and reason["maxLength"] == 2000
    (submit,) = show["card"]["actions"]
    assert (submit["type"], submit["verb"], submit["title"]) == ("Action.Execute", "opsgate.deny", "Deny")


def test_refresh_users_are_passed_through() -> None:
    card = teams.approval_card(AWAITING, ["29:approver-1", "29:approver-2"])
    assert card["refresh"]["userIds"] == ["29:approver-1", "29:approver-2"]
    assert_valid(card)


@pytest.mark.parametrize("name", [n for n, v in SAMPLES.items() if v.status != "awaiting_approval"])
def test_no_approve_or_deny_after_a_decision(name: str) -> None:
    card = teams.approval_card(SAMPLES[name])
    assert not {Verb.APPROVE, Verb.DENY} & set(executes(card))
    assert not any(a["type"] == "Action.ShowCard" for a in card.get("actions", []))


def test_processing_card_has_no_buttons() -> None:
    card = teams.approval_card(SAMPLES["processing"])
    assert executes(card) == {}
    assert "Processing..." in by_id(card, BlockId.PROCESSING)["text"]
    assert card["refresh"]["action"]["verb"] == Verb.REFRESH


def test_decided_cards_show_who_decided() -> None:
    executing = teams.approval_card(SAMPLES["executing"])
    assert by_id(executing, BlockId.STATUS)["text"] == (
        "**Approved** by Slack user U0123APPROVER at 2026-06-09 17:42 UTC — executing"
    )
    assert "refresh" in executing  # still moving: an old copy refreshes to the current state
    denied = teams.approval_card(SAMPLES["denied_long_reason"])
    status = by_id(denied, BlockId.STATUS)["text"]
    assert status.startswith("**Denied** by Slack user U0456APPROVER at 2026-06-09 17:55 UTC: ")
    assert status.endswith("…")
    assert "refresh" not in denied  # final: nothing left to refresh
    succeeded = teams.approval_card(SAMPLES["succeeded"])
    assert facts(succeeded, BlockId.RESULTS) == {
        "✅ 1": "Reset every MFA factor of sarah.chen@acme.com — HTTP 200 from Okta"
    }


def test_failed_card_offers_retry() -> None:
    card = teams.approval_card(SAMPLES["failed_retry"])
    retry = executes(card)[Verb.RETRY]
    assert retry["title"] == "Retry from the failed step"
    assert retry["data"]["run_id"] == SAMPLES["failed_retry"].run_id
    assert "licence was not assigned" in by_id(card, BlockId.FAILURE)["text"]
    assert Verb.RETRY not in executes(teams.approval_card(replace(SAMPLES["failed_retry"], can_retry=False)))


def test_sandbox_is_marked() -> None:
    card = teams.approval_card(SAMPLES["sandbox"])
    assert by_id(card, "opsgate.sandbox")["text"] == "🧪 SANDBOX — nothing will be sent"
    assert not has(teams.approval_card(AWAITING), "opsgate.sandbox")


def test_user_text_cannot_inject_markdown() -> None:
    card = teams.approval_card(SAMPLES["injection"])
    texts = [
        n.get("text") or n.get("value") for n in nodes(card["body"]) if isinstance(n.get("text") or n.get("value"), str)
    ]
    joined = "\n".join(str(t) for t in texts)
    assert "](http://evil)" not in joined
    assert "*bold*" not in joined and "*Admin*" not in joined and "_it_" not in joined
    assert "\n- item" not in joined


def test_quorum_shows_approvals() -> None:
    card = teams.approval_card(SAMPLES["awaiting_quorum"])
    assert (
        facts(card, BlockId.FIELDS)["Approvals"] == "1 of 2 approvals: Slack user U0123APPROVER at 2026-06-09 17:42 UTC"
    )


def test_refusal_card() -> None:
    card = teams.refusal_card(RefusalKind.ALREADY_DECIDED, SAMPLES["executing"])
    assert_valid(card)
    assert "already approved by Slack user U0123APPROVER" in by_id(card, BlockId.NOTE)["text"]
    plain = teams.refusal_card("Only approvers can decide *this*.")
    assert_valid(plain)
    assert "*this*" not in by_id(plain, BlockId.NOTE)["text"]
    assert plain["fallbackText"] == "Only approvers can decide *this*."


def test_request_form_card() -> None:
    card = forms.request_form_card(RUNBOOKS)
    assert_valid(card)
    inputs = {n["id"]: n for n in nodes(card["body"]) if str(n.get("type", "")).startswith("Input.")}
    assert set(inputs) == {"runbook", "target_email", "group", "licence", "action", "reason"}
    assert [c["value"] for c in inputs["runbook"]["choices"]] == [rid for rid, _, _ in RUNBOOKS]
    assert inputs["runbook"]["isRequired"] is True and inputs["reason"]["isRequired"] is True
    assert inputs["target_email"]["style"] == "email"
    (submit,) = card["actions"]
    assert (submit["type"], submit["verb"]) == ("Action.Execute", "opsgate.request")
    simple = forms.request_form_card([("RB-001", "Password Reset", ("target_user",))])
    assert_valid(simple)
    assert not any(n.get("id") in ("group", "licence", "action") for n in nodes(simple["body"]))
    assert_valid(forms.request_form_card([]))


def test_pending_list_and_help_cards() -> None:
    card = forms.pending_list_card(SUMMARIES)
    assert_valid(card)
    assert by_id(card, "opsgate.pending")["text"] == "14 approvals waiting for you"
    assert has(card, f"opsgate.pending.{SUMMARIES[0].run_id}")
    many = forms.pending_list_card([replace(SUMMARIES[0], run_id=f"r{i}") for i in range(30)])
    assert by_id(many, "opsgate.pending.more")["text"] == "… and 10 more"
    assert_valid(forms.pending_list_card([]))
    help_card = forms.help_card()
    assert_valid(help_card)
    assert set(facts(help_card, "opsgate.help.commands")) == {"help", "request", "status RUN_ID", "pending"}


def test_jit_card_shows_the_grant() -> None:
    requested = teams.approval_card(SAMPLES["jit"])
    assert {"Resource": "prod-admins", "Duration": "2h"}.items() <= facts(requested, BlockId.FIELDS).items()
    assert not has(requested, BlockId.GRANT)
    active = by_id(teams.approval_card(SAMPLES["jit_active"]), BlockId.GRANT)
    assert active["text"] == "🔓 **Active** until 2026-06-09 19:43 UTC (1h 59m left when this card was updated)"
    assert active["color"] == "good"
    revoked = by_id(teams.approval_card(SAMPLES["jit_revoked"]), BlockId.GRANT)
    assert revoked["text"] == "🔒 **Ended** 2026-06-09 19:44 UTC (due 2026-06-09 19:43 UTC, 1m 15s late)"
    assert revoked["color"] == "default"
    released = by_id(teams.approval_card(SAMPLES["jit_released"]), BlockId.GRANT)["text"]
    assert "released early by Slack user U0123REQUESTER (it was due 2026-06-09 19:43 UTC)" in released


def test_jit_card_escapes_the_grant() -> None:
    grant = replace(
        GRANT_REVOKED, resource="[x](http://evil)", ended_early="released", ended_early_by="**boss** [y](http://evil)"
    )
    card = teams.approval_card(replace(SAMPLES["jit_revoked"], grant=grant))
    assert_valid(card)
    assert "](http://evil)" not in json.dumps(card)
