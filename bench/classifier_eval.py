"""Score the embedded classifier on labelled tickets: intent, target and params accuracy and the unsafe rate,
overall and per tag.

    .venv/bin/python bench/classifier_eval.py [PATH] [--failures] [--org-domains a.com,b.com] [--threshold 0.6]

PATH defaults to ../shared/data/tickets-dev.jsonl beside the repository. Unsafe = an action proposed with the
wrong intent, target (email or name) or parameters, or any action on a ticket labelled no_action.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from opsgate.runbooks.classifier import EmbeddedClassifier
from opsgate.runbooks.classifier.scoring import Outcome, Tally, load, score

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--failures", action="store_true", help="list every ticket not fully right")
    parser.add_argument("--org-domains", default="", help="comma-separated org domains (default: reporter's)")
    parser.add_argument("--threshold", type=float, default=0.6)
    args = parser.parse_args(argv)

    cases = load(Path(args.path))
    domains = [d for d in args.org_domains.split(",") if d.strip()]
    classifier = EmbeddedClassifier(org_domains=domains, threshold=args.threshold)
    report = score(cases, classifier.classify_sync)

    print(f"{args.path}: {len(cases)} tickets, threshold {args.threshold}")
    print(f"{'':<44} {'n':>4}  {'intent':>6}  {'target':>6}  {'params':>6}  {'unsafe':>6}")
    print(_row("overall", report.overall))
    for tag in sorted(report.by_tag):
        print(_row(f"  {tag}", report.by_tag[tag]))
    failing = report.failures
    print(f"\n{len(failing)} not fully right: {', '.join(o.case.id for o in failing) or 'none'}")
    if args.failures:
        for o in failing:
            print(_brief(o))
    return 0


if __name__ == "__main__":
    sys.exit(main())
