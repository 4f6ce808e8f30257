"""A target's full name (rule 6): only where the ticket ties it to the email, never guessed.

Three sources, in order: a form field ("Name:", "Employee name:", "First name"/"Last name", JSON ``firstName``;
read in :mod:`.form_names`), the words right before the email ("Padma Nair (pnair@...)", "Efe Odum <efe.odum@...>"), and a name elsewhere in
the text that spells the email's local part ("Tiago Mendonça" for ``tiago.mendonca@``), both found in
:mod:`.name_near`. This module holds the name words themselves: titles ("Dr.", "Herrn", "Maître") and possessives
are dropped, particles kept where they belong, a name matched to an address, a full name split in two; a single
first name is no full name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text import fold

TITLES = frozenset(
    {
        "dr",
        "cllr",
        "councillor",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "prof",
        "professor",
        "sir",
        "dame",
        "herr",
        "herrn",
        "frau",
        "mme",
        "mlle",
        "madame",
        "monsieur",
        "maitre",
        "me",
        "sr",
        "sra",
        "srta",
        "senor",
        "senora",
        "senorita",
        "don",
        "dona",
        "sig",
        "sigra",
        "signor",
        "signora",
        "dott",
        "dottssa",
        "ing",
        "mag",
        "dipl",
        "rev",
        "fru",
        "dra",
    }
)
PARTICLES = frozenset(
    {
        "'t",
        "’t",
        "ap",
        "ab",
        "do",  # Galician and Portuguese: "María do Carmo"
        "verch",
        "ferch",
        "van",
        "von",
        "de",
        "del",
        "della",
        "der",
        "den",
        "da",
        "das",
        "dos",
        "du",
        "la",
        "le",
        "di",
        "ter",
        "ten",
        "bin",
        "al",
        "el",
        "zu",
        "vom",
        "af",
        "y",
        "i",  # Catalan: "Marc Vidal i Roca"
        "ó",  # Irish: "Cormac Ó Súilleabháin", "Aoife Ní Bhriain"
        "ní",
        "nic",
        "ua",
    }
)
STOP = frozenset(
    """hi hello hey dear morning good afternoon evening bonjour bonsoir hola hallo ciao ola hoi hae hallo buenos
    buongiorno buonasera salve moin servus gruezi goedenavond hej hei
    bom boa bons buon buona goedemorgen goedemiddag not no
    can could would should does did shall
    buenas guten liebe lieber sehr geehrte please thanks thank cheers regards best kind many gracias merci danke
    grazie obrigado bedankt takk saludos cordialement grusse gruss viele email e-mail mail contact name user
    employee new our my the his her for from to cc sent subject date re fw fwd leaver starter account team it hr
    reset unlock add remove suspend disable deactivate offboard offboarding onboarding password mfa okta microsoft
    windows outlook teams office visio project power business premium standard basic monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august september october november
    december urgent request ticket issue note hire hired welcome starts start last first day today tomorrow
    yesterday kollege kollegin mitarbeiter mitarbeiterin bauleiter konto benutzer bitte cuenta usuario correo
    nombre baja alta nuevo nueva compte nouveau nouvelle depart arrivee also and or but with via at on in of by
    is was has as this that these those we you they he she i legal work company detail item value field form
    manager approved approver director head lead senior junior assistant engineer officer analyst intern
    contractor colleague coworker staff customer client partner vendor supplier site branch office dept
    department role title job position location phone mobile tel ext employee's status reason type yes no n/a
    tbc tbd pending unknown none null kiosk reception verified submitted generated automated system admin
    administrator service desk support security group groups licence license everything something nothing
    anything everyone someone nobody screen computer pc system there here phone mailbox printer vpn wifi excel
    word teams sharepoint onedrive zoom slack jira laptop tablet device app application portal website site
    server network internet login sign session access file folder drive calendar monitor keyboard mouse help again
    sorry problem problems issue issues question quick still asap important fyi update authenticator verify google
    apple samsung iphone android contrasena clave passwort kennwort wachtwoord senha palavra passe mot acceso acces
    zugang conta accesso toegang gruppe grupo groupe groep gruppo licencia lizenz licenza licenca licentie
    sadly unfortunately apparently suddenly since now then also again still somehow luckily finally meanwhile today
    tonight lately recently just everyone's yubikey duo citrix intune entra azure leider heute seit jetzt gestern
    plotzlich hoy ayer desde ahora lamentablemente aujourd'hui hier depuis maintenant malheureusement oggi ieri
    purtroppo adesso hoje ontem desde agora infelizmente vandaag gisteren sinds helaas nu idag igar tyvarr dessverre
    desvaerre nu""".split()
)

_TOKEN = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W\d_])?\.?|(?<!\S)['’]t(?=\s)")  # and the Dutch "van 't Hof"
_ELISION = re.compile(r"^(?:d|l|qu|dell|dall|nell|sull)['’](?=[A-ZÀ-Þ])", re.I)
_TRAIL_SEP = re.compile(
    r"(?:[\s(<\[|,:;–—-]|\b(?:e-?mail|mail|correo|courriel|adresse|address|at|is|es|est|ist)\b)*$", re.I
)
_POSSESSIVE = re.compile(r"['’]s$")
_NICKNAME = re.compile(r"\"[^\"]*\"|“[^”]*”|„[^“”\"]*[“”\"]|«[^»]*»|\s'[^']*'\s|\([^)]*\)|\s+(?:aka|a\.k\.a\.)\s+.*$|\s+-\s+.*$", re.I)


@lru_cache(maxsize=8192)
def _plain(token: str) -> str:
    return fold(token.rstrip(".")).replace("'", "").replace("’", "")


def is_title(token: str) -> bool:
    return _plain(token).replace("-", "") in TITLES


def is_name_token(token: str) -> bool:
    core = _POSSESSIVE.sub("", token.rstrip("."))
    if len(core) < 2 or not core[0].isupper() or core.isupper():
        return False
    plain = _plain(core)
    return plain not in STOP and ("-" not in plain or not any(part in STOP for part in plain.split("-")))


def _given_like(token: str) -> bool:
    return token.lower() not in PARTICLES and is_name_token(token)


def clean_tokens(tokens: list[str]) -> list[str]:
    out = [_POSSESSIVE.sub("", t.rstrip(".")) if not is_title(t) else t for t in tokens]
    while out and (is_title(out[0]) or out[0].lower() in PARTICLES):
        out.pop(0)
    # a capitalised particle last is a surname when a given name is before it ("Rhea Das", "Tomás Da"), not a
    # particle waiting for its name ("Juan de")
    while out and out[-1].lower() in PARTICLES and not (len(out) == 2 and out[-1][:1].isupper() and _given_like(out[0])):
        out.pop()
    return [t for t in out if not is_title(t)]


def trailing_run(before: str) -> list[str]:
    """The name-like words at the very end of ``before`` ("Hi, Dr. Ryan Castellano" -> Dr., Ryan, Castellano)."""
    s = _TRAIL_SEP.sub("", before)
    run: list[str] = []
    end = len(s)
    for m in reversed(list(_TOKEN.finditer(s))):
        if s[m.end() : end].strip(" \t"):
            break
        token = m.group(0)
        if is_title(token):
            run.insert(0, token)
            break
        elided = _ELISION.sub("", token)
        if elided != token:  # "le compte d'Anne Le Bihan": the name starts after the elision
            if is_name_token(elided):
                run.insert(0, elided)
            break
        if is_name_token(token) or (run and token.lower() in PARTICLES):
            run.insert(0, token)
            end = m.start()
            if len(run) >= 6:
                break
            continue
        break
    return clean_tokens(run)


_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "ae", "Ö": "oe", "Ü": "ue", "å": "aa", "Å": "aa"})


def _parts(tokens: list[str], *, transliterate: bool = False) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for i, token in enumerate(tokens):
        word = token.translate(_TRANSLIT) if transliterate else token
        for part in re.split(r"[-'’]", fold(word)):
            part = re.sub(r"[^a-z]", "", part)
            if part:
                out.append((i, part))
    return out


_ACCOUNT_PREFIXES = frozenset({"ext", "extern", "external", "x", "c", "v", "adm", "admin", "contractor", "temp", "guest"})


def spells_local(tokens: list[str], local: str) -> bool:
    """Whether the email local part is written from these name tokens, the first one included:
    ``pnair`` <- Padma Nair, ``m.roussel`` <- Mathilde Roussel, ``ialowe`` <- Imogen Achterberg-Lowe."""
    segments = [s for s in re.split(r"[._-]", fold(local)) if s]
    if len(segments) > 2 and (segments[0] in TITLES or segments[0] in _ACCOUNT_PREFIXES):
        # "cllr.dewi.harries@" is Dewi Harries with his title; "ext.lars.hedlund@" Lars Hedlund, an external; but
        # "c.ashworth-bell@" is Clemency Ashworth-Bell, her initial first
        if _spells(tokens, re.sub(r"[^a-z]", "", fold(local))):
            return True
        local = ".".join(segments[1:])
    return _spells(tokens, re.sub(r"[^a-z]", "", fold(local)))


def _spells(tokens: list[str], target: str) -> bool:
    if not target or not tokens:
        return False
    if _spell(tuple(_parts(tokens)), target):
        return True
    # an address often writes an umlaut out: Lena Brückner -> lena.brueckner@, Åsa Ek -> aasa.ek@
    spelled_out = _parts(tokens, transliterate=True)
    return spelled_out != _parts(tokens) and _spell(tuple(spelled_out), target)


@lru_cache(maxsize=4096)
def _spell(parts: tuple[tuple[int, str], ...], target: str) -> bool:
    n = len(parts)

    def go(i: int, pos: int, used_first: bool, used_full: bool) -> bool:
        if pos == len(target):
            return used_first and used_full
        if i == n:
            return False
        idx, part = parts[i]
        first = idx == 0
        if target.startswith(part, pos) and go(
            i + 1, pos + len(part), used_first or first, used_full or len(part) >= 3
        ):
            return True
        if target[pos] == part[0] and go(i + 1, pos + 1, used_first or first, used_full):
            return True
        return go(i + 1, pos, used_first, used_full)

    return go(0, 0, False, False)


def choose_name(tokens: list[str], local: str) -> list[str] | None:
    """The longest suffix of ``tokens`` whose first word spells into ``local``; else two plain name words."""
    for i in range(len(tokens) - 1):
        if spells_local(tokens[i:], local):
            return tokens[i:]
    initials = re.sub(r"[^a-z]", "", fold(local))
    for i in range(len(tokens) - 2):  # three or more words: "Sem de Groot" -> sdg@
        if len(initials) >= 3 and "".join(fold(t)[:1] for t in tokens[i:]) == initials:
            return tokens[i:]
    if len(tokens) == 2:
        return tokens
    return None


_INNER_NICKNAME = re.compile(
    r"(?<=[^\W\d_])[ \t]+(?:\"[^\"\n]{1,20}\"|“[^”\n]{1,20}”|„[^“”\"\n]{1,20}[“”\"]|«[^»\n]{1,20}»|'[^'\n]{1,20}'|\([^\W\d_][^()\n]{0,18}\))[ \t]+(?=[A-ZÀ-Þ])"
)


def without_nicknames(text: str) -> str:
    """'Robert "Bobby" Chen' -> 'Robert Chen': a nickname is ignored (rule 11)."""
    return _INNER_NICKNAME.sub(" ", text) if ('"' in text or "(" in text or "'" in text or "“" in text) else text


def runs(text: str) -> list[list[str]]:
    """Every sequence of name-like words in ``text`` (titles dropped)."""
    text = without_nicknames(text)
    found: list[list[str]] = []
    current: list[str] = []
    last_end = -1
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        contiguous = last_end >= 0 and text[last_end : m.start()].strip(" \t") == ""
        if not contiguous and current:
            found.append(clean_tokens(current))
            current = []
        elided = _ELISION.sub("", token)
        if elided != token and not current and is_name_token(elided):
            token = elided  # "l'arrivée d'Inès Benali-Roche": the name starts after the elision
        if is_name_token(token) or is_title(token) or (current and token.lower() in PARTICLES):
            current.append(token)
            last_end = m.end()
            if token.endswith((".", "'s", "’s")) and not is_title(token):
                found.append(clean_tokens(current))
                current = []
                last_end = -1
        else:
            if current:
                found.append(clean_tokens(current))
            current = []
            last_end = -1
    if current:
        found.append(clean_tokens(current))
    return [r for r in found if len(r) >= 2]


# letters after a name, after its comma: "Dr. Colleen Marsh, DVM", "Priya Shah, PhD, CPA" (no part of the name)
_POST_NOMINALS = re.compile(
    r",\s*(?:(?:PhD|Ph\.D\.|MD|M\.D\.|DVM|VMD|DDS|DMD|DO|RN|LPN|NP|PA-C|CPA|CFA|CISSP|MBA|MSc|BSc|MA|BA|MRCVS|BVSc|"
    r"FRCS|MRCP|FCA|ACA|ACCA|CEng|PE|PEng|Esq\.?|LLM|JD|QC|KC)\b[\s,]*)+$"
)


_SPACED_DASH = re.compile(r"\s[-–—]\s")


def drop_post_nominals(value: str) -> str:
    return _POST_NOMINALS.sub("", value)


def clean_value(value: str, *, surname: bool = False) -> list[str]:
    """The name words of a form value; a surname field keeps its leading particle ("van Dijk")."""
    value = _NICKNAME.sub(" ", f" {value} ")
    value = re.sub(r"\S+@\S+", " ", value)
    value = drop_post_nominals(value)
    # a name never holds a spaced dash: "Ngozi Eze-Whitaker – Senior Scientist" is a name, then a job
    value = _SPACED_DASH.split(value, maxsplit=1)[0]
    # a form's surname in capitals ("Nom : FOURCADE", "LE BIHAN") is written as a name
    tokens = [
        t.title() if t.isupper() and (len(t) > 2 or t.lower() in PARTICLES) else t
        for t in (m.group(0) for m in _TOKEN.finditer(value))
    ]
    kept = [t for t in tokens if is_name_token(t) or is_title(t) or t.lower() in PARTICLES]
    if surname:
        lead = []
        while kept and kept[0].lower() in PARTICLES:
            lead.append(kept.pop(0))
        return lead + clean_tokens(kept) if kept else []
    return clean_tokens(kept)


_JOINING = frozenset({"i", "y"})


def split_name(tokens: list[str], local: str | None) -> tuple[list[str], list[str]]:
    """First and last name from a full name: compound surnames stay whole ("Alba" / "Castillo Ruiz")."""
    n = len(tokens)
    lowered = [t.lower() for t in tokens]
    for i, t in enumerate(lowered[1:], start=1):
        if t in _JOINING and 1 < i < n - 1:
            # "Jordi Casals i Ribas", "Ana García y Soto": "i"/"y" joins the two surnames
            return tokens[: i - 1], tokens[i - 1 :]
        if t in PARTICLES:
            return tokens[:i], tokens[i:]
    if n >= 4:
        return tokens[:2], tokens[2:]
    if n == 3 and local:
        segs = [s for s in re.split(r"[._-]", fold(local)) if s]
        joined = re.sub(r"[^a-z]", "", fold(tokens[0] + tokens[1]))
        if segs and (segs[0] == joined or (len(segs) > 2 and segs[1] == re.sub(r"[^a-z]", "", fold(tokens[1])))):
            return tokens[:2], tokens[2:]
    return tokens[:1], tokens[1:]
