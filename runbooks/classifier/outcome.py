"""How the decision stops: every exit is a ``no_action`` whose reason says why and, when an intent had evidence,
what it would have been. The steps raise :class:`Outcome` so they stay flat and readable."""

from __future__ import annotations

from .evidence import Evidence
from .model import Classification, no_action


def quote(words: list[str], limit: int = 3) -> str:
    shown = []
    for w in words[:limit]:
        w = " ".join(w.split())
        shown.append(f'"{w[:40]}"')
    return ", ".join(shown)


def short(words: str, limit: int = 60) -> str:
    flat = " ".join(words.split())
    return flat if len(flat) <= limit else flat[: limit - 3].rstrip() + "..."


def label(ev: Evidence) -> str:
    return f"{ev.intent.value} ({quote(ev.words, 2)})" if ev.words else ev.intent.value


class Outcome(Exception):
    """Raised inside the decision to stop with a result (keeps the steps flat and readable)."""

    def __init__(self, result: Classification) -> None:
        super().__init__(result.reason)
        self.result = result


def stop(reason: str, confidence: float, guess: Evidence | None = None) -> Outcome:
    if guess is not None and guess.score > 0:
        reason = f"{reason}; would have been {label(guess)}"
    return Outcome(
        no_action(f"no_action: {reason}", confidence=confidence, best_guess=guess.intent if guess else None)
    )
