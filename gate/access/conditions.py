"""The conditions under which access holds, each with the sentence a reviewer reads.

A requirement keeps the statement's operator, key and values (the JSON report carries them) and adds
a `kind` and a `summary`. Deny statements are honoured by negating their conditions: the access
holds only while the deny does not apply. A condition that cannot be negated exactly (IfExists, set
qualifiers, operators without an opposite) becomes an explicit "unless …" requirement, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from kmsguard.policies.facts import (
    CALLER_ACCOUNT_KEY,
    ENCRYPTION_CONTEXT_KEY_PREFIX,
    ENCRYPTION_CONTEXT_KEYS_KEY,
    GRANT_IS_FOR_AWS_RESOURCE_KEY,
    MFA_AGE_KEY,
    MFA_PRESENT_KEY,
    PRINCIPAL_ORG_ID_KEY,
    SOURCE_ACCOUNT_KEY,
    SOURCE_ARN_KEY,
    VIA_SERVICE_KEY,
    AwsService,
)
from kmsguard.policies.policydoc import Condition

#: Kinds in the order a summary lists them.
KINDS: Final = (
    "grant",
    "iam-policy",
    "mfa",
    "via-service",
    "caller-account",
    "organization",
    "source",
    "encryption-context",
    "aws-resource-grants",
    "unless",
    "other",
)
_KIND_ORDER: Final = {k: i for i, k in enumerate(KINDS)}


@dataclass(frozen=True)
class Requirement:
    kind: str
    summary: str
    operator: str = ""
    key: str = ""
    values: tuple[str, ...] = ()

    @property
    def sort_key(self) -> tuple[int, str, str, str, tuple[str, ...]]:
        return (_KIND_ORDER[self.kind], self.summary, self.operator, self.key, self.values)

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"kind": self.kind, "summary": self.summary}
        if self.key:
            out |= {"operator": self.operator, "key": self.key, "values": list(self.values)}
        return out


def through(kind: str, what: str) -> Requirement:
    """Access that exists only through another resource: a grant, an IAM policy."""
    return Requirement(kind, f"through {what}")


_SERVICE_LABELS: Final = {
    s.value: (s.name if len(s.name) <= 3 else s.name.replace("_", " ").title()) for s in AwsService
}
_POSITIVE: Final = frozenset({"StringEquals", "StringLike", "StringEqualsIgnoreCase", "ArnEquals", "ArnLike"})


def requirement(condition: Condition) -> Requirement:
    """What one (operator, key, values) of an Allow means, in words."""
    key, op, values = condition.key_lower, condition.operator, condition.values
    plain = condition.set_qualifier is None and not condition.if_exists
    positive = plain and op in _POSITIVE

    def make(kind: str, summary: str) -> Requirement:
        return Requirement(kind, summary, op, condition.key, values)

    if key == MFA_PRESENT_KEY.lower() and op == "Bool" and values == ("true",):
        return make("mfa", "with MFA")
    if key == MFA_AGE_KEY.lower() and op in ("NumericLessThan", "NumericLessThanEquals") and len(values) == 1:
        return make("mfa", f"MFA within {values[0]} s")
    if key == VIA_SERVICE_KEY.lower() and positive:
        services = sorted({_SERVICE_LABELS.get(v.split(".", 1)[0], v.split(".", 1)[0]) for v in values})
        return make("via-service", f"via {' or '.join(services)} only")
    if key == CALLER_ACCOUNT_KEY.lower() and positive:
        return make("caller-account", f"from account {' or '.join(values)}")
    if key == PRINCIPAL_ORG_ID_KEY.lower() and positive:
        return make("organization", f"from organization {' or '.join(values)}")
    if key == SOURCE_ACCOUNT_KEY.lower() and positive:
        return make("source", f"for resources of account {' or '.join(values)}")
    if key == SOURCE_ARN_KEY.lower() and positive:
        return make("source", f"for {' or '.join(values)}")
    if key.startswith(ENCRYPTION_CONTEXT_KEY_PREFIX.lower()) and plain:
        name = condition.key[len(ENCRYPTION_CONTEXT_KEY_PREFIX) :]
        if op == "Null":
            return make(
                "encryption-context",
                f"encryption context {'has' if values == ('false',) else 'lacks'} {name}",
            )
        if op in _POSITIVE:
            relation = " matches " if op.endswith("Like") else "="
            return make("encryption-context", f"encryption context {name}{relation}{' or '.join(values)}")
    if key == ENCRYPTION_CONTEXT_KEYS_KEY.lower():
        return make("encryption-context", f"encryption context keys {op} {', '.join(values)}")
    if key == GRANT_IS_FOR_AWS_RESOURCE_KEY.lower() and op == "Bool" and values == ("true",):
        return make("aws-resource-grants", "for AWS resources only")
    return make("other", f"{condition.key} {op} {', '.join(values)}")


_OPPOSITE: Final = {
    "StringEquals": "StringNotEquals",
    "StringLike": "StringNotLike",
    "StringEqualsIgnoreCase": "StringNotEqualsIgnoreCase",
    "ArnEquals": "ArnNotEquals",
    "ArnLike": "ArnNotLike",
    "NumericEquals": "NumericNotEquals",
    "NumericLessThan": "NumericGreaterThanEquals",
    "NumericLessThanEquals": "NumericGreaterThan",
    "DateEquals": "DateNotEquals",
    "DateLessThan": "DateGreaterThanEquals",
    "DateLessThanEquals": "DateGreaterThan",
    "IpAddress": "NotIpAddress",
}
_OPPOSITE_BOTH_WAYS: Final = {**_OPPOSITE, **{v: k for k, v in _OPPOSITE.items()}}
_FLIP: Final = {"true": "false", "false": "true"}


def negated(condition: Condition) -> Requirement:
    """What must hold for a conditional Deny *not* to apply."""
    plain = condition.set_qualifier is None and not condition.if_exists
    op, values = condition.operator, condition.values
    if plain and op in _OPPOSITE_BOTH_WAYS:
        return requirement(Condition(_OPPOSITE_BOTH_WAYS[op], condition.key, values))
    if plain and op in ("Bool", "Null") and len(values) == 1 and values[0] in _FLIP:
        return requirement(Condition(op, condition.key, (_FLIP[values[0]],)))
    described = requirement(condition)
    return Requirement("unless", f"unless {described.summary}", op, condition.key, values)
