"""The access model: per key, which principal holds which capability, and under which conditions.

Computed once from the resources (see `stack.py`) and rendered by every report:
1. the key policy in force (a `KeyPolicy` resource, else the key's own; AWS's default policy when
   neither is set) gives its principals capabilities, each under the statement's conditions;
2. where the key policy allows an account (its root), the identity policies in the stack for that
   account's principals give them the capabilities both allow, under both sets of conditions;
3. grants give their grantee the granted operations, under their encryption-context constraints;
4. Deny statements (key policy, and identity policies for their own principal) take access away,
   or add the negation of their conditions.

Each capability holds under one or more alternatives, each a set of requirements that must all hold
(the empty set: unconditionally); an alternative implied by a weaker one is dropped. What the stack
cannot show is said, not guessed: accounts are principals whose own IAM decides, and a key policy that
is unknown or does not parse gives the `unknown` principal every capability (fail closed).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from kmsguard.gate.access.conditions import Requirement, negated, requirement, through
from kmsguard.gate.access.stack import Identity, StackGrant, StackKey, read_stack
from kmsguard.gate.access.vocabulary import (
    CONTROL,
    Capability,
    capabilities_of,
    ordered,
)
from kmsguard.policies.documents import CarriedPolicy
from kmsguard.policies.facts import (
    ACCOUNT_ID_RE,
    ACCOUNT_ROOT_ARN_RE,
    KEY_RESOURCE_ACTIONS,
    PRINCIPAL_ACCOUNT_RE,
    SERVICE_PRINCIPAL_RE,
    canonical_action,
)
from kmsguard.policies.policydoc import Principal, Statement
from kmsguard.policies.rule import Resource

Alternative = frozenset[Requirement]
#: The principal standing for "anyone at all" (`Principal: "*"`).
EVERYONE: Final = "*"
#: The principal standing for "cannot be known": the key policy is unknown or unreadable.
UNKNOWN_PRINCIPAL: Final = "unknown"
_ALL: Final = capabilities_of(KEY_RESOURCE_ACTIONS)


@dataclass
class KeyAccess:
    urn: str
    label: str
    #: principal → capability → alternatives.
    held: dict[str, dict[Capability, set[Alternative]]] = field(default_factory=dict)
    #: principal → what the stack cannot show about it.
    unresolved: dict[str, str] = field(default_factory=dict)

    def add(self, principal: str, capabilities: Iterable[Capability], alternative: Alternative) -> None:
        caps = self.held.setdefault(principal, {})
        for capability in capabilities:
            caps.setdefault(capability, set()).add(alternative)


@dataclass(frozen=True)
class AccessEntry:
    """One key and principal: what the JSON report's `access` list holds."""

    key: str
    key_name: str
    principal: str
    capabilities: tuple[Capability, ...]
    #: capability → alternatives (each sorted); a capability absent here holds unconditionally.
    conditions: tuple[tuple[Capability, tuple[tuple[Requirement, ...], ...]], ...]
    unresolved: str | None

    @property
    def controls_key(self) -> bool:
        return any(c in CONTROL for c in self.capabilities)


def compute(resources: Sequence[Resource], account: str | None, partition: str = "aws") -> list[AccessEntry]:
    """Every key and principal of the stack, ordered by key URN, then principal."""
    stack = read_stack(resources, account, partition)
    grants: dict[str, list[StackGrant]] = {}
    for grant in stack.grants:
        grants.setdefault(grant.key_urn, []).append(grant)
    entries: list[AccessEntry] = []
    for key in sorted(stack.keys, key=lambda k: k.resource.urn):
        access = _key_access(key, grants.get(key.resource.urn, []), stack.identities, account)
        entries.extend(_entries(access))
    return entries


