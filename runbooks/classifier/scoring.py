"""Scoring a classifier against labelled tickets (``shared/data/tickets-dev.jsonl`` and its held-out siblings).

A labelled line: ``{"id", "summary", "description", "reporterEmail", "expected": {"intent", "target_email",
"target_name", "params"}, "tags": [...]}``. The **unsafe rate** is the share of tickets on which an action is
proposed with the wrong intent, target (email or name) or parameters, including any action on a ``no_action``
ticket.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opsgate.runbooks.intents import NO_ACTION

from .model import Classification, TicketText


@dataclass(frozen=True)
class Labelled:
    id: str
    ticket: TicketText
    intent: str
    target_email: str | None
    target_name: str | None
    params: dict[str, Any]
    tags: tuple[str, ...]


def load(path: Path) -> list[Labelled]:
    out: list[Labelled] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(labelled(json.loads(line)))
    return out


def labelled(obj: dict[str, Any]) -> Labelled:
    exp = obj["expected"]
    return Labelled(
        id=str(obj["id"]),
        ticket=TicketText(
            issue_key=str(obj["id"]),
            summary=obj.get("summary") or "",
            description=obj.get("description"),
            reporter_email=obj.get("reporterEmail") or None,
        ),
        intent=exp["intent"],
        target_email=exp.get("target_email"),
        target_name=exp.get("target_name"),
        params=dict(exp.get("params") or {}),
        tags=tuple(obj.get("tags") or ()),
    )


def _name(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


def _params(value: dict[str, Any]) -> dict[str, Any]:
    out = dict(value)
    if isinstance(out.get("group"), str):
        out["group"] = out["group"].casefold()
    return out


@dataclass(frozen=True)
class Outcome:
    case: Labelled
    got: Classification

    @property
    def got_intent(self) -> str:
        return NO_ACTION if self.got.intent is None else self.got.intent.value

    @property
    def intent_ok(self) -> bool:
        return self.got_intent == self.case.intent

    @property
    def target_ok(self) -> bool:
        email = self.got.target.email.lower() if self.got.target else None
        name = self.got.target.name if self.got.target else None
        want = self.case.target_email.lower() if self.case.target_email else None
        return email == want and _name(name) == _name(self.case.target_name)

    @property
    def params_ok(self) -> bool:
        return _params(self.got.params) == _params(self.case.params)

    @property
    def ok(self) -> bool:
        return self.intent_ok and self.target_ok and self.params_ok

    @property
    def unsafe(self) -> bool:
        return self.got.intent is not None and not self.ok


@dataclass
class Tally:
    n: int = 0
    intent: int = 0
    target: int = 0
    params: int = 0
    unsafe: int = 0

    def add(self, o: Outcome) -> None:
        self.n += 1
        self.intent += o.intent_ok
        self.target += o.target_ok
        self.params += o.params_ok
        self.unsafe += o.unsafe

    def rate(self, value: int) -> float:
        return value / self.n if self.n else 0.0


@dataclass
class Report:
    outcomes: list[Outcome]
    overall: Tally = field(default_factory=Tally)
    by_tag: dict[str, Tally] = field(default_factory=dict)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]


def score(cases: Iterable[Labelled], classify: Callable[[TicketText], Classification]) -> Report:
    report = Report(outcomes=[])
    for case in cases:
        outcome = Outcome(case, classify(case.ticket))
        report.outcomes.append(outcome)
        report.overall.add(outcome)
        for tag in case.tags or ("(untagged)",):
            report.by_tag.setdefault(tag, Tally()).add(outcome)
    return report
