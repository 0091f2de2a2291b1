"""Whether an Allow statement for a service principal can admit that service's request for one
consumer of the stack: its conditions evaluated against what the stack knows of the request.

A request value is a sequence of pieces, each a known text or a hole (a part the stack does not know
during preview: the account, a region, a name). Each condition evaluates to YES (matches whatever
the holes hold), NO (cannot match) or UNKNOWN, and the statement to the conjunction of them. A key
the request does not carry (an encryption context on DescribeKey) follows IAM: only `Null: true`,
`…IfExists`, `ForAllValues:` and the negated operators match it. A key that `facts.SERVICE_REQUESTS`
does not model, an operator that does not compare strings, or a policy variable is UNKNOWN: the rule
says it cannot judge, never that the service is admitted. Used by KG-S06; not a rule module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any, Final

from .facts import (
    ENCRYPTION_CONTEXT_ACTIONS,
    RESOURCE_ARNS,
    SOURCE_ACCOUNT_KEY,
    SOURCE_ARN_KEY,
    ServiceRequest,
)
from .policydoc import Condition, Statement
from .rule import Resource, is_unknown
from .sentinels import UNKNOWN_STRING_SENTINEL

#: A hole in a value: a part unknown to the stack.
HOLE: Final = None
Piece = str | None
Value = tuple[Piece, ...]


class Match(Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Request:
    """Condition key (lowercased) → value, for the keys the request carries; `context_key` is
    carried only on actions with an encryption context; `modelled` are keys whose absence is known."""

    values: Mapping[str, Value]
    context_key: str | None
    modelled: frozenset[str]

    def carried(self, action: str) -> Mapping[str, Value]:
        if self.context_key is None or action in ENCRYPTION_CONTEXT_ACTIONS:
            return self.values
        return {k: v for k, v in self.values.items() if k != self.context_key}


def fill(templates: Sequence[str], props: Mapping[str, Any], known: Mapping[str, str | None]) -> Value:
    """The first template whose every `{property}` is set, else the last one with holes for what is
    not; an unknown or non-text property is a hole too. `known` holds the stack's `partition`,
    `region` and `account` (None: unknown)."""
    for n, template in enumerate(templates):
        last = n == len(templates) - 1
        pieces: list[Piece] = []
        usable = True
        for i, part in enumerate(re.split(r"\{(\w+)\}", template)):
            if i % 2 == 0:
                pieces.append(part)
                continue
            if part in known:
                pieces.append(known[part])
                continue
            value = props.get(part)
            # `default` is the account's own event bus, whose rules' ARNs name no bus.
            if value is None or value == "" or (part == "eventBusName" and value == "default"):
                if not last:
                    usable = False
                    break
                value = None
            known_text = (
                isinstance(value, str) and not is_unknown(value) and UNKNOWN_STRING_SENTINEL not in value
            )
            pieces.append(value if known_text else HOLE)
        if usable:
            return _compact(pieces)
    return (HOLE,)


def _compact(pieces: Sequence[Piece]) -> Value:
    out: list[Piece] = []
    for piece in pieces:
        if piece == "":
            continue
        if piece is HOLE and out and out[-1] is HOLE:
            continue
        if piece is not HOLE and out and out[-1] is not HOLE:
            out[-1] = str(out[-1]) + piece
            continue
        out.append(piece)
    return tuple(out)


def request_for(
    service: ServiceRequest, consumer: Resource, source: Value | None, known: Mapping[str, str | None]
) -> Request:
    """The request `service` makes for `consumer`; `source` is the publisher's `aws:SourceArn`, None
    when the service acts for the consumer itself."""
    template = RESOURCE_ARNS.get(consumer.type)
    own = (
        fill(("{arn}", template), consumer.props, known)
        if template
        else fill(("{arn}",), consumer.props, known)
    )
    values: dict[str, Value] = {}
    modelled: set[str] = set()
    if service.context_key is not None:
        values[service.context_key.lower()] = own
        modelled.add(service.context_key.lower())
    if service.source_keys:
        account = known.get("account")
        values[SOURCE_ARN_KEY.lower()] = own if source is None else source
        values[SOURCE_ACCOUNT_KEY.lower()] = (account,) if account else (HOLE,)
        modelled |= {SOURCE_ARN_KEY.lower(), SOURCE_ACCOUNT_KEY.lower()}
    context = service.context_key.lower() if service.context_key else None
    return Request(values, context, frozenset(modelled))


def show(value: Value) -> str:
    return "".join("<unknown>" if p is HOLE else p for p in value)


# -- matching -------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _glob_regex(pattern: str, wildcards: bool, ignore_case: bool) -> re.Pattern[str]:
    if not wildcards:
        return re.compile(re.escape(pattern), re.IGNORECASE if ignore_case else 0)
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _text_match(pattern: str, value: Value, wildcards: bool, ignore_case: bool) -> Match:
    """Does `pattern` match the value, whatever its holes hold?"""
    if HOLE not in value:
        text = "".join(p for p in value if p is not HOLE)
        regex = _glob_regex(pattern, wildcards, ignore_case)
        return Match.YES if regex.fullmatch(text) else Match.NO
    prefix = value[0] if value[0] is not HOLE else ""
    cut = (
        min((i for i, c in enumerate(pattern) if c in "*?"), default=len(pattern))
        if wildcards
        else len(pattern)
    )
    head = pattern[:cut]
    a, b = (prefix.lower(), head.lower()) if ignore_case else (prefix, head)
    if not (a.startswith(b) or b.startswith(a)):
        return Match.NO
    if wildcards and pattern[cut:] == "*" and a.startswith(b):
        return Match.YES
    return Match.UNKNOWN


def _arn_parts(value: Value) -> list[Value] | None:
    """The six colon-separated parts of an ARN value; None when a hole hides where they split."""
    parts: list[list[Piece]] = [[]]
    for piece in value:
        if piece is HOLE:
            parts[-1].append(HOLE)
            continue
        chunks = piece.split(":")
        parts[-1].append(chunks[0])
        for chunk in chunks[1:]:
            if len(parts) == 6:
                parts[-1].extend([":", chunk])
            else:
                parts.append([chunk])
    if len(parts) != 6:
        return None
    return [_compact(p) for p in parts]


def _arn_match(pattern: str, value: Value) -> Match:
    """ArnEquals/ArnLike: each of the six colon-separated parts compared on its own, wildcards honoured."""
    wanted = pattern.split(":", 5)
    got = _arn_parts(value)
    if got is None:
        return Match.UNKNOWN
    if len(wanted) != 6:
        return Match.NO
    return _all([_text_match(w, g or ("",), True, False) for w, g in zip(wanted, got, strict=True)])


def _all(results: Sequence[Match]) -> Match:
    if Match.NO in results:
        return Match.NO
    return Match.UNKNOWN if Match.UNKNOWN in results else Match.YES


def _any(results: Sequence[Match]) -> Match:
    if Match.YES in results:
        return Match.YES
    return Match.UNKNOWN if Match.UNKNOWN in results else Match.NO


_POSITIVE: Final = {
    "StringEquals": (False, False, False),
    "StringEqualsIgnoreCase": (False, True, False),
    "StringLike": (True, False, False),
    "ArnEquals": (True, False, True),
    "ArnLike": (True, False, True),
}
_NEGATED: Final = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


def condition_match(condition: Condition, carried: Mapping[str, Value], modelled: frozenset[str]) -> Match:
    key = condition.key_lower
    base = condition.base_operator
    if key not in modelled:
        return Match.UNKNOWN
    if any("${" in v for v in condition.values):
        return Match.UNKNOWN
    value = carried.get(key)
    if base == "Null":
        wanted = {v.lower() for v in condition.values}
        if not wanted <= {"true", "false"}:
            return Match.UNKNOWN
        return Match.YES if ("true" if value is None else "false") in wanted else Match.NO
    if base not in _POSITIVE and base not in _NEGATED:
        return Match.UNKNOWN
    if value is None:
        # IAM: an absent key matches only IfExists, ForAllValues and the negated operators.
        absent_matches = condition.if_exists or condition.set_qualifier == "ForAllValues" or base in _NEGATED
        return Match.YES if absent_matches else Match.NO
    wildcards, ignore_case, arn = _POSITIVE[_NEGATED.get(base, base)]
    results = [
        _arn_match(v, value) if arn else _text_match(v, value, wildcards, ignore_case)
        for v in condition.values
    ]
    matched = _any(results)
    if base in _NEGATED:
        return {Match.YES: Match.NO, Match.NO: Match.YES, Match.UNKNOWN: Match.UNKNOWN}[matched]
    return matched


def statement_admits(statement: Statement, request: Request, action: str) -> tuple[Match, str]:
    """Whether the statement's conditions admit the request for `action`, and, unless YES, the first
    condition that decides it, as a message shows it."""
    carried = request.carried(action)
    verdicts = [(condition_match(c, carried, request.modelled), c) for c in statement.conditions]
    for wanted in (Match.NO, Match.UNKNOWN):
        for verdict, condition in verdicts:
            if verdict is wanted:
                return verdict, _describe(condition, carried, request.modelled)
    return Match.YES, ""


def _describe(condition: Condition, carried: Mapping[str, Value], modelled: frozenset[str]) -> str:
    values = condition.values[0] if len(condition.values) == 1 else list(condition.values)
    head = f"{condition.operator} {condition.key} {values!r}"
    if condition.key_lower not in modelled:
        return f"{head} (a key the stack cannot know for this service)"
    value = carried.get(condition.key_lower)
    return f"{head} against {'no value' if value is None else show(value)}"
