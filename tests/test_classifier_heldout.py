"""Quality floors on our own held-out ticket sets (tests/data/heldout-*.jsonl), so that a regression fails the
build.

Each set was written to the contract in shared/data/README.md and scored untouched once, before any rule was
tuned on it (the scores are recorded in tests/data/README.md); the rules were then fixed for general causes, so
these files now guard against regressions, they no longer estimate accuracy on unseen tickets. Floors: intent
accuracy >= 0.95 and unsafe rate <= 0.01, the goal the classifier is judged by on held-out tickets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from opsgate.runbooks.classifier import EmbeddedClassifier
from opsgate.runbooks.classifier.scoring import Report, load, score

DATA = Path(__file__).resolve().parent / "data"
HELD_OUT = sorted(DATA.glob("heldout-*.jsonl"))
INTENT_FLOOR = 0.95
UNSAFE_CEILING = 0.01


def _check(report: Report) -> None:
    overall = report.overall
    failing = ", ".join(o.case.id for o in report.failures)
    unsafe = ", ".join(o.case.id for o in report.outcomes if o.unsafe)
    assert overall.rate(overall.intent) >= INTENT_FLOOR, f"intent accuracy below {INTENT_FLOOR}: {failing}"
    assert overall.rate(overall.unsafe) <= UNSAFE_CEILING, f"unsafe rate above {UNSAFE_CEILING}: {unsafe}"


def test_heldout_2_is_present_and_large_enough() -> None:
    cases = load(DATA / "heldout-2.jsonl")
    assert len(cases) >= 200
    assert len({c.id for c in cases}) == len(cases), "ticket ids must be unique"


@pytest.mark.parametrize("path", HELD_OUT, ids=[p.stem for p in HELD_OUT])
def test_heldout_quality_floors(path: Path) -> None:
    _check(score(load(path), EmbeddedClassifier().classify_sync))
