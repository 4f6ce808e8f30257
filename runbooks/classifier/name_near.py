"""A person's name found for an address in the text: right before it ("Padma Nair (pnair@...)"), anywhere as the
words that spell it, typed in lower case before it, or as the one name whose initials it is ("mw@")."""

from __future__ import annotations

import re

from .names import PARTICLES, STOP, choose_name, runs, spells_local, trailing_run, without_nicknames
from .text import Prepared, fold

_CAPITALISED_TAIL = re.compile(r"((?:[A-ZÀ-Þ][\w'’-]+[ \t]+){1,2}[A-ZÀ-Þ][\w'’-]+)[ \t]*[(<:,-]*[ \t]*$")
_JOB_WORDS = frozenset(
    """coordinator manager assistant officer director engineer administrator adviser advisor consultant analyst
    specialist technician lead head supervisor producer editor designer developer accountant receptionist clerk
    worker volunteer nurse tutor lecturer instructor president secretary treasurer chair""".split()
)
_PLACE_BEFORE = re.compile(r"\b(?:at|in|from|near|bei|aus|en|à|a|de|da|di|in|te|op|i|på)\s+$", re.IGNORECASE)


def adjacent_name(p: Prepared, start: int, local: str) -> list[str] | None:
    line_start = p.text.rfind("\n", 0, start) + 1
    before = without_nicknames(p.text[line_start:start])
    run = trailing_run(before)
    if len(run) < 2:
        # a surname that is also a word ("Denise Quick (denise.quick@...)"): kept when the words spell the address
        tail = _CAPITALISED_TAIL.search(before)
        words = tail.group(1).split() if tail else []
        return words if len(words) >= 2 and spells_local(words, local) else None
    chosen = choose_name(run, local)
    if chosen is None or spells_local(chosen, local):
        return chosen
    if any(w.lower() in _JOB_WORDS for w in chosen):
        return None  # "our new Care Coordinator: hollie.tregenza@..." is a job title, not her name
    # two capitalised words after "at" that do not spell the address are a place: "a vet tech at Oak Creek (t@)"
    head = before.rstrip(" \t(-–:,")
    cut = head.rfind(chosen[0])
    if cut > 0 and _PLACE_BEFORE.search(head[:cut]):
        return None
    return chosen


def spelled_name(p: Prepared, local: str) -> list[str] | None:
    best: list[str] | None = None
    for run in runs(p.text):
        for i in range(len(run) - 1):
            candidate = run[i:]
            if len(candidate) > 3 and candidate[1].lower() in PARTICLES and spells_local(candidate[2:], local):
                continue  # "Fallecimiento de Francisco Javier Montes": a word and "de" before the name it spells
            if spells_local(candidate, local) and (best is None or len(candidate) > len(best)):
                best = candidate
                break
    if best is None:
        best = _initials_name(p, local)
    return best


def lowercase_name(p: Prepared, start: int, local: str) -> list[str] | None:
    """A name typed in lower case right before its address ("lupe benavides lbenavides@..."), kept only when it
    spells the address, and written capitalised."""
    line_start = p.text.rfind("\n", 0, start) + 1
    words = re.findall(r"[^\W\d_][\w'’-]*", p.text[max(line_start, start - 60) : start])
    for size in (3, 2):
        tail = words[-size:]
        if len(tail) == size and all(w.islower() and w not in STOP and len(w) > 1 for w in tail):
            named = [w[:1].upper() + w[1:] for w in tail]
            if spells_local(named, local):
                return named
    return None


def _initials_name(p: Prepared, local: str) -> list[str] | None:
    """An address made of initials ("mw@", "fl@") and exactly one name in the text with those initials."""
    initials = re.sub(r"[^a-z]", "", fold(local))
    if not 2 <= len(initials) <= 3 or initials != fold(local):
        return None
    found = {
        tuple(run[i : i + len(initials)])
        for run in runs(p.text)
        for i in range(len(run) - len(initials) + 1)
        if "".join(fold(t)[:1] for t in run[i : i + len(initials)]) == initials
    }
    return list(found.pop()) if len(found) == 1 else None
