"""One exception family for the library: every error a caller can act on is a `KmsGuardError`.

`SpecError` turns pydantic's `ValidationError` into messages of the form
`<field.path>: <what is wrong>; <what to do>`, one per line, so a stack owner can fix the stack
configuration without reading a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

#: The pydantic error type our own validators raise; its context carries (path, message) pairs.
SPEC_ERROR_TYPE = "kmsguard_spec"

#: Discriminator tags pydantic inserts into the location of a discriminated union's errors; they
#: are not field names, so messages drop them.
_UNION_TAGS: set[str] = set()


def register_union_tags(tags: Iterable[str]) -> None:
    """Tell error formatting which location parts are union tags (called by the spec package)."""
    _UNION_TAGS.update(tags)


class KmsGuardError(Exception):
    """Base of every error this library raises on purpose."""


@dataclass(frozen=True)
class FieldError:
    """One problem with one field: where (dotted path, `[i]` for list items) and what to do."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SpecError(KmsGuardError):
    """A key spec is invalid; `errors` lists every problem found, each naming its field."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__("\n".join(str(e) for e in self.errors))

    @classmethod
    def from_validation_error(cls, exc: ValidationError, *, prefix: str = "") -> SpecError:
        details = exc.errors(include_url=False)
        item_paths = {format_path(d["loc"]) for d in details if d["type"] != "too_short"}
        found: list[FieldError] = []
        for detail in details:
            # pydantic re-checks a list's length after dropping its invalid items; that second
            # error only repeats the first.
            own = format_path(detail["loc"])
            if detail["type"] == "too_short" and any(p.startswith(own + "[") for p in item_paths):
                continue
            found.extend(_field_errors(detail, prefix))
        return cls(found)

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(str(e) for e in self.errors)


class PolicyBuildError(KmsGuardError):
    """The builder refuses a spec whose policy would not be usable (too large, or lockout)."""


def format_path(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in _UNION_TAGS:
            continue
        else:
            out += f".{part}" if out else part
    return out


def join_path(base: str, tail: str) -> str:
    if not base:
        return tail
    if not tail:
        return base
    return base + tail if tail.startswith("[") else f"{base}.{tail}"


def _field_errors(detail: ErrorDetails, prefix: str) -> list[FieldError]:
    base = join_path(prefix, format_path(detail["loc"]))
    ctx: dict[str, Any] = dict(detail.get("ctx") or {})
    if detail["type"] == SPEC_ERROR_TYPE:
        return [FieldError(join_path(base, path), message) for path, message in ctx["errors"]]
    if detail["type"] in _STRICT_SCALARS:
        written = detail["input"]
        shown = json.dumps(written) if isinstance(written, bool) else repr(written)
        return [FieldError(base, f"{shown} {_STRICT_SCALARS[detail['type']]}")]
    return [FieldError(base, _explain(detail["type"], detail["msg"], ctx))]


#: Numbers and switches are strict (a quoted "365" or a `true` standing in for 1 is a mistake in the
#: file, not something to coerce); the message echoes what was written.
_STRICT_SCALARS = {
    "int_type": "is not a whole number; write it without quotes, e.g. 30",
    "bool_type": "is not true or false; write true or false without quotes",
}


def _explain(kind: str, msg: str, ctx: dict[str, Any]) -> str:
    """Pydantic's own message, completed with what to do."""
    if kind == "missing":
        return "is required; add it"
    if kind == "extra_forbidden":
        return "is not a known field; remove it or fix its spelling"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{_lower_first(msg)}; change the value"
    if kind in ("literal_error", "enum"):
        return f"{_lower_first(msg)}; pick one of those"
    if kind == "union_tag_invalid":
        return f"type {ctx.get('tag')!r} is unknown; use one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"needs a {ctx.get('discriminator')} field; add one of the known types"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s); add one"
    if kind == "too_long":
        return f"takes at most {ctx.get('max_length')} item(s); remove some"
    if kind == "timezone_aware":
        return "needs a timezone; write it like 2027-06-30T00:00:00Z"
    if kind == "string_pattern_mismatch":
        return f"{_lower_first(msg)}; change the value to match"
    if kind in ("string_too_short", "string_too_long"):
        return f"{_lower_first(msg)}; change the text"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"{_lower_first(msg)}; give a value of that type"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    return f"{msg}; fix the value"


def _lower_first(msg: str) -> str:
    return msg[:1].lower() + msg[1:]
