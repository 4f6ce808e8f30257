"""Write every Teams card OpsGate can show, built from ``cards/samples.py``, to one JSON file for the renderer.

Usage: ``python bench/cards/dump_cards.py [cards-out/cards.json]`` (``make cards`` runs it, then render.mjs).
Output: ``{"<name>": <Adaptive Card>, ...}`` in a stable order; every card is the builders' output as-is.
"""

from __future__ import annotations

import json
import pathlib
import sys
from typing import Any

from opsgate.cards.adaptive import approval, forms
from opsgate.cards.samples import DECIDED, MFA_RESET, RUNBOOKS, SAMPLES, SUMMARIES
from opsgate.cards.text import RefusalKind


def all_cards() -> dict[str, Any]:
    cards: dict[str, Any] = {f"approval-{name}": approval.approval_card(view) for name, view in SAMPLES.items()}
    cards["thread-note"] = approval.thread_note(MFA_RESET)
    cards["reminder"] = approval.reminder_card(MFA_RESET)
    cards["requester-approved"] = approval.requester_dm_card(SAMPLES["succeeded"])
    cards["requester-denied"] = approval.requester_dm_card(SAMPLES["denied_long_reason"])
    for kind in RefusalKind:
        view = DECIDED if kind is RefusalKind.ALREADY_DECIDED else MFA_RESET
        cards[f"refusal-{kind.value.replace('_', '-')}"] = approval.refusal_card(kind, view)
    cards["request-form"] = forms.request_form_card(RUNBOOKS)
    cards["pending"] = forms.pending_list_card(SUMMARIES)
    cards["pending-empty"] = forms.pending_list_card(())
    cards["help"] = forms.help_card()
    return cards


def main(argv: list[str]) -> int:
    out = pathlib.Path(argv[1] if len(argv) > 1 else "cards-out/cards.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    cards = all_cards()
    out.write_text(json.dumps(cards, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {len(cards)} cards to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
