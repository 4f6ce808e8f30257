"""From a ticket's raw text to what the rules read.

Three views of the same ticket are built once:

* ``text``: Jira wiki markup, HTML and Markdown removed, tables turned into ``Label: value`` lines, original case
  kept (emails and names are read from it);
* ``low``: ``text`` lower-cased, accents folded to ASCII, common typos and apostrophe-less contractions repaired
  (the intent cues are matched against it);
* ``cue``: ``low`` with double-quoted passages blanked, so a quoted error message or a quoted email subject
  ("reset your password") does not read as the reporter's own request.

Hidden text (white ``{color}``, HTML comments, invisible styles) is detected on the raw text by
:mod:`.guards` before anything here throws it away.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

from .fastre import REGISTRY, Live, grams
from .typos import repair

_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "ø": "o",
        "œ": "oe",
        "ł": "l",
        "đ": "d",
        "ı": "i",
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "→": "->",
        "\u00a0": " ",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
    }
)


def fold(value: str) -> str:
    """Lower-case and strip accents (``Zurücksetzen`` -> ``zurucksetzen``); other scripts disappear."""
    low = value.lower().translate(_SPECIAL)
    if low.isascii():
        return low
    return unicodedata.normalize("NFKD", low).encode("ascii", "ignore").decode("ascii")


# ---------------------------------------------------------------------------------------------------- markup

_CODE_TAG = re.compile(r"\{(?:code|noformat|quote|panel|color|anchor|expand)(?::[^}]*)?\}", re.I)
_HEADING = re.compile(r"^\s*(?:h[1-6]\.|bq\.|#{1,6}(?=\s))\s*", re.M)
_MENTION = re.compile(r"\[~[^\]]*\]")
_LINK = re.compile(r"\[([^\[\]|]*)\|([^\[\]]*)\]")
_BARE_LINK = re.compile(r"\[(?:mailto:)?((?:https?://|[\w.+-]+@)[^\[\]\s]*)\]")
_MAILTO = re.compile(r"mailto:", re.I)
_MONO = re.compile(r"\{\{([^{}]*)\}\}")
_BOLD = re.compile(r"(?<![\w*])\*{1,2}(\S(?:[^*\n]*?\S)?)\*{1,2}(?![\w*])")
_ITALIC = re.compile(r"(?<![\w])_(\S(?:[^_\n]*?\S)?)_(?![\w])")
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BACKTICK = re.compile(r"`+")
_SPACES = re.compile(r"[ \t\f\v]+")
_TABLE_ROW = re.compile(r"^\s*\|\|?(.*?)\|?\|?\s*$")


def _link_text(m: re.Match[str]) -> str:
    """``[Name|mailto:x@y]`` keeps both the name and the address; other links keep their text."""
    label, target = m.group(1).strip(), m.group(2).strip()
    if target.lower().startswith("mailto:"):
        address = target[7:]
        return address if not label or label.lower() == address.lower() else f"{label} ({address})"
    return label or target


def _table_to_lines(lines: list[str]) -> list[str]:
    """Jira tables: a two-column table becomes ``key: value`` lines; a wider one with a header row becomes one
    ``header: cell`` line per cell, rows separated by a blank line."""
    out: list[str] = []
    header: list[str] | None = None
    rows = [[c.strip() for c in re.split(r"\|\|?", line.strip().strip("|"))] for line in lines]
    if len(rows) > 1 and all(line.strip().startswith("||") and len(r) == 2 for line, r in zip(lines, rows, strict=True)):
        # "||Leaver||Gemma Thornbury||" on every row: a two-column form written in header cells
        return [f"{r[0]}: {r[1]}" for r in rows]
    for line in lines:
        stripped = line.strip()
        is_header = stripped.startswith("||")
        cells = [c.strip() for c in re.split(r"\|\|?", stripped.strip("|"))]
        if is_header and stripped.count("||") == 1 and len(cells) >= 2:
            # "||First name|Grace|": a header cell as the key, the value beside it
            out.append(f"{cells[0]}: {' '.join(cells[1:])}")
            continue
        if is_header:
            header = cells
            continue
        if header is not None and len(header) > 2 and len(cells) >= 2:
            out.extend(f"{h}: {c}" for h, c in zip(header, cells, strict=False))
            out.append("")
        elif len(cells) >= 2:
            out.append(f"{cells[0]}: {' '.join(cells[1:])}")
        else:
            out.append(" ".join(cells))
    return out


def _tables(value: str) -> str:
    if "|" not in value:
        return value
    lines = value.split("\n")
    out: list[str] = []
    block: list[str] = []
    for line in lines:
        if line.lstrip().startswith("|") and line.rstrip().endswith("|") and line.count("|") >= 3:
            block.append(line)
            continue
        if block:
            out.extend(_table_to_lines(block))
            block = []
        out.append(line)
    if block:
        out.extend(_table_to_lines(block))
    return "\n".join(out)


def strip_markup(value: str) -> str:
    """Remove Jira wiki markup, HTML and Markdown, keeping the words and the line structure."""
    if not value:
        return ""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _HTML_COMMENT.sub(" ", text)
        text = _HTML_TAG.sub(" ", text)
    if "{" in text:
        text = _CODE_TAG.sub("\n", text)
        text = _MONO.sub(r"\1", text)
    if "[" in text:
        text = _MENTION.sub(" ", text)
        text = _LINK.sub(_link_text, text)
        text = _BARE_LINK.sub(r"\1", text)
        text = _MAILTO.sub("", text)
    text = _tables(text)
    text = _HEADING.sub("", text)
    if "*" in text:
        text = _BOLD.sub(r"\1", text)
    if "_" in text:
        text = _ITALIC.sub(r"\1", text)
    if "`" in text:
        text = _BACKTICK.sub("", text)
    return _SPACES.sub(" ", text)


# ---------------------------------------------------------------------------------------------------- fields

_FIELD = re.compile(
    r"^[ \t]*(?:[-*•][ \t]*)?([A-Za-zÀ-ÿ][\wÀ-ÿ /().&'-]{0,40}?(?:\([\w ,/]{1,24}\))?(?:, ?[A-Za-zÀ-ÿ][\wÀ-ÿ]{1,15})?)"
    r"[ \t]*[:=][ \t]*(.*?)[ \t]*$",
    re.M,
)
_NAME_WORDS = r"([A-ZÀ-Þ][\wÀ-ÿ'’-]+(?: (?:[A-ZÀ-Þ][\wÀ-ÿ'’-]+|de|da|do|dos|das|del|van|von|der|den|i|y)){0,3})"
_INLINE_NAME = re.compile(
    r"\b((?i:first name|given name|forename))s? " + _NAME_WORDS + r",? (?:and )?(?:the )?((?i:surname|last name|family name))s? "
    + _NAME_WORDS
    + r"(?:,? (?:and )?(?:the )?(?i:e-?mail|address|work e-?mail) ([\w.+-]+@[\w-]+(?:\.[\w-]+)+))?"
)
_JSON_PAIR = re.compile(r'"([A-Za-z][\w ]{0,40})"\s*:\s*"([^"\n]{0,200})"')


def field_key(label: str) -> str:
    """``"E-Mail (work)"`` -> ``"emailwork"``: labels compared without case, accents, spaces or punctuation."""
    return re.sub(r"[^a-z0-9]", "", fold(label))


_PAIR_SEPARATOR = re.compile(r";[ \t]*(?=[A-Za-zÀ-ÿ][\w -]{0,30}[:=])")


# an export's header line of field names ("employee_id,first_name,last_name,work_email,start_date")
_CSV_HEADER = re.compile(r"^[ \t]*([A-Za-z][\w ]{0,30}(?:[,;\t][A-Za-z][\w ]{0,30}){2,})[ \t]*$", re.M)


def _csv_fields(text: str) -> list[tuple[str, str]]:
    """The header and the one data row of a pasted export, zipped into fields (more rows: several people, none)."""
    m = _CSV_HEADER.search(text)
    if m is None:
        return []
    sep = "," if "," in m.group(1) else (";" if ";" in m.group(1) else "\t")
    header = [h.strip() for h in m.group(1).split(sep)]
    if not any("_" in h for h in header) and not any(h.lower() in ("email", "name") for h in header):
        return []  # a sentence with commas, not a header
    rows = [r for r in text[m.end() :].split("\n")[1:4] if r.strip()]
    data = [r for r in rows if r.count(sep) == len(header) - 1]
    if len(data) != 1:
        return []
    return [(field_key(h), v.strip()) for h, v in zip(header, data[0].split(sep), strict=True)]


def parse_fields(text: str) -> list[tuple[str, str]]:
    """Form fields in order: ``Label: value`` lines (several on a line when ``;`` separates them:
    ``first_name=Grace; last_name=Oduya``) and JSON string members (the value in original case)."""
    if ";" in text:
        text = _PAIR_SEPARATOR.sub("\n", text)
    fields: list[tuple[str, str]] = []
    for m in _FIELD.finditer(text):
        label, value = m.group(1), m.group(2).strip()
        fields.append((field_key(label), value))
        if " / " in label:  # a bilingual label ("Groupe / Group") is also read by each of its halves
            fields.extend((field_key(half), value) for half in label.split(" / "))
    if '"' in text:
        fields.extend((field_key(m.group(1)), m.group(2).strip()) for m in _JSON_PAIR.finditer(text))
    if "," in text:
        fields.extend(_csv_fields(text))
    for m in _INLINE_NAME.finditer(text):  # "first name Beatriz, surname Lacerda Fonseca, email ..." in a sentence
        fields.extend(((field_key(m.group(1)), m.group(2)), (field_key(m.group(3)), m.group(4))))
        if m.group(5):
            fields.append(("email", m.group(5)))
    return [(k, v) for k, v in fields if k]


# ---------------------------------------------------------------------------------------------------- prepared

_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|antw|r|rv|ref|vs)\s*:\s*)+", re.I)
_FORWARD_PREFIX = re.compile(r"^\s*(?:(?:fw|fwd|wg|tr|enc|rv)\s*:\s*)+", re.I)
_QUOTED = re.compile(r'(?<!: )(?<!:)"[^"\n]{1,160}"(?!\s*:)')
_DOMAIN_CHARS = re.compile(r"[a-z0-9]")
_EMAIL_DOMAIN = re.compile(r"(?<=[\w.+-])@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
# A single-quoted passage of four words or more ('your password will expire today'), not an apostrophe.
_SINGLE_QUOTED = re.compile(r"(?<![\w'])'(?=[^'\n]{6,160}'(?!\w))(?:[^'\n ]* ){3,}[^'\n]*'(?!\w)")
_CLAUSE_BREAK = re.compile(r"[.!?;:\n]+(?:\s|$)|\s(?:but|however|pero|sino|mais|aber|jedoch|ma|mas|maar)\s|\s-+\s|,\s")


@dataclass
class Prepared:
    """A ticket read once: every rule works on these views."""

    summary: str
    body: str
    raw: str
    text: str
    low: str
    cue: str
    reply: bool
    live: Live = field(default_factory=dict)
    fields: list[tuple[str, str]] = field(default_factory=list)
    _breaks: list[int] = field(default_factory=list)

    @property
    def body_start(self) -> int:
        """Where the body starts in ``cue`` (after the summary's line; a reply's cue is its body alone)."""
        return 0 if self.reply else self.cue.find("\n") + 1

    def clause_start(self, pos: int) -> int:
        i = bisect_right(self._breaks, pos)
        return self._breaks[i - 1] if i else 0

    def clause_end(self, pos: int) -> int:
        i = bisect_right(self._breaks, pos)
        return self._breaks[i] if i < len(self._breaks) else len(self.cue)

    def field_values(self, keys: frozenset[str]) -> list[str]:
        return [v for k, v in self.fields if k in keys]


MAX_SUMMARY = 1_000
MAX_DESCRIPTION = 20_000


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


def _mask_domain(m: re.Match[str]) -> str:
    """``@vandijk-installatie.nl`` -> ``@xxxxxxx-xxxxxxxxxx.xx``: one token still, but no cue words."""
    return _DOMAIN_CHARS.sub("x", m.group(0))


def prepare(summary: str, description: str | None) -> Prepared:
    """Read a ticket once. Only the first ``MAX_DESCRIPTION`` characters of a description are read: a request
    sits above pasted logs, and every rule stays linear in the text."""
    summary_text = strip_markup((summary or "")[:MAX_SUMMARY]).strip()
    body_text = strip_markup((description or "")[:MAX_DESCRIPTION]).strip()
    reply = bool(_REPLY_PREFIX.match(summary_text)) and not _FORWARD_PREFIX.match(summary_text)
    summary_clean = _FORWARD_PREFIX.sub("", _REPLY_PREFIX.sub("", summary_text))
    text = f"{summary_clean}\n{body_text}" if body_text else summary_clean
    low = repair(fold(text))
    # A reply's subject quotes the original request ("RE: [ITSD-7719] Password reset"): it is not a request.
    cue_source = repair(fold(body_text)) if reply else low
    cue = _QUOTED.sub(_blank, cue_source) if '"' in cue_source else cue_source
    if "'" in cue:
        cue = _SINGLE_QUOTED.sub(_blank, cue)
    if "@" in cue:
        cue = _EMAIL_DOMAIN.sub(_mask_domain, cue)
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(cue)]
    fields_ = parse_fields(text) if (":" in text or "=" in text) else []
    return Prepared(
        summary=summary_clean,
        body=body_text,
        raw=f"{summary}\n{description or ''}",
        text=text,
        low=low,
        cue=cue,
        reply=reply,
        live=REGISTRY.candidates(grams(low)),
        fields=fields_,
        _breaks=breaks,
    )
