"""R13: some concrete principal keeps PutKeyPolicy, so the key policy can still be changed."""

from __future__ import annotations

from typing import Final

from ..documents import PolicyKind, carried_policies, parsed_documents
from ..evaluation import unconditional_denies
from ..facts import KEY_POLICY_CARRIER_TYPES
from ..policydoc import PolicyDocument
from ..rule import (
    PCI_KEY_MANAGEMENT,
    Context,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
    compliant,
    not_applicable,
    violations,
)

PUT_KEY_POLICY: Final = "PutKeyPolicy"

META = RuleMeta(
    id="KG-R13",
    name="kms-key-requires-policy-administrator",
    title="Some principal keeps PutKeyPolicy",
    description=(
        "A key policy must let at least one concrete IAM principal (an account, role or user ARN, not `*` "
        "and not a NotPrincipal) call PutKeyPolicy: an Allow statement whose actions cover PutKeyPolicy "
        "(wildcards and NotAction expanded; the account root with `kms:*` counts). Conditions on that "
        "Allow (such as MFA) do not disqualify it. A principal loses it when an unconditional Deny covering "
        "PutKeyPolicy names it or `*`, or names it not in a NotPrincipal."
    ),
    rationale=(
        "A key policy nobody can change can only be repaired by AWS Support. KMS's own safety check only "
        "protects the caller of that one request, and not at all when it is bypassed (KG-R12)."
    ),
    remediation=(
        "Allow kms:PutKeyPolicy to the deployer role and the key administrators (critical actions under "
        "MFA for humans), or keep the account root statement; remove unconditional Deny statements on "
        "PutKeyPolicy that cover them."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
    severity=Severity.HIGH,
    resource_types=KEY_POLICY_CARRIER_TYPES,
    unknowns=(
        "A key policy unknown during preview is not applicable at preview and judged at update. An absent "
        "policy is not applicable (AWS's default policy gives the account root kms:*; KG-R03 asks for an "
        "explicit one). A policy that does not parse is not applicable here (see KG-R20)."
    ),
    frameworks=(PCI_KEY_MANAGEMENT,),
)


def keepers(document: PolicyDocument) -> frozenset[str]:
    """The concrete AWS principals that can still call PutKeyPolicy under this document."""
    allowed: set[str] = set()
    for statement in document.allows():
        if statement.not_principal or PUT_KEY_POLICY not in statement.kms_actions:
            continue
        allowed.update(p.value for p in statement.principals if p.kind == "AWS" and not p.is_wildcard)
    # A conditional Deny may not apply, so only unconditional ones take PutKeyPolicy away.
    for statement in unconditional_denies(document.statements):
        if PUT_KEY_POLICY not in statement.kms_actions:
            continue
        named = {p.value for p in statement.principals}
        if statement.not_principal:
            allowed &= named
        elif "*" in named:
            allowed.clear()
        else:
            allowed -= named
    return frozenset(allowed)


def check(resource: Resource, context: Context) -> Result:
    carried = [c for c in carried_policies(resource) if c.kind is PolicyKind.KEY]
    if not carried:
        return not_applicable("no explicit key policy; AWS's default keeps the account root (see KG-R03)")
    documents = parsed_documents(resource)
    if not documents:
        if any(c.unknown for c in carried):
            return not_applicable("the key policy is unknown during preview; it is checked at update")
        return not_applicable("the key policy does not parse; see KG-R20")
    messages = [
        f"no concrete principal keeps kms:PutKeyPolicy in {policy.kind} {policy.path}, so nobody could "
        "change it again; allow PutKeyPolicy to the deployer or administrator role (or the account root)"
        for policy, document in documents
        if not keepers(document)
    ]
    return violations(messages) if messages else compliant()


RULE = ResourceRule(META, check)
