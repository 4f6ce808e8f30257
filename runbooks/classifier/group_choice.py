"""Which of the groups a ticket names it asks about (rule 14): each group once -- "PACS group" in the summary and
"Radiologie-PACS-Users" in the body are one group named twice, "meetng-room-bookers" and "Meeting-Room-Bookers" one
group with a slip -- and none that is said to be settled already."""

from __future__ import annotations

import re

from .groups import SENTENCE_END, GroupMention
from .text import Prepared, fold
from .typos import one_slip

_SETTLED = re.compile(
    r"\b(?:already (?:sorted|done|in place|set up|fine|there|a member|have|has|got|in)|(?:is|was|are|were) (?:already )?"
    r"(?:sorted|done|fine|in place)|ya (?:esta|estoy|tengo)|deja (?:fait|en place)|bereits (?:erledigt|drin)|gia (?:fatto|a "
    r"posto)|al (?:geregeld|gedaan))\b"
)


def already_settled(p: Prepared, g: GroupMention) -> bool:
    """The group's own sentence says it is already done ("the Riverside group is already sorted")."""
    lo = 0
    for stop in SENTENCE_END.finditer(p.text, 0, g.start):
        lo = stop.end()
    after = SENTENCE_END.search(p.text, g.start)
    return _SETTLED.search(fold(p.text[lo : after.start() if after else len(p.text)])) is not None


def groups_asked(p: Prepared, groups: list[GroupMention]) -> list[GroupMention]:
    """The groups a request is about, each once: "PACS group" in the summary and "Radiologie-PACS-Users" in the body
    are one group named twice, "meetng-room-bookers" and "Meeting-Room-Bookers" one group with a slip, and a group
    said to be done already ("The Riverside group is already sorted, thanks!") is background."""
    groups = [g for g in groups if not any(g is not o and _named_within(p, g, o) for o in groups)] or groups
    groups = [
        g
        for g in groups
        if not any(
            g is not o and g.start < o.start and one_slip(g.name.lower(), o.name.lower(), replace=False) for o in groups
        )
    ]
    return [g for g in groups if g.action is not None or not already_settled(p, g)] or groups


# "PRJ-Leeds and PRJ-Leeds-Drawings": two groups listed side by side, not one named twice
_LISTED_WITH = re.compile(r"\s*(?:,|&|\+|/|and|or|y|et|und|e|o|ou|oder|en|as well as)?\s*(?:the |to )?$", re.I)


def _named_within(p: Prepared, g: GroupMention, o: GroupMention) -> bool:
    """Whether ``g`` is ``o`` named again, shorter ("PACS group" for "Radiologie-PACS-Users"), not a group of its own
    listed beside it."""
    if fold(g.name) not in fold(o.name):
        return False
    first, second = (g, o) if g.start < o.start else (o, g)
    between = p.text[first.start + len(first.name) : second.start]
    return _LISTED_WITH.fullmatch(between) is None
