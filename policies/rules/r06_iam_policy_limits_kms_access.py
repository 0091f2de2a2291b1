"""R6: IAM policies grant no `kms:*` and no decryption on all keys without a condition."""

from __future__ import annotations

from typing import Final

from ..conditions import key_limits
from ..documents import judge_documents
from ..facts import IAM_POLICY_CARRIER_TYPES, KMS_ACTIONS
from ..patterns import matches_every_key
from ..policydoc import PolicyDocument, Statement, expand_kms_actions
from ..rule import (
    AWS_FSBP,
    PCI_LEAST_PRIVILEGE,
    Context,
    Framework,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
)

#: Actions that reveal plaintext (AWS FSBP KMS.1/KMS.2).
DECRYPTION_ACTIONS: Final = frozenset({"Decrypt", "ReEncryptFrom"})

META = RuleMeta(
    id="KG-R06",
    name="iam-policy-limits-kms-access",
    title="IAM policies grant no kms:* and no decryption on all keys",
    description=(
        "An Allow statement of an identity policy (an IAM managed, role, user or group policy, a role's "
        "inline policy, or an IAM Identity Center permission set's inline policy; the list is "
        "`facts.IDENTITY_POLICY_DOCUMENTS`) must not grant every KMS action, judged on the expanded "
        "action set (`kms:*`, `*`, `kms:**`, `k?s:*`, a NotAction that leaves every KMS action, or a "
        "list naming them all), and must not grant Decrypt or ReEncryptFrom on all keys unless a "
        "condition limits which keys, data or service path it reaches. All keys: NotResource, or a "
        "Resource pattern that matches every key id of a partition, region and account "
        "(`*`, `arn:aws:kms:*:*:key*`, `arn:aws:kms:*:*:*/*`, `arn:aws:kms:*:*:key/?*`, …; a policy "
        "variable counts as a wildcard). A limiting condition is one on kms:ViaService (a well-formed "
        "endpoint: decryption only through that service, whose own permissions then decide the data), "
        "kms:EncryptionContext:<key> (only ciphertexts bound to that context), kms:ResourceAliases or "
        "aws:ResourceTag/<tag> (only keys with that alias or tag), under StringEquals, StringLike or "
        "StringEqualsIgnoreCase, plain or ForAnyValue, with values free of wildcards and policy "
        "variables. Conditions on the caller (kms:CallerAccount, aws:PrincipalArn, …) do not limit: in "
        "an identity policy the caller is the identity itself. aws:ResourceAccount does not: every key "
        "of an account is still all keys. Transport, network and MFA conditions (aws:SecureTransport, "
        "aws:SourceIp, aws:MultiFactorAuthPresent) say how a request arrives, not which keys it reaches. "
        "IfExists, ForAllValues and negated operators hold when the key is absent or differs, so they "
        "limit nothing. An Allow that an unconditional Deny wholly cancels grants nothing."
    ),
    rationale=(
        "A key policy that trusts the account lets IAM grant the key; `kms:*` in an identity policy "
        "then hands out administration, and Decrypt on every key lets one principal read whatever "
        "any key in the account protects (AWS FSBP KMS.1 and KMS.2)."
    ),
    remediation=(
        "List the KMS actions the principal needs, name the key ARNs in Resource, or add a condition "
        "on kms:ViaService, kms:EncryptionContext:<key>, kms:ResourceAliases or aws:ResourceTag/<tag> "
        "that limits which keys or data decryption reaches."
    ),
    url="https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html",
    severity=Severity.HIGH,
    resource_types=IAM_POLICY_CARRIER_TYPES,
    unknowns=(
        "A policy unknown during preview is not applicable and is checked once known; a policy that "
        "does not parse is not applicable here (KG-R20 reports it)."
    ),
    frameworks=(
        Framework(AWS_FSBP, "1.0.0", "KMS.1", "IAM customer managed policies should not allow decryption on all KMS keys"),
        Framework(AWS_FSBP, "1.0.0", "KMS.2", "IAM principals should not have inline policies allowing decryption on all KMS keys"),
        PCI_LEAST_PRIVILEGE,
    ),
)  # fmt: skip


def _on_all_keys(statement: Statement) -> bool:
    return statement.not_resource or any(matches_every_key(r) for r in statement.resources)


def _every_action(statement: Statement) -> str | None:
    """How the statement grants every KMS action, or None when it does not."""
    if statement.kms_actions != KMS_ACTIONS:
        return None
    if statement.not_action:
        return "uses NotAction and so allows every KMS action"
    whole = [a for a in statement.actions if expand_kms_actions([a]) == KMS_ACTIONS]
    if whole:
        return f"allows {', '.join(whole)} (every KMS action)"
    return "allows every KMS action (its Action list names them all)"


def _findings(statement: Statement) -> list[str]:
    if not statement.is_allow:
        return []
    found: list[str] = []
    if (every := _every_action(statement)) is not None:
        found.append(f"{statement.label} {every}; list the KMS actions needed")
    decryption = sorted(statement.kms_actions & DECRYPTION_ACTIONS)
    if decryption and _on_all_keys(statement):
        limiting, reasons = key_limits(statement.conditions)
        if not limiting:
            why = f" ({'; '.join(reasons)})" if reasons else ""
            found.append(
                f"{statement.label} allows kms:{', kms:'.join(decryption)} on all keys without a condition "
                f"that limits the keys{why}; name the key ARNs in Resource or add a condition on "
                "kms:ViaService, kms:EncryptionContext:<key>, kms:ResourceAliases or aws:ResourceTag/<tag>"
            )
    return found


def _judge(document: PolicyDocument) -> list[str]:
    return [m for s in document.statements for m in _findings(s)]


def check(resource: Resource, context: Context) -> Result:
    return judge_documents(resource, _judge)


RULE = ResourceRule(META, check)
