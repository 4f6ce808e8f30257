"""Complete dates in any of the ticket languages, and the one that is a start date (rule 11)."""

from __future__ import annotations

import re
from datetime import date

from .text import Prepared, fold

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan enero ene janvier janv januar janner gennaio janeiro januari",
        "february feb febrero fevrier fevr fev februar febbraio fevereiro februari",
        "march mar marzo mars marz maerz marco maart",
        "april apr abril avril avr aprile",
        "may mayo mai maggio maio mei maj",
        "june jun junio juin juni giugno junho",
        "july jul julio juillet juil juli luglio julho",
        "august aug agosto aout augustus agust augusti",
        "september sep sept septiembre setiembre septembre settembre setembro",
        "october oct octubre octobre oktober ottobre outubro okt",
        "november nov noviembre novembre novembro",
        "december dec diciembre decembre dezember dicembre dezembro desember dez",
        # Catalan, Polish and Czech (genitive), Finnish (partitive): "11 de maig de 2026", "1 lipca 2026"
        "gener stycznia ledna tammikuuta",
        "febrer lutego unora helmikuuta",
        "marc marca brezna maaliskuuta",
        "kwietnia dubna huhtikuuta",
        "maig maja kvetna toukokuuta",
        "juny czerwca cervna kesakuuta",
        "juliol lipca cervence heinakuuta",
        "agost sierpnia srpna elokuuta",
        "setembre wrzesnia zari syyskuuta",
        "pazdziernika rijna lokakuuta",
        "listopada listopadu marraskuuta",
        "desembre grudnia prosince joulukuuta",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = (_number - 1) % 12 + 1  # the second dozen of lines repeats January ... December

