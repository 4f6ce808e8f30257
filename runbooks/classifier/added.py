"""Rule 16, continued: a sentence that adds a second thing with "also / as well / too", a question of its own
about something else, "..., and also <another ask>", and a group request that adds in one sentence and removes in
another. Each counts only when it asks for something or reports a fault (:data:`.asks.ASK_OR_FAULT`) and is not
the request told again, troubleshooting already done, a follow-up on the request or small talk.
"""

from __future__ import annotations

import re

from .asks import (
    ASK_OR_FAULT,
    DONE_OR_CONSEQUENCE,
    FOLLOW_UP,
    IF_STUCK,
    NO_ASK,
    RESET_LINK,
    SMALL_TALK,
    THANKS,
    WH,
    hit,
    quiet,
)
from .cues import alt
from .fastre import FastRe
from .guards import solved_in
from .lexicon import GROUP_WORD, LICENCE_WORD, LOCKED, MFA, PASSWORD, RESET, RUNBOOK_WORDS, SELF_SERVICE, UNLOCK
from .multi import NOTHING_ASKED, SAME_ASK, excerpt, sentence
from .text import Prepared

# "My Outlook signature disappeared as well", "Also looking for the new expenses form": a sentence of its own that
# adds something with "also / as well / too / plus", unless it is troubleshooting already done, the login's
# consequence ("I can't get into Teams either way") or small talk.
_ADDED = FastRe(
    r"\balso\b|\bas well(?! as\b)|\btoo(?=[.,!?)]|\s*$)|\bplus\b|\badditionally\b|\bin addition\b|\baussi\b|\ben plus\b|"
    r"\begalement\b|\btambien\b|\bademas\b|\binoltre\b|\btambem\b|\bausserdem\b|\bzusatzlich\b"
)
# The words of the sign-in and the runbooks proper: narrower than ``RUNBOOK_WORDS`` (no "phone", "Outlook",
# "set up"), so that "my desk phone also has no dial tone" and "my Outlook signature disappeared as well" count.
# Tested on a word ``RUNBOOK_WORDS`` found, so no second index entry is needed.
_CORE_WORD = re.compile(
    alt(
        PASSWORD,
        RESET,
        UNLOCK,
        LOCKED,
        MFA,
        LICENCE_WORD,
        GROUP_WORD,
        r"accounts?|log ?ins?|sign[- ]?ins?|konto\w*|cuentas?|compte\w*|conta|[\w.+-]+@",
        r"e[135]|f3|visio|power ?bi|business (?:basic|standard|premium)|m365|o365|office 365|microsoft 365",
        SELF_SERVICE,
    )
)
# "Who do I ask about a parking permit?": a question of its own about something else (no pronoun pointing back
# at the request, no follow-up about it)
_QUESTION_END = re.compile(r"\?")
# "..., and also add me to the Compta mailbox": a conjunction that adds another item after the request
_AND_ALSO = FastRe(
    r"\b(?:also|aussi|egalement|tambien|auch|anche|tambem|ook|ogsa)\b|\bas well as\b|\boch sa\b|\bog sa\b"
)
_JOINED = frozenset({"as well as", "och sa", "og sa"})
_CONJUNCTION = re.compile(r"\b(?:and|et|y|und|e|en|og|och) $")


# a sentence that is only another item: "And a Teams phone number for the branch line, whatever that involves."
_AND_ITEM = (
    "and a ",
    "and an ",
    "and another ",
    "and some ",
    "and also a ",
    "et un ",
    "et une ",
    "y un ",
    "y una ",
    "y otro ",
    "y otra ",
    "und ein",
    "und noch ",
    "e un ",
    "e uno ",
    "e una ",
    "e um ",
    "e uma ",
    "en een ",
    "en nog ",
)
_AND_ITEM_NEAR = re.compile(r"[.!?\n]\s*(?:and|et|y|und|e|en) ")
_STOP = re.compile(r"[.!?]+\s+|\n\s*")


# a thing that is not the company login: "could someone also reset the PIN on the shared printer?"
_ELSEWHERE = re.compile(
    r"\b(?:pin|pins|printers?|copiers?|badges?|door|voicemail|wi-?fi|wlan|sap|salesforce|crm|erp|alarm|safe|till|"
    r"locker|kiosk|terminal|forklift|app login|portal)\b"
)


