"""Group names and add/remove (rule 14): one explicitly named group, as written."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .fastre import FastRe
from .names import STOP
from .text import Prepared, fold

# An identifier-like group name: words joined by - _ . (``CAD-Reviewers``, ``sg-aws-prod-admins``) or CamelCase.
_IDENT = r"(?:[A-Za-z0-9][A-Za-z0-9&+]*(?:[-_.][A-Za-z0-9&+]+)+|[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*)"
_QUOTED = r"(?:\"[^\"\n]{2,60}\"|“[^”\n]{2,60}”|„[^“”\"\n]{2,60}[“”\"]|'[^'\n]{2,60}'|«[^»\n]{2,60}»)"
_ANY_TOKEN = r"(?:[A-Za-zÀ-ÿ0-9][\wÀ-ÿ&.-]*[\wÀ-ÿ&])"
_GW = r"(?:groups?|grp|grupos?|grups?|grupe|groupes?|gruppen?|gruppo|gruppi|groep(?:en)?|hop(?:ur|inn|num)|grupy|grupie|grupa|skupin[yeau]|ryhm\w+|security group|distribution list)"
_ADJ_BEFORE = re.compile(
    r"\b"
    + _GW
    + r"[ \t]+(?:(?:called|named|llamado|nomme|namens|chiamato|genaamd)[ \t]+)?("
    + _QUOTED
    + "|"
    + _ANY_TOKEN
    + ")",
    re.I,
)
_ADJ_AFTER = re.compile(
    r"(" + _QUOTED + "|" + _IDENT + "|" + _ANY_TOKEN + r")[ \t]+(?:security[ \t]+|AD[ \t]+|Entra[ \t]+)?$", re.I
)
_GROUP_AFTER = re.compile(r"\b(?:group|grp)\b(?!s)", re.I)
_MONO_GROUP = re.compile(r"\{\{([^{}\n]{2,60})\}\}")
_QUOTED_RE = re.compile(_QUOTED)
_IDENT_RE = re.compile(_IDENT + r"|\{\{[^}]+\}\}")
_PREP_BEFORE = re.compile(
    r"(?:^|[\s(])(?:to|into|in|from|out of|off|al|del|en|au|du|dans|zur|zu|aus|in die|in der|aus der|dal|nel|ao|do|"
    r"no|aan|uit|bei|a|alla|i|til|till|do)\s+(?:the\s+|el\s+|la\s+|le\s+|der\s+|die\s+|de\s+|il\s+|o\s+|a\s+)?[\"“'«]?$",
    re.I,
)
# Without the word "group", an identifier is a group only as where a person is added or removed ("add me to X",
# "remove Ibrahim Sule (...) from X", "need to be in X"), never "remove old files from X".
_PERSON_MOVED = re.compile(
    r"(?i:\b(?:add|added|adding|remove|removed|removing|take|taking|put|include|drop|kick|move|moving|get|pop))\s+"
    r"(?:(?i:me|him|her|them|us|myself)|\S+@\S+|(?:(?:Dr|Mr|Mrs|Ms)\.?\s+)?[A-ZÀ-Þ][\w'’-]+"
    r"(?:\s+(?:[A-ZÀ-Þ][\w'’-]+|de|la|van|der|den|von|da|del|di|le|du|ten|ter|dos|das)){0,4}"
    r"(?:\s*\([^)]*\))?)\s+(?:(?i:back|out|straight)\s+)?(?i:to|into|in|from|out of|off|onto|of)\s+(?:(?i:the)\s+)?[\"“'«]?$"
    r"|(?i:\b(?:need|needs|want|wants|would like|have|has) to be\s+(?:in|on|part of|added to|removed from|a member of))"
    r"|(?i:\b(?:be|get|being) (?:added|put|included) (?:back )?(?:to|into|in|on)\s+(?:the\s+)?[\"“'«]?$)"
    # "Añadirme a DELE-Examinadores", "Ajoutez-moi au groupe"
    r"|(?i:\b(?:a[nñ]adir(?:me|le)|a[nñ]adidme|agreg(?:ar|ad)(?:me|le)|ajoute[rz]?-moi|m'ajouter|meter(?:me|le))\s+"
    r"(?:a|al|en|au|à|zu|zur)\s+$)"
    # "aggiungetemi a CNT-Collaudi", "Legg meg til i LS-Kvalitet", "lägg till mig i", "tilføj mig til", "dodajcie mnie do"
    r"|(?i:\b(?:aggiunge(?:te|re)?mi|aggiungimi|inseritemi|toevoegen aan|voeg me toe aan)\s+(?:a|al|alla|nel|in|aan)\s+$)"
    r"|(?i:\b(?:legg|legge|lägg|lagg|tilføj|tilfoj)\s+(?:meg|mig|henne|ham|honom|hende)\s+(?:til|till)\s+(?:i\s+|til\s+)?$)"
    r"|(?i:\b(?:dodajcie|dodaj|přidejte|pridejte)\s+(?:mnie|mě|me)\s+(?:do)\s+$)"
    r"|(?i:\b(?:need|needs|has|have) to (?:come|be taken) (?:out of|off))"
    r"\s+(?:(?i:the)\s+)?$"
)
_PERSON_AFTER = re.compile(r"\s+(?:has|have|had|is in|is on|already has|was in|hat|tiene|a)\b|['’]s\b")
_MEMBERS_OF = re.compile(
    r"(?i:\b(?:members? of|membership (?:of|in)|(?:only )?(?:visible|available) to (?:people|users|those|staff) in|miembros? de|membres? de|mitglied(?:er)? (?:von|der|in)|membri di|"
    r"leden van|lid van|medlem(?:mer)? (?:i|av))\s+(?:the\s+)?)$"
)
_GROUP_STEMS = ("grou", "grp", "grup", "groe", "hopu", "hopi", "hopn", "skupin", "ryhma", "distribution list")
_LIST_NEXT = re.compile(
    # "... to cl-dbt-prod? (and cl-dbt-staging obviously)": a second group in a parenthesis
    r"^\s*(?:,\s*(?:and\s+|&\s+)?|\s*\+\s*|\s+(?:and|&|y|e|et|und|en|og|plus|oraz|och|ja|seka|i|a|es|és)\s+|"
    r"[?.!]?\s*\(\s*(?:and|&|plus|also|\+)\s+)(?:(?:a|al|à|au|to|in|i|til|zu|zur)\s+)?(?:the\s+)?("
    + _IDENT
    + r"|[A-Z][\wÀ-ÿ-]{2,})"
)
_NOT_GROUP_WORDS = frozenset(
    """the a an this that which what same new right correct following any all every each my his her our their your
    ad entra azure okta email mail teams whatsapp chat m365 o365 de del du der die das el la le les al au zur in dem
    den ao do da il lo het for of on to is was are membership memberships access name names list lists owner owners
    admin admins policy policies settings creation called named chat channel it hr we i me you please thanks
    thank as and or but so with security distribution dynamic mailbox shared only too now request approval
    approvers members member""".split()
)
# "the gs-doctorants-info list": a mailing list is a group (rule 14)
_LIST_AFTER = re.compile(r"\s+(?:mailing |distribution |e-?mail )?list\b", re.I)
_NOT_GROUP_AFTER = re.compile(
    r"^\s*(?:channel|site|folder|share|drive|library|workspace|mailbox|calendar|repo|repository|server|vpn|app|"
    r"page|file|document|sheet|project|board|chat|space)\b",
    re.I,
)
_TICKET_KEY = re.compile(r"^[A-Z][A-Z0-9]+-\d+$")
_DATE_LIKE = re.compile(r"^\d[\d./-]*$")
_SKIP_IDENT = frozenset(
    """e-mail wi-fi sign-in log-in co-worker re-add read-only on-call full-time part-time follow-up check-in
    set-up pre-approved e.g i.e self-service multi-factor two-factor 2-factor one-time okta-verify""".split()
)

ADD = FastRe(
    r"\b(?:add(?:ed|ing)?|ad (?:me|him|her|them)|put|include|grant|join|enrol\w*|enroll\w*|(?<!don't )(?<!do not )(?<!no longer )need to be (?:in|on|"
    r"part of)|needs to be (?:in|on)|"
    r"want to be (?:in|on)|be (?:added|put|included)|necesita(?:n)? estar en|tiene que estar en|doit etre dans|(?<!don't )(?<!do not )have to be (?:in|on)|membership|access to|make (?:me|him|her) (?:a )?member|"
    r"anad\w*|agreg\w*|aggiunt[oaie]|afegi\w*|afegeix\w*|inclu\w*|meter(?:me|le)?|meted(?:me|le|la)|mete(?:me|le|la)|metais|meteis|metan|anadais|anadan|agregueis|poner(?:me|le)?|ponedme|ponedle|por-(?:me|o|a)|ponham\w*|colocar\w*|"
    r"coloqu\w*|mettre|mettez-(?:moi|le|la)|zet (?:me|mij|hem|haar)|zetten|dar de alta|ajout\w*|integrer|inscrire|hinzufug\w*|"
    r"hinzuzufugen|hinzu|aufnehm\w*|aufzunehmen|eintragen|aggiung\w*|inser(?:ire|irmi|itemi|irlo|irla|isci\w*)|mett(?:etemi|ermi)|adicion\w*|toevoeg\w*|toe te voegen|"
    r"baet\w*|nehm\w* (?:\S+ ){0,10}auf|voeg\w* (?:\S+ ){0,10}toe|trag\w* (?:\S+ ){0,10}ein|tilfoj\w*|tilfoej\w*|lagg\w* (?:\w+ ){0,2}till|legg\w* (?:\w+ ){0,2}til|reinpack\w*|reinnehm\w*|"
    r"dodani\w*|doda(?:c|j|jcie|nie)\b|pridat|pridejte|pridani|pridaj\w*|lisaa\w*|lisatk\w*|lisat(?:a|ko|kaa)\b|lisays)\b"
)
REMOVE = FastRe(
    r"\b(?:remov\w*|take (?:me|him|her|them) (?:out|off)|taken (?:out|off)|(?:come|coming|get) off|"
    r"(?:come|coming|get|be taken|taken) out of|odober\w*|odstran\w*|vyrad\w*|vyjm\w*|"
    r"(?:aus|von) (?:der |dem |den )?(?:\S+ ){0,3}nehmen|drop (?:me|him|her)|delete (?:me|him|her)|"
    r"kick\w*|revoke\w*|no longer (?:needs?|be) (?:in|a member)|quit(?:ar|ad|en|eis|ame)\w*|borr(?:ar|ad)\w*|sac(?:ar|ad|ad|adme)\w*|"
    r"elimin\w*|retir(?!ed\b|ement\b|ing\b|es\b)\w*|supprim\w*|enlev\w*|sortir|entfern\w*|rausnehm\w*|raus|austragen|herausnehm\w*|"
    r"streichen|rimuov\w*|togli\w*|remover|tirar|verwijder\w*|fjarlaeg\w*|fjern\w*|ta (?:\w+ )?bort|"
    r"ta (?:meg|mig) ut|uit (?:de |het )?groep|haal\w* (?:\w+ ){0,3}uit|weghal\w*)\b"
)
CREATE_OR_PERMS = FastRe(
    r"\b(?:create|set up|make|new|crear|nuevo|creer|nouveau|neue|anlegen|erstellen|creare|nuovo|criar|novo|"
    r"nieuwe|aanmaken)\s+(?:a |an |the |un |una |une |eine |einen |um |uma |een )?(?:new |nuevo |nouveau |neue |nuovo )?"
    r"(?:group|grupo|groupe|gruppe|gruppo|groep|security group|distribution list|team)\b"
    r"|\b(?:change|update|modify|edit|cambiar|modifier|andern)\s+(?:the |los |les |die )?(?:permissions?|permisos|droits|berechtigung\w*)"
)


@dataclass(frozen=True)
class GroupMention:
    name: str
    start: int
    action: str | None  # "add" | "remove" | None (no verb) | "both"
    words: str
    from_field: bool = False  # read from a "Group: X" form field, not asked for in a sentence


def _clean(raw: str) -> str:
    name = raw.strip().strip("\"'“”„«»").strip()
    if name.startswith("{{") and name.endswith("}}"):
        name = name[2:-2].strip()
    name = name.rstrip(".,;:!?")
    # a closing parenthesis belongs to the name when the name opened it: "QG-Level Design (Hollow Tide)"
    while name.endswith(")") and name.count(")") > name.count("("):
        name = name[:-1].rstrip(".,;:!?")
    return name


def _acceptable(name: str, *, explicit: bool) -> bool:
    quoted = name[:1] in "\"'“„«{"
    if len(name) < 2 or "@" in name or ("/" in name and not quoted) or "\\" in name:
        return False  # (a quoted name may hold a slash: "EMA-Derechos&Contratos/Intl")
    if _TICKET_KEY.match(name) or _DATE_LIKE.match(name) or fold(name) in _SKIP_IDENT:
        return False
    if fold(name) in _NOT_GROUP_WORDS or fold(name) in STOP:
        return False
    if re.fullmatch(_IDENT, name) or name[0] in "\"'“„«{":
        return True
    return explicit and (name[0].isupper() or name[0].isdigit())


SENTENCE_END = re.compile(
    r"(?<!\bDr)(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bSt)(?<!\bProf)(?<!\bD)(?<!\bDña)(?<!\bSr)(?<!\bSra)(?<!\bHr)(?<!\bM)[.!?](?=\s|$)|\n"
)


def _action(p: Prepared, start: int, end: int) -> tuple[str | None, str]:
    """add/remove from the verbs in the group's sentence (summary and body sentences are read separately)."""
    lo = 0
    for stop in SENTENCE_END.finditer(p.text, 0, start):
        lo = stop.end()
    after = SENTENCE_END.search(p.text, end)
    hi = after.start() if after else len(p.text)
    sentence = fold(p.text[lo:hi])
    add = ADD.search(sentence)
    rem = REMOVE.search(sentence)
    # "Don't remove me from Taproom-Managers, I still need it!": a verb said not to be done asks nothing
    if add and _DONT_BEFORE.search(sentence, max(0, add.start() - 20), add.start()):
        add = None
    if rem and _DONT_BEFORE.search(sentence, max(0, rem.start() - 20), rem.start()):
        rem = None
    if add and rem and add.group(0) in ("access to", "membership"):
        add = None  # "She no longer needs write access to prod, so please remove her from X": the removal is asked
    if add and rem:
        return "both", f"{add.group(0)} / {rem.group(0)}"
    if add:
        return "add", add.group(0)
    if rem:
        return "remove", rem.group(0)
    # the group named in one sentence, the ask in the next: "I have to be in the group X. Can you add me to it?"
    nxt = SENTENCE_END.search(p.text, hi + 1) if hi < len(p.text) else None
    follow = fold(p.text[hi : nxt.start() if nxt else min(len(p.text), hi + 160)])
    back = _BACK_REFERENCE.search(follow)
    if back:
        return ("remove" if back.group(1) else "add"), back.group(0).strip(" .!?;:,")
    return None, ""


