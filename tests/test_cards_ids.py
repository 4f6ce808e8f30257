"""Wire identifiers: enums shared with the handlers, and the models carried in button values and metadata."""

from __future__ import annotations

import pydantic
import pytest

from opsgate.cards.ids import ActionId, BlockId, CallbackId, DecisionButton, DenyModalMetadata, FieldId, InputId, Verb
from opsgate.cards.limits import SLACK_BUTTON_VALUE, SLACK_PRIVATE_METADATA

HASH = "9f2c1e7a5b3d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7f"


def test_ids_have_the_documented_values() -> None:
    assert ActionId.APPROVE == "opsgate.approve"
    assert ActionId.DENY == "opsgate.deny"
    assert ActionId.RETRY == "opsgate.retry"
    assert ActionId.REFRESH_HOME == "opsgate.refresh_home"
    assert ActionId.OPEN_RUN == "opsgate.open_run"
    assert CallbackId.DENY_REASON == "opsgate.deny_reason"
    assert CallbackId.REQUEST_RUNBOOK == "opsgate.request_runbook"
    assert CallbackId.CREATE_JIRA_TICKET == "opsgate.create_jira_ticket"
    assert CallbackId.JIT_REQUEST == "opsgate.jit_request"
    assert BlockId.ACTIONS == "opsgate.actions"
    assert (Verb.APPROVE, Verb.DENY, Verb.REFRESH) == ("opsgate.approve", "opsgate.deny", "opsgate.refresh")
    assert InputId.REASON == "reason"


@pytest.mark.parametrize("enum", [ActionId, CallbackId, BlockId, FieldId, Verb, InputId])
def test_enum_values_are_unique(enum: type) -> None:
    values = [member.value for member in enum]  # type: ignore[attr-defined]
    assert len(values) == len(set(values))


def test_decision_button_round_trips_compactly() -> None:
    button = DecisionButton(run_id="run_01JXMFA0001", plan_hash=HASH)
    value = button.to_value()
    assert value == '{"r":"run_01JXMFA0001","h":"' + HASH + '"}'
    assert len(value) <= SLACK_BUTTON_VALUE
    assert DecisionButton.parse(value) == button
    assert button.as_data() == {"run_id": "run_01JXMFA0001", "plan_hash": HASH}


@pytest.mark.parametrize(
    "value",
    ["", "not json", "{}", '{"r":"x"}', '{"r":"","h":"y"}', '{"r":"x","h":"y","z":1}', '["x","y"]', "run_1:abc"],
)
def test_decision_button_rejects_malformed_values(value: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        DecisionButton.parse(value)
    with pytest.raises(ValueError):  # what a handler catches without importing pydantic
        DecisionButton.parse(value)


def test_decision_button_is_immutable() -> None:
    button = DecisionButton(run_id="r", plan_hash="h")
    with pytest.raises(pydantic.ValidationError):
        button.run_id = "other"  # type: ignore[misc]


def test_deny_metadata_round_trips() -> None:
    meta = DenyModalMetadata(run_id="run_1", plan_hash=HASH, channel="C0APPROVALS", message_ts="1718000000.000100")
    text = meta.to_metadata()
    assert len(text) <= SLACK_PRIVATE_METADATA
    assert DenyModalMetadata.parse(text) == meta


def test_deny_metadata_from_app_home_has_no_message() -> None:
    meta = DenyModalMetadata(run_id="run_1", plan_hash=HASH)
    assert DenyModalMetadata.parse(meta.to_metadata()) == meta
    assert "channel" not in meta.to_metadata()
    with pytest.raises(ValueError):
        DenyModalMetadata.parse('{"run_id": "run_1"}')
