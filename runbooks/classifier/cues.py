"""Matching words in a prepared ticket, with negation.

A :class:`Cue` is a regular expression over the folded text. A match counts unless a negation governs it: one
of the three words before it in the same clause is a negator ("don't reset my password", "isn't locked",
"nicht", "pas"), or a post-positive negator follows it ("kenne das Kennwort nicht"). An inability ("can't",
"no puedo", "kann nicht") is not a negation of the request, so a modal verb stops the look-back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .fastre import FastRe
from .text import Prepared

NEGATORS = frozenset(
    {
        "not",
        "never",
        "no",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "aren't",
        "wasn't",
        "weren't",
        "won't",
        "haven't",
        "hasn't",
        "shouldn't",
        "nothing",
        "nicht",
        "kein",
        "keine",
        "keinen",
        "nie",
        "niemals",
        "pas",
        "ne",
        "n'",
        "jamais",
        "nunca",
        "non",
        "nao",
        "niet",
        "geen",
        "nooit",
        "ekki",
        "aldrei",
        "without",
        "sin",
        "sans",
        "ohne",
        "senza",
        "sem",
        "zonder",
    }
)
_POST_NEGATORS = frozenset({"nicht", "niet", "ekki", "pas", "not"})
_OR = frozenset({"or", "oder", "of", "ou"})
_STATE_AFTER_NOT = frozenset("on in installed there transferred available present".split())
_MODALS = frozenset(
    {
        "can",
        "can't",
        "could",
        "couldn't",
        "able",
        "unable",
        "puedo",
        "puede",
        "pueden",
        "podemos",
        "consigo",
        "peux",
        "peut",
        "arrive",
        "parviens",
        "kann",
        "konnen",
        "posso",
        "pode",
        "riesco",
        "kan",
        "lukt",
        "get",
        "let",
    }
)
_WORD = re.compile(r"[a-z']+")


def negated(p: Prepared, start: int, end: int) -> bool:
    """Whether the words around ``cue[start:end]`` negate it."""
    clause = p.clause_start(start)
    before = _WORD.findall(p.cue[max(clause, start - 36) : start])[-3:]
    for token in reversed(before):
        if token in _MODALS:
            break
        if token in NEGATORS:
            return True
    clause_end = p.clause_end(start)
    after = _WORD.findall(p.cue[end : min(clause_end, end + 14)])[:2]
    beyond = _WORD.findall(p.cue[end : min(clause_end, end + 30)])[:3]
    # "whether I remember my password or not" is a doubt, not a negation; "Okta Verify not on the new phone" is
    # where a thing is missing, not a negation either
    return any(
        token in _POST_NEGATORS
        and (i == 0 or after[i - 1] not in _OR)
        and not (token == "not" and i + 1 < len(beyond) and beyond[i + 1] in _STATE_AFTER_NOT)
        for i, token in enumerate(after)
    )


@dataclass(frozen=True)
class Cue:
    """A named pattern. ``negatable=False`` for patterns that carry their own negation ("can't remember")."""

    name: str
    pattern: FastRe
    negatable: bool = True
    requires: FastRe | None = None  # words every match also contains: when none can be in the text, skip


def cue(name: str, pattern: str, *, negatable: bool = True, requires: str | None = None) -> Cue:
    return Cue(name, FastRe(pattern), negatable, FastRe(requires) if requires else None)


@dataclass(frozen=True)
class Hit:
    name: str
    words: str
    start: int


def first_hit(p: Prepared, c: Cue, text: str | None = None) -> Hit | None:
    source = p.cue if text is None else text
    if text is None and c.requires is not None and not c.requires.maybe(p.live):
        return None
    live = p.live if text is None else None
    check = c.negatable and text is None
    first = c.pattern.search(source, live=live)  # the usual answer, without listing every match
    if first is None:
        return None
    if not check or not negated(p, first.start(), first.end()):
        return Hit(c.name, first.group(0).strip(), first.start())
    for m in c.pattern.finditer(source, live=live):
        if check and negated(p, m.start(), m.end()):
            continue
        return Hit(c.name, m.group(0).strip(), m.start())
    return None


def hits(p: Prepared, cues: Iterable[Cue]) -> list[Hit]:
    found: list[Hit] = []
    for c in cues:
        h = first_hit(p, c)
        if h is not None:
            found.append(h)
    return found


def alt(*parts: str) -> str:
    """A non-capturing alternation of regex fragments."""
    return "(?:" + "|".join(parts) + ")"


def near(a: str, b: str, gap: int = 5) -> str:
    """``a`` then ``b`` with at most ``gap`` words between them, none of them a negator."""
    return (
        rf"\b{a}(?:[ \t,'/-]+(?!(?:not|no|nicht|pas|never|don't|isn't|doesn't|niet|non|nao)\b)(?:[^\s.!?;:]|[.:](?=\S))+)"
        rf"{{0,{gap}}}?"
        rf"[ \t,'/()-]+{b}"
    )


def either(a: str, b: str, gap: int = 5) -> str:
    return alt(near(a, b, gap), near(b, a, gap))