_OTHER_ITEM = re.compile(
    r"\b" + alt(GROUP_WORD, LICENCE_WORD, r"distribution lists?|mailing lists?|shared mailbox(?:es)?")
)


def _core(p: Prepared, lo: int, hi: int) -> bool:
    """Whether the sentence is about the login or a runbook (or solved); one that names another system is not."""
    if solved_in(p, lo, hi):
        return True
    m = RUNBOOK_WORDS.search(p.cue, lo, hi, live=p.live)
    while m is not None and _CORE_WORD.fullmatch(m.group(0)) is None:
        m = RUNBOOK_WORDS.search(p.cue, m.end(), hi, live=p.live)
    return m is not None and _ELSEWHERE.search(p.cue, lo, hi) is None


# "I also need it for the desktop apps": the same thing again; a new hire's licence or kit is one of its fields
_SAME_AGAIN = re.compile(
    r"\b(?:need|want|use|require)s? (?:it|this|that|them|one)\b|\bit (?:also |has also |probably |might have |may have )?"
    r"(?:expired|ran out|timed out)\b"
)
_HIRE_KIT = re.compile(
    r"\b(?:e[135]|f3|business (?:basic|standard|premium)|visio|project|power ?bi|licen[cs]es?|laptop|notebook|phone|"
    r"mobile|monitors?|headset|desk|badge|keyboard|mouse|dock|equipment|hardware|mailbox|forwarding|induction|onboarding|"
    r"orientation|training|welcome pack)\b"
)


# the writer's new duties, told as the reason for the request ("I also cover the Leeds depot now")
_DUTIES = re.compile(
    r"\b(?:i|i'm|i am|i've been)\b[^.!?\n]{0,25}\b(?:work|help|cover|look after|looking after|handl|take care of|run)\w*"
    r"[^.!?\n]{0,10}\balso\b|\b(?:i|i'm|i am)(?: now)? also (?:work|help|cover|look|handl|run|responsible)\w*"
)
_BROKEN = re.compile(r"\b(?:broken|not working|doesn't|isn't|won't|stopped|error|crash\w*|faulty|dead)\b")


_PAREN_AFTER = re.compile(r"[?.!]*\s*\([^()\n]{0,80}\)")