_DONT_BEFORE = re.compile(r"\b(?:don't|do not|dont|please don't|never|no need to|(?:is |it's |this is )?not about)\s+$")
_BACK_REFERENCE = re.compile(
    r"\b(?:(?:add|put|include) (?:me|him|her|them) (?:to|in|into|on) (?:it|that|this|there|that one|this one|the group|"
    r"that group|this group)|"
    r"(remove|take|get) (?:me|him|her|them) (?:from|out of|off) (?:it|that|this|there|that one|this one|the group))\b|"
    # "tengo que estar en el grupo X. ¿Me podéis dar de alta?"
    r"(?:\b(?:mich|ihn|sie) (?:bitte |da |dort |dazu )*(?:hinzufugen|aufnehmen|eintragen)\b)|"
    r"(?:\b(?:dar(?:me|le|la)? de alta|darme de alta|anadid(?:me|le|la|los|las)|anadir(?:me|le|la)|agregad(?:me|le|la)|meteme|"
    r"metedme|metedla|metedle)\b)|"
    # a short ask of its own right after: "... and I'm not in it. Could you add me please?"
    r"(?:^\W*(?:(?:can|could|would) (?:you|someone|somebody) (?:please )?|please |kindly )?(?:add|put|include) (?:me|him|her|them)"
    r"(?: (?:please|as well|too|in))?\s*(?:[?.!]|$))"
)


