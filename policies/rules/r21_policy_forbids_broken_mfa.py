"""R21: MFA conditions that look right but cannot work."""

from __future__ import annotations

import re
from typing import Final

from ..documents import parsed_documents
from ..facts import ALL_POLICY_CARRIER_TYPES, MFA_AGE_KEY, MFA_PRESENT_KEY
from ..policydoc import Condition, Statement
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
    violations,
)

#: Condition key names are case-insensitive in IAM (`AWS:multifactorauthage` is the real key), so
#: only spellings that differ in more than case are misspellings.
_MFA_KEYS: Final = frozenset({MFA_PRESENT_KEY.lower(), MFA_AGE_KEY.lower()})
_LETTERS_ONLY: Final = re.compile(r"[^a-z]")
_MFA_LOOKALIKE_STEMS: Final = ("multifactor", "awsmfa")
_AGE_OPERATORS_ALLOW_INVERTED: Final = frozenset({"NumericGreaterThan", "NumericGreaterThanEquals"})
_AGE_OPERATORS_DENY_INVERTED: Final = frozenset({"NumericLessThan", "NumericLessThanEquals"})

META = RuleMeta(
    id="KG-R21",
    name="kms-policy-forbids-broken-mfa",
    title="MFA conditions can actually require MFA",
    description=(
        "Flags MFA conditions that never do what they seem to: a misspelled MFA key (e.g. "
        "`aws: MultiFactorAuthAge` with a space, `aws:MultiFactorAuthAgeSeconds`), which never matches; "
        "an inverted age comparison (`NumericGreaterThan` on `aws:MultiFactorAuthAge` in an Allow, "
        "`NumericLessThan` in a Deny); any `…IfExists` operator or a `Null: true` test on an MFA key in "
        "an Allow, which passes for callers without MFA; and `aws:MultiFactorAuthPresent` compared with "
        '"false" in an Allow. Key names compare case-insensitively, as IAM does. Applies to every policy '
        "document."
    ),
    rationale=(
        "MFA conditions guard the most dangerous actions (PutKeyPolicy, ScheduleKeyDeletion). A "
        "condition that cannot match makes the statement useless (an Allow nobody gets, a Deny that "
        "never fires); one that matches absent keys lets long-term access keys, which carry no MFA "
        "context, through. The KMS whitepaper's own summary misspells the age key. Parliament detects "
        "only part of this."
    ),
    remediation=(
        'On an Allow, use `"Bool": {"aws:MultiFactorAuthPresent": "true"}` and '
        '`"NumericLessThan": {"aws:MultiFactorAuthAge": "300"}`, spelled exactly so. To deny callers '
        'without MFA, use a Deny with `"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}` or '
        '`"NumericGreaterThan": {"aws:MultiFactorAuthAge": "300"}`.'
    ),
    url="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent",
    severity=Severity.HIGH,
    resource_types=ALL_POLICY_CARRIER_TYPES,
    unknowns=(
        "A document that is unknown during preview is skipped (not applicable when it is the only one) "
        "and checked with known values when `pulumi up` runs; a document that does not parse is left "
        "to KG-R20."
    ),
    frameworks=(
        Framework(
            PCI_DSS,
            "3.2.1",
            "8.3.1",
            "Incorporate multi-factor authentication for all non-console administrative access",
        ),
    ),
)


def _is_misspelled_mfa_key(key: str) -> bool:
    lowered = key.lower()
    if lowered in _MFA_KEYS:
        return False
    letters = _LETTERS_ONLY.sub("", lowered)
    return any(stem in letters for stem in _MFA_LOOKALIKE_STEMS)


def _condition_finding(label: str, statement: Statement, condition: Condition) -> str | None:
    key, op = condition.key, condition.operator
    if _is_misspelled_mfa_key(key):
        return (
            f"{label} tests {key!r}, which is not an MFA key and never matches; spell it "
            f"{MFA_PRESENT_KEY} or {MFA_AGE_KEY}"
        )
    if condition.key_lower not in _MFA_KEYS:
        return None
    is_age = condition.key_lower == MFA_AGE_KEY.lower()
    values = {v.lower() for v in condition.values}
    if statement.is_allow and condition.if_exists:
        return (
            f"{label} uses {op} on {key} in an Allow, which passes when the key is absent (callers "
            "without MFA); drop IfExists"
        )
    if statement.is_allow and condition.base_operator == "Null" and "true" in values:
        return f"{label} allows callers whose {key} is absent, i.e. without MFA; remove the Null test"
    if is_age and statement.is_allow and condition.base_operator in _AGE_OPERATORS_ALLOW_INVERTED:
        return (
            f"{label} uses {op} on {key} in an Allow, which admits only old MFA sessions; use NumericLessThan"
        )
    if is_age and not statement.is_allow and condition.base_operator in _AGE_OPERATORS_DENY_INVERTED:
        return f"{label} uses {op} on {key} in a Deny, which denies only fresh MFA sessions; use NumericGreaterThan"
    if not is_age and statement.is_allow and condition.base_operator == "Bool" and "false" in values:
        return f'{label} allows callers whose {key} is "false", i.e. without MFA; compare with "true"'
    return None


def check(resource: Resource, context: Context) -> Result:
    documents = parsed_documents(resource)
    if not documents:
        return not_applicable(
            "no readable policy document (absent, unknown during preview, or unparseable and reported by KG-R20)"
        )
    findings: list[str] = []
    for carried, document in documents:
        for statement in document.statements:
            for condition in statement.conditions:
                finding = _condition_finding(
                    f"{carried.kind} ({carried.path}) {statement.label}", statement, condition
                )
                if finding is not None:
                    findings.append(finding)
    return violations(findings)


RULE = ResourceRule(META, check)
