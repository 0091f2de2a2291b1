"""R11: alias ARNs never appear as a policy Resource — they match nothing for key operations."""

from __future__ import annotations

import re
from typing import Final

from ..documents import carried_policies, parsed_documents
from ..facts import ALL_POLICY_CARRIER_TYPES
from ..rule import (
    PCI_LEAST_PRIVILEGE,
    Context,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
    not_applicable,
    violations,
)

#: `arn:<partition>:kms:<region>:<account>:alias/<name>`; region and account may be wildcards.
ALIAS_ARN_RE: Final = re.compile(r"^arn:[^:]*:kms:[^:]*:[^:]*:alias/")

META = RuleMeta(
    id="KG-R11",
    name="kms-policy-forbids-alias-arn-resource",
    title="Alias ARNs are not used as policy resources",
    description=(
        "No statement of a key policy or IAM policy names an alias ARN "
        "(`arn:<partition>:kms:<region>:<account>:alias/...`) in `Resource` or `NotResource`. KMS "
        "authorises key operations against the key ARN, so an alias ARN matches nothing: an Allow grants "
        "nothing and, worse, a Deny denies nothing."
    ),
    rationale=(
        "Authors write alias ARNs expecting the statement to follow the alias; it silently does not. "
        "A Deny that never matches is a security hole that no test of the happy path reveals."
    ),
    remediation=(
        "Name the key ARN in `Resource`; to scope by alias, keep `Resource` on the key ARN (or `*`) and add "
        "a `kms:RequestAlias` or `kms:ResourceAliases` condition."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html",
    severity=Severity.MEDIUM,
    resource_types=ALL_POLICY_CARRIER_TYPES,
    unknowns=(
        "A policy unknown during preview is not applicable at preview; the rule judges it when the "
        "update sends the resolved document. A policy that does not parse is not applicable here and is "
        "reported by KG-R20."
    ),
    frameworks=(PCI_LEAST_PRIVILEGE,),
)


def check(resource: Resource, context: Context) -> Result:
    carried = carried_policies(resource)
    if not carried:
        return not_applicable("the resource carries no policy document")
    documents = parsed_documents(resource)
    if not documents:
        if any(c.unknown for c in carried):
            return not_applicable("the policy is unknown during preview; it is checked at update")
        return not_applicable("the policy does not parse; see KG-R20")
    messages: list[str] = []
    for policy, document in documents:
        for statement in document.statements:
            field = "NotResource" if statement.not_resource else "Resource"
            for arn in statement.resources:
                if ALIAS_ARN_RE.match(arn):
                    effect = _effect(statement.not_resource, statement.is_allow)
                    messages.append(
                        f"{policy.kind} {policy.path} {statement.label} names alias ARN {arn!r} in "
                        f"{field}, which matches no key, so it {effect}; use the key ARN, and "
                        "kms:RequestAlias or kms:ResourceAliases conditions to scope by alias"
                    )
    return violations(messages)


def _effect(not_resource: bool, is_allow: bool) -> str:
    if not_resource:
        return "excludes nothing"
    return "allows nothing" if is_allow else "denies nothing"


RULE = ResourceRule(META, check)
