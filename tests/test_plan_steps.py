"""A plan step's stored form: every field, and copies that do not alias the step (the approval hash depends on it)."""

from __future__ import annotations

import dataclasses

from opsgate.runbooks.base import PlanStep


def test_to_dict_carries_every_field_and_round_trips() -> None:
    step = PlanStep("okta.add_to_group", "okta", "PUT", "/api/v1/groups/g/users/u", "Add", {"a": "1"}, {"b": 2})
    stored = step.to_dict()
    assert stored == dataclasses.asdict(step)
    assert set(stored) == {f.name for f in dataclasses.fields(PlanStep)}
    assert PlanStep.from_dict(stored) == step
    stored["args"]["a"] = "changed"
    assert step.args == {"a": "1"}
