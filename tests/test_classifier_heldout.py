"""Quality floors on our own labelled ticket sets (tests/data/), so that a regression fails the build.

Each held-out set (``heldout-*.jsonl``) was written to the contract in shared/data/README.md and scored untouched
once, before any rule was tuned on it (the untouched scores are recorded in tests/data/README.md); the rules were
then fixed for general causes, so these files now guard against regressions, they no longer estimate accuracy on
unseen tickets. ``tuning-7.jsonl`` and ``tuning-12.jsonl`` hold the probes written while fixing rounds 6-9 and 11
(never an estimate).

The floors sit just below what the sets measure today (every set 0 unsafe but heldout-22 and heldout-69, one name
each, and heldout-77, an approver in a quoted mail header; every set at 98% intent or better, the quiet misses kept on purpose listed per round in tests/data/README.md): per set,
intent accuracy >= 0.98 and unsafe rate <= 0.01 (the goal; under 100 tickets that means no unsafe proposal at
all); pooled over every held-out set, intent >= 0.995 and unsafe <= 0.002.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from opsgate.runbooks.classifier import EmbeddedClassifier
from opsgate.runbooks.classifier.scoring import Labelled, Report, load, score

DATA = Path(__file__).resolve().parent / "data"
HELD_OUT = sorted(DATA.glob("heldout-*.jsonl"))
TUNING = [DATA / "tuning-7.jsonl", DATA / "tuning-12.jsonl"]
SET_INTENT_FLOOR = 0.98
SET_UNSAFE_CEILING = 0.01
POOLED_INTENT_FLOOR = 0.995
POOLED_UNSAFE_CEILING = 0.002


def _check(report: Report, *, intent: float, unsafe: float) -> None:
    overall = report.overall
    failing = ", ".join(o.case.id for o in report.failures)
    unsafe_ids = ", ".join(o.case.id for o in report.outcomes if o.unsafe)
    assert overall.rate(overall.intent) >= intent, f"intent accuracy below {intent}: {failing}"
    assert overall.rate(overall.unsafe) <= unsafe, f"unsafe rate above {unsafe}: {unsafe_ids}"


def test_heldout_sets_are_present_with_unique_ids() -> None:
    names = {p.stem for p in HELD_OUT}
    assert {f"heldout-{n}" for n in range(2, 99)} <= names
    assert len(load(DATA / "heldout-2.jsonl")) >= 200
    every: list[Labelled] = [c for p in [*HELD_OUT, *TUNING] for c in load(p)]
    assert len({c.id for c in every}) == len(every), "ticket ids must be unique across the sets"


@pytest.mark.parametrize("path", [*HELD_OUT, *TUNING], ids=[p.stem for p in [*HELD_OUT, *TUNING]])
def test_quality_floors_per_set(path: Path) -> None:
    _check(score(load(path), EmbeddedClassifier().classify_sync), intent=SET_INTENT_FLOOR, unsafe=SET_UNSAFE_CEILING)


def test_quality_floors_pooled_over_the_heldout_sets() -> None:
    cases = [c for p in HELD_OUT for c in load(p)]
    report = score(cases, EmbeddedClassifier().classify_sync)
    _check(report, intent=POOLED_INTENT_FLOOR, unsafe=POOLED_UNSAFE_CEILING)
