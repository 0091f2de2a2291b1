"""R17: principals from other accounts only from the allow-list, and never as administrators."""

from __future__ import annotations

from ..conditions import caller_scope
from ..documents import carried_policies
from ..facts import (
    ADMINISTRATION_ACTIONS,
    KEY_POLICY_CARRIER_TYPES,
    PRINCIPAL_ACCOUNT_RE,
)
from ..policydoc import Principal, Statement
from ..rule import (
    ACCOUNT_ID_CONFIG,
    PCI_KEY_CUSTODIANS,
    Context,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
    not_applicable,
    violations,
)
from ..stack_declarations import declared_partner_accounts

META = RuleMeta(
    id="KG-R17",
    name="kms-policy-limits-external-accounts",
    title="Other accounts reach a key only from the allow-list, and never administer it",
    description=(
        "An Allow statement of a key policy may name principals of another AWS account (a bare account "
        "id, its root, a role, a user or an assumed-role session) only when that account is listed in "
        "`allowedExternalAccounts` (by default the accounts the stack's `kmsguard:catalog` shares keys "
        "with in `cross_account`), and such a statement must not grant administration actions "
        "(PutKeyPolicy, ScheduleKeyDeletion, DisableKey, …). A public or service principal confined by "
        "its conditions to named accounts (aws:PrincipalAccount, kms:CallerAccount, aws:SourceAccount, "
        "aws:SourceOwner, or the account of an aws:PrincipalArn or aws:SourceArn, decided as KG-R04 "
        'decides a restricting condition) is the principal of those accounts: `Principal: "*"` with '
        "aws:PrincipalAccount naming another account is judged as that account. The stack's own account "
        "comes from this rule's `accountId`, else from the stack's `aws:allowedAccountIds`. A public "
        "principal that no condition confines is KG-R04's business; one confined to an organization or "
        "a VPC endpoint names no account and is not judged here; a service principal without such a "
        "condition is not an account. Deny statements restrict and are ignored, and an Allow that an "
        "unconditional Deny wholly cancels grants nothing."
    ),
    rationale=(
        "A key policy is the only thing that decides who can use or manage a KMS key; naming another "
        "account hands that account's administrators the power to delegate access to anyone in it. An "
        "explicit allow-list makes every cross-account trust a reviewed decision. Administration from "
        "another account would let it change the policy or destroy the key, so it is never allowed."
    ),
    remediation=(
        "Remove principals of accounts you do not mean to trust. To share a key deliberately, declare "
        "the share in the stack's `kmsguard:catalog` (a data class's `cross_account`, which the components "
        "build the statement from) or add the account id to this rule's `allowedExternalAccounts`, and grant it only usage actions (Encrypt, "
        "Decrypt, GenerateDataKey*, DescribeKey); keep administration in the key's own account. Set "
        "`accountId` (or the stack's `aws:allowedAccountIds`) so the rule knows which account is yours."
    ),
    url="https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html",
    severity=Severity.HIGH,
    resource_types=KEY_POLICY_CARRIER_TYPES,
    unknowns=(
        "A key policy that is unknown during preview is not applicable: it is checked again with known "
        "values when `pulumi up` runs. An unknown own account (neither `accountId` nor "
        "`aws:allowedAccountIds` set) fails closed: every account principal not in "
        "`allowedExternalAccounts` is a violation, with a message asking to configure the account."
    ),
    frameworks=(PCI_KEY_CUSTODIANS,),
    config_schema={
        "allowedExternalAccounts": {
            "type": "array",
            "items": {"type": "string", "pattern": r"^\d{12}$"},
            "default": [],
            "description": (
                "Account ids (12 digits) whose principals may be named in key policies. Empty: the "
                "accounts the stack's kmsguard:catalog shares keys with (cross_account)."
            ),
        },
        "accountId": ACCOUNT_ID_CONFIG,
    },
)


def _account_of(principal: str) -> str | None:
    match = PRINCIPAL_ACCOUNT_RE.match(principal)
    if match is None:
        return None
    return match.group("bare") or match.group("account")


def _accounts_reached(statement: Statement) -> list[tuple[str | None, str]]:
    """(account or None when it cannot be told, how the policy names it) for each party the Allow
    reaches. A named IAM principal is its own account. `*` and service principals reach whoever the
    conditions confine them to: `Principal: "*"` with aws:PrincipalAccount = X is X's principal."""
    reached: list[tuple[str | None, str]] = []
    scope = None
    for principal in statement.principals:
        if principal.kind == "AWS" and not principal.is_wildcard:
            reached.append((_account_of(principal.value), principal.value))
            continue
        if principal.kind not in ("AWS", "*", "Service"):
            continue
        scope = scope or caller_scope(statement.conditions)
        # No account named: unrestricted `*` is KG-R04's business, an organization or endpoint is
        # a deliberate trust boundary, and a service alone is not an account.
        for account in sorted(scope.accounts or ()):
            reached.append((account, _through(principal, scope.keys)))
    return reached


def _through(principal: Principal, keys: tuple[str, ...]) -> str:
    return f"Principal {principal.value} limited by {', '.join(keys)}"


def _statement_findings(
    place: str, statement: Statement, own: str | None, allowed: frozenset[str]
) -> list[str]:
    findings: list[str] = []
    admin = sorted(statement.kms_actions & ADMINISTRATION_ACTIONS)
    where = f"{place} {statement.label}"
    for account, named in _accounts_reached(statement):
        if account is None:
            findings.append(
                f"{where} names principal {named!r}, whose account cannot be told; "
                "name principals by account id or IAM ARN"
            )
            continue
        if account == own:
            continue
        if own is None and account not in allowed:
            # Without the own account nobody can tell own from foreign: fail closed, once per principal.
            findings.append(
                f"{where} names account {account} ({named}) and the stack's own account is "
                "unknown; set this rule's accountId or the stack's aws:allowedAccountIds, or add "
                f"{account} to allowedExternalAccounts"
            )
            continue
        if account not in allowed:
            findings.append(
                f"{where} allows account {account} ({named}), which is not in "
                f"allowedExternalAccounts; remove the principal or add {account} to allowedExternalAccounts"
            )
        if admin:
            findings.append(
                f"{where} gives account {account} ({named}) administration actions "
                f"({', '.join(admin)}); grant other accounts only usage actions and keep administration "
                "in the key's own account"
            )
    return findings


def check(resource: Resource, context: Context) -> Result:
    carried = carried_policies(resource)
    if not carried:
        return not_applicable("no key policy on this resource (KG-R03 asks for one)")
    own = context.account_id()
    allowed_raw = context.config.get("allowedExternalAccounts")
    allowed = (
        frozenset(a for a in allowed_raw if isinstance(a, str))
        if isinstance(allowed_raw, list) and allowed_raw
        else declared_partner_accounts(context.stack_config)
    )
    findings: list[str] = []
    judged = False
    for policy in carried:
        if policy.document is None:
            continue
        judged = True
        for statement in policy.document.effective.allows():
            findings.extend(_statement_findings(f"{policy.kind} ({policy.path})", statement, own, allowed))
    if not judged:
        return not_applicable(
            "the key policy is unknown during preview or does not parse (KG-R20 reports that); "
            "`pulumi up` checks it with known values"
        )
    return violations(findings)


RULE = ResourceRule(META, check)
