"""Golden (snapshot) tests: fixed views -> exact JSON stored under tests/snapshots/cards/.

Run with ``UPDATE_SNAPSHOTS=1`` to (re)write the files after an intended change, then review the diff. Every
snapshot is also checked against the platform: Block Kit with slack_sdk's models, Adaptive Cards against the
official 1.5 JSON Schema in shared/specs.
"""

from __future__ import annotations

import json
import os
import pathlib
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

import jsonschema
import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from opsgate.cards.adaptive import approval as teams
from opsgate.cards.adaptive import forms as teams_forms
from opsgate.cards.blockkit import access_home, home, messages, modals
from opsgate.cards.blockkit import approval as slack
from opsgate.cards.ids import DenyModalMetadata
from opsgate.cards.samples import GRANT_ACTIVE, HOME_GRANTS, PLAN_HASH, RUNBOOKS, SAMPLES, SUMMARIES
from opsgate.cards.text import RefusalKind

PROCESSING = replace(SAMPLES["processing"], run_id="run_01JXMFA0009")
SNAPSHOTS = pathlib.Path(__file__).parent / "snapshots" / "cards"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"


def _specs_dir() -> pathlib.Path:
    env = os.environ.get("OPSGATE_SPECS_DIR")
    if env:
        return pathlib.Path(env)
    for parent in pathlib.Path(__file__).resolve().parents:
        if (parent / "shared" / "specs").is_dir():
            return parent / "shared" / "specs"
    raise RuntimeError("shared/specs not found beside the checkout; set OPSGATE_SPECS_DIR")


AC15 = jsonschema.Draft6Validator(json.loads((_specs_dir() / "adaptive-card.schema.json").read_text()))

Builder = Callable[[], dict[str, Any]]
SLACK_MESSAGES: dict[str, Builder] = {}
SLACK_VIEWS: dict[str, Builder] = {}
TEAMS_CARDS: dict[str, Builder] = {}

for _name, _view in SAMPLES.items():
    SLACK_MESSAGES[f"slack_approval_{_name}"] = partial(slack.approval_card, _view)
    TEAMS_CARDS[f"teams_approval_{_name}"] = partial(teams.approval_card, _view)
for _name in ("executing", "succeeded", "denied_long_reason", "injection_denied", "expired", "cancelled"):
    SLACK_MESSAGES[f"slack_dm_{_name}"] = partial(slack.requester_dm, SAMPLES[_name])
for _kind in RefusalKind:
    SLACK_MESSAGES[f"slack_refusal_{_kind}"] = partial(slack.refusal, _kind, SAMPLES["executing"])
