"""R8: critical key administration only under a working MFA condition, where the environment asks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .. import props
from ..documents import document_unknowns, judge_documents
from ..facts import (
    CRITICAL_ACTION_CHOICES,
    DEFAULT_CRITICAL_ACTIONS,
    KEY_POLICY_CARRIER_TYPES,
    MFA_AGE_KEY,
    MFA_DEFAULT_MAX_AGE_SECONDS,
    MFA_PRESENT_KEY,
    PRINCIPAL_ARN_RE,
    canonical_action,
    production_defaults,
)
from ..policydoc import Condition, PolicyDocument, Statement
from ..props import CannotJudge
from ..rule import (
    PCI_DSS,
    Context,
    Framework,
    Resource,
    ResourceRule,
    Result,
    RuleMeta,
    Severity,
    not_applicable,
    per_environment,
    per_environment_schema,
    violations,
)
from ..stack_declarations import declared_deployers

#: Operators that bound the MFA age from above; compared exactly (IAM operators are case-sensitive,
#: and an IfExists form passes when no MFA was used at all).
_AGE_OPERATORS = frozenset({"NumericLessThan", "NumericLessThanEquals"})

META = RuleMeta(
    id="KG-R08",
    name="kms-key-policy-requires-mfa",
    title="Critical key administration requires MFA",
    description=(
        "Where the environment requires MFA (`requireMfa`, default: prod and production), every Allow "
        "statement of a key policy that grants a critical action (`criticalActions`, default "
        "PutKeyPolicy, ScheduleKeyDeletion, DeleteAlias, DeleteImportedKeyMaterial) must carry a "
        'working MFA condition: `Bool` aws:MultiFactorAuthPresent "true" and `NumericLessThan` or '
        "`NumericLessThanEquals` aws:MultiFactorAuthAge at most `maxMfaAgeSeconds`. Condition keys "
        "match in any case; operators must be spelled exactly. The deployer (the role that runs `pulumi up`: "
        "`deployerPrincipals`, else the stack's `kmsguard:catalog` `defaults.deployer`) may hold critical "
        "actions without MFA."
    ),
    rationale=(
        "Changing a key policy, deleting an alias or scheduling deletion can make data unreadable or "
        "hand the key to someone else; the KMS best-practices whitepaper puts them behind MFA. A "
        "condition that looks right but cannot work (BoolIfExists, NumericGreaterThan, a misspelled "
        "key) gives no protection, so only the working form counts. The deployer is exempt because "
        "KMS's lockout safety check requires the caller of PutKeyPolicy to keep it without MFA."
    ),
    remediation=(
        "Require MFA on the critical actions: the condition "
        '{"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": '
        '"300"}} on their statement, moved to a statement of their own when it also grants other actions. '
        "The deployer's statement is the exception, built without MFA on purpose: the role that runs "
        "`pulumi up` keeps PutKeyPolicy so KMS's lockout safety check passes. State that role once, as "
        "`defaults.deployer` of the stack's `kmsguard:catalog` (the components build the statement from it "
        "and this rule reads it), or list it in `deployerPrincipals`."
    ),
    url="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html",
    severity=Severity.HIGH,
    resource_types=KEY_POLICY_CARRIER_TYPES,
    unknowns=document_unknowns(extra="An unknown Environment tag falls back to the stack name; one of the wrong type is a violation."),
    frameworks=(
        Framework(PCI_DSS, "3.2.1", "8.3.1", "Multi-factor authentication for personnel with administrative access"),
    ),
    config_schema={
        "requireMfa": per_environment_schema(
            {"type": "boolean"},
            production_defaults(True, False),
            "Whether critical actions need MFA, per environment (`*` for the rest).",
        ),
        "criticalActions": {
            "type": "array",
            "items": {"type": "string", "enum": list(CRITICAL_ACTION_CHOICES)},
            "default": list(DEFAULT_CRITICAL_ACTIONS),
            "description": "KMS actions (without the kms: prefix) that need MFA.",
        },
        "maxMfaAgeSeconds": {
            "type": "integer",
            "minimum": 1,
            "default": MFA_DEFAULT_MAX_AGE_SECONDS,
            "description": "The largest aws:MultiFactorAuthAge bound, in seconds, that counts as MFA.",
        },
        "deployerPrincipals": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": (
                "Role ARNs that run `pulumi up`; they keep critical actions without MFA. Empty: the "
                "deployer the stack's kmsguard:catalog states (defaults.deployer)."
            ),
        },
    },
)  # fmt: skip


def _all_true(condition: Condition) -> bool:
    return all(v.lower() == "true" for v in condition.values)


def _within(condition: Condition, max_age: float) -> bool:
    try:
        return all(float(v) <= max_age for v in condition.values)
    except ValueError:
        return False


def has_working_mfa(statement: Statement, max_age: float) -> bool:
    present = any(c.operator == "Bool" and _all_true(c) for c in statement.conditions_on(MFA_PRESENT_KEY))
    fresh = any(
        c.operator in _AGE_OPERATORS and _within(c, max_age) for c in statement.conditions_on(MFA_AGE_KEY)
    )
    return present and fresh


def _canonical(names: Iterable[Any]) -> frozenset[str]:
    found = (canonical_action(n) for n in names if isinstance(n, str))
    return frozenset(a for a in found if a is not None)


def _is_role(principal: str) -> bool:
    match = PRINCIPAL_ARN_RE.match(principal)
    return match is not None and match.group("kind").startswith("role/")


def _fix(statement: Statement, held: list[str], critical: frozenset[str], mfa: str) -> str:
    """The fix for this statement: the MFA condition, on a statement of their own when it grants more."""
    if statement.kms_actions - critical:
        return f"move kms:{', kms:'.join(held)} to a statement of their own that requires {mfa}"
    return f"require {mfa} on this statement"


def _may_be_deployer(statement: Statement, held: list[str], who: list[str]) -> bool:
    """With no deployer stated, roles that keep PutKeyPolicy may be it: the deployer's statement has
    no MFA on purpose, and its fix is to state the deployer, not to add MFA."""
    return "PutKeyPolicy" in held and not statement.not_principal and bool(who) and all(map(_is_role, who))


def check(resource: Resource, context: Context) -> Result:
    environment = props.environment(resource, context.stack)
    if isinstance(environment, CannotJudge):
        return violations([f"{environment.message}; whether critical actions need MFA depends on it"])
    required = per_environment(context.config.get("requireMfa") or {}, environment)
    if required is not True:
        return not_applicable(f"MFA is not required in environment {environment!r}")
    critical = _canonical(context.config.get("criticalActions", DEFAULT_CRITICAL_ACTIONS))
    configured = context.config.get("deployerPrincipals")
    deployers = (
        frozenset(configured)
        if isinstance(configured, list) and configured
        else declared_deployers(context.stack_config)
    )
    max_age = float(context.config.get("maxMfaAgeSeconds", MFA_DEFAULT_MAX_AGE_SECONDS))
    mfa = f'Bool aws:MultiFactorAuthPresent "true" and NumericLessThan aws:MultiFactorAuthAge {int(max_age)}'

    def judge(document: PolicyDocument) -> list[str]:
        found: list[str] = []
        for s in document.statements:
            held = sorted(s.kms_actions & critical)
            if not s.is_allow or not held or has_working_mfa(s, max_age):
                continue
            who = [p.value for p in s.principals if p.value not in deployers or s.not_principal]
            if s.principals and not who:
                continue
            fix = _fix(s, held, critical, mfa)
            if not deployers and _may_be_deployer(s, held, who):
                fix = (
                    f"if {', '.join(who)} runs `pulumi up`, state it as the stack's deployer "
                    f"(kmsguard:catalog defaults.deployer, or this rule's deployerPrincipals); otherwise {fix}"
                )
            found.append(
                f"{s.label} allows kms:{', kms:'.join(held)} to {', '.join(who) or 'every principal'} "
                f"without a working MFA condition; {fix}"
            )
        return found

    return judge_documents(resource, judge)


RULE = ResourceRule(META, check)
