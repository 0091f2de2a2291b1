"""The policy documents a resource carries, parsed once per distinct text.

Key resources and `aws.kms.KeyPolicy` carry a key policy in `policy`; the identity-policy carriers and
the path of their document are listed once, in `facts.IDENTITY_POLICY_DOCUMENTS`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from typing import Any, Final

from .facts import IDENTITY_POLICY_DOCUMENTS, KEY_POLICY_CARRIER_TYPES, KEY_POLICY_TYPE
from .policydoc import PolicyDocument, PolicyParseError, Statement, parse_policy_document
from .rule import (
    Resource,
    Result,
    compliant,
    is_unknown,
    not_applicable,
    violations,
)
from .sentinels import UNKNOWN_SENTINELS, UNKNOWN_STRING_SENTINEL


class PolicyKind(StrEnum):
    KEY = "key policy"
    IDENTITY = "IAM policy"


@dataclass(frozen=True)
class CarriedPolicy:
    """One policy document on a resource, with where it sits and how parsing went."""

    kind: PolicyKind
    #: The property path, for messages: `policy`, `inlinePolicies[0].policy`.
    path: str
    #: The document, when every part of it is known.
    document: PolicyDocument | None = None
    #: Why the document could not be parsed (a violation for the grammar rule).
    error: str | None = None
    #: True while the document, or a part of it, depends on values computed during the update.
    unknown: bool = False
    #: UTF-8 bytes of the document text, which KMS counts against its key-policy limit.
    size: int | None = field(default=None, compare=False)
    #: The known parts of a document that is partly unknown; None when all or nothing is known.
    partial: PolicyDocument | None = None

    @property
    def readable(self) -> PolicyDocument | None:
        """What can be read of it: the whole document, or its known parts."""
        return self.document if self.document is not None else self.partial


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
        # which the parser reads back as unknown.
        try:
            value = json.dumps(value, sort_keys=True, default=lambda _: UNKNOWN_STRING_SENTINEL)
        except (ValueError, RecursionError):
            return (
                CarriedPolicy(kind, path, error=f"{path} is nested too deeply or holds a circular value"),
            )
    if not isinstance(value, str):
        return (CarriedPolicy(kind, path, error=f"{path} must be a JSON string or object"),)
    document, error = _parse_cached(value)
    size = len(value.encode())
    if error is not None and any(s in value for s in UNKNOWN_SENTINELS):
        # Text that only parses once an unknown part is filled in: unknown, not broken.
        return (CarriedPolicy(kind, path, unknown=True, size=size),)
    if document is not None and not document.fully_known:
        # An unknown interpolated into the text or inside the object: judge its known parts.
        return (CarriedPolicy(kind, path, unknown=True, size=size, partial=document),)
    return (CarriedPolicy(kind, path, document=document, error=error, size=size),)


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> tuple[PolicyDocument | None, str | None]:
    try:
        return parse_policy_document(text), None
    except PolicyParseError as exc:
        return None, str(exc)


# What an absent, unknown or unparseable document means for a rule that judges documents: decided
# once, here, for every such rule; no rule words it again.
NO_DOCUMENT: Final = "the resource carries no policy document"
UNPARSEABLE: Final = "the policy does not parse; KG-R20 reports it"
NOT_FULLY_EVALUATED: Final = "not fully evaluated"


def not_fully_evaluated(paths: Iterable[str]) -> str:
    """The one wording of "part of a document is unknown during preview"."""
    return (
        f"{NOT_FULLY_EVALUATED}: {', '.join(paths)} unknown during preview; checked once known "
        "(`pulumi up`; the offline gate reports it as KG-G01)"
    )


#: What a statement rule reads unless it says otherwise: whether it allows, whom, what, under which
#: conditions. A statement with an unknown in one of these is not judged; one whose Sid or Resource is
#: unknown still is. Names are written without `Not` (`Principal` covers `NotPrincipal`).
STATEMENT_CORE: Final = frozenset({"Effect", "Principal", "Action", "Condition"})

DocumentJudge = Callable[[PolicyDocument], Iterable[str]]
CarriedJudge = Callable[[CarriedPolicy, PolicyDocument], Iterable[str]]


def judge_documents(
    resource: Resource,
    judge: DocumentJudge,
    *,
    reads: frozenset[str] = STATEMENT_CORE,
    whole: bool = False,
) -> Result:
    """Run `judge` over every policy document the resource carries, as it grants (`effective`); on a
    Role's inline policies each message is prefixed with the policy's path. See `judge_carried`."""

    def with_path(policy: CarriedPolicy, document: PolicyDocument) -> Iterable[str]:
        prefix = "" if policy.path == "policy" else f"{policy.path}: "
        # Judged as it grants: an Allow that unconditional Denies wholly cancel grants nothing.
        return (prefix + message for message in judge(document.effective))

    return judge_carried(resource, with_path, reads=reads, whole=whole)


def judge_carried(
    resource: Resource,
    judge: CarriedJudge,
    *,
    reads: frozenset[str] = STATEMENT_CORE,
    whole: bool = False,
    errors: Callable[[CarriedPolicy], Iterable[str]] | None = None,
) -> Result:
    """The one document walker every rule uses.

    `judge` sees each document with only the statements it can judge: those whose elements in `reads`
    (plus `Version` when listed) are known. With `whole`, a document with any such unknown is not
    judged at all (for rules that conclude from every statement together, e.g. "nobody keeps
    PutKeyPolicy"). Violations win; else a document that does not parse makes the result not
    applicable (KG-R20 reports it; `errors` lets the grammar rule report it itself), and so does an
    unknown part, named by its path.
    """
    carried = carried_policies(resource)
    if not carried:
        return not_applicable(NO_DOCUMENT)
    messages: list[str] = []
    broken = False
    pending: list[str] = []
    for policy in carried:
        document = policy.readable
        if document is None:
            if policy.error is not None and errors is not None:
                messages.extend(errors(policy))
            elif policy.error is not None:
                broken = True
            else:
                pending.append(policy.path)
            continue
        view, unknown = _known_view(document, reads)
        pending.extend(f"{policy.path} {p}" for p in unknown)
        if unknown and whole:
            continue
        messages.extend(judge(policy, view))
    if messages:
        return violations(messages)
    if broken:
        return not_applicable(UNPARSEABLE)
    if pending:
        return not_applicable(not_fully_evaluated(pending))
    return compliant()


def _known_view(document: PolicyDocument, reads: frozenset[str]) -> tuple[PolicyDocument, list[str]]:
    """The document with only the statements whose `reads` are known, and the unknown paths."""
    unknown = [p for p in document.unknown if p != "Version" or "Version" in reads]
    if document.fully_known:
        return document, unknown
    kept: list[Statement] = []
    for statement in document.statements:
        paths = statement.unknown_in(reads)
        if paths:
            unknown.extend(paths)
        else:
            kept.append(statement)
    return replace(document, statements=tuple(kept)), unknown


def document_unknowns(reads: frozenset[str] = STATEMENT_CORE, *, whole: bool = False, extra: str = "") -> str:
    """The one wording of what unknowns mean for a rule that judges documents (its `unknowns` metadata)."""
    scope = (
        "Any unknown in these elements leaves the whole document not fully evaluated"
        if whole
        else "Statements whose elements are known are judged even when another statement, or another "
        "element, holds an unknown"
    )
    return (
        f"The rule reads {', '.join(sorted(reads))} of each statement. {scope}; the unknown parts are "
        "not fully evaluated: not applicable at preview and checked once known (`pulumi up`), a KG-G01 "
        "finding in the offline gate. A policy that does not parse is left to KG-R20."
        + (f" {extra}" if extra else "")
    )


def unknown_paths(policy: CarriedPolicy) -> tuple[str, ...]:
    """Where a carried document is unknown: its path, or the paths of its unknown parts."""
    if policy.partial is None:
        return (policy.path,) if policy.unknown else ()
    _, paths = _known_view(policy.partial, STATEMENT_CORE | {"Version", "Sid", "Resource"})
    return tuple(f"{policy.path} {p}" for p in paths)
