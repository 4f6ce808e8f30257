"""The evidence one family of rules found for one intent."""

from __future__ import annotations

from dataclasses import dataclass, field

from opsgate.runbooks.intents import Intent

from .cues import Hit


@dataclass
class Evidence:
    """``score`` in [0, 1] is how strongly the text asks for ``intent``; ``words`` are the phrases that said so
    (quoted in the reason). ``veto`` names a rule that forbids acting on this intent (a device lock, another
    system, a licence removal ...) together with the words that triggered it."""

    intent: Intent
    score: float = 0.0
    words: list[str] = field(default_factory=list)
    veto: str | None = None

    def add(self, found: list[Hit] | Hit | None) -> None:
        if found is None:
            return
        for h in found if isinstance(found, list) else [found]:
            if h.words not in self.words:
                self.words.append(h.words)

    def raise_to(self, score: float) -> None:
        self.score = max(self.score, score)

    @property
    def strong(self) -> bool:
        return self.score >= 0.7 and self.veto is None
