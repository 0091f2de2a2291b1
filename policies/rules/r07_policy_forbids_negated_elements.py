"""R7: no Allow with NotPrincipal, NotAction or NotResource; no Deny with NotPrincipal."""

from __future__ import annotations

from ..documents import judge_documents
from ..facts import ALL_POLICY_CARRIER_TYPES
from ..policydoc import PolicyDocument, Statement
from ..rule import (
    PCI_LEAST_PRIVILEGE,
    Context,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
)

META = RuleMeta(
    id="KG-R07",
    name="kms-policy-forbids-negated-elements",
    title="Policies do not grant through NotPrincipal, NotAction or NotResource",
    description=(
        "An Allow statement must name its principals, actions and resources: NotPrincipal, NotAction "
        "and NotResource on an Allow are violations. A Deny statement must not use NotPrincipal. "
        "Applies to key policies and to IAM identity policies, including a role's inline policies."
    ),
    rationale=(
        "A negated element grants everything except what is listed, so every action or principal AWS "
        "adds later is granted too. Deny with NotPrincipal also denies the service principals and "
        "assumed-role sessions nobody thought to list, which locks out the intended callers."
    ),
    remediation=(
        "List the principals, actions and resources the statement is meant for in Principal, Action "
        'and Resource. To deny everyone but a few principals, use a Deny with Principal "*" and a '
        "StringNotEquals/ArnNotEquals condition on aws:PrincipalArn."
    ),
    url="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html",
    severity=Severity.HIGH,
    resource_types=ALL_POLICY_CARRIER_TYPES,
    unknowns=(
        "A policy unknown during preview is not applicable and is checked once known; a policy that "
        "does not parse is not applicable here (KG-R20 reports it)."
    ),
    frameworks=(PCI_LEAST_PRIVILEGE,),
)


def statement_findings(statement: Statement) -> list[str]:
    label = statement.label
    if not statement.is_allow:
        if statement.not_principal:
            return [
                f"{label} is a Deny with NotPrincipal, which also denies service principals and "
                'sessions not listed; use Principal "*" with a condition on aws:PrincipalArn'
            ]
        return []
    found: list[str] = []
    if statement.not_principal:
        found.append(f"{label} allows every principal except those in NotPrincipal; name them in Principal")
    if statement.not_action:
        found.append(f"{label} allows every action except those in NotAction; list them in Action")
    if statement.not_resource:
        found.append(f"{label} allows every resource except those in NotResource; list them in Resource")
    return found


def _judge(document: PolicyDocument) -> list[str]:
    return [m for s in document.statements for m in statement_findings(s)]


def check(resource: Resource, context: Context) -> Result:
    return judge_documents(resource, _judge)


RULE = ResourceRule(META, check)