def added_request(p: Prepared, starts: list[int], *, hire: bool = False) -> str | None:
    """A sentence apart from the request that adds something ("also", "as well", "too") or asks another question."""
    live = p.live
    body = p.body_start
    if _ADDED.maybe(live):
        for m in _ADDED.finditer(p.cue, live=live):
            if m.start() < body:
                continue
            lo, hi = sentence(p, m.start())
            if m.group(0) == "plus" and p.cue[lo : m.start()].strip():
                continue  # "plus" opens a sentence in English; inside one it is French ("je ne peux plus")
            if any(lo <= s < hi for s in starts) or len(p.cue[lo:hi].split()) < 4:
                continue
            # cheap word tests first, the runbook vocabulary last
            # a parenthesis right after counts with its sentence: "... still broken? (Joking, not an IT question.)"
            aside = _PAREN_AFTER.match(p.cue, hi)
            if not hit(ASK_OR_FAULT, p, lo, min(len(p.cue), hi + 1)) or NOTHING_ASKED.search(
                p.cue, lo, aside.end() if aside else hi
            ):
                continue
            if hit(SMALL_TALK, p, lo, hi) or hit(THANKS, p, lo, hi) or hit(IF_STUCK, p, lo, hi):
                continue
            if hit(DONE_OR_CONSEQUENCE, p, lo, hi) or _SAME_AGAIN.search(p.cue, lo, hi):
                continue
            if hire and _HIRE_KIT.search(p.cue, lo, hi):
                continue
            if RESET_LINK.search(p.cue, lo, hi):
                continue  # "I requested a reset link, but ... the link had expired as well": the same request
            if _DUTIES.search(p.cue, lo, hi) and _BROKEN.search(p.cue, lo, hi) is None:
                continue  # "from this week I work also on the show, I need to see the team's files": why it is asked
            # another group or licence "as well" ("my manager also wants me on the board distribution list") is a
            # second request; other runbook words are this request told again
            if _core(p, lo, hi) and _OTHER_ITEM.search(p.cue, lo, hi) is None:
                continue
            return excerpt(p, lo, hi)
    if _AND_ALSO.maybe(live):
        for m in _AND_ALSO.finditer(p.cue, live=live):
            if m.group(0) not in _JOINED and _CONJUNCTION.search(p.cue, max(0, m.start() - 5), m.start()) is None:
                continue
            _, hi = sentence(p, m.start())
            at = m.end()
            if any(at <= s < hi for s in starts) or len(p.cue[at:hi].split()) < 3:
                continue
            if not hit(ASK_OR_FAULT, p, at, min(len(p.cue), hi + 1)) or hit(FOLLOW_UP, p, at, hi):
                continue
            if hit(DONE_OR_CONSEQUENCE, p, at, hi) or hit(THANKS, p, at, hi) or hit(SMALL_TALK, p, at, hi):
                continue
            if _core(p, m.end(), hi):
                continue
            return excerpt(p, m.start(), hi)
    for stop in _STOP.finditer(p.cue, body) if _AND_ITEM_NEAR.search(p.cue, body) else ():
        lo = stop.end()
        if not p.cue.startswith(_AND_ITEM, lo):
            continue
        lo, hi = sentence(p, lo)
        if any(lo <= s < hi for s in starts) or len(p.cue[lo:hi].split()) < 4:
            continue
        if hit(THANKS, p, lo, hi) or hit(SMALL_TALK, p, lo, hi) or hit(DONE_OR_CONSEQUENCE, p, lo, hi):
            continue
        if not _core(p, lo, hi):
            return excerpt(p, lo, hi)
    if "?" in p.cue:
        for m in _QUESTION_END.finditer(p.cue, body):
            lo, hi = sentence(p, m.start())
            text = p.cue[lo:hi]
            if any(lo <= s < hi for s in starts) or len(text.split()) < 5:
                continue
            if not hit(WH, p, lo, hi):
                continue  # "kunnen jullie het vrijgeven?": a yes/no question is about the request itself
            if (
                SAME_ASK.search(text)
                or hit(FOLLOW_UP, p, lo, hi)
                or hit(SMALL_TALK, p, lo, hi)
                or hit(NO_ASK, p, lo, hi)
            ):
                continue
            if hit(DONE_OR_CONSEQUENCE, p, lo, hi) or quiet(p, lo, hi):
                continue
            return " ".join(text.split())[:80]
    return None


# Group requests: an add and a remove asked in different sentences ("Add me to Ops-Leads. And could you remove Jim
# from it?") are two requests (rule 16), even when the second names no group.
_ADD_ASK = FastRe(
    r"\b(?:please|pls|can you|could you|would you|kindly|just) (?:\w+ )?(?:add|put|include)\b|"
    r"\b(?:anadid|anade|agregad|ajoutez|ajouter|hinzufugen|fugt|aggiungete|aggiungere|adicionem|adicionar|toevoegen|"
    r"voeg)\b"
)
_REMOVE_ASK = FastRe(
    r"\b(?:please|pls|can you|could you|would you|kindly|just) (?:\w+ )?(?:remove|take|drop)\b|"
    r"\b(?:quitad|quitar|retirez|retirer|entfernen|entfernt|rimuovete|rimuovere|removam|remover|verwijder|verwijderen)\b"
)


def add_and_remove(p: Prepared) -> str | None:
    """An add and a remove asked in two different sentences of a group request."""
    if not (_ADD_ASK.maybe(p.live) and _REMOVE_ASK.maybe(p.live)):
        return None
    add = _ADD_ASK.search(p.cue, live=p.live)
    rem = _REMOVE_ASK.search(p.cue, live=p.live)
    if add is None or rem is None or sentence(p, add.start()) == sentence(p, rem.start()):
        return None
    return f"{' '.join(add.group(0).split())} / {' '.join(rem.group(0).split())}"
