"""The policy documents a resource carries, parsed once per distinct text.

Key resources and `aws.kms.KeyPolicy` carry a key policy in `policy`; the identity-policy carriers and
the path of their document are listed once, in `facts.IDENTITY_POLICY_DOCUMENTS`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from .facts import IDENTITY_POLICY_DOCUMENTS, KEY_POLICY_CARRIER_TYPES, KEY_POLICY_TYPE
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
    path = IDENTITY_POLICY_DOCUMENTS.get(resource.type)
    if path is not None:
        return _identity_documents(resource.props, path)
    return ()


def _identity_documents(props: Mapping[str, Any], path: str) -> tuple[CarriedPolicy, ...]:
    """The documents at `path` (`policy`, or `inlinePolicies[*].policy` through a list)."""
    head, each, leaf = path.partition("[*].")
    if not each:
        # A resource that exists only to carry a document must carry one.
        return _one(PolicyKind.IDENTITY, path, props.get(path), required=True)
    entries = props.get(head)
    if entries is None:
        return ()
    if is_unknown(entries):
        return (CarriedPolicy(PolicyKind.IDENTITY, head, unknown=True),)
    if isinstance(entries, Mapping):
        # One block where a list is expected: judged as the list of one it stands for.
        return _entry(entries, f"{head}.{leaf}", leaf)
    if not isinstance(entries, list):
        return (CarriedPolicy(PolicyKind.IDENTITY, head, error=f"{head} must be a list of objects"),)
    return tuple(c for i, entry in enumerate(entries) for c in _entry(entry, f"{head}[{i}].{leaf}", leaf))


def _entry(entry: Any, path: str, leaf: str) -> tuple[CarriedPolicy, ...]:
    if is_unknown(entry):
        return (CarriedPolicy(PolicyKind.IDENTITY, path, unknown=True),)
    if not isinstance(entry, Mapping):
        where = path.removesuffix(f".{leaf}")
        return (CarriedPolicy(PolicyKind.IDENTITY, where, error=f"{where} must be an object"),)
    # A block without a document (`inline_policy {}`) only tells the provider to remove the others.
    return _one(PolicyKind.IDENTITY, path, entry.get(leaf))


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
            # Judged as it grants: an Allow that unconditional Denies wholly cancel grants nothing.
            messages.extend(prefix + message for message in judge(policy.document.effective))
    if messages:
        return violations(messages)
    if broken:
        return not_applicable(UNPARSEABLE)
    if unknown:
        return not_applicable(UNKNOWN_DOCUMENT)
    return compliant()
