"""Regular expressions that skip work: a big alternation is split into its branches, and a branch runs only when
the literal text every match of it must start with occurs in the input (a C-speed substring test).

Python's ``re`` tries every branch of an alternation at every position, so a 40-branch guard costs ~100 µs on a
long ticket; most branches cannot match at all, and one ``in`` test per branch proves it. Only used on folded
(lower-case) text with lower-case patterns.
"""

from __future__ import annotations

import re

_STOP_ESCAPES = set("wWsSdDbBAZ")


def _close(pattern: str, i: int) -> int:
    """Index of the ``)`` closing the group opened at ``pattern[i] == "("``."""
    depth = 0
    in_class = False
    j = i
    while j < len(pattern):
        c = pattern[j]
        if c == "\\":
            j += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    raise ValueError(f"unbalanced group in {pattern!r}")


def split_alternatives(pattern: str) -> list[str]:
    """The top-level branches of ``pattern``."""
    parts: list[str] = []
    depth = 0
    in_class = False
    start = 0
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


_MAX_PREFIXES = 256


def _scan(branch: str) -> tuple[set[str], bool]:
    """(literal prefixes, whether the whole branch was literal); a prefix may be empty."""
    current = {""}
    i = 0
    n = len(branch)
    while i < n:
        c = branch[i]
        if c == "\\":
            if i + 1 >= n:
                return current, False
            nxt = branch[i + 1]
            if nxt in "bB":
                i += 2
                continue
            if nxt in _STOP_ESCAPES:
                return current, False
            char, i = nxt, i + 2
        elif c == "(":
            end = _close(branch, i)
            inner = branch[i + 1 : end]
            if inner.startswith(("?=", "?!", "?<=", "?<!")):
                i = end + 1
                continue
            if inner.startswith("?:"):
                inner = inner[2:]
            elif inner.startswith("?P<"):
                inner = inner[inner.index(">") + 1 :]
            elif inner.startswith("?"):
                return current, False
            if end + 1 < n and branch[end + 1] in "?*{":
                return current, False
            options: set[str] = set()
            complete = True
            for alt in split_alternatives(inner):
                sub, whole = _scan(alt)
                options |= sub
                complete = complete and whole
            if len(current) * len(options) > _MAX_PREFIXES:
                return current, False
            current = {p + o for p in current for o in options}
            if not complete or (end + 1 < n and branch[end + 1] == "+"):
                return current, False
            i = end + 1
            continue
        elif c in ".[^$|)":
            return current, False
        else:
            char, i = c, i + 1
        if i < n and branch[i] in "?*{":
            return current, False
        current = {p + char for p in current}
        if i < n and branch[i] == "+":
            return current, False
    return current, True


def prefixes(branch: str) -> tuple[str, ...] | None:
    """Literal strings one of which starts every match of ``branch``; None when no useful one is known."""
    found, _ = _scan(branch)
    if not found or any(len(p) < 3 for p in found):
        return None
    return tuple(sorted(found))


_MAX_BRANCHES = 2000


def _branches(pattern: str) -> list[str]:
    """Top-level branches, distributing a leading group (``(?:a|b)R`` -> ``aR``, ``bR``) so that every
    branch starts with literal text and can be gated on it (at most ``_MAX_BRANCHES`` per pattern)."""
    todo = split_alternatives(pattern)
    out: list[str] = []
    while todo:
        branch = todo.pop(0)
        lead, body = (r"\b", branch[2:]) if branch.startswith(r"\b") else ("", branch)
        if body.startswith("(?:"):
            end = _close(body, 0)
            rest = body[end + 1 :]
            if not rest or rest[0] not in "?*+{":
                alts = split_alternatives(body[3:end])
                if len(out) + len(todo) + len(alts) <= _MAX_BRANCHES:
                    todo[:0] = [lead + alt + rest for alt in alts]
                    continue
        out.append(branch)
    return out


Gram = tuple[str, ...]
Live = dict[int, list[int]]  # per pattern, the branches that may match one text (see _Registry.candidates)
_ASCII = [chr(c) for c in range(128)]


def grams(text: str) -> frozenset[Gram]:
    """Every four-character run of ``text`` and a trailing space (as tuples, built at C speed by ``zip``): the
    keys the branch gates are indexed by. ``text`` is folded, hence ASCII."""
    padded = text + " "
    return frozenset(zip(padded, padded[1:], padded[2:], padded[3:], strict=False))


