"""R4: no public principal on an Allow in a key policy unless a restricting condition makes it private."""

from __future__ import annotations

from ..documents import judge_documents
from ..facts import (
    KEY_POLICY_CARRIER_TYPES,
    PUBLIC_PRINCIPAL_MITIGATING_KEYS,
    PUBLIC_PRINCIPAL_MITIGATING_OPERATORS,
)
from ..policydoc import Condition, PolicyDocument, Statement
from ..rule import (
    AWS_FSBP,
    PCI_KEY_CUSTODIANS,
    Context,
    Framework,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
)

META = RuleMeta(
    id="KG-R04",
    name="kms-key-policy-forbids-public-principal",
    title="Key policies do not allow a public principal",
    description=(
        'An Allow statement in a key policy must not name the public principal (`"*"`, '
        '`{"AWS": "*"}`, or `"*"` inside a principal list) unless a condition restricts it: one of '
        "kms:CallerAccount, kms:ViaService, aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, "
        "aws:PrincipalOrgPaths, aws:SourceAccount, aws:SourceArn, aws:SourceOwner, aws:SourceVpc, "
        "aws:SourceVpce, aws:userid or aws:username under StringEquals, StringLike, "
        "StringEqualsIgnoreCase, ArnEquals or ArnLike, with a value other than `*`. IfExists and "
        "negated operators, and conditions on any other key, do not make the statement private."
    ),
    rationale=(
        "A public principal lets any AWS account in the world use or manage the key. Tools that "
        "accept any Condition as an exemption miss statements whose condition restricts nothing "
        "(an IfExists form passes when the key is absent; a negated form admits everyone else)."
    ),
    remediation=(
        'Name the principals that need the key in Principal, or keep `"*"` and add a StringEquals '
        "condition on kms:CallerAccount or aws:PrincipalOrgID that names your account or organisation."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
    severity=Severity.CRITICAL,
    resource_types=KEY_POLICY_CARRIER_TYPES,
    unknowns=(
        "A policy unknown during preview is not applicable and is checked once known; a policy that "
        "does not parse is not applicable here (KG-R20 reports it)."
    ),
    frameworks=(
        Framework(AWS_FSBP, "1.0.0", "KMS.5", "KMS keys should not be publicly accessible"),
        PCI_KEY_CUSTODIANS,
    ),
)


def is_mitigating(condition: Condition) -> bool:
    # The operator is compared exactly: a set qualifier, IfExists or a negated form is not in the list.
    return (
        condition.operator in PUBLIC_PRINCIPAL_MITIGATING_OPERATORS
        and condition.key_lower in PUBLIC_PRINCIPAL_MITIGATING_KEYS
        and "*" not in condition.values
    )


def _is_public(statement: Statement) -> bool:
    return statement.is_allow and statement.has_public_principal


def _judge(document: PolicyDocument) -> list[str]:
    return [
        f'{s.label} allows the public principal "*" without a restricting condition; name the '
        "principals, or add a StringEquals condition on kms:CallerAccount or aws:PrincipalOrgID"
        for s in document.statements
        if _is_public(s) and not any(is_mitigating(c) for c in s.conditions)
    ]


def check(resource: Resource, context: Context) -> Result:
    return judge_documents(resource, _judge)


RULE = ResourceRule(META, check)
