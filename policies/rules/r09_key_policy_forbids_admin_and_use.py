"""R9: no principal both administers and uses a key (separation of duties)."""

from __future__ import annotations

from collections import defaultdict
from typing import Final

from ..documents import judge_documents
from ..facts import (
    ADMINISTRATION_ACTIONS,
    GRANT_IS_FOR_AWS_RESOURCE_KEY,
    KEY_POLICY_CARRIER_TYPES,
    SERVICE_GRANT_ACTIONS,
    USAGE_ACTIONS,
    is_account_root,
)
from ..policydoc import PolicyDocument, Statement
from ..rule import (
    ACCOUNT_ID_CONFIG,
    PCI_KEY_CUSTODIANS,
    PCI_LEAST_PRIVILEGE,
    Context,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
)

#: Grant management an AWS service does for its user is use, not administration (kms-facts.md).
_SERVICE_GRANT_ADMINISTRATION: Final = ADMINISTRATION_ACTIONS & frozenset(SERVICE_GRANT_ACTIONS)

META = RuleMeta(
    id="KG-R09",
    name="kms-key-policy-forbids-admin-and-use",
    title="No principal both administers and uses a key",
    description=(
        "Across all Allow statements of a key policy, no principal may hold both an administration "
        "action (PutKeyPolicy, ScheduleKeyDeletion, DisableKey, …; read-only actions excluded) and a "
        "usage action (Encrypt, Decrypt, Sign, GenerateMac, CreateGrant, …). ListGrants, RevokeGrant "
        'and CreateGrant granted under `Bool kms:GrantIsForAWSResource "true"` are service grant '
        "management and count as use only. The stack account's root is exempt only when "
        "`allowRootBoth` is true (with `kms:*` it holds both)."
    ),
    rationale=(
        "A principal that can both change the key policy and decrypt can grant itself, or hide, any "
        "access; separating the two roles means misuse needs two people. Statements are aggregated "
        "per principal, so splitting the actions over two statements does not evade the rule."
    ),
    remediation=(
        "Give administrators and users separate roles: administration actions to the administrators' "
        "role, usage actions to the application roles. To keep AWS's default account-root `kms:*` "
        "statement, set allowRootBoth (and KG-R05's allowRootFullAccess) to true."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/least-privilege.html",
    severity=Severity.HIGH,
    resource_types=KEY_POLICY_CARRIER_TYPES,
    unknowns=(
        "A policy unknown during preview is not applicable and is checked once known; a policy that "
        "does not parse is not applicable here (KG-R20 reports it). When the stack's account is not "
        "known, no principal is recognised as its root."
    ),
    frameworks=(
        PCI_KEY_CUSTODIANS,
        PCI_LEAST_PRIVILEGE,
    ),
    config_schema={
        "allowRootBoth": {
            "type": "boolean",
            "default": False,
            "description": "The stack account's root may hold both administration and use.",
        },
        "accountId": ACCOUNT_ID_CONFIG,
    },
)


def _administration(statement: Statement) -> frozenset[str]:
    held = statement.kms_actions & ADMINISTRATION_ACTIONS
    scoped = any(
        c.operator == "Bool" and all(v.lower() == "true" for v in c.values)
        for c in statement.conditions_on(GRANT_IS_FOR_AWS_RESOURCE_KEY)
    )
    return held - _SERVICE_GRANT_ADMINISTRATION if scoped else held


def _judge(document: PolicyDocument, exempt_root_of: str | None) -> list[str]:
    admin: dict[str, set[str]] = defaultdict(set)
    usage: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, list[str]] = defaultdict(list)
    for s in document.statements:
        # NotPrincipal names who is NOT granted; KG-R07 reports it, there is no principal to aggregate.
        if not s.is_allow or s.not_principal:
            continue
        held_admin, held_usage = _administration(s), s.kms_actions & USAGE_ACTIONS
        for principal in dict.fromkeys(p.value for p in s.principals):
            admin[principal] |= held_admin
            usage[principal] |= held_usage
            if held_admin or held_usage:
                labels[principal].append(s.label)
    return [
        f"{principal} holds administration (kms:{', kms:'.join(sorted(admin[principal]))}) and use "
        f"(kms:{', kms:'.join(sorted(usage[principal]))}) through {', '.join(labels[principal])}; give "
        "administrators and users separate roles"
        for principal in admin
        if admin[principal] and usage[principal] and not is_account_root(principal, exempt_root_of)
    ]


def check(resource: Resource, context: Context) -> Result:
    exempt = context.account_id() if context.config.get("allowRootBoth") is True else None
    return judge_documents(resource, lambda document: _judge(document, exempt))


RULE = ResourceRule(META, check)