class _Registry:
    """Every branch of every :class:`FastRe`, indexed by the first three characters of its prefixes, so that one
    set intersection per text finds the branches that may match anywhere in it."""

    def __init__(self) -> None:
        self.prefixes: list[tuple[str, ...] | None] = []
        self.owner: list[int] = []
        self.owners = 0
        self.index: dict[Gram, set[int]] = {}
        self.always: set[int] = set()
        self._keys: frozenset[Gram] | None = None

    def new_owner(self) -> int:
        self.owners += 1
        return self.owners - 1

    def add(self, owner: int, pref: tuple[str, ...] | None) -> int:
        gid = len(self.prefixes)
        self.prefixes.append(pref)
        self.owner.append(owner)
        if pref is None:
            self.always.add(gid)
        else:
            for p in pref:
                keys = [tuple(p[:4])] if len(p) >= 4 else [(*p, c) for c in _ASCII]
                for key in keys:
                    self.index.setdefault(key, set()).add(gid)
        self._keys = None
        return gid

    def candidates(self, keys: frozenset[Gram]) -> Live:
        """The branches that may match a text with these grams, grouped by the pattern they belong to."""
        if self._keys is None:
            self._keys = frozenset(self.index)
        index = self.index
        owner = self.owner
        live: dict[int, list[int]] = {}
        for gid in self.always.union(*[index[key] for key in self._keys & keys]):
            live.setdefault(owner[gid], []).append(gid)
        return live


REGISTRY = _Registry()


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _boundary(text: str, at: int) -> bool:
    """``\\b`` at ``at``."""
    before = at > 0 and _is_word(text[at - 1])
    after = at < len(text) and _is_word(text[at])
    return before != after


class _Part:
    """One branch, compiled without a leading ``\\b`` (which would disable ``re``'s fast literal-prefix scan);
    the boundary is checked on each match instead. Compiled on first use: most branches never run."""

    __slots__ = ("_rx", "boundary", "prefixes", "source")

    def __init__(self, branch: str) -> None:
        self.prefixes = prefixes(branch)
        self.boundary = branch.startswith(r"\b")
        self.source = branch[2:] if self.boundary else branch
        self._rx: re.Pattern[str] | None = None

    @property
    def rx(self) -> re.Pattern[str]:
        if self._rx is None:
            self._rx = re.compile(self.source)
        return self._rx

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> list[re.Match[str]]:
        end = len(text) if endpos is None else endpos
        found = self.rx.finditer(text, pos, end)
        if not self.boundary:
            return list(found)
        return [m for m in found if _boundary(text, m.start())]

    def search(self, text: str, pos: int, endpos: int) -> re.Match[str] | None:
        if not self.boundary:
            return self.rx.search(text, pos, endpos)
        for m in self.rx.finditer(text, pos, endpos):
            if _boundary(text, m.start()):
                return m
        return None


class FastRe:
    """``search``/``finditer`` over the branches of one pattern, each gated by its literal prefixes.

    Pass ``live`` (computed once per text by :data:`REGISTRY`) to gate all branches with one set intersection;
    without it each branch's prefixes are looked for one by one.
    """

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._parts = [_Part(b) for b in _branches(pattern)]
        self._id = REGISTRY.new_owner()
        self._gids = [REGISTRY.add(self._id, part.prefixes) for part in self._parts]
        self._by_gid = dict(zip(self._gids, self._parts, strict=True))

    def maybe(self, live: Live) -> bool:
        """Whether any branch may match the text ``live`` was computed for (no scanning)."""
        return bool(live.get(self._id))

    def _live(self, text: str, live: Live | None) -> list[_Part]:
        if live is None:
            return [part for part in self._parts if part.prefixes is None or any(p in text for p in part.prefixes)]
        gids = live.get(self._id)
        if not gids:
            return []
        by_gid = self._by_gid
        return [by_gid[gid] for gid in gids]

    def search(
        self, text: str, pos: int = 0, endpos: int | None = None, *, live: Live | None = None
    ) -> re.Match[str] | None:
        """Like ``re.search``; ``live`` (``REGISTRY.candidates(grams(t))`` for a text ``t`` containing ``text``)
        skips branches that cannot match."""
        best: re.Match[str] | None = None
        end = len(text) if endpos is None else endpos
        for part in self._live(text, live):
            m = part.search(text, pos, end)
            if m is not None and (best is None or (m.start(), m.re.pattern) < (best.start(), best.re.pattern)):
                best = m
        return best

    def finditer(self, text: str, *, live: Live | None = None) -> list[re.Match[str]]:
        found = [m for part in self._live(text, live) for m in part.finditer(text)]
        found.sort(key=lambda m: (m.start(), m.re.pattern))
        return found

    def unguarded(self) -> list[str]:
        """Branches that always run (for tuning: give them a literal start)."""
        return [part.source for part in self._parts if part.prefixes is None]