def find_groups(p: Prepared) -> list[GroupMention]:
    """Every distinct group the text names, with the action its sentence asks for."""
    grouped = any(stem in p.low for stem in _GROUP_STEMS)
    if (
        not grouped
        and "{{" not in p.raw
        and ADD.search(p.low, live=p.live) is None
        and REMOVE.search(p.low, live=p.live) is None
    ):
        return []
    found: dict[str, GroupMention] = {}
    spans: list[tuple[int, int, str, bool]] = []
    if grouped:
        for m in _ADJ_BEFORE.finditer(p.text):
            spans.append((m.start(1), m.end(1), m.group(1), True))
        for g in _GROUP_AFTER.finditer(p.text):
            before = _ADJ_AFTER.search(p.text, max(0, g.start() - 64), g.start())
            if before:
                spans.append((before.start(1), before.end(1), before.group(1), True))
    if "{{" in p.raw:
        for m in _MONO_GROUP.finditer(p.raw):
            at = p.text.find(m.group(1).strip())
            if at >= 0:
                spans.append((at, at + len(m.group(1).strip()), m.group(1).strip(), True))
    # a quoted name where a person is added or removed: "add Katherine Hollis (...) to “QG-Art (Hollow Tide)”"
    quoted_spans: list[tuple[int, int]] = []
    if any(q in p.text for q in "\"“«"):
        for m in _QUOTED_RE.finditer(p.text):
            start = m.start()
            if _PREP_BEFORE.search(p.text, max(0, start - 24), start) and _PERSON_MOVED.search(
                p.text, max(0, start - 90), start
            ):
                spans.append((start, m.end(), m.group(0), True))
                quoted_spans.append(m.span())
    for m in _IDENT_RE.finditer(p.text):
        start, end = m.span()
        if p.text[end : end + 1] == "@" or p.text[start - 1 : start] in ("@", "/", "\\", ".", "-"):
            continue
        if any(lo <= start < hi for lo, hi in quoted_spans):
            continue
        if _PREP_BEFORE.search(p.text, max(0, start - 24), start) and _PERSON_MOVED.search(
            p.text, max(0, start - 90), start
        ):
            spans.append((start, end, m.group(0), False))
        elif _MEMBERS_OF.search(p.text, max(0, start - 24), start) or _LIST_AFTER.match(p.text, end):
            spans.append((start, end, m.group(0), True))
    for start, end, raw, explicit in sorted(spans):
        quoted = raw[:1] in "\"'“„«{"
        if _PERSON_AFTER.match(p.text, end):
            continue  # "add me to all the same groups Jonas has": a colleague, not a group
        name = _clean(raw)
        if not _acceptable(name if not quoted else raw, explicit=explicit):
            continue
        if _NOT_GROUP_AFTER.match(p.text[end:]):
            continue  # "the Group Bookings folder", "X-Share drive": a folder or share, not a group
        key = name.lower()
        action, words = _action(p, start, end)
        if key in found:
            old = found[key]
            merged = old.action if action is None else action if old.action in (None, action) else "both"
            better = name if (name != name.lower() and old.name == old.name.lower()) else old.name
            found[key] = GroupMention(better, old.start, merged, old.words or words)
            continue
        found[key] = GroupMention(name, start, action, words)
        # "add me to A, B and C": the list continues with more groups
        rest = p.text[end:]
        while True:
            more = _LIST_NEXT.match(rest)
            if not more:
                break
            extra = _clean(more.group(1))
            if not _acceptable(extra, explicit=True) or extra.lower() in found or fold(extra) in _LIST_STOP:
                break
            found[extra.lower()] = GroupMention(extra, end + more.start(1), action, words)
            rest = rest[more.end() :]
    for key, value in p.fields:
        if key in ("group", "groups", "grupo", "groupe", "gruppe", "gruppo", "groep", "securitygroup", "adgroup", "groupname",
                   "gruppenname", "nombredelgrupo", "nomdugroupe"):
            name = _clean(value)
            if not _acceptable(name, explicit=True):
                continue
            known = found.get(name.lower())
            if known is None:
                action = _field_action(p)
                found[name.lower()] = GroupMention(name, 0, action, f"{key}: {value}", from_field=True)
            elif known.action is None and (action := _field_action(p)) is not None:
                # "Access request - Blast-Design group" over a table whose Action column says "Add"
                found[name.lower()] = GroupMention(known.name, known.start, action, f"{key}: {value}")
    return _merge_short_forms(p, list(found.values()))


