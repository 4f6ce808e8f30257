"""A small JQL subset for the fake Jira, with Jira's own error messages.

Supported: ``field OP value`` with ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``~``, ``!~``, ``IN (...)``,
``NOT IN (...)``, ``IS [NOT] EMPTY|NULL``; ``AND``, ``OR``, ``NOT`` and parentheses;
``ORDER BY f [ASC|DESC], ...``.
Fields: project, status, statusCategory, assignee, reporter, priority, issuetype/type, resolution, labels,
key/issuekey, summary/text (``~`` only), created, updated, resolutiondate/resolved, duedate/due.
Values: bare words, quoted strings, ``EMPTY``/``NULL``, ``currentUser()``, ``now()``, ``startOfDay()``,
``endOfDay()``, relative dates (``-30d``, ``-2w``, ``-4h``, ``-15m``) and ``yyyy-MM-dd[ HH:mm]`` dates.
As in Jira, ``!=`` and ``NOT IN`` never match an empty field, and unquoted reserved characters are errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes.jira_jql_fields import (
    ALIASES,
    DATES,
    NAMED,
    SORTABLE,
    TEXT,
    USERS,
    JqlContext,
    JqlError,
    issue_value,
    resolve,
)
from tests.fakes.jira_model import (
    PRIORITIES,
    Issue,
)

Predicate = Callable[[Issue], bool]

_RESERVED = set("+.;?|*/%^$#@[]")
_SPECIAL = set("=!<>~(),\"'")
_OPS = ("!=", ">=", "<=", "!~", "=", ">", "<", "~")
_KEYWORDS = {"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"}
_VALID_OPS = "'=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'"


@dataclass
class _Tok:
    kind: str  # STR WORD OP LP RP COMMA EOF
    value: str
    pos: int

    def kw(self, *words: str) -> bool:
        return self.kind == "WORD" and self.value.lower() in words


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "\"'":
            j, out = i + 1, []
            while j < len(text) and text[j] != c:
                if text[j] == "\\" and j + 1 < len(text):
                    j += 1
                out.append(text[j])
                j += 1
            if j >= len(text):
                raise JqlError(f"Error in the JQL Query: Missing closing quote. (line 1, character {i + 1})")
            toks.append(_Tok("STR", "".join(out), i))
            i = j + 1
        elif c in "(),":
            toks.append(_Tok({"(": "LP", ")": "RP", ",": "COMMA"}[c], c, i))
            i += 1
        elif c in "=!<>~":
            op = next((o for o in _OPS if text.startswith(o, i)), None)
            if op is None:
                raise JqlError(f"Error in the JQL Query: Expecting operator but got '{c}'. (line 1, character {i + 1})")
            toks.append(_Tok("OP", op, i))
            i += len(op)
        else:
            j = i
            while j < len(text) and not text[j].isspace() and text[j] not in _SPECIAL:
                if text[j] in _RESERVED:
                    raise JqlError(
                        f"Error in the JQL Query: The character '{text[j]}' is a reserved JQL character. "
                        f"You must enclose it in a string or use the escape '\\u{ord(text[j]):04x}' "
                        f"instead. (line 1, character {j + 1})"
                    )
                j += 1
            toks.append(_Tok("WORD", text[i:j], i))
            i = j
    toks.append(_Tok("EOF", "", len(text)))
    return toks


def _got(tok: _Tok) -> str:
    return "EOF" if tok.kind == "EOF" else f"'{tok.value}'"


def _syntax(expecting: str, tok: _Tok) -> JqlError:
    return JqlError(
        f"Error in the JQL Query: Expecting {expecting} but got {_got(tok)}. (line 1, character {tok.pos + 1})"
    )


# ---- fields ---------------------------------------------------------------------------------------------


def _field_name(tok: _Tok) -> str:
    name = tok.value.lower()
    name = ALIASES.get(name, name)
    if tok.kind not in {"WORD", "STR"} or name not in NAMED | USERS | DATES | TEXT:
        raise JqlError(f"Field '{tok.value}' does not exist or you do not have permission to view it.")
    return name


class _Parser:
    def __init__(self, text: str, ctx: JqlContext) -> None:
        self.toks = _tokenize(text)
        self.i = 0
        self.ctx = ctx

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> tuple[Predicate | None, list[tuple[str, bool]]]:
        where = None if self.tok.kind == "EOF" or self.tok.kw("order") else self.or_expr()
        order: list[tuple[str, bool]] = []
        if self.tok.kw("order"):
            self.take()
            if not self.tok.kw("by"):
                raise _syntax("'by'", self.tok)
            self.take()
            while True:
                field = _field_name(self.take())
                if field not in SORTABLE:
                    raise JqlError(f"Field '{field}' does not support sorting.")
                desc = False
                if self.tok.kw("asc", "desc"):
                    desc = self.take().value.lower() == "desc"
                order.append((field, desc))
                if self.tok.kind != "COMMA":
                    break
                self.take()
        if self.tok.kind != "EOF":
            raise _syntax("either 'OR' or 'AND'" if where else "a field name", self.tok)
        return where, order

    def or_expr(self) -> Predicate:
        parts = [self.and_expr()]
        while self.tok.kw("or"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else (lambda issue: any(p(issue) for p in parts))

    def and_expr(self) -> Predicate:
        parts = [self.not_expr()]
        while self.tok.kw("and"):
            self.take()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else (lambda issue: all(p(issue) for p in parts))

    def not_expr(self) -> Predicate:
        if self.tok.kw("not"):
            self.take()
            inner = self.not_expr()
            return lambda issue: not inner(issue)
        if self.tok.kind == "LP":
            self.take()
            inner = self.or_expr()
            if self.tok.kind != "RP":
                raise _syntax("')'", self.tok)
            self.take()
            return inner
        return self.clause()

    def literal(self, field: str) -> Any:
        tok = self.take()
        if tok.kind == "WORD" and tok.value.lower() in {"empty", "null"}:
            return None
        if tok.kind == "WORD" and self.tok.kind == "LP":
            self.take()
            if self.tok.kind != "RP":
                raise _syntax("')'", self.tok)
            self.take()
            return resolve(field, "FUNC", tok.value, self.ctx)
        if tok.kind not in {"WORD", "STR"} or (tok.kind == "WORD" and tok.value.lower() in _KEYWORDS):
            raise _syntax("either a value, list or function", tok)
        return resolve(field, tok.kind, tok.value, self.ctx)

    def clause(self) -> Predicate:
        if self.tok.kind not in {"WORD", "STR"} or self.tok.kw(*_KEYWORDS):
            raise _syntax("a field name", self.tok)
        field = _field_name(self.take())
        ctx = self.ctx

        def get(issue: Issue) -> Any:
            return issue_value(field, issue, ctx)

        if self.tok.kw("is"):
            self.take()
            negate = self.tok.kw("not")
            if negate:
                self.take()
            if not self.tok.kw("empty", "null"):
                raise _syntax("'EMPTY'", self.tok)
            self.take()
            return (lambda i: get(i) is not None) if negate else (lambda i: get(i) is None)
        if self.tok.kw("not") or self.tok.kw("in"):
            negate = self.tok.kw("not")
            if negate:
                self.take()
            if not self.tok.kw("in"):
                raise _syntax("'IN'", self.tok)
            self.take()
            values = self.value_list(field)
            return self.compare(field, get, "!=" if negate else "=", values)
        if self.tok.kind != "OP":
            raise JqlError(
                f"Error in the JQL Query: Expecting operator but got {_got(self.tok)}. "
                f"The valid operators are {_VALID_OPS}. (line 1, character {self.tok.pos + 1})"
            )
        op = self.take().value
        allowed = {"~", "!~"} if field in TEXT else {"=", "!=", "<", "<=", ">", ">="} if field in DATES else {"=", "!="}
        if op not in allowed:
            raise JqlError(f"The operator '{op}' is not supported by the '{field}' field.")
        return self.compare(field, get, op, [self.literal(field)])

    def value_list(self, field: str) -> list[Any]:
        if self.tok.kind != "LP":
            raise _syntax("'('", self.tok)
        self.take()
        values = [self.literal(field)]
        while self.tok.kind == "COMMA":
            self.take()
            values.append(self.literal(field))
        if self.tok.kind != "RP":
            raise _syntax("')'", self.tok)
        self.take()
        return values

    @staticmethod
    def compare(field: str, get: Callable[[Issue], Any], op: str, values: list[Any]) -> Predicate:
        if op in {"~", "!~"}:
            needle = values[0]
            return lambda i: (needle in get(i)) == (op == "~")

        def test(actual: Any, wanted: Any) -> bool:
            if isinstance(actual, list):
                return wanted in actual
            if op in {"=", "!="}:
                return bool(actual == wanted)
            return bool(
                {"<": actual < wanted, "<=": actual <= wanted, ">": actual > wanted, ">=": actual >= wanted}[op]
            )

        def predicate(issue: Issue) -> bool:
            actual = get(issue)
            if op == "=":
                return any((actual is None) if v is None else (actual is not None and test(actual, v)) for v in values)
            if actual is None:  # as in Jira, != / NOT IN / comparisons never match an empty field
                return False
            if op == "!=":
                return all(v is not None and not test(actual, v) for v in values)
            return values[0] is not None and test(actual, values[0])

        return predicate


@dataclass
class Query:
    jql: str
    where: Predicate | None  # None: the query has no restriction (unbounded)
    order: list[tuple[str, bool]]
    ctx: JqlContext

    @property
    def bounded(self) -> bool:
        return self.where is not None

    def select(self, issues: list[Issue]) -> list[Issue]:
        """The matching issues in the query's order (then newest key first, as a tie-breaker); empty values
        sort last in either direction."""
        found = [i for i in issues if self.where is None or self.where(i)]
        for field, desc in reversed([*self.order, ("key", True)]):  # stable sorts, least significant first
            keyed = [(self._sort_value(field, i), i) for i in found]
            present = sorted((p for p in keyed if p[0] is not None), key=lambda p: p[0], reverse=desc)
            found = [i for _v, i in present] + [i for v, i in keyed if v is None]
        return found

    def _sort_value(self, field: str, issue: Issue) -> Any:
        if field == "priority":
            names = [n for _pid, n in PRIORITIES]
            return len(names) - names.index(issue.priority) if issue.priority in names else None
        if field == "status":
            return [s.name for s in self.ctx.workflow.statuses].index(issue.status)
        if field == "key":
            return (issue.project, issue.number)
        if field in USERS:
            user = self.ctx.users.get(getattr(issue, field) or "")
            return user.display_name.lower() if user else None
        value = issue_value(field, issue, self.ctx)
        return ",".join(value) if isinstance(value, list) else value


def compile_jql(jql: str, ctx: JqlContext) -> Query:
    """Parse ``jql``; raises :class:`JqlError` with Jira's message for anything outside the subset."""
    where, order = _Parser(jql, ctx).parse()
    return Query(jql, where, order, ctx)