def _key_access(
    key: StackKey, grants: list[StackGrant], identities: list[Identity], account: str | None
) -> KeyAccess:
    access = KeyAccess(key.resource.urn, key.label)
    statements = _key_policy(key, access, account)
    if statements is None:
        return access
    denies: list[tuple[Statement, str | None]] = []
    for statement in statements:
        if not _applies(statement, key.arns, key_policy=True):
            continue
        if not statement.is_allow:
            denies.append((statement, None))
            continue
        alternative = frozenset(requirement(c) for c in statement.conditions)
        capabilities = capabilities_of(statement.kms_actions)
        for principal in _principals(statement, access):
            access.add(principal, capabilities, alternative)
    _delegate(access, key, identities, denies)
    for grant in grants:
        _grant(access, grant)
    _deny(access, denies)
    _explain(access, account)
    return access


def _key_policy(key: StackKey, access: KeyAccess, account: str | None) -> tuple[Statement, ...] | None:
    carried: tuple[CarriedPolicy, ...] = key.policy
    if not carried:
        # No policy set: KMS applies its default, which gives the account everything through IAM.
        owner = account or _account_of_arns(key.arns)
        access.add(owner or UNKNOWN_PRINCIPAL, _ALL, frozenset())
        return ()
    policy = carried[0]
    if policy.document is None:
        why = "unknown during preview" if policy.unknown else f"unreadable ({policy.error})"
        access.add(UNKNOWN_PRINCIPAL, _ALL, frozenset())
        access.unresolved[UNKNOWN_PRINCIPAL] = (
            f"the key policy is {why}: anyone may hold anything until it is known"
        )
        return None
    return policy.document.statements


def _account_of_arns(arns: tuple[str, ...]) -> str | None:
    for arn in arns:
        parts = arn.split(":")
        if len(parts) > 4 and ACCOUNT_ID_RE.match(parts[4]):
            return parts[4]
    return None


def _applies(statement: Statement, arns: tuple[str, ...], *, key_policy: bool) -> bool:
    """Whether the statement's Resource covers the key. In a key policy `*` means this key; a key
    whose ARN is not known yet is assumed covered (over-reporting access, never hiding it)."""
    if not statement.resources:
        return key_policy
    if not arns:
        return True
    matched = any(fnmatch.fnmatchcase(arn, pattern) for arn in arns for pattern in statement.resources)
    return matched != statement.not_resource


def _principal_id(principal: Principal) -> str:
    """Account roots and bare account ids are one principal: the account."""
    if principal.value == "*":
        return EVERYONE
    if (root := ACCOUNT_ROOT_ARN_RE.match(principal.value)) is not None:
        return root.group("account")
    return principal.value


def _principals(statement: Statement, access: KeyAccess) -> list[str]:
    named = sorted({_principal_id(p) for p in statement.principals})
    if not statement.not_principal:
        return named
    # NotPrincipal on an Allow: everyone but those named.
    access.unresolved[EVERYONE] = "everyone except " + ", ".join(named)
    return [EVERYONE]


def _account_of(principal: str) -> str | None:
    if ACCOUNT_ID_RE.match(principal):
        return principal
    match = PRINCIPAL_ACCOUNT_RE.match(principal)
    return (match.group("bare") or match.group("account")) if match else None


def _delegate(
    access: KeyAccess, key: StackKey, identities: list[Identity], denies: list[tuple[Statement, str | None]]
) -> None:
    """Principals of an allowed account gain what their identity policies in the stack also allow."""
    delegated = {p: caps for p, caps in access.held.items() if ACCOUNT_ID_RE.match(p)}
    for identity in identities:
        document = identity.policy.document
        if document is None or not identity.principals:
            continue
        name = identity.resource.name
        for statement in document.statements:
            if not _applies(statement, key.arns, key_policy=False) or not statement.kms_actions:
                continue
            for principal in identity.principals:
                if not statement.is_allow:
                    denies.append((statement, principal))
                    continue
                root = delegated.get(_account_of(principal) or "")
                if root is None:
                    continue
                own = frozenset(requirement(c) for c in statement.conditions) | {
                    through("iam-policy", f"IAM policy {name}")
                }
                for capability in capabilities_of(statement.kms_actions):
                    for alternative in root.get(capability, ()):
                        access.add(principal, (capability,), alternative | own)


