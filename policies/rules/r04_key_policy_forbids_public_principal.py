"""R4: no public principal on an Allow in a key policy unless a restricting condition makes it private."""

from __future__ import annotations

from ..conditions import caller_scope
from ..documents import judge_documents
from ..facts import KEY_POLICY_CARRIER_TYPES
from ..policydoc import PolicyDocument, Statement
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
        '`{"AWS": "*"}`, or `"*"` inside a principal list) unless a condition confines callers to named '
        "parties: a key that identifies the caller or the resource it acts for (aws:PrincipalAccount, "
        "kms:CallerAccount, aws:SourceAccount, aws:SourceOwner, aws:PrincipalArn, aws:SourceArn, "
        "aws:PrincipalOrgID, aws:SourceOrgID, aws:PrincipalOrgPaths, aws:SourceOrgPaths, aws:SourceVpc, "
        "aws:SourceVpce, aws:userid), under StringEquals, StringLike or StringEqualsIgnoreCase (ArnEquals "
        "or ArnLike on the ARN keys), plain or ForAnyValue, with every value naming a party: an account "
        "id, an ARN whose account is one account, an organization id, without wildcards where the party "
        "is named and without policy variables. IfExists, ForAllValues and negated operators hold for "
        "callers that lack the key or differ from it, and keys such as kms:ViaService or aws:username "
        "name no party (any account calls through a service or has a user of that name), so none of "
        "them makes the statement private. A restriction to another account is KG-R17's business. An "
        "Allow that an unconditional Deny wholly cancels grants nothing and is not judged."
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


def _is_public(statement: Statement) -> bool:
    return statement.is_allow and statement.has_public_principal


def _message(statement: Statement, reasons: tuple[str, ...]) -> str:
    why = f" ({'; '.join(reasons)})" if reasons else ""
    return (
        f'{statement.label} allows the public principal "*" without a restricting condition{why}; name '
        "the principals, or add a StringEquals condition on kms:CallerAccount or aws:PrincipalOrgID"
    )


def _judge(document: PolicyDocument) -> list[str]:
    findings = []
    for statement in document.statements:
        if not _is_public(statement):
            continue
        scope = caller_scope(statement.conditions)
        if not scope.restricted:
            findings.append(_message(statement, scope.reasons))
    return findings


def check(resource: Resource, context: Context) -> Result:
    return judge_documents(resource, _judge)


RULE = ResourceRule(META, check)
