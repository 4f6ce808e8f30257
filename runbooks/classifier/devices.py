"""Rule 15's device and physical locks: a phone's passcode, BitLocker's recovery key, a door badge, a file locked
for editing -- the machine or object is locked, not the company account."""

from __future__ import annotations

import re

from .fastre import FastRe
from .text import Prepared

DEVICE = FastRe(
    r"\b(?:bitlocker|recovery key|herstelsleutel|wiederherstellungsschlussel|clave de recuperacion|cle de recuperation|chiave di ripristino|passcodes?|screen ?lock|iphone|ipad|(?<!stage )door(?! pc| computer| laptop| terminal)|doors|badges?|keycard|key card|keypad|alarm|(?:bowling|coffee|vending|ticket|washing|fruit|slot|pitching|franking|espresso|sewing|cash) machine|horno|oven|fryer|freidora|cafetera|dishwasher|lavavajillas|tpv|datafono|building|locker|"
    r"cabinet|drawer|file|files|document|spreadsheet|workbook|sheet|excel file|word file|for editing|checked out|"
    r"terminal|kiosk|forklift|vehicle|car|printer|copier|channel|team site|site|folder|archived|read-only|read only|"
    r"sim|safe|till|register|scanner|tablet screen|supervisor code|chat|conversation|thread|documento|archivo|fichero|"
    r"fichier|dokument|datei|bestand|impresora|imprimante|drucker|stampante|impressora|puerta|porte|tur|porta|deur|"
    r"taquilla|casier|spind|armadietto|cacifo|kluisje|tableta|tablette|tablets?)\b"
)
_ACCOUNT_CONTEXT = FastRe(
    r"\b(?:account|accounts|login|log in|sign in|user|username|windows|okta|outlook|email|network|password|"
    r"konto|benutzer|cuenta|usuario|compte|utilisateur|conta|utente|gebruiker|aðgang\w*|adgang\w*|i'm locked|"
    r"i am locked|me out|him out|her out|locked out)\b"
)


_OBJECT_LOCK = FastRe(
    r"\b(?:for editing|by another user|locked by user|central model|worksets?|checked out|bitlocker|recovery key|herstelsleutel|wiederherstellungsschlussel|clave de recuperacion|cle de recuperation|chiave di ripristino|passcodes?|screen ?lock|(?<!stage )door(?! pc| computer| laptop| terminal)|badge|keycard|"
    r"para (?:su )?edicion|por otr[oa] (?:persona|usuario)|pour (?:la )?modification|par un autre utilisateur|"
    r"zur bearbeitung|von einem anderen benutzer|in modifica|da un altro utente|para edicao|voor bewerking)\b"
)


_RECOVERY = re.compile(
    r"\b(?:bitlocker|recovery key|herstelsleutel|wiederherstellungsschlussel|clave de recuperacion|"
    r"cle de recuperation|chiave di ripristino)"
)
_IDIOM = re.compile(r"\bout (?:of )?the $")  # "the queue is out the door"


def disk_encryption(p: Prepared) -> str | None:
    """A disk-encryption prompt named anywhere (BitLocker, a recovery key): the machine, not the account."""
    m = _RECOVERY.search(p.cue)
    return m.group(0) if m else None


def device_lock(p: Prepared, starts: list[int]) -> str | None:
    """Device or physical lock: the clause of a lock word names a device (or a file locked for editing) and no
    clause of one names an account; or the ticket names a device and no account anywhere."""
    device: str | None = None
    account = False
    for start in starts:
        lo, hi = p.clause_start(start), p.clause_end(start)
        clause = p.cue[max(0, lo - 60) : hi + 60]
        sure = _OBJECT_LOCK.search(clause, live=p.live)
        if sure and not _IDIOM.search(clause, max(0, sure.start() - 12), sure.start()):
            return sure.group(0)
        found = DEVICE.search(clause, live=p.live)
        if _ACCOUNT_CONTEXT.search(clause, live=p.live):
            account = True
        elif found and device is None:
            device = found.group(0)
    if account:
        return None
    if device is None and starts and not _ACCOUNT_CONTEXT.search(p.cue, live=p.live):
        anywhere = DEVICE.search(p.cue, live=p.live)
        device = anywhere.group(0) if anywhere else None
    return device
