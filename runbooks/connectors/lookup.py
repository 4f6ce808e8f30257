"""Exact-name matching shared by the user and group lookups of every connector."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def exact_matches(items: Sequence[T], wanted: str, key: Callable[[T], str]) -> list[T]:
    """Items whose key equals ``wanted``; failing that, those equal ignoring case (the APIs compare that way).

    Search endpoints match loosely (prefixes, case), so the caller decides on this list: none is "not found",
    more than one is ambiguous and must be refused rather than guessed.
    """
    exact = [item for item in items if key(item) == wanted]
    if exact:
        return exact
    folded = wanted.casefold()
    return [item for item in items if key(item).casefold() == folded]
