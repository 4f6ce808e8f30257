"""Quality floors on labelled tickets, so that a regression fails the build: the shared dev set (when it is
beside the checkout) and our own cases in tests/test_classifier_cases.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsgate.runbooks.classifier import EmbeddedClassifier
from opsgate.runbooks.classifier.scoring import Report, labelled, load, score
from tests.test_classifier_cases import CASES

DEV_SET = Path(__file__).resolve().parents[2] / "shared" / "data" / "tickets-dev.jsonl"


def _floors(report: Report, *, intent: float, unsafe: float, target: float) -> None:
    overall = report.overall
    failing = ", ".join(o.case.id for o in report.failures)
    assert overall.rate(overall.intent) >= intent, f"intent accuracy below {intent}: {failing}"
    assert overall.rate(overall.target) >= target, f"target accuracy below {target}: {failing}"
    unsafe_ids = ", ".join(o.case.id for o in report.outcomes if o.unsafe)
    assert overall.rate(overall.unsafe) <= unsafe, f"unsafe rate above {unsafe}: {unsafe_ids}"


@pytest.mark.skipif(not DEV_SET.exists(), reason=f"{DEV_SET} is not beside the checkout")
def test_dev_set_quality_floors() -> None:
    report = score(load(DEV_SET), EmbeddedClassifier().classify_sync)
    _floors(report, intent=0.95, unsafe=0.01, target=0.95)


def test_own_cases_quality_floors() -> None:
    report = score([labelled(c) for c in CASES], EmbeddedClassifier().classify_sync)
    _floors(report, intent=0.95, unsafe=0.01, target=0.95)
