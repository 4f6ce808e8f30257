"""What a runbook is: an intent, a title, a target system, typed parameters and a plan of exact API calls.

A plan is computed before anything runs and shown on the approval card; its hash binds the approval to it. Each
step names the connector operation (``op``) that performs it, so execution walks the same list the approver saw.
Bodies never hold secrets (a generated password is shown as ``[generated]``).
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from opsgate.runbooks.intents import Intent


class ParamsError(ValueError):
    """Parameters failed validation; ``errors`` holds (field, message) pairs."""

    def __init__(self, runbook_id: str, errors: list[tuple[str, str]]) -> None:
        super().__init__(f"{runbook_id}: " + "; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors


class RunbookParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class NoParams(RunbookParams):
    pass


@dataclass(frozen=True)
class PlanStep:
    op: str  # connector operation, e.g. "okta.reset_factors"
    system: str  # "okta" | "graph"
    method: str
    path: str
    description: str
    args: dict[str, Any] = field(default_factory=dict)  # what the op needs (never secrets)
    body: dict[str, Any] | None = None  # the request body as sent, secrets masked

    def to_dict(self) -> dict[str, Any]:
        # Spelled out: dataclasses.asdict deep-copies through copy.deepcopy, a measurable cost on the ingest path.
        return {
            "op": self.op,
            "system": self.system,
            "method": self.method,
            "path": self.path,
            "description": self.description,
            "args": dict(self.args),
            "body": None if self.body is None else dict(self.body),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanStep:
        return cls(**data)


@dataclass(frozen=True)
class PlanContext:
    """Org settings that shape a plan (never secrets)."""

    usage_location: str = "US"
    okta_send_reset_email: bool = True
    okta_default_group_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    email: str
    name: str | None = None


class Runbook(ABC):
    """Base of every shipped runbook. Subclasses set the class attributes and implement :meth:`steps`."""

    id: ClassVar[str]
    intent: ClassVar[Intent]
    title: ClassVar[str]
    system: ClassVar[str]  # what an approver reads: "Okta", "Microsoft Graph", "Okta + Microsoft 365"
    params_model: ClassVar[type[RunbookParams]] = NoParams
    approvals_required: ClassVar[int] = 1
    needs_target: ClassVar[bool] = True
    # Steps safe to repeat after a crash (a read, or a set-to-state call); others are never re-run blindly.
    idempotent_ops: ClassVar[frozenset[str]] = frozenset()

    def validate(self, params: dict[str, Any]) -> RunbookParams:
        try:
            return self.params_model.model_validate(params)
        except ValidationError as exc:
            errors = [(".".join(str(p) for p in e["loc"]) or "params", e["msg"]) for e in exc.errors()]
            raise ParamsError(self.id, errors) from None

    def plan(self, target: Target | None, params: dict[str, Any], context: PlanContext | None = None) -> list[PlanStep]:
        if self.needs_target and target is None:
            raise ParamsError(self.id, [("target", "this runbook needs a target user")])
        return self.steps(target, self.validate(params), context or PlanContext())

    @abstractmethod
    def steps(self, target: Target | None, params: Any, context: PlanContext) -> list[PlanStep]:
        """The exact calls, in order, for validated ``params``."""

    def describe(self) -> dict[str, Any]:
        schema = self.params_model.model_json_schema()
        return {
            "id": self.id,
            "intent": str(self.intent),
            "title": self.title,
            "system": self.system,
            "approvalsRequired": self.approvals_required,
            "parameters": schema.get("properties", {}),
            "required": schema.get("required", []),
        }


def plan_hash(runbook_id: str, target: Target | None, params: dict[str, Any], steps: list[PlanStep]) -> str:
    """The hash an approval is bound to: any change in target, parameters or calls changes it."""
    doc = {
        "runbook": runbook_id,
        "target": None if target is None else {"email": target.email.lower(), "name": target.name},
        "params": params,
        "steps": [s.to_dict() for s in steps],
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