_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
_ISO = re.compile(r"\b(20\d\d)[-/.](\d{1,2})[-/.](\d{1,2})\b")
_DMY_WORDS = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th|er|o|º)?\.?(?:\s+|-)(?:de\s+|of\s+)?" + _MONTH + r"\.?,?(?:\s+|-)(?:de\s+)?(20\d\d)\b"
)
_MDY_WORDS = re.compile(r"\b" + _MONTH + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(20\d\d)\b")
_DOTTED = re.compile(r"\b(\d{1,2})\. ?(\d{1,2})\. ?(20\d\d)\b")  # "1.7.2026", Czech "1. 7. 2026"
_SLASHED = re.compile(r"\b(\d{1,2})[/-](\d{1,2})[/-](20\d\d)\b")

_START_WORDS = re.compile(
    r"\b(?:start\w*|first (?:working )?day|hire ?date|hired|joining|joins|join|will join|join date|commenc\w*|begin\w*|onboarding|"
    r"effective|incorpora\w*|empieza|comienza|inicio|fecha de alta|arrivee|arrive|rejoint|rejoindra|prise de poste|"
    r"debut|commence|a partir du|a compter du|prend\w* ses fonctions|prise de fonctions?|takes? (?:up )?office|"
    r"takes? up (?:the |her |his |their )?(?:post|role|position)|beginn\w*|eintritt\w*|startet|anfang\w*|inizi\w*|assunzione|comincia|"
    r"comeca|admissao|startdatum|startdato|accueill\w*|accogli\w*|begruss\w*|welcom\w*|bienvenid\w*|velkommen|valkommen|welkom|begint|in dienst|eerste werkdag|byrjar|hefur storf|upphaf\w*|ingreso|"
    r"tiltraede\w*|tiltredelse|tilltrade|entra|entrara|entrera|ingress\w*|admitid[oa]|contratad[oa]|treedt in dienst|"
    r"borjar|begynner|begynder|tiltraeder|nastup\w*|nastoupi\w*|s'incorpora\w*)\b"
)
_START_AFTER = re.compile(
    r"\b(?:starts?|starting|joins?|joining|begins?|entra|entrera|inizia|comincia|empieza|comienza|se incorpora|"
    r"arrive|arrivera|commence|rejoint|rejoindra|beginnt|fangt|startet|begint|comeca|inicia)\b"
)
# "ab 02.03.2026", "vanaf 1 april 2026", "from 4 May 2026": a start only right before the date
_START_RIGHT_BEFORE = re.compile(
    r"\b(?:ab|vanaf|per|met ingang van|from|a partir del?|a partir de|a partire dal?|dal|desde|des le|fra og med|fran och med|fra|fran)\s+(?:(?:the|le|el|dem|den)\s+)?"
    r"(?:(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|"
    r"mardi|mercredi|jeudi|vendredi|lunes|martes|miercoles|jueves|viernes|lunedi|martedi|maandag|dinsdag|woensdag)"
    r",?\s+)?$"
)
START_KEYS = re.compile(
    r"start|firstday|hire|join|begin|beginn|eintritt|incorpor|inicio|alta|arriv|debut|inizio|admiss|commenc|ingreso|"
    r"tiltr|tilltr|aanvang|indienst|entree|entrada|ingang|aloitus|rozpocz|poczatek|nastup|antritt|belepes"
)


# the account asked for by a day: "Please set up x@... on Business Standard for Monday 4 May 2026"
_READY_FOR = re.compile(
    r"\b(?:set (?:up|\w+ up)|create|ready|account)\b(?:[^.!?\n]|\.(?=\S)){0,80}\b(?:for|by) (?:(?:mon|tues|wednes|thurs|fri|satur|sun)day )?$"
)


def _make(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_dates(text: str) -> list[tuple[int, int, date]]:
    """(start, end, date) for every complete, unambiguous date in folded ``text``."""
    found: list[tuple[int, int, date]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, value: date | None) -> None:
        if value is None or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append((start, end, value))

    for m in _ISO.finditer(text):
        add(m.start(), m.end(), _make(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _DMY_WORDS.finditer(text):
        add(m.start(), m.end(), _make(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1))))
    for m in _MDY_WORDS.finditer(text):
        add(m.start(), m.end(), _make(int(m.group(3)), _MONTHS[m.group(1)], int(m.group(2))))
    for m in _DOTTED.finditer(text):
        add(m.start(), m.end(), _make(int(m.group(3)), int(m.group(2)), int(m.group(1))))
    for m in _SLASHED.finditer(text):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if a > 12 >= b:
            add(m.start(), m.end(), _make(y, b, a))
        elif b > 12 >= a or a == b:
            add(m.start(), m.end(), _make(y, a, b))
        else:
            taken.append((m.start(), m.end()))  # ambiguous: 03/04/2026 is left out
    found.sort()
    return found


def start_dates(p: Prepared) -> set[date]:
    """Every date the text gives as a start: the start-date field's, else the dates shortly before or after a
    start word in the same sentence. More than one is for a human to settle, never a guess."""
    from_fields = {d for key, value in p.fields if START_KEYS.search(key) for _, _, d in parse_dates(fold(value))}
    if from_fields:
        return from_fields
    candidates: set[date] = set()
    for pos, end, value in parse_dates(p.low):
        window = p.low[max(0, pos - 90) : pos]
        cut = max(window.rfind(". "), window.rfind("\n"), window.rfind("! "), window.rfind("? "))
        if cut >= 0:
            window = window[cut + 1 :]
        after = p.low[end : end + 70]
        stop = min((i for i in (after.find(". "), after.find("\n")) if i >= 0), default=len(after))
        if (
            _START_WORDS.search(window)
            or _START_AFTER.search(after[:stop])
            or _START_RIGHT_BEFORE.search(window)
            or _READY_FOR.search(window)
        ):
            candidates.add(value)
    return candidates


# the date lines of a forwarded or quoted mail ("Sent: 24 February 2026 15:02") say when it was written
_MAIL_DATE_LINE = re.compile(r"^[ \t>*]*(?:sent|date|datum|fecha|envoye|gesendet|enviado|data|verzonden)\b.*$", re.M)


def unplaced_dates(p: Prepared) -> list[date]:
    """Complete dates outside a mail's date lines: on a starter ticket with no start date read, one of them may be
    the start, written in a way no rule knows ("ab Montag, 02.03.2026, verstärkt ..."), so nothing is guessed."""
    return [d for _, _, d in parse_dates(_MAIL_DATE_LINE.sub("", p.low))]

