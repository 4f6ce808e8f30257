"""Microsoft 365 licence names in a ticket (rule 12): which one is asked for, which are only mentioned."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cues import alt
from .lexicon import LICENCE_WORD
from .text import Prepared

_M365 = r"(?:(?:microsoft|office|ms|m|o)\s?365[\s-]+|o365\s|m365\s)?"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Power BI Pro", re.compile(r"\bpower ?bi pro\b")),
    ("Business Basic", re.compile(r"\b" + _M365 + r"(?:business|biz) basic\b")),
    ("Business Standard", re.compile(r"\b" + _M365 + r"business standard\b")),
    ("Business Premium", re.compile(r"\b" + _M365 + r"business premium\b")),
    ("Visio", re.compile(r"\bvisio\b(?:\s+plan\s?[12])?")),
    (
        "Project",
        re.compile(
            r"\b(?:ms|microsoft)[\s-]project\b(?:[\s-]+(?:plan\s?[135]|online|professional|lizenz))?"
            r"|\bproject\s+(?:plan\s?[135]|online|professional)\b"
            r"|\bproject[\s-]+" + LICENCE_WORD
        ),
    ),
    ("E1", re.compile(r"\b" + _M365 + r"(?:enterprise\s)?e1\b")),
    ("E3", re.compile(r"\b" + _M365 + r"(?:enterprise\s)?e3\b")),
    ("E5", re.compile(r"\b" + _M365 + r"(?:enterprise\s)?e5\b")),
    ("F3", re.compile(r"\b" + _M365 + r"f3\b")),
)
_M365_CONTEXT = re.compile(r"\b(?:microsoft|office|ms|m|o)\s?365\b|\bo365\b|\bm365\b|" + LICENCE_WORD)

# A licence mentioned as the one the user has or had, not the one asked for ("was on F3", "from E3 to E5").
_OLD = re.compile(
    r"(?:\bfrom|\bwas on|\bwere on|\bcurrently(?: on| have| has)?|\bcurrent|\bexisting|\bstill (?:on|have)|\bhave (?:an? |the )?|"
    r"\bhad (?:an? |the )?|\binstead of|\brather than|\bde la|\bvon|\bdu|\bdesde|\bvan|\bda|\bd'une|\bdei)\s+(?:\w+\s+){0,4}$"
)
_NONWORD = re.compile(r"[^\w]+")
_NEW = re.compile(r"(?:\bto|\bnach|\ba|\bvers|\bpara|\bnaar|\bauf|\bwith|\bcon|\bavec|\bmit)\s+(?:\w+\s+){0,2}$")
_REMOVAL = re.compile(
    r"\b(?:remov|revok|unassign|un-assign|take away|take back|reclaim|free up|releas|reallocat|re-allocat|cancel|"
    r"deactivat|downgrad|quitar|quitad|quiteis|quiten|retir|elimin|supprim|enlev|entfern|entzieh|rimuov|togli|verwijder|intrekk)\w*"
)
_INSTALL = re.compile(
    r"\b(?:install\w*|instal·la\w*|instalar\w*|instala\w*|installer|installieren|installare|software center|download\w*|"
    r"descargar|telecharger|herunterladen)\b"
)


@dataclass(frozen=True)
class LicenceFinding:
    asked: tuple[str, ...]  # distinct licences asked for, in order of appearance
    mentioned: tuple[str, ...]  # every distinct licence named
    words: tuple[str, ...]
    removal: str | None
    install: str | None
    context: bool  # a licence word or "Microsoft 365" appears


_STEMS = ("power", "basic", "standard", "premium", "visio", "project", "e1", "e3", "e5", "f3")
_NONE = LicenceFinding((), (), (), None, None, False)


def _inside_identifier(text: str, start: int, end: int) -> bool:
    """``M365-Visio-Users`` names a group, not the Visio licence."""
    before = text[start - 2 : start] if start >= 2 else ""
    after = text[end : end + 2]
    return (len(before) == 2 and before[1] in "-_" and before[0].isalnum()) or (
        len(after) == 2 and after[0] in "-_" and after[1].isalnum()
    )


def find_licences(p: Prepared, source: str | None = None) -> LicenceFinding:
    text = p.cue if source is None else source
    if not any(stem in text for stem in _STEMS):
        return _NONE
    found: list[tuple[int, int, str, str]] = []
    for name, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e, _, _ in found) or _inside_identifier(text, m.start(), m.end()):
                continue
            found.append((m.start(), m.end(), name, m.group(0)))
    found.sort()
    asked: list[str] = []
    mentioned: list[str] = []
    words: list[str] = []
    olds: list[str] = []
    for start, _end, name, word in found:
        if name not in mentioned:
            mentioned.append(name)
        before = _NONWORD.sub(" ", text[max(0, p.clause_start(start) if source is None else 0, start - 40) : start])
        if _OLD.search(before) and not _NEW.search(before[-12:]):
            olds.append(name)
            continue
        if name not in asked:
            asked.append(name)
            words.append(word)
    if not asked and olds:
        asked = olds[-1:]
    removal = None
    install = None
    for start, end, _name, _word in found:
        lo = max(0, start - 60)
        window = text[lo : min(len(text), end + 40)]
        m = _REMOVAL.search(window)
        if m:
            removal = m.group(0)
        m = _INSTALL.search(window)
        if m:
            install = m.group(0)
    return LicenceFinding(
        asked=tuple(asked),
        mentioned=tuple(mentioned),
        words=tuple(words),
        removal=removal,
        install=install,
        context=bool(_M365_CONTEXT.search(text)),
    )


LICENCE_HINT = re.compile(alt(LICENCE_WORD, r"\bvisio\b", r"\bpower ?bi\b", r"\be[135]\b", r"\bf3\b", r"\bbusiness (?:basic|standard|premium)\b"))
