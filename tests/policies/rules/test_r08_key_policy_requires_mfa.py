"""KG-R08 kms-key-policy-requires-mfa: only a working MFA condition counts, per environment."""

from typing import Any

import pytest

from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r08_key_policy_requires_mfa import RULE
from tests.policies.golden import (
    ADMIN_ROLE,
    DEPLOYER_ROLE,
    TAGS,
    USER_ROLE,
    evaluate,
    fired,
    golden,
    golden_key_policy,
    with_policy,
    with_props,
)

KEY = "aws:kms/key:Key"
ADMIN_MFA = 1
HELD = "kms:DeleteAlias, kms:PutKeyPolicy, kms:ScheduleKeyDeletion"


def message(label: str, principals: str, held: str = HELD, age: int = 300) -> str:
    return (
        f"{label} allows {held} to {principals} without a working MFA condition; require Bool "
        f'aws:MultiFactorAuthPresent "true" and NumericLessThan aws:MultiFactorAuthAge {age}, or list '
        "the deploying role in deployerPrincipals"
    )


CRITICAL_NO_MFA = message("statement 'KeyAdministrationCriticalWithMfa'", ADMIN_ROLE)


def key_with_mfa_condition(condition: Any) -> Any:
    policy = golden_key_policy()
    if condition is ...:
        del policy["Statement"][ADMIN_MFA]["Condition"]
    else:
        policy["Statement"][ADMIN_MFA]["Condition"] = condition
    return with_policy(golden(KEY), policy)


def test_golden_key_is_compliant() -> None:
    assert evaluate(RULE, golden(KEY)).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize(
    ("condition", "others"),
    [
        (..., set()),
        ({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, set()),
        ({"NumericLessThan": {"aws:MultiFactorAuthAge": "300"}}, set()),
        # An Allow only for sessions WITHOUT MFA: KG-R21 reports the inverted value too.
        ({"Bool": {"aws:MultiFactorAuthPresent": "false"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "300"}}, {"KG-R21"}),
        ({"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}, set()),
        ({"Bool": {"aws:MultiFactorAuthPresent": "true"},
          "NumericLessThan": {"aws:MultiFactorAuthAge": ["300", "86400"]}}, set()),
        # The traps KG-R21 also reports: conditions that look right but cannot work.
        ({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"},
          "NumericLessThan": {"aws:MultiFactorAuthAge": "300"}}, {"KG-R21"}),
        ({"Bool": {"aws:MultiFactorAuthPresent": "true"},
          "NumericLessThan": {"aws: MultiFactorAuthAge": "300"}}, {"KG-R21"}),
        ({"Bool": {"aws:MultiFactorAuthPresent": "true"},
          "NumericGreaterThan": {"aws:MultiFactorAuthAge": "300"}}, {"KG-R21"}),
    ],
)  # fmt: skip
def test_missing_or_non_working_mfa_fires(condition: Any, others: set[str]) -> None:
    key = key_with_mfa_condition(condition)
    result = evaluate(RULE, key)
    assert (result.outcome, result.messages) == (Outcome.VIOLATION, (CRITICAL_NO_MFA,))
    assert fired(key) == {"KG-R08", *others}


def test_operators_must_be_spelled_exactly() -> None:
    key = key_with_mfa_condition(
        {"bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "300"}}
    )
    assert evaluate(RULE, key).messages == (CRITICAL_NO_MFA,)


@pytest.mark.parametrize(
    "condition",
    [
        {"Bool": {"AWS:MULTIFACTORAUTHPRESENT": "true"}, "NumericLessThan": {"aws:multifactorauthage": "300"}},
        {"Bool": {"aws:MultiFactorAuthPresent": True}, "NumericLessThanEquals": {"aws:MultiFactorAuthAge": 300.0}},
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "60"}},
    ],
)  # fmt: skip
def test_working_mfa_passes_in_any_key_case_and_value_type(condition: Any) -> None:
    assert evaluate(RULE, key_with_mfa_condition(condition)).outcome is Outcome.COMPLIANT


def test_maximum_age_is_configurable() -> None:
    key = key_with_mfa_condition(
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "900"}}
    )
    assert evaluate(RULE, key, maxMfaAgeSeconds=900.0).outcome is Outcome.COMPLIANT
    assert evaluate(RULE, key, maxMfaAgeSeconds=600.0).messages == (
        message("statement 'KeyAdministrationCriticalWithMfa'", ADMIN_ROLE, age=600),
    )


