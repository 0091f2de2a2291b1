"""R6: IAM policies grant no `kms:*` and no decryption on all keys without a condition."""

from __future__ import annotations

import re
from typing import Final

from ..documents import judge_documents
from ..facts import IAM_POLICY_CARRIER_TYPES, KMS_ACTIONS
from ..policydoc import PolicyDocument, Statement
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
_FULL_WILDCARDS: Final = frozenset({"*", "kms:*"})
#: A Resource that names every key: `*`, or a KMS ARN whose key part is a wildcard.
_ALL_KEYS_RE: Final = re.compile(r"^(\*|arn:[^:]*:(kms|\*):[^:]*:[^:]*:(key/)?\*)$", re.IGNORECASE)

META = RuleMeta(
    id="KG-R06",
    name="iam-policy-limits-kms-access",
    title="IAM policies grant no kms:* and no decryption on all keys",
    description=(
        "An Allow statement of an IAM identity policy (managed, role, user or group policy, or a "
        "role's inline policy) must not grant `kms:*` or `*` (in any case, or through a NotAction that "
        "leaves every KMS action granted), and must not grant Decrypt or ReEncryptFrom on all keys "
        "(`Resource: \"*\"`, a key ARN ending in `*`, or NotResource) without a condition."
    ),
    rationale=(
        "A key policy that trusts the account lets IAM grant the key; `kms:*` in an identity policy "
        "then hands out administration, and Decrypt on every key lets one principal read whatever "
        "any key in the account protects (AWS FSBP KMS.1 and KMS.2)."
    ),
    remediation=(
        "List the KMS actions the principal needs, name the key ARNs in Resource, or add a condition "
        "such as kms:ViaService or kms:EncryptionContext that limits where decryption can happen."
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
    return statement.not_resource or any(_ALL_KEYS_RE.match(r) for r in statement.resources)


def _findings(statement: Statement) -> list[str]:
    if not statement.is_allow:
        return []
    found: list[str] = []
    full = [a for a in statement.actions if a.lower() in _FULL_WILDCARDS]
    if full and not statement.not_action:
        found.append(
            f"{statement.label} allows {', '.join(full)} (every KMS action); list the KMS actions needed"
        )
    elif statement.not_action and statement.kms_actions == KMS_ACTIONS:
        found.append(
            f"{statement.label} uses NotAction and so allows every KMS action; list the KMS actions needed"
        )
    decryption = sorted(statement.kms_actions & DECRYPTION_ACTIONS)
    if decryption and _on_all_keys(statement) and not statement.conditions:
        found.append(
            f"{statement.label} allows kms:{', kms:'.join(decryption)} on all keys without a condition; "
            "name the key ARNs in Resource or add a condition such as kms:ViaService"
        )
    return found


def _judge(document: PolicyDocument) -> list[str]:
    return [m for s in document.statements for m in _findings(s)]


def check(resource: Resource, context: Context) -> Result:
    return judge_documents(resource, _judge)


RULE = ResourceRule(META, check)
