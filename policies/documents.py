"""The policy documents a resource carries, parsed once per distinct text.

Key resources and `aws.kms.KeyPolicy` carry a key policy in `policy`; IAM policies carry an identity
policy in `policy`; `aws.iam.Role` carries inline identity policies in `inlinePolicies[*].policy`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from .facts import IAM_POLICY_CARRIER_TYPES, IAM_ROLE_TYPE, KEY_POLICY_CARRIER_TYPES, KEY_POLICY_TYPE
from .policydoc import PolicyDocument, PolicyParseError, parse_policy_document
from .rule import (
    Resource,
    Result,
    compliant,
    is_unknown,
    not_applicable,
    violations,
)
from .sentinels import UNKNOWN_STRING_SENTINEL


class PolicyKind(StrEnum):
    KEY = "key policy"
    IDENTITY = "IAM policy"


@dataclass(frozen=True)
class CarriedPolicy:
    """One policy document on a resource, with where it sits and how parsing went."""

    kind: PolicyKind
    #: The property path, for messages: `policy`, `inlinePolicies[0].policy`.
    path: str
    document: PolicyDocument | None = None
    #: Why the document could not be parsed (a violation for the grammar rule).
    error: str | None = None
    #: True while the document depends on values computed during the update.
    unknown: bool = False
    #: UTF-8 bytes of the document text, which KMS counts against its key-policy limit.
    size: int | None = field(default=None, compare=False)


def carried_policies(resource: Resource) -> tuple[CarriedPolicy, ...]:
    """Every policy document on the resource; an absent `policy` yields nothing."""
    if resource.type in KEY_POLICY_CARRIER_TYPES:
        # On a key the policy is optional (absent or "" means AWS's default, KG-R03's business);
        # a KeyPolicy resource exists only to carry one.
        required = resource.type == KEY_POLICY_TYPE
        return _one(PolicyKind.KEY, "policy", resource.props.get("policy"), required=required)
    if resource.type == IAM_ROLE_TYPE:
        inline = resource.props.get("inlinePolicies")
        if is_unknown(inline):
            return (CarriedPolicy(PolicyKind.IDENTITY, "inlinePolicies", unknown=True),)
        if not isinstance(inline, list):
            return ()
        found: list[CarriedPolicy] = []
        for i, entry in enumerate(inline):
            value = entry.get("policy") if isinstance(entry, Mapping) else None
            found.extend(_one(PolicyKind.IDENTITY, f"inlinePolicies[{i}].policy", value))
        return tuple(found)
    if resource.type in IAM_POLICY_CARRIER_TYPES:
        return _one(PolicyKind.IDENTITY, "policy", resource.props.get("policy"), required=True)
    return ()


def parsed_documents(resource: Resource) -> tuple[tuple[CarriedPolicy, PolicyDocument], ...]:
    """Only the documents that parsed: for rules other than the grammar rule, which reports errors."""
    return tuple((c, c.document) for c in carried_policies(resource) if c.document is not None)


def _one(kind: PolicyKind, path: str, value: Any, *, required: bool = False) -> tuple[CarriedPolicy, ...]:
    if value is None or value == "":
        if not required:
            return ()
        return (CarriedPolicy(kind, path, error=f"{path} is empty; this resource must carry a document"),)
    if is_unknown(value):
        return (CarriedPolicy(kind, path, unknown=True),)
    if isinstance(value, Mapping):
        # Objects are canonicalised to text so that equal documents share one cached parse.
        # Values the encoder cannot write (UNKNOWN inside the object) become the unknown sentinel,
        # so the check below marks the whole document as not yet known.
        value = json.dumps(value, sort_keys=True, default=lambda _: UNKNOWN_STRING_SENTINEL)
    if not isinstance(value, str):
        return (CarriedPolicy(kind, path, error=f"{path} must be a JSON string or object"),)
    if UNKNOWN_STRING_SENTINEL in value:
        # An unknown interpolated into the text: the document cannot be judged until the update.
        return (CarriedPolicy(kind, path, unknown=True),)
    document, error = _parse_cached(value)
    return (CarriedPolicy(kind, path, document=document, error=error, size=len(value.encode())),)


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> tuple[PolicyDocument | None, str | None]:
    try:
        return parse_policy_document(text), None
    except PolicyParseError as exc:
        return None, str(exc)


# What an absent, unknown or unparseable document means for a rule that judges statements: decided
# once, here, for every such rule.
NO_DOCUMENT = "the resource carries no policy document"
UNPARSEABLE = "policy does not parse; see KG-R20"
UNKNOWN_DOCUMENT = "the policy is unknown during preview; it is checked once its value is known"

DocumentJudge = Callable[[PolicyDocument], list[str]]


def judge_documents(resource: Resource, judge: DocumentJudge) -> Result:
    """Run `judge` over every policy document the resource carries.

    Violations win; otherwise a document that does not parse makes the result not applicable (never
    compliant: KG-R20 reports it), and so does one that is unknown during preview.
    """
    carried = carried_policies(resource)
    if not carried:
        return not_applicable(NO_DOCUMENT)
    messages: list[str] = []
    broken = unknown = False
    for policy in carried:
        if policy.unknown:
            unknown = True
        elif policy.document is None:
            broken = True
        else:
            # A Role carries several inline policies; the path tells the reader which one.
            prefix = "" if policy.path == "policy" else f"{policy.path}: "
            messages.extend(prefix + message for message in judge(policy.document))
    if messages:
        return violations(messages)
    if broken:
        return not_applicable(UNPARSEABLE)
    if unknown:
        return not_applicable(UNKNOWN_DOCUMENT)
    return compliant()
