"""Microsoft 365 licence names in a ticket (rule 12): which one is asked for, which are only mentioned."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cues import alt
from .lexicon import LICENCE_WORD
from .text import Prepared, fold

_M365 = r"(?:(?:microsoft|office|ms|m|o)\s?365[\s-]+|o365\s|m365\s)?"
_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    # (written with hyphens too: "eine Business-Premium-Lizenz", "Power-BI-Pro")
    ("Power BI Pro", ("power",), re.compile(r"\bpower[ -]?bi[ -]pro\b")),
    ("Business Basic", ("basic",), re.compile(r"\b" + _M365 + r"(?:business|biz)[ -]basic\b")),
    ("Business Standard", ("standard",), re.compile(r"\b" + _M365 + r"business[ -]standard\b")),
    ("Business Premium", ("premium", "prem"), re.compile(r"\b" + _M365 + r"busines+[ -]prem(?:ium)?\b")),
    ("Visio", ("visio",), re.compile(r"\bvisio\b(?:\s+\(?plan\s?[12]\)?)?")),
    (
        "Project",
        ("project",),
        re.compile(
            r"\b(?:ms|microsoft)[\s-]project\b(?:[\s-]+(?:plan\s?[135]|online|professional|lizenz))?"
            r"|\bproject\s+(?:\(?plan\s?[135]\)?|online|professional)(?!\w)"
            # "una licencia de Project", "eine Lizenz für Project": the licence word before the name
            + r"|(?<=licencia de )project\b|(?<=licence de )project\b|(?<=lizenz fur )project\b|(?<=licenza di )project\b"
            r"|\bproject[\s-]+"
            + LICENCE_WORD
            # listed beside another licence: "Visio and Project", "E3 + Project"
            + r"|(?<=\bvisio )(?:and|&|\+|y|et|und|e|en|og|och) project\b"
            + r"|\bproject(?= (?:and|&|\+|y|et|und|e|en|og|och) (?:visio|e[135]|f3)\b)"
            + r"|(?<=\be[135] )(?:and|&|\+|y|et|und|e|en|og|och) project\b"
        ),
    ),
    ("E1", ("e1",), re.compile(r"\b" + _M365 + r"(?:enterprise\s)?e1\b")),
    ("E3", ("e3",), re.compile(r"\b" + _M365 + r"(?:enterprise\s)?e3\b")),
    ("E5", ("e5",), re.compile(r"\b" + _M365 + r"(?:enterprise\s)?e5\b")),
    ("F3", ("f3",), re.compile(r"\b" + _M365 + r"f3\b")),
)
_M365_CONTEXT = re.compile(r"\b(?:microsoft|office|ms|m|o)\s?365\b|\bo365\b|\bm365\b|" + LICENCE_WORD)

# A licence mentioned as the one the user has or had, not the one asked for ("was on F3", "from E3 to E5").
_OLD = re.compile(
    # (or said not to be needed: "I do NOT need Project", "Power BI Pro (not Project)")
    r"(?:\b(?:do not|don't|dont|does not|doesn't) (?:need|want)(?: an?| the)?|\(not|\(?(?:bisher|vorher|previously|anteriormente|auparavant|precedentemente)|\balready (?:have|has|got)|\bya (?:tengo|tiene)|\btengo|\bj'ai deja|\bhabe (?:bereits|schon)|\bho gia|"
    r"\bja tenho|\bheb al|\bfrom(?! \d)|\b(?:version|apps?|excel|word|outlook|teams|it|that) on (?:his|her|their|my|our)|\bwas on|\bwere on|\bi'm on|\bi am on|\bwe're on|\bwe are on|\b(?:she's|he's|they're|she is|he is|they are) (?:still |currently |only )?on|"
    r"\bi'm (?:currently|still) on|\bcurrently(?: on| have| has)?|\bcurrent|\bexisting|\bstill (?:on|have)|"
    r"(?<!could )(?<!can )(?<!may )(?<!might )(?<!would )(?<!should )(?<!shall )"  # "could I have a Visio licence?" asks
    r"\b(?:i|we|i still|we still|i only|we only|i currently|i already|i've|we've) (?:have|had)(?: only)?(?: an?| the)?|\b(?:account|user|mailbox|profile|laptop) (?:is|was) (?:still |currently )?on|\b(?:account|user|mailbox|profile) (?:only |currently |still )?(?:has|had)(?: only)?(?: an?| the)?|\bje suis (?:en|sur|sous)|\bj'ai (?:deja|actuellement)|"
    r"\bestoy (?:en|con)|\btengo (?:ya|actualmente)|\b(?:ahora mismo |actualmente |ya )?tiene|\bil a (?:actuellement|deja)|\ba actuellement|"
    r"\ber hat (?:aktuell|derzeit|bereits|schon)|\b(?:he|she) (?:currently |only |still )?(?:has|had)(?: an?| the)?|\bich bin auf|\bich habe (?:bereits|schon|aktuell|derzeit)|"
    r"\bsono (?:su|in)|\bestou (?:em|com|no|na)|\bik zit op|\bik heb al|\b(?:i've|i have|we've|we have) got|\binstead of|\brather than|\bal posto d\w*|\ben (?:lugar|vez) de|\bau lieu d[eu]|\banstatt|\bstatt|\banstelle|\bin plaats van|\bem vez d[eoa]|\bdesde|"
    r"\b(?:passar|pasar\w*|mudar|cambiar\w*|passer|wechseln|umstellen|overstappen|overzetten|switch\w*|mov\w+|"
    r"upgrad\w*)(?: \w+){0,2} (?:da|de|del|do|du|von|van|dal|dalla|della))\s+(?:[\w']+\s+){0,4}$"
)
# ... or said after it: "I've the Visio licence already".
_ALREADY = re.compile(
    # in the licence's own sentence: "... Project Plan 3? Tomás ya lo ha aprobado" is an approval, not "already"
    r"[^\w.?!\n]*(?:plan\s?\d\s+)?(?:[\w-]+\s+)?(?:is\s+|was\s+)?(?:already|ya|deja|bereits|schon|gia|al\s+toegewezen)\b"
)
# "Finance say we've got Project Online licences available": the organisation's stock, not what the user has
_NOT_NEEDED = r"\b(?:do not|don't|dont|does not|doesn't|no longer) (?:need|want)(?: an?| the)? "
_STOCK = re.compile(r"(?: licen[cs]es?| seats?)? (?:available|spare|free|unused|left over|going spare|in stock)\b")
# "With F3 she only has the web apps": the plan named, then who has it
_HAS_AFTER = re.compile(
    r"[^\w.?!\n]*(?:(?:she|he|they|i|we) (?:only |currently |still )?(?:has|have|had|gets?|got)|"
    r"(?:hat|habe|haben) (?:sie|er|ich|wir) (?:schon|bereits)|(?:ya )?(?:la|lo) (?:tiene|tengo) ya|(?:elle|il) l'a deja)\b"
)
_CURRENT_KEY = re.compile(r"(?:current|existing|old|present|actual|aktuell|bisherig|actuel|vigente|attuale)\w*licen")
# "E1 -> E3", "von E3 auf E5" (a bare "von" is no old plan: "die Funktionen von Microsoft 365 E5")
_ARROW = re.compile(r"^\s*(?:-+>|=>|to|a|nach|auf|zu|vers|naar|para|->)\s*$")
_NONWORD = re.compile(r"[^\w']+")
_NEW = re.compile(r"(?:\bto|\bnach|(?<!have )(?<!has )(?<!had )(?<!got )\ba|\bvers|\bpara|\bnaar|\bauf|\bwith|\bcon|\bavec|\bmit)\s+(?:\w+\s+){0,2}$")
_REMOVAL = re.compile(
    r"\bdrop (?:my|his|her|their|the)\b|\b(?:remov(?!als?\b)|revok|unassign|un-assign|take away|take back|reclaim|free up|releas(?!e (?:r?\d|programme|program|project|plan|notes|schedule|date|cycle|train))|reallocat|re-allocat|cancel|"
    r"deactivat|downgrad|quitar|quitad|quiteis|quiten|retir(?!ed\b|ing\b|ement)|elimin|supprim|enlev|entfern|entzieh|rimuov|togli|verwijder|intrekk)\w*"
    r"|\boff (?:his|her|their|my|the|this|that) (?:account|user|profile|mailbox|login)\b|\boff (?:him|her|them)\b"
    r"|\btake (?:the |a |an |his |her |their )?(?:[\w-]+ ){0,3}(?:licen[cs]e )?off\b"
)


@dataclass(frozen=True)
class LicenceFinding:
    asked: tuple[str, ...]  # distinct licences asked for, in order of appearance
    mentioned: tuple[str, ...]  # every distinct licence named
    words: tuple[str, ...]
    removal: str | None
    context: bool  # a licence word or "Microsoft 365" appears

    @property
    def unambiguous(self) -> bool:
        """Every licence asked for is a plan name nobody uses for anything else (E3, Business Premium ...)."""
        return bool(self.asked) and all(
            name not in _AMBIGUOUS or _QUALIFIED.search(word) for name, word in zip(self.asked, self.words, strict=True)
        )


_AMBIGUOUS = frozenset({"Visio", "Project"})  # also plain software names: need "licence" or "Microsoft 365" nearby
_QUALIFIED = re.compile(r"\bplan\s?\d|\bonline\b|\bprofessional\b|^(?:ms|microsoft)\b")  # "Visio Plan 2": a plan name
_STEMS = ("power", "basic", "standard", "prem", "visio", "project", "e1", "e3", "e5", "f3")
_NONE = LicenceFinding((), (), (), None, False)


_GROUPISH = re.compile(r"\s*(?:security )?(?:groups?|grp|users group|members)\b")


_LICENCE_SUFFIX = re.compile(r"[-_](?:licen[cs]|lizenz|licentie|lisens)")


def _inside_identifier(text: str, start: int, end: int) -> bool:
    """``M365-Visio-Users`` names a group, not the Visio licence (an ``E1-Lizenz`` is still the licence)."""
    before = text[start - 2 : start] if start >= 2 else ""
    after = text[end : end + 2]
    if _LICENCE_SUFFIX.match(text, end) and not (len(before) == 2 and before[1] in "-_" and before[0].isalnum()):
        return False
    return (
        (len(before) == 2 and before[1] in "-_" and before[0].isalnum())
        or (len(after) == 2 and after[0] in "-_" and after[1].isalnum())
        or bool(_GROUPISH.match(text, end))
    )


def _context(text: str) -> bool:
    """A licence word or "Microsoft 365" that is not part of a group name (``M365-Visio-Users``)."""
    for m in _M365_CONTEXT.finditer(text):
        if "365" not in m.group(0) or not _inside_identifier(text, m.start(), m.end()):
            return True
    return False


def find_licences(p: Prepared, source: str | None = None) -> LicenceFinding:
    text = p.cue if source is None else source
    if not any(stem in text for stem in _STEMS):
        return _NONE
    found: list[tuple[int, int, str, str]] = []
    for name, stems, pattern in _PATTERNS:
        if not any(stem in text for stem in stems):
            continue
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e, _, _ in found) or _inside_identifier(text, m.start(), m.end()):
                continue
            found.append((m.start(), m.end(), name, m.group(0)))
    found.sort()
    asked: list[str] = []
    mentioned: list[str] = []
    words: list[str] = []
    olds: list[str] = []
    renewed: set[str] = set()  # named again as the new one: "from Visio Plan 1 to Visio Plan 2"
    for start, end, name, word in found:
        if name not in mentioned:
            mentioned.append(name)
        before = _NONWORD.sub(" ", text[max(0, p.clause_start(start) if source is None else 0, start - 40) : start])
        if (
            (_OLD.search(before) and not _NEW.search(before[-12:]) and not _STOCK.match(text, end, end + 30))
            or _ALREADY.match(text, end, end + 40)
            or _HAS_AFTER.match(text, end, end + 40)
        ):
            olds.append(name)
            continue
        if name in olds and _NEW.search(before[-12:]):
            renewed.add(name)
        if name not in asked:
            asked.append(name)
            words.append(word)
        elif len(word) > len(words[asked.index(name)]):
            words[asked.index(name)] = word  # "Visio" then "Visio Plan 2": the plan name says it is the licence
    for i in range(len(found) - 1):
        between = text[found[i][1] : found[i + 1][0]]
        if _ARROW.match(between) and found[i][2] not in olds:
            olds.append(found[i][2])
    if source is None:
        # a form's "Current licence: E1" beside "Requested licence: E3": the current one is what the user has
        for key, value in p.fields:
            if _CURRENT_KEY.match(key):
                olds.extend(name for name, _stems, pattern in _PATTERNS if pattern.search(fold(value)))
    if olds:
        # what the user has (or had) is not what they ask for: "on Basic ... move me to Standard"
        kept = [(n, w) for n, w in zip(asked, words, strict=True) if n not in olds or n in renewed]
        asked = [n for n, _ in kept]
        words = [w for _, w in kept]
    # a licence said anywhere not to be needed: "my manager's email said 'Project licence' but ... I do NOT need Project"
    unneeded = [n for n in asked if re.search(_NOT_NEEDED + re.escape(n.lower()) + r"\b", text)]
    if unneeded and len(unneeded) < len(asked):
        words = [w for n, w in zip(asked, words, strict=True) if n not in unneeded]
        asked = [n for n in asked if n not in unneeded]
    removal = None
    for start, end, _name, _word in found:
        removed = _REMOVAL.search(text, max(0, start - 60), end + 40)
        if removed:
            removal = removed.group(0)
    return LicenceFinding(
        asked=tuple(asked),
        mentioned=tuple(mentioned),
        words=tuple(words),
        removal=removal,
        context=_context(text),
    )


LICENCE_HINT = re.compile(
    alt(
        LICENCE_WORD,
        r"\bvisio\b",
        r"\bpower ?bi\b",
        r"\be[135]\b",
        r"\bf3\b",
        r"\bbusines+ (?:basic|standard|prem(?:ium)?)\b",
    )
)
