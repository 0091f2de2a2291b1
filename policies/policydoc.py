"""IAM policy documents (key policies and identity policies), parsed once into typed statements.

A document may arrive as a JSON string or an object; `Statement` as a list or one object;
`Action`, `Resource` and `Principal.AWS` as a string or a list; action names in any case. Anything
that does not parse raises `PolicyParseError` so callers fail closed: a policy nobody can read is a
violation, never a pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Final

from .evaluation import cancelled_allows
from .facts import KMS_ACTIONS, canonical_action
from .patterns import compile_glob


class PolicyParseError(ValueError):
    """The document is not a policy we can read; the message says where and why."""


_VALID_EFFECTS: Final = ("Allow", "Deny")
#: IAM's element names, case-sensitive; IAM and KMS reject any other element, so a misspelled or
#: re-cased one (`principal`, `Conditon`) must not be read as if it were absent.
_DOCUMENT_ELEMENTS: Final = ("Version", "Id", "Statement")
_STATEMENT_ELEMENTS: Final = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
_PRINCIPAL_KINDS: Final = ("AWS", "Service", "Federated", "CanonicalUser")


@dataclass(frozen=True)
class Condition:
    """One (operator, key, values) triple of a statement's Condition block."""

    operator: str
    key: str
    values: tuple[str, ...]

    @property
    def set_qualifier(self) -> str | None:
        """`ForAllValues` / `ForAnyValue` when the operator carries one."""
        head, sep, _ = self.operator.partition(":")
        return head if sep else None

    @property
    def if_exists(self) -> bool:
        return self.operator.endswith("IfExists")

    @property
    def base_operator(self) -> str:
        """The operator without set qualifier and without `IfExists`: `StringEquals`, `Bool`, …"""
        op = self.operator.partition(":")[2] or self.operator
        return op.removesuffix("IfExists")

    @property
    def key_lower(self) -> str:
        return self.key.lower()


@dataclass(frozen=True)
class Principal:
    kind: str  # "AWS" | "Service" | "Federated" | "CanonicalUser" | "*"
    value: str

    @property
    def is_wildcard(self) -> bool:
        return self.value == "*"


@dataclass(frozen=True)
class Statement:
    index: int
    sid: str | None
    effect: str
    principals: tuple[Principal, ...]
    #: True when the statement uses NotPrincipal instead of Principal.
    not_principal: bool
    actions: tuple[str, ...]
    #: True when the statement uses NotAction instead of Action.
    not_action: bool
    resources: tuple[str, ...]
    #: True when the statement uses NotResource instead of Resource.
    not_resource: bool
    conditions: tuple[Condition, ...]

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"

    @property
    def label(self) -> str:
        """How a message names this statement: its Sid, or its position."""
        return f"statement {self.sid!r}" if self.sid else f"statement #{self.index + 1}"

    @property
    def has_public_principal(self) -> bool:
        return any(p.is_wildcard for p in self.principals) and not self.not_principal

    @cached_property
    def kms_actions(self) -> frozenset[str]:
        """The KMS actions this statement covers, wildcards expanded, NotAction complemented."""
        matched = expand_kms_actions(self.actions)
        return frozenset(KMS_ACTIONS - matched) if self.not_action else matched

    def condition_keys(self) -> frozenset[str]:
        return frozenset(c.key_lower for c in self.conditions)

    def conditions_on(self, key: str) -> tuple[Condition, ...]:
        wanted = key.lower()
        return tuple(c for c in self.conditions if c.key_lower == wanted)

    def aws_principals(self) -> tuple[str, ...]:
        return tuple(p.value for p in self.principals if p.kind in ("AWS", "*"))


@dataclass(frozen=True)
class PolicyDocument:
    version: str | None
    statements: tuple[Statement, ...]

    def allows(self) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.is_allow)

    @cached_property
    def effective(self) -> PolicyDocument:
        """The document as it grants: Allow statements that unconditional Denies wholly cancel are
        left out (evaluation.py says when that is provable). Rules that judge grants read this."""
        cancelled = cancelled_allows(self.statements)
        if not cancelled:
            return self
        return PolicyDocument(self.version, tuple(s for s in self.statements if s.index not in cancelled))


def expand_kms_actions(patterns: Iterable[str]) -> frozenset[str]:
    """KMS actions matched by IAM action patterns (`kms:*`, `KMS:Create*`, `*`, `kms:**`, `k?s:*`)."""
    matched: frozenset[str] = frozenset()
    for pattern in patterns:
        matched |= _expand_one(pattern)
    return matched


@lru_cache(maxsize=4096)
def _expand_one(pattern: str) -> frozenset[str]:
    # IAM matches the whole `service:action` string, case-insensitively, so a wildcard may sit in the
    # service prefix too; `kms:**` is `kms:*`.
    lowered = pattern.lower()
    if not is_wildcard_action(lowered):
        action = canonical_action(lowered.removeprefix("kms:")) if lowered.startswith("kms:") else None
        return frozenset({action}) if action is not None else frozenset()
    glob = compile_glob(lowered, ignore_case=True)
    return frozenset(a for a in KMS_ACTIONS if glob.match(f"kms:{a}"))