def _squeeze(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


def _unaccented(value: str) -> str:
    if value.isascii():
        return value
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))


def _merge_short_forms(p: Prepared, groups: list[GroupMention]) -> list[GroupMention]:
    """A summary naming ``prod-admins`` (or ``Degustazioni``) and a body naming ``sg-prod-admins`` (or
    ``Degustazioni-Eventi``) for the same change name one group: the shorter name is the longer one without a
    prefix or suffix, written in the summary only."""
    if len(groups) < 2:
        return groups
    body = _unaccented(p.text[len(p.summary) :])
    kept = list(groups)
    for short in groups:
        s = _unaccented(short.name)
        if short.start >= len(p.summary):
            continue
        for long in groups:
            n = _unaccented(long.name)
            if long is short or len(n) <= len(s):
                continue
            suffix = n.endswith(s) and n[-len(s) - 1] in "-_."
            prefix = n.startswith(s) and n[len(s)] in "-_."
            # "the after-hours roster group" in the summary, "Afterhours-Roster-Bulimba" in the body
            squeezed = len(_squeeze(s)) >= 6 and _squeeze(n).startswith(_squeeze(s))
            if not (suffix or prefix or squeezed):
                continue
            if (not squeezed and body.count(s) != body.count(n)) or short.action not in (None, long.action):
                continue
            if short in kept:
                kept.remove(short)
            break
    return kept


_LIST_STOP = frozenset(
    "thanks thank cheers regards best kind many gracias merci danke grazie obrigado bedankt takk please ta".split()
)


def _field_action(p: Prepared) -> str | None:
    for key, value in p.fields:
        if key in ("requesttype", "typeofrequest", "actionrequired", "requestedaction"):
            # "Request type: Add to group" names the action only when it starts with the verb ("Request type: Group
            # membership", "Action required: group owner to confirm ..." name none)
            v = fold(value).strip()
            if re.match(r"(?:add|ajout|anad|agreg|hinzuf|aggiung|toevoeg)", v):
                return "add"
            if re.match(r"(?:remove|retir|quitar|entfern|rimuov|verwijder)", v):
                return "remove"
            continue
        if key in ("addremove", "action", "accion", "aktion", "azione", "acao", "actie", "request", "change", "handling",
                   "handlung", "akcja", "atgard", "toimenpide"):
            v = fold(value)
            if ADD.search(v) or v.strip() in ("add", "anadir", "ajouter", "hinzufugen", "alta", "ajout", "aggiungi"):
                return "add"
            if REMOVE.search(v) or v.strip() in ("remove", "quitar", "retirer", "entfernen", "baja", "retrait"):
                return "remove"
    return None