def deployer_statement(principals: Any) -> Any:
    policy = golden_key_policy()
    policy["Statement"].append(
        {"Sid": "Deployer", "Effect": "Allow", "Principal": {"AWS": principals},
         "Action": ["kms:PutKeyPolicy", "kms:DescribeKey"], "Resource": "*"}
    )  # fmt: skip
    return with_policy(golden(KEY), policy)


def test_deployer_keeps_put_key_policy_without_mfa_only_when_listed() -> None:
    key = deployer_statement([DEPLOYER_ROLE])
    assert evaluate(RULE, key).messages == (
        message("statement 'Deployer'", DEPLOYER_ROLE, "kms:PutKeyPolicy"),
    )
    assert fired(key) == {"KG-R08"}
    assert evaluate(RULE, key, deployerPrincipals=[DEPLOYER_ROLE]).outcome is Outcome.COMPLIANT
    assert fired(key, config={"KG-R08": {"deployerPrincipals": [DEPLOYER_ROLE]}}) == set()


def test_only_the_non_deployer_principals_of_a_shared_statement_are_named() -> None:
    key = deployer_statement([DEPLOYER_ROLE, USER_ROLE])
    assert evaluate(RULE, key, deployerPrincipals=[DEPLOYER_ROLE]).messages == (
        message("statement 'Deployer'", USER_ROLE, "kms:PutKeyPolicy"),
    )


def test_critical_actions_are_configurable() -> None:
    result = evaluate(RULE, golden(KEY), criticalActions=["PutKeyPolicy", "DisableKey"])
    assert result.messages == (message("statement 'KeyAdministration'", ADMIN_ROLE, "kms:DisableKey"),)


def test_wildcards_and_not_action_reach_critical_actions() -> None:
    policy = golden_key_policy()
    policy["Statement"].append(
        {"Sid": "Public", "Effect": "Allow", "Principal": "*", "NotAction": "kms:Decrypt", "Resource": "*"}
    )
    assert evaluate(RULE, with_policy(golden(KEY), policy)).messages == (
        message("statement 'Public'", "*", "kms:DeleteAlias, kms:DeleteImportedKeyMaterial, kms:PutKeyPolicy, "
                "kms:ScheduleKeyDeletion"),
    )  # fmt: skip


@pytest.mark.parametrize(("environment", "stack"), [("dev", "prod"), ("staging", "staging")])
def test_environments_without_the_requirement_are_not_applicable(environment: str, stack: str) -> None:
    key = with_props(key_with_mfa_condition(...), tags={**TAGS, "Environment": environment})
    result = evaluate(RULE, key, stack=stack)
    assert (result.outcome, result.reason) == (
        Outcome.NOT_APPLICABLE,
        f"MFA is not required in environment {environment!r}",
    )
    assert evaluate(RULE, key, stack=stack, requireMfa={"*": True}).messages == (CRITICAL_NO_MFA,)


def test_stack_name_decides_when_the_tag_is_absent() -> None:
    untagged = with_props(
        key_with_mfa_condition(...), tags={k: v for k, v in TAGS.items() if k != "Environment"}
    )
    assert evaluate(RULE, untagged, stack="prod").messages == (CRITICAL_NO_MFA,)
    assert evaluate(RULE, untagged, stack="dev").outcome is Outcome.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("policy", "reason"),
    [
        (..., "the resource carries no policy document"),
        (UNKNOWN, "the policy is unknown during preview; it is checked once its value is known"),
        ('{"Statement": {"Effect": "Permit", "Action": "kms:*"}}', "policy does not parse; see KG-R20"),
    ],
)
def test_absent_unknown_and_unparseable_policies_are_not_applicable(policy: object, reason: str) -> None:
    result = evaluate(RULE, with_props(golden(KEY), policy=policy))
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, reason)
