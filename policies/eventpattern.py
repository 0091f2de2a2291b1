"""EventBridge event patterns, read the way EventBridge reads them, for rules that judge coverage.

`parse_event_pattern` accepts the JSON text (or object) of an `eventPattern` and checks every
comparison it knows; anything else (an unknown operator, a malformed value) raises `PatternError`, so a
rule never mistakes a pattern it cannot read for one that matches. `matches(pattern, event)` follows
the EventBridge user guide ("Event patterns", "Content filtering"): every field of the pattern must
match; a list of values matches when any value matches; an array in the event matches when any of its
elements does; `$or` matches when any of its patterns does.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

Pattern = Mapping[str, Any]
_ABSENT: Final = object()
_OPERATORS: Final = frozenset(
    {"prefix", "suffix", "equals-ignore-case", "anything-but", "exists", "numeric", "wildcard", "cidr"}
)
_NUMERIC_OPS: Final = frozenset({"=", "<", "<=", ">", ">="})


class PatternError(ValueError):
    """The pattern is not one EventBridge (or this reader) accepts; the message says where."""


def parse_event_pattern(value: object) -> Pattern:
    """The pattern as a dict, every part checked; raises `PatternError`."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise PatternError(f"is not JSON ({exc.msg})") from None
    if not isinstance(value, Mapping) or not value:
        raise PatternError("must be a non-empty JSON object")
    _check(value, "")
    return value


def _check(pattern: Mapping[str, Any], where: str) -> None:
    for key, spec in pattern.items():
        path = f"{where}.{key}" if where else key
        if key == "$or":
            if not isinstance(spec, list) or len(spec) < 2 or not all(isinstance(p, Mapping) for p in spec):
                raise PatternError(f"{path} must list at least two patterns")
            for p in spec:
                _check(p, where)
        elif isinstance(spec, Mapping):
            if not spec:
                raise PatternError(f"{path} is an empty object")
            _check(spec, path)
        elif isinstance(spec, list):
            if not spec:
                raise PatternError(f"{path} lists no value")
            for matcher in spec:
                _check_matcher(matcher, path)
        else:
            raise PatternError(f"{path} must be an object or a list of values, not {type(spec).__name__}")


def _check_matcher(matcher: Any, path: str) -> None:
    if matcher is None or isinstance(matcher, str | int | float | bool):
        return
    if not isinstance(matcher, Mapping) or len(matcher) != 1:
        raise PatternError(f"{path}: {json.dumps(matcher)} is not a value or a one-operator object")
    ((op, arg),) = matcher.items()
    if op not in _OPERATORS:
        raise PatternError(f"{path}: unknown operator {op!r}")
    if op == "exists" and not isinstance(arg, bool):
        raise PatternError(f"{path}: exists takes true or false")
    if op in ("prefix", "suffix") and not (
        isinstance(arg, str) or (isinstance(arg, Mapping) and set(arg) == {"equals-ignore-case"})
    ):
        raise PatternError(f"{path}: {op} takes a string")
    if op in ("equals-ignore-case", "wildcard", "cidr") and not isinstance(arg, str):
        raise PatternError(f"{path}: {op} takes a string")
    if op == "cidr":
        try:
            ipaddress.ip_network(arg, strict=False)
        except ValueError:
            raise PatternError(f"{path}: {arg!r} is not a CIDR block") from None
    if op == "numeric":
        if not isinstance(arg, list) or len(arg) not in (2, 4):
            raise PatternError(f"{path}: numeric takes one or two comparisons")
        for i in range(0, len(arg), 2):
            if arg[i] not in _NUMERIC_OPS or not _is_number(arg[i + 1]):
                raise PatternError(f"{path}: numeric comparison {arg[i : i + 2]} is not <op> <number>")
    if op == "anything-but":
        if isinstance(arg, list):
            for a in arg:
                if not (a is None or isinstance(a, str | int | float | bool)):
                    raise PatternError(f"{path}: anything-but lists values only")
        elif isinstance(arg, Mapping):
            _check_matcher(dict(arg), path)
            if next(iter(arg)) not in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
                raise PatternError(f"{path}: anything-but cannot hold {next(iter(arg))!r}")
        elif not (arg is None or isinstance(arg, str | int | float | bool)):
            raise PatternError(f"{path}: anything-but takes a value, a list or an operator")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def matches(pattern: Pattern, event: Mapping[str, Any]) -> bool:
    """Does the (parsed) pattern match the event?"""
    for key, spec in pattern.items():
        if key == "$or":
            if not any(matches(p, event) for p in spec):
                return False
            continue
        present, values = _values(event, key)
        if isinstance(spec, Mapping):
            if not any(isinstance(v, Mapping) and matches(spec, v) for v in values):
                return False
        elif not _leaf(spec, present, [v for v in values if not isinstance(v, Mapping)]):
            return False
    return True


def _values(node: Mapping[str, Any], key: str) -> tuple[bool, list[Any]]:
    value = node.get(key, _ABSENT)
    if value is _ABSENT:
        return False, []
    if isinstance(value, list):
        return True, list(_flatten(value))
    return True, [value]


def _flatten(values: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        out.extend(_flatten(v) if isinstance(v, list) else [v])
    return out


def _leaf(spec: Sequence[Any], present: bool, values: list[Any]) -> bool:
    for matcher in spec:
        if isinstance(matcher, Mapping) and "exists" in matcher:
            if matcher["exists"] == (present and bool(values)):
                return True
        elif any(_one(matcher, v) for v in values):
            return True
    return False


def _one(matcher: Any, value: Any) -> bool:
    if not isinstance(matcher, Mapping):
        return _equal(matcher, value)
    ((op, arg),) = matcher.items()
    if op == "anything-but":
        if isinstance(arg, Mapping):
            return not _one(arg, value)
        excluded = arg if isinstance(arg, list) else [arg]
        return not any(_equal(e, value) for e in excluded)
    if op == "numeric":
        return _is_number(value) and all(_compare(value, arg[i], arg[i + 1]) for i in range(0, len(arg), 2))
    if not isinstance(value, str):
        return False
    if op in ("prefix", "suffix"):
        text, wanted = value, arg
        if isinstance(arg, Mapping):
            text, wanted = value.lower(), arg["equals-ignore-case"].lower()
        return text.startswith(wanted) if op == "prefix" else text.endswith(wanted)
    if op == "equals-ignore-case":
        return value.lower() == str(arg).lower()
    if op == "wildcard":
        # EventBridge's only wildcard is `*`; escape fnmatch's other special characters.
        escaped = "".join(f"[{c}]" if c in "?[]" else c for c in arg)
        return fnmatch.fnmatchcase(value, escaped)
    if op == "cidr":
        try:
            return ipaddress.ip_address(value) in ipaddress.ip_network(arg, strict=False)
        except ValueError:
            return False
    return False


def _equal(expected: Any, value: Any) -> bool:
    if _is_number(expected) and _is_number(value):
        return float(expected) == float(value)
    return type(expected) is type(value) and expected == value


def _compare(value: float, op: str, bound: float) -> bool:
    return {
        "=": value == bound,
        "<": value < bound,
        "<=": value <= bound,
        ">": value > bound,
        ">=": value >= bound,
    }[op]
