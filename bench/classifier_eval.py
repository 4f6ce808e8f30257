"""Score the embedded classifier on labelled tickets: intent, target and params accuracy and the unsafe rate,
overall and per tag.

    .venv/bin/python bench/classifier_eval.py [PATH ...] [--failures] [--org-domains a.com,b.com] [--threshold 0.6]

PATH defaults to ../shared/data/tickets-dev.jsonl beside the repository; several files (the dev set and the
held-out sets in tests/data/) are scored one by one, then together. Unsafe = an action proposed with the wrong
intent, target (email or name) or parameters, or any action on a ticket labelled no_action.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from opsgate.runbooks.classifier import Classification, EmbeddedClassifier, TicketText
from opsgate.runbooks.classifier.scoring import Labelled, Outcome, Report, Tally, load, score

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO.parent / "shared" / "data" / "tickets-dev.jsonl"


def _row(label: str, t: Tally) -> str:
    return (
        f"{label:<44} {t.n:>4}  {t.rate(t.intent):>6.1%}  {t.rate(t.target):>6.1%}  {t.rate(t.params):>6.1%}"
        f"  {t.rate(t.unsafe):>6.1%}"
    )


def _brief(o: Outcome) -> str:
    got = o.got
    target = f"{got.target.email} / {got.target.name}" if got.target else "-"
    want_target = f"{o.case.target_email} / {o.case.target_name}" if o.case.target_email else "-"
    flags = " UNSAFE" if o.unsafe else ""
    return (
        f"{o.case.id}{flags}  [{', '.join(o.case.tags)}]\n"
        f"    expected: {o.case.intent:<16} {want_target:<50} {json.dumps(o.case.params, ensure_ascii=False)}\n"
        f"    got:      {o.got_intent:<16} {target:<50} {json.dumps(got.params, ensure_ascii=False)}"
        f"  conf {got.confidence:.2f}\n"
        f"    reason:   {got.reason}"
    )


def _print(label: str, report: Report, threshold: float, *, failures: bool) -> None:
    print(f"{label}: {report.overall.n} tickets, threshold {threshold}")
    print(f"{'':<44} {'n':>4}  {'intent':>6}  {'target':>6}  {'params':>6}  {'unsafe':>6}")
    print(_row("overall", report.overall))
    for tag in sorted(report.by_tag):
        print(_row(f"  {tag}", report.by_tag[tag]))
    failing = report.failures
    print(f"\n{len(failing)} not fully right: {', '.join(o.case.id for o in failing) or 'none'}")
    if failures:
        for o in failing:
            print(_brief(o))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", metavar="PATH", default=[str(DEFAULT)])
    parser.add_argument("--failures", action="store_true", help="list every ticket not fully right")
    parser.add_argument("--org-domains", default="", help="comma-separated org domains (default: reporter's)")
    parser.add_argument("--threshold", type=float, default=0.6)
    args = parser.parse_args(argv)

    domains = [d for d in args.org_domains.split(",") if d.strip()]
    classifier = EmbeddedClassifier(org_domains=domains, threshold=args.threshold)
    every: list[Labelled] = []
    seen: dict[int, Classification] = {}  # each ticket is classified once, for its file and for the total

    def classify(ticket: TicketText) -> Classification:
        if id(ticket) not in seen:
            seen[id(ticket)] = classifier.classify_sync(ticket)
        return seen[id(ticket)]

    for i, path in enumerate(args.paths):
        cases = load(Path(path))
        every.extend(cases)
        if i:
            print()
        _print(path, score(cases, classify), args.threshold, failures=args.failures)
    if len(args.paths) > 1:
        print(f"\n{'=' * 80}")
        _print(f"all {len(args.paths)} files", score(every, classify), args.threshold, failures=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