def is_wildcard_action(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def parse_policy_document(value: str | Mapping[str, Any]) -> PolicyDocument:
    """Parse a policy document given as JSON text or as an already-decoded object."""
    if isinstance(value, str):
        try:
            decoded = json.loads(value, object_pairs_hook=_refuse_duplicate_keys)
        except json.JSONDecodeError as exc:
            raise PolicyParseError(f"policy is not valid JSON: {exc.msg} at line {exc.lineno}") from None
        except RecursionError:
            raise PolicyParseError("policy is nested too deeply to be a policy document") from None
    else:
        decoded = value
    if not isinstance(decoded, Mapping):
        raise PolicyParseError(f"policy must be a JSON object, got {type(decoded).__name__}")
    _refuse_unknown_elements(decoded, _DOCUMENT_ELEMENTS, "policy")
    version = decoded.get("Version")
    if version is not None and not isinstance(version, str):
        raise PolicyParseError("policy Version must be a string")
    raw_statements = decoded.get("Statement")
    if raw_statements is None:
        raise PolicyParseError("policy has no Statement")
    if isinstance(raw_statements, Mapping):
        raw_statements = [raw_statements]
    if not isinstance(raw_statements, list) or not raw_statements:
        raise PolicyParseError("policy Statement must be an object or a non-empty list of objects")
    return PolicyDocument(
        version=version,
        statements=tuple(_parse_statement(i, s) for i, s in enumerate(raw_statements)),
    )


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """AWS and Access Analyzer reject a repeated key; json's default keeps the last one silently,
    which would let `"Principal": "*"` hide behind a second, harmless `Principal`."""
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise PolicyParseError(f"policy repeats the key {key!r} in one object; keep one")
        seen[key] = value
    return seen


def _refuse_unknown_elements(raw: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    for key in raw:
        if key in known:
            continue
        close = next((k for k in known if k.lower() == str(key).lower()), None)
        hint = f"element names are case-sensitive: write {close}" if close else f"use {', '.join(known)}"
        raise PolicyParseError(f"{where} has unknown element {key!r}; {hint}")


def _parse_statement(index: int, raw: Any) -> Statement:
    where = f"Statement[{index}]"
    if not isinstance(raw, Mapping):
        raise PolicyParseError(f"{where} must be an object")
    _refuse_unknown_elements(raw, _STATEMENT_ELEMENTS, where)
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyParseError(f"{where}.Sid must be a string")
    effect = raw.get("Effect")
    if effect not in _VALID_EFFECTS:
        raise PolicyParseError(f"{where}.Effect must be Allow or Deny, got {effect!r}")
    principal_key = _exactly_one_or_none(raw, "Principal", "NotPrincipal", where)
    action_key = _exactly_one(raw, "Action", "NotAction", where)
    resource_key = _exactly_one_or_none(raw, "Resource", "NotResource", where)
    return Statement(
        index=index,
        sid=sid,
        effect=effect,
        principals=_parse_principals(raw[principal_key], f"{where}.{principal_key}") if principal_key else (),
        not_principal=principal_key == "NotPrincipal",
        actions=_string_list(raw[action_key], f"{where}.{action_key}"),
        not_action=action_key == "NotAction",
        resources=_string_list(raw[resource_key], f"{where}.{resource_key}") if resource_key else (),
        not_resource=resource_key == "NotResource",
        conditions=_parse_conditions(raw.get("Condition"), f"{where}.Condition"),
    )


def _exactly_one_or_none(raw: Mapping[str, Any], positive: str, negative: str, where: str) -> str | None:
    if positive in raw and negative in raw:
        raise PolicyParseError(f"{where} has both {positive} and {negative}")
    if positive in raw:
        return positive
    return negative if negative in raw else None


def _exactly_one(raw: Mapping[str, Any], positive: str, negative: str, where: str) -> str:
    key = _exactly_one_or_none(raw, positive, negative, where)
    if key is None:
        raise PolicyParseError(f"{where} has neither {positive} nor {negative}")
    return key


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise PolicyParseError(f"{where} must be a string or a non-empty list of strings")


def _parse_principals(value: Any, where: str) -> tuple[Principal, ...]:
    if value == "*":
        return (Principal("*", "*"),)
    if not isinstance(value, Mapping) or not value:
        raise PolicyParseError(f'{where} must be "*" or an object such as {{"AWS": [...]}}')
    principals: list[Principal] = []
    for kind, entries in value.items():
        if kind not in _PRINCIPAL_KINDS:
            raise PolicyParseError(f"{where} has unknown principal type {kind!r}")
        principals.extend(Principal(kind, v) for v in _string_list(entries, f"{where}.{kind}"))
    return tuple(principals)


def _parse_conditions(value: Any, where: str) -> tuple[Condition, ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise PolicyParseError(f"{where} must be an object")
    conditions: list[Condition] = []
    for operator, block in value.items():
        if not isinstance(block, Mapping) or not block:
            raise PolicyParseError(f"{where}.{operator} must be a non-empty object")
        for key, raw_values in block.items():
            conditions.append(
                Condition(operator, key, _condition_values(raw_values, f"{where}.{operator}.{key}"))
            )
    return tuple(conditions)


def _condition_values(value: Any, where: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise PolicyParseError(f"{where} must not be empty")
    out: list[str] = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, int | float | str):
            # JSON numbers arrive as floats through Pulumi's wire format: 300.0 means "300".
            out.append(str(int(item)) if isinstance(item, float) and item.is_integer() else str(item))
        else:
            raise PolicyParseError(f"{where} values must be strings, numbers or booleans")
    return tuple(out)
