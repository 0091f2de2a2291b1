"""KG-R21 kms-policy-forbids-broken-mfa: misspelled keys, inverted operators, IfExists and "false" on Allow."""

import copy
from typing import Any

import pytest

from kmsguard.policies.facts import (
    ALL_POLICY_CARRIER_TYPES,
    IAM_POLICY_TYPE,
    IAM_USER_POLICY_TYPE,
    KEY_TYPE,
    MFA_AGE_KEY,
    MFA_PRESENT_KEY,
)
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r21_policy_forbids_broken_mfa import RULE
from tests.policies.golden import (
    evaluate,
    fired,
    golden,
    golden_identity_policy,
    golden_key_policy,
    with_policy,
    with_props,
)

KEY = KEY_TYPE
WHERE = "key policy (policy) statement 'KeyAdministrationCriticalWithMfa'"
#: Breaking the MFA condition of the critical-actions statement also leaves those actions without
#: working MFA in a prod key, which KG-R08 reports.
BROKEN_CRITICAL_MFA = {"KG-R08", "KG-R21"}


def _key_with_mfa_condition(condition: dict[str, Any]) -> Any:
    policy = copy.deepcopy(golden_key_policy())
    policy["Statement"][1]["Condition"] = condition
    return with_policy(golden(KEY), policy)


@pytest.mark.parametrize("type_", ALL_POLICY_CARRIER_TYPES)
def test_golden_policy_carriers_are_compliant(type_: str) -> None:
    assert evaluate(RULE, golden(type_)).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize("key", ["aws: MultiFactorAuthAge", "aws:MultiFactorAuthAgeSeconds", "aws:MFAAge"])
def test_misspelled_mfa_age_key_fires(key: str) -> None:
    resource = _key_with_mfa_condition({"Bool": {MFA_PRESENT_KEY: "true"}, "NumericLessThan": {key: "300"}})
    assert evaluate(RULE, resource).messages == (
        f"{WHERE} tests {key!r}, which is not an MFA key and never matches; spell it "
        "aws:MultiFactorAuthPresent or aws:MultiFactorAuthAge",
    )
    assert fired(resource) == BROKEN_CRITICAL_MFA


def test_condition_keys_compare_case_insensitively_as_in_iam() -> None:
    resource = _key_with_mfa_condition(
        {"Bool": {"AWS:multifactorauthpresent": "true"}, "NumericLessThan": {"aws:MULTIFACTORAUTHAGE": "300"}}
    )
    assert evaluate(RULE, resource).outcome is Outcome.COMPLIANT
    assert fired(resource) == set()


def test_inverted_age_operator_on_allow_fires() -> None:
    resource = _key_with_mfa_condition(
        {
            "Bool": {MFA_PRESENT_KEY: "true"},
            "NumericGreaterThan": {MFA_AGE_KEY: "300"},
        }
    )
    assert evaluate(RULE, resource).messages == (
        f"{WHERE} uses NumericGreaterThan on aws:MultiFactorAuthAge in an Allow, which admits only old MFA "
        "sessions; use NumericLessThan",
    )
    assert fired(resource) == BROKEN_CRITICAL_MFA


@pytest.mark.parametrize("operator", ["BoolIfExists", "ForAnyValue:BoolIfExists"])
def test_if_exists_true_on_mfa_present_in_allow_fires(operator: str) -> None:
    resource = _key_with_mfa_condition(
        {
            operator: {MFA_PRESENT_KEY: "true"},
            "NumericLessThan": {MFA_AGE_KEY: "300"},
        }
    )
    assert evaluate(RULE, resource).messages == (
        f"{WHERE} uses {operator} on aws:MultiFactorAuthPresent in an Allow, which passes when the key is "
        "absent (callers without MFA); drop IfExists",
    )
    assert fired(resource) == BROKEN_CRITICAL_MFA


def test_if_exists_on_mfa_age_in_allow_fires() -> None:
    resource = _key_with_mfa_condition(
        {
            "Bool": {MFA_PRESENT_KEY: "true"},
            "NumericLessThanIfExists": {MFA_AGE_KEY: "300"},
        }
    )
    assert evaluate(RULE, resource).messages == (
        f"{WHERE} uses NumericLessThanIfExists on aws:MultiFactorAuthAge in an Allow, which passes when the "
        "key is absent (callers without MFA); drop IfExists",
    )


@pytest.mark.parametrize("value", ["false", False, "FALSE"])
def test_mfa_present_false_on_allow_fires(value: Any) -> None:
    resource = _key_with_mfa_condition(
        {"Bool": {MFA_PRESENT_KEY: value}, "NumericLessThan": {MFA_AGE_KEY: "300"}}
    )
    assert evaluate(RULE, resource).messages == (
        f'{WHERE} allows callers whose aws:MultiFactorAuthPresent is "false", i.e. without MFA; compare '
        'with "true"',
    )
    assert fired(resource) == BROKEN_CRITICAL_MFA


def test_null_true_on_mfa_key_in_allow_fires() -> None:
    resource = _key_with_mfa_condition({"Null": {MFA_PRESENT_KEY: "true"}})
    assert evaluate(RULE, resource).messages == (
        f"{WHERE} allows callers whose aws:MultiFactorAuthPresent is absent, i.e. without MFA; remove the "
        "Null test",
    )


def test_correct_deny_patterns_pass_and_inverted_deny_fires() -> None:
    policy = golden_identity_policy()
    policy["Statement"].append(
        {"Sid": "DenyWithoutMfa", "Effect": "Deny", "Action": "kms:PutKeyPolicy", "Resource": "*",
         "Condition": {"BoolIfExists": {MFA_PRESENT_KEY: "false"},
                       "NumericGreaterThan": {MFA_AGE_KEY: "300"}}}
    )  # fmt: skip
    iam = with_policy(golden(IAM_POLICY_TYPE), policy)
    assert evaluate(RULE, iam).outcome is Outcome.COMPLIANT
    policy["Statement"][1]["Condition"] = {"NumericLessThan": {MFA_AGE_KEY: "300"}}
    inverted = with_policy(golden(IAM_POLICY_TYPE), policy)
    assert evaluate(RULE, inverted).messages == (
        "IAM policy (policy) statement 'DenyWithoutMfa' uses NumericLessThan on aws:MultiFactorAuthAge in "
        "a Deny, which denies only fresh MFA sessions; use NumericGreaterThan",
    )


def test_unknown_or_unparseable_documents_are_not_applicable() -> None:
    for policy in (UNKNOWN, "{"):
        result = evaluate(RULE, with_props(golden(KEY), policy=policy))
        assert result.outcome is Outcome.NOT_APPLICABLE


def test_misspelled_key_in_an_identity_policy_fires_only_r21() -> None:
    policy = golden_identity_policy()
    policy["Statement"][0]["Condition"] = {"NumericLessThan": {"aws: MultiFactorAuthAge": "300"}}
    iam = with_policy(golden(IAM_USER_POLICY_TYPE), policy)
    assert evaluate(RULE, iam).messages == (
        "IAM policy (policy) statement 'UseOrdersKey' tests 'aws: MultiFactorAuthAge', which is not an MFA "
        "key and never matches; spell it aws:MultiFactorAuthPresent or aws:MultiFactorAuthAge",
    )
    assert fired(iam) == {"KG-R21"}
