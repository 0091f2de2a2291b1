"""Typed reads of resource properties: every rule reads the properties it judges through these.

Each read gives one of four answers, and the rule decides only on the first three:
- the value, of the type the provider documents (a bool, a finite number, a string from a closed set, …);
- `ABSENT` (missing, null or ""): the rule's documented default applies, e.g. an absent key spec is
  SYMMETRIC_DEFAULT as the provider says;
- `UNKNOWN`: computed during preview; each rule documents what that means for it;
- `CannotJudge`: anything else (a wrong type, NaN, a lower-cased enum, a list where a string belongs).
  A rule never turns it into "not applicable" or a pass: it reports it, worded by `message`.

Python's `True == 1` and `float("nan")` are the traps this module exists for: booleans are never numbers
here, and numbers must be finite.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TypeAlias, TypeVar, Union

from .facts import ENVIRONMENT_TAG
from .rule import UNKNOWN, Resource, is_unknown
from .rule import _Unknown as Unknown
from .sentinels import UNKNOWN_SENTINELS


class Absent:
    """Not set: missing, null or the empty string (the provider treats all three as unset)."""

    _instance: Absent | None = None

    def __new__(cls) -> Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        # Falsy like the None and "" it stands for, so `if not value` reads as "not set".
        return False


ABSENT: Final = Absent()

#: How every message says that a value could not be judged; consumers and documents use it too.
CANNOT_JUDGE: Final = "cannot judge"
_SHOWN_CHARS: Final = 60


def shown(value: Any) -> str:
    """A found value as a message quotes it: short, and never a wall of text."""
    if is_unknown(value):
        return "unknown during preview"
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def cannot_judge(what: str) -> str:
    """The one wording of "a rule cannot judge this": `cannot judge: <what>`."""
    return f"{CANNOT_JUDGE}: {what}"


@dataclass(frozen=True)
class CannotJudge:
    """A value of the wrong type or shape: the rule reports it instead of judging it."""

    path: str
    found: Any
    expected: str

    @property
    def message(self) -> str:
        return cannot_judge(f"{self.path} is {shown(self.found)}, expected {self.expected}")


T = TypeVar("T")
#: What a read gives: the typed value, ABSENT, UNKNOWN or CannotJudge.
Read: TypeAlias = Union[T, Absent, Unknown, CannotJudge]  # noqa: UP007 - a generic alias needs Union on 3.11


def is_value(read: object) -> bool:
    """True when the read gave a typed value (not ABSENT, UNKNOWN or CannotJudge)."""
    return not isinstance(read, Absent | Unknown | CannotJudge)


def _raw(props: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path; ABSENT when missing, UNKNOWN when an object on the way is unknown,
    CannotJudge when something on the way is not an object."""
    current: Any = props
    walked: list[str] = []
    for part in path.split("."):
        if is_unknown(current):
            return UNKNOWN
        if not isinstance(current, Mapping):
            return CannotJudge(".".join(walked), current, "an object")
        current = current.get(part, ABSENT)
        walked.append(part)
        if current is ABSENT:
            return ABSENT
    if current is None or current == "":
        return ABSENT
    if isinstance(current, str) and current in UNKNOWN_SENTINELS:
        return UNKNOWN  # a raw wire sentinel, for callers that did not decode
    return current


def _settled(value: Any) -> bool:
    return value is ABSENT or is_unknown(value) or isinstance(value, CannotJudge)


def read_bool(props: Mapping[str, Any], path: str) -> Read[bool]:
    value = _raw(props, path)
    if _settled(value) or isinstance(value, bool):
        return value  # type: ignore[no-any-return]
    return CannotJudge(path, value, "true or false")


def read_number(
    props: Mapping[str, Any], path: str, *, whole: bool = False, unit: str = "a number"
) -> Read[float]:
    """A finite number (JSON numbers arrive as floats); `whole` refuses fractions such as 2.5."""
    value = _raw(props, path)
    if _settled(value):
        return value  # type: ignore[no-any-return]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return CannotJudge(path, value, unit)
    if not math.isfinite(value) or (whole and not float(value).is_integer()):
        return CannotJudge(path, value, unit)
    return float(value)


def read_string(props: Mapping[str, Any], path: str, *, expected: str = "a string") -> Read[str]:
    value = _raw(props, path)
    if _settled(value) or isinstance(value, str):
        return value  # type: ignore[no-any-return]
    return CannotJudge(path, value, expected)


def read_choice(props: Mapping[str, Any], path: str, choices: Iterable[str]) -> Read[str]:
    """One of a closed set, spelled exactly as the provider spells it (AWS enums are case-sensitive)."""
    allowed = tuple(choices)
    value = _raw(props, path)
    if _settled(value):
        return value  # type: ignore[no-any-return]
    if isinstance(value, str) and value in allowed:
        return value
    return CannotJudge(path, value, "one of " + ", ".join(allowed))


#: RFC 3339 as KMS takes `ValidTo`: a date, `T`, a time with optional fraction, and `Z` or an offset.
_RFC3339_RE: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)


def read_timestamp(props: Mapping[str, Any], path: str) -> Read[datetime]:
    value = _raw(props, path)
    if _settled(value):
        return value  # type: ignore[no-any-return]
    expected = "an RFC 3339 time such as 2030-01-01T00:00:00Z"
    if not isinstance(value, str) or not _RFC3339_RE.fullmatch(value):
        return CannotJudge(path, value, expected)
    try:
        return datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:  # 2030-02-31 has the shape and no day
        return CannotJudge(path, value, expected)


def read_mapping(props: Mapping[str, Any], path: str) -> Read[Mapping[str, Any]]:
    value = _raw(props, path)
    if _settled(value) or isinstance(value, Mapping):
        return value  # type: ignore[no-any-return]
    return CannotJudge(path, value, "an object")


def read_list(props: Mapping[str, Any], path: str) -> Read[list[Any]]:
    value = _raw(props, path)
    if _settled(value) or isinstance(value, list):
        return value  # type: ignore[no-any-return]
    return CannotJudge(path, value, "a list")


def read_tag(resource: Resource, name: str) -> Read[str]:
    """One tag's value: ABSENT when the tag (or `tags`) is not set; tags must be an object of strings.
    Tag names may hold dots, so the name is looked up as one key, not as a path."""
    tags = read_mapping(resource.props, "tags")
    if not isinstance(tags, Mapping):
        return tags
    value = tags.get(name, ABSENT)
    if value is None or value == "":
        return ABSENT
    if _settled(value) or isinstance(value, str):
        return value  # type: ignore[no-any-return]
    return CannotJudge(f"tags.{name}", value, "a string")


def environment(resource: Resource, stack: str) -> str | CannotJudge:
    """The environment a rule's per-environment setting is looked up for: the `Environment` tag, else
    the stack name (also while the tag is unknown, as the rules document). A tag of the wrong type is
    CannotJudge: falling back to the stack name could pick a laxer environment than the tag meant."""
    tag = read_tag(resource, ENVIRONMENT_TAG)
    if isinstance(tag, CannotJudge):
        return tag
    return (tag if isinstance(tag, str) else stack).lower()