SLACK_MESSAGES.update(
    {
        "slack_thread_note": lambda: slack.thread_note(SAMPLES["awaiting"]),
        "slack_thread_note_injection": lambda: slack.thread_note(SAMPLES["injection"]),
        "slack_thread_note_no_issue": lambda: slack.thread_note(SAMPLES["jit"]),
        "slack_reminder": lambda: slack.reminder(SAMPLES["awaiting_quorum"]),
        "slack_refusal_no_view": lambda: slack.refusal(RefusalKind.NOT_APPROVER),
        "slack_refusal_denied": lambda: slack.refusal(RefusalKind.ALREADY_DECIDED, SAMPLES["denied_long_reason"]),
        "slack_help": messages.help_message,
        "slack_pending_list": lambda: messages.pending_list_message(SUMMARIES),
    }
)
SLACK_VIEWS.update(
    {
        "slack_home_approver": lambda: home.home_view(
            [SAMPLES["awaiting"], SAMPLES["awaiting_quorum"], PROCESSING, SAMPLES["executing"]],
            SUMMARIES,
            SUMMARIES[:3],
            True,
            [{"type": "section", "block_id": "jira.summary", "text": {"type": "mrkdwn", "text": "*Jira*: 4 open"}}],
        ),
        "slack_home_requester": lambda: home.home_view([SAMPLES["awaiting"]], SUMMARIES, SUMMARIES[:2], False),
        "slack_home_access_requester": lambda: home.home_view(
            [], [], SUMMARIES[:2], False, access=access_home.your_access([GRANT_ACTIVE, HOME_GRANTS[0]])
        ),
        "slack_home_access_approver": lambda: home.home_view(
            [SAMPLES["awaiting"]],
            SUMMARIES[:3],
            SUMMARIES[:2],
            True,
            access=access_home.your_access([]),
            grants=access_home.active_grants(HOME_GRANTS[:10], len(HOME_GRANTS)),
        ),
        "slack_home_access_none": lambda: home.home_view(
            [], [], [], True, access=access_home.your_access([]), grants=access_home.active_grants([], 0)
        ),
        "slack_modal_deny": lambda: modals.deny_reason_modal(
            DenyModalMetadata(run_id="run_01JXMFA0001", plan_hash=PLAN_HASH, channel="C0APPROVALS", message_ts="1.2"),
            "MFA Reset for Sarah Chen",
        ),
        "slack_modal_request": lambda: modals.request_runbook_modal(RUNBOOKS, private_metadata='{"channel":"C1"}'),
    }
)
TEAMS_CARDS.update(
    {
        "teams_approval_awaiting_refresh_users": lambda: teams.approval_card(SAMPLES["awaiting"], ["29:approver-1"]),
        "teams_thread_note": lambda: teams.thread_note(SAMPLES["awaiting"]),
        "teams_thread_note_injection": lambda: teams.thread_note(SAMPLES["injection"]),
        "teams_reminder": lambda: teams.reminder_card(SAMPLES["awaiting_quorum"]),
        "teams_dm_denied": lambda: teams.requester_dm_card(SAMPLES["injection_denied"]),
        "teams_refusal_already_decided": lambda: teams.refusal_card(RefusalKind.ALREADY_DECIDED, SAMPLES["executing"]),
        "teams_refusal_text": lambda: teams.refusal_card("You are not an approver <b>*here*</b>."),
        "teams_request_form": lambda: teams_forms.request_form_card(RUNBOOKS),
        "teams_pending_list": lambda: teams_forms.pending_list_card(SUMMARIES),
        "teams_help": teams_forms.help_card,
    }
)


def _render(payload: dict[str, Any]) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _check_golden(name: str, payload: dict[str, Any]) -> None:
    path = SNAPSHOTS / f"{name}.json"
    rendered = _render(payload)
    assert json.loads(rendered) == payload, "the payload must survive a JSON round trip unchanged"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path.name}; run with UPDATE_SNAPSHOTS=1 and review it"
    assert rendered == path.read_text(encoding="utf-8"), f"{path.name} differs; UPDATE_SNAPSHOTS=1 if intended"


def _validate_blocks(blocks: list[dict[str, Any]]) -> None:
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(ids) == len(set(ids)), "block_ids must be unique"
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, f"unknown block type {block.get('type')}"
        parsed.validate_json()


@pytest.mark.parametrize("name", sorted(SLACK_MESSAGES))
def test_slack_message_golden(name: str) -> None:
    payload = SLACK_MESSAGES[name]()
    assert set(payload) == {"text", "blocks"}
    assert 0 < len(payload["blocks"]) <= 50
    _validate_blocks(payload["blocks"])
    _check_golden(name, payload)


@pytest.mark.parametrize("name", sorted(SLACK_VIEWS))
def test_slack_view_golden(name: str) -> None:
    payload = SLACK_VIEWS[name]()
    View(**payload).validate_json()
    _validate_blocks(payload["blocks"])
    _check_golden(name, payload)


@pytest.mark.parametrize("name", sorted(TEAMS_CARDS))
def test_teams_card_golden(name: str) -> None:
    payload = TEAMS_CARDS[name]()
    assert [e.message for e in AC15.iter_errors(payload)] == []
    assert payload["version"] == "1.5"
    assert "msteams" not in json.dumps(payload)
    _check_golden(name, payload)


def test_no_stale_snapshots() -> None:
    """Every stored snapshot belongs to a case, so a renamed case cannot leave a file nobody checks."""
    names = set(SLACK_MESSAGES) | set(SLACK_VIEWS) | set(TEAMS_CARDS)
    stored = {path.stem for path in SNAPSHOTS.glob("*.json")}
    assert stored <= names, f"snapshots without a case: {sorted(stored - names)}"


def test_builders_are_deterministic() -> None:
    for builders in (SLACK_MESSAGES, SLACK_VIEWS, TEAMS_CARDS):
        for build in builders.values():
            assert _render(build()) == _render(build())
