"""CloudWatch Logs filter patterns, read the way CloudWatch Logs reads them, for coverage rules.

Two forms are read: JSON patterns (`{ $.eventSource = kms* && $.errorMessage = "* is pending
deletion." }`, with `&&`, `||`, parentheses, `=`/`!=` on strings with `*` wildcards, numeric
comparisons, `IS TRUE|FALSE|NULL` and `NOT EXISTS`) and plain term patterns (every term must appear in
the log event). Anything else (regular expressions, `?`/`-` term operators, space-delimited `[...]`
patterns) raises `FilterError`: a rule must not count a filter it cannot read.
Source: CloudWatch Logs user guide, "Filter pattern syntax for metric filters".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from fnmatch import fnmatchcase
from typing import Any, Final

LogFilter = Callable[[Mapping[str, Any]], bool]

_TOKEN: Final = re.compile(
    r"""\s*(?:
        (?P<open>[{(])|(?P<close>[})])|(?P<and>&&)|(?P<or>\|\|)
      | (?P<op>!=|<=|>=|=|<|>)
      | (?P<selector>\$(?:\.[A-Za-z0-9_@-]+|\[\d+\])+)
      | "(?P<quoted>(?:[^"\\]|\\.)*)"
      | (?P<word>[^\s(){}&|=!<>"]+)
    )""",
    re.VERBOSE,
)


class FilterError(ValueError):
    """The filter pattern cannot be read; the message says why."""


def parse_filter_pattern(pattern: str) -> LogFilter:
    """A predicate over one CloudTrail record (as CloudWatch Logs receives it); raises `FilterError`."""
    text = pattern.strip()
    if text.startswith("{"):
        return _JsonParser(_tokens(text)).parse()
    return _terms(text)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise FilterError(f"cannot read the pattern at {text[position : position + 20]!r}")
        kind = match.lastgroup
        assert kind is not None
        out.append((kind, match.group(kind)))
        position = match.end()
    return out


def _terms(text: str) -> LogFilter:
    if not text:
        return lambda _record: True  # CloudWatch Logs: an empty pattern matches every event
    terms: list[str] = []
    for kind, value in _tokens(text):
        if kind == "quoted":
            terms.append(value.replace('\\"', '"'))
        elif kind == "word" and value[0] not in "?-%[":
            terms.append(value)
        else:
            raise FilterError(f"term {value!r} uses an operator this reader does not judge")

    def match(record: Mapping[str, Any]) -> bool:
        line = json.dumps(record)
        return all(term in line for term in terms)

    return match


class _JsonParser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.i = 0

    def parse(self) -> LogFilter:
        self._expect("open", "{")
        expression = self._or()
        self._expect("close", "}")
        if self.i != len(self.tokens):
            raise FilterError("text after the closing brace")
        return expression

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _next(self) -> tuple[str, str]:
        token = self._peek()
        if token is None:
            raise FilterError("the pattern ends too early")
        self.i += 1
        return token

    def _expect(self, kind: str, value: str) -> None:
        token = self._next()
        if token != (kind, value):
            raise FilterError(f"expected {value!r}, found {token[1]!r}")

    def _or(self) -> LogFilter:
        parts = [self._and()]
        while self._peek() == ("or", "||"):
            self.i += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda r: any(p(r) for p in parts))

    def _and(self) -> LogFilter:
        parts = [self._term()]
        while self._peek() == ("and", "&&"):
            self.i += 1
            parts.append(self._term())
        return parts[0] if len(parts) == 1 else (lambda r: all(p(r) for p in parts))

    def _term(self) -> LogFilter:
        kind, value = self._next()
        if (kind, value) == ("open", "("):
            inner = self._or()
            self._expect("close", ")")
            return inner
        if kind != "selector":
            raise FilterError(f"expected a $.field selector, found {value!r}")
        path = _path(value)
        kind, op = self._next()
        if kind == "word" and op in ("IS", "NOT"):
            return self._is(path, op)
        if kind != "op":
            raise FilterError(f"expected a comparison after {value}, found {op!r}")
        kind, operand = self._next()
        if kind not in ("quoted", "word"):
            raise FilterError(f"expected a value after {op}, found {operand!r}")
        return _comparison(path, op, operand, quoted=kind == "quoted")

    def _is(self, path: list[str | int], word: str) -> LogFilter:
        _, what = self._next()
        if word == "NOT":
            if what != "EXISTS":
                raise FilterError(f"expected NOT EXISTS, found NOT {what}")
            return lambda r: _lookup(r, path) is _MISSING
        wanted = {"TRUE": True, "FALSE": False, "NULL": None}
        if what not in wanted:
            raise FilterError(f"expected IS TRUE, FALSE or NULL, found IS {what}")
        expected = wanted[what]
        return lambda r: (v := _lookup(r, path)) is not _MISSING and v is expected


_MISSING: Final = object()


def _path(selector: str) -> list[str | int]:
    parts: list[str | int] = []
    for name, index in re.findall(r"\.([A-Za-z0-9_@-]+)|\[(\d+)\]", selector):
        parts.append(int(index) if index else name)
    return parts


def _lookup(record: Any, path: list[str | int]) -> Any:
    node = record
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return _MISSING
            node = node[part]
        elif isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return _MISSING
    return node


def _comparison(path: list[str | int], op: str, operand: str, *, quoted: bool) -> LogFilter:
    if not quoted and operand.startswith("%"):
        raise FilterError(f"regular expression {operand!r} is not judged")
    number = None if quoted else _number(operand)
    if op in ("<", "<=", ">", ">="):
        if number is None:
            raise FilterError(f"{op} needs a number, found {operand!r}")
        bound = number
        compare = {"<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__}[op]
        return lambda r: _is_number(v := _lookup(r, path)) and compare(float(v), bound)

    def equal(record: Mapping[str, Any]) -> bool:
        value = _lookup(record, path)
        if value is _MISSING or isinstance(value, Mapping | list):
            return False
        if number is not None and _is_number(value):
            return float(value) == number
        if not isinstance(value, str):
            return False
        return fnmatchcase(value, "".join(f"[{c}]" if c in "?[]" else c for c in operand))

    if op == "=":
        return equal
    return lambda r: _lookup(r, path) is not _MISSING and not equal(r)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
