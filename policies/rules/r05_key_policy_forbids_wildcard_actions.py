"""R5: key policies grant no `kms:*`, `*` or privilege-escalating wildcard actions."""

from __future__ import annotations

from typing import Final

from ..documents import judge_documents
from ..facts import ADMINISTRATION_ACTIONS, KEY_POLICY_CARRIER_TYPES, is_account_root
from ..policydoc import PolicyDocument, Statement, expand_kms_actions, is_wildcard_action
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

#: What a wildcard must not reach: administration, and CreateGrant (a grant hands out any use).
ESCALATING_ACTIONS: Final = ADMINISTRATION_ACTIONS | {"CreateGrant"}
_FULL_WILDCARDS: Final = frozenset({"*", "kms:*"})

META = RuleMeta(
    id="KG-R05",
    name="kms-key-policy-forbids-wildcard-actions",
    title="Key policies grant no kms:* or privilege-escalating wildcards",
    description=(
        "No Allow statement in a key policy may grant `kms:*` or `*` (in any case), a wildcard whose "
        "expansion includes an administration action or CreateGrant (`kms:Put*`, `kms:Create*`, "
        "`kms:*Grant*`, …), or a NotAction that leaves any of those granted. Wildcards that reach only "
        "usage or read-only actions (`kms:GenerateDataKey*`, `kms:Describe*`) are allowed. The stack "
        "account's root may hold `kms:*` (AWS's default statement) only when `allowRootFullAccess` is true."
    ),
    rationale=(
        "A wildcard grants every matching action AWS adds later, and patterns such as `kms:Create*` "
        "silently include CreateGrant, with which a principal can grant itself any use of the key. "
        "Explicit action lists per role keep administration and use apart."
    ),
    remediation=(
        "Replace the wildcard with the explicit list for the principal's role (kmsguard's KMS facts "
        "have one per role). To keep AWS's default account-root statement, set allowRootFullAccess to "
        "true; otherwise give the root the administration actions only."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
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
        "allowRootFullAccess": {
            "type": "boolean",
            "default": False,
            "description": "The stack account's root may hold kms:* (AWS's default key policy statement).",
        },
        "accountId": ACCOUNT_ID_CONFIG,
    },
)


def _principals(statement: Statement) -> str:
    return ", ".join(p.value for p in statement.principals) or "no principal"


def _findings(statement: Statement, root_only: bool, allow_root: bool) -> list[str]:
    if not statement.is_allow or (root_only and allow_root):
        return []
    who = _principals(statement)
    if statement.not_action:
        reached = sorted(statement.kms_actions & ESCALATING_ACTIONS)
        if not reached:
            return []
        return [
            f"{statement.label} uses NotAction and so grants {who} {', '.join(reached)}; list the "
            "actions in Action instead"
        ]
    full = [a for a in statement.actions if a.lower() in _FULL_WILDCARDS]
    escalating = [
        a
        for a in statement.actions
        if a.lower() not in _FULL_WILDCARDS
        and is_wildcard_action(a)
        and expand_kms_actions([a]) & ESCALATING_ACTIONS
    ]
    found = []
    if full:
        hint = (
            "give the root the administration actions only, or set allowRootFullAccess to keep "
            "AWS's default statement"
            if root_only
            else "list the actions the principal's role needs"
        )
        found.append(f"{statement.label} grants {who} {', '.join(full)} (every KMS action); {hint}")
    if escalating:
        found.append(
            f"{statement.label} grants {who} {', '.join(escalating)}, which reaches administration or "
            "CreateGrant; list the actions explicitly"
        )
    return found


def check(resource: Resource, context: Context) -> Result:
    account = context.account_id()
    allow_root = context.config.get("allowRootFullAccess") is True

    def judge(document: PolicyDocument) -> list[str]:
        found: list[str] = []
        for statement in document.statements:
            root_only = (
                bool(statement.principals)
                and not statement.not_principal
                and all(p.kind == "AWS" and is_account_root(p.value, account) for p in statement.principals)
            )
            found.extend(_findings(statement, root_only, allow_root))
        return found

    return judge_documents(resource, judge)


RULE = ResourceRule(META, check)