def _grant(access: KeyAccess, grant: StackGrant) -> None:
    name = f"grant {grant.resource.name}"
    context = [
        Requirement("encryption-context", f"encryption context {k}={v} exactly", "GrantConstraint", k, (v,))
        for k, v in sorted(grant.context_equals.items())
    ] + [
        Requirement("encryption-context", f"encryption context includes {k}={v}", "GrantConstraint", k, (v,))
        for k, v in sorted(grant.context_subset.items())
    ]
    alternative = frozenset([through("grant", name), *context])
    actions = {a for o in grant.operations if (a := canonical_action(o)) is not None}
    access.add(grant.grantee or UNKNOWN_PRINCIPAL, capabilities_of(actions), alternative)
    if grant.retiring_principal:
        retiring = ACCOUNT_ROOT_ARN_RE.match(grant.retiring_principal)
        who = retiring.group("account") if retiring else grant.retiring_principal
        access.add(who, (Capability.REVOKE_GRANTS,), frozenset([through("grant", name)]))


def _deny_matches(statement: Statement, owner: str | None, principal: str) -> bool:
    if owner is not None:  # an identity policy's Deny binds its own principal only
        return principal == owner
    named = {_principal_id(p) for p in statement.principals}
    hit = EVERYONE in named or principal in named or (_account_of(principal) or "-") in named
    return hit != statement.not_principal


def _deny(access: KeyAccess, denies: list[tuple[Statement, str | None]]) -> None:
    for statement, owner in denies:
        denied = capabilities_of(statement.kms_actions)
        unless = [negated(c) for c in statement.conditions]
        for principal, caps in access.held.items():
            if not _deny_matches(statement, owner, principal):
                continue
            for capability in denied & caps.keys():
                # Allowed only while the Deny does not apply: while one of its conditions fails.
                caps[capability] = {alt | {u} for alt in caps[capability] for u in unless}
    for principal in list(access.held):
        caps = access.held[principal]
        for capability in [c for c, alts in caps.items() if not alts]:
            del caps[capability]
        if not caps:
            del access.held[principal]


def _explain(access: KeyAccess, account: str | None) -> None:
    for principal in access.held:
        if principal in access.unresolved:
            continue
        if principal == EVERYONE:
            access.unresolved[principal] = "any principal of any account, within the conditions shown"
        elif ACCOUNT_ID_RE.match(principal):
            where = "this stack's account" if principal == account else "another account"
            access.unresolved[principal] = (
                f"delegated to account {principal} ({where}): its IAM policies decide which of its "
                "principals hold this; only those in this stack are listed"
            )
        elif ":group/" in principal:
            access.unresolved[principal] = "every member of the group; membership is not in this stack"
        elif ":policy/" in principal:
            access.unresolved[principal] = "whoever the policy is attached to outside this stack"


def _minimal(alternatives: set[Alternative]) -> list[Alternative]:
    """Drop alternatives that demand more than another one does: they add no access."""
    kept = [a for a in alternatives if not any(b < a for b in alternatives)]
    return sorted(kept, key=lambda a: [r.sort_key for r in sorted(a, key=lambda r: r.sort_key)])


def _entries(access: KeyAccess) -> Iterable[AccessEntry]:
    for principal in sorted(access.held):
        caps = access.held[principal]
        conditions = []
        for capability in ordered(caps):
            alternatives = _minimal(caps[capability])
            if frozenset() in alternatives:
                continue
            conditions.append(
                (capability, tuple(tuple(sorted(a, key=lambda r: r.sort_key)) for a in alternatives))
            )
        yield AccessEntry(
            key=access.urn,
            key_name=access.label,
            principal=principal,
            capabilities=tuple(ordered(caps)),
            conditions=tuple(conditions),
            unresolved=access.unresolved.get(principal),
        )


def principal_kind(principal: str) -> str:
    if principal in (EVERYONE, UNKNOWN_PRINCIPAL):
        return principal
    if ACCOUNT_ID_RE.match(principal):
        return "account"
    if SERVICE_PRINCIPAL_RE.match(principal):
        return "service"
    return "arn"
