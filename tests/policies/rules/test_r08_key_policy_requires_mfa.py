"""KG-R08 kms-key-policy-requires-mfa: only a working MFA condition counts, per environment."""

import json
from typing import Any

import pytest

from kmsguard.policies.facts import KEY_TYPE, MFA_AGE_KEY, MFA_PRESENT_KEY
from kmsguard.policies.rule import UNKNOWN, Context, Outcome
from kmsguard.policies.rules.r08_key_policy_requires_mfa import RULE
from tests.policies.golden import (
    ADMIN_ROLE,
    DEPLOYER_ROLE,
    STACK_CONFIG,
    TAGS,
    USER_ROLE,
    evaluate,
    fired,
    golden,
    golden_key_policy,
    with_policy,
    with_props,
)

KEY = KEY_TYPE
ADMIN_MFA = 1
HELD = "kms:DeleteAlias, kms:PutKeyPolicy, kms:ScheduleKeyDeletion"
ALL_CRITICAL = "kms:DeleteAlias, kms:DeleteImportedKeyMaterial, kms:PutKeyPolicy, kms:ScheduleKeyDeletion"


def mfa(age: int = 300) -> str:
    return f'Bool aws:MultiFactorAuthPresent "true" and NumericLessThan aws:MultiFactorAuthAge {age}'


def on_this(age: int = 300) -> str:
    return f"require {mfa(age)} on this statement"


def own(held: str, age: int = 300) -> str:
    return f"move {held} to a statement of their own that requires {mfa(age)}"


def maybe_deployer(who: str, fix: str) -> str:
    """No deployer is stated: roles that keep PutKeyPolicy may be it, so stating it is offered first."""
    return (
        f"if {who} runs `pulumi up`, state it as the stack's deployer (kmsguard:catalog "
        f"defaults.deployer, or this rule's deployerPrincipals); otherwise {fix}"
    )


def message(label: str, principals: str, fix: str, held: str = HELD) -> str:
    return f"{label} allows {held} to {principals} without a working MFA condition; {fix}"


CRITICAL_NO_MFA = message(
    "statement 'KeyAdministrationCriticalWithMfa'", ADMIN_ROLE, maybe_deployer(ADMIN_ROLE, on_this())
)


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
        ({"Bool": {MFA_PRESENT_KEY: "true"}}, set()),
        ({"NumericLessThan": {MFA_AGE_KEY: "300"}}, set()),
        # An Allow only for sessions WITHOUT MFA: KG-R21 reports the inverted value too.
        ({"Bool": {MFA_PRESENT_KEY: "false"}, "NumericLessThan": {MFA_AGE_KEY: "300"}}, {"KG-R21"}),
        ({"Bool": {MFA_PRESENT_KEY: "true"}, "NumericLessThan": {MFA_AGE_KEY: "3600"}}, set()),
        ({"Bool": {MFA_PRESENT_KEY: "true"},
          "NumericLessThan": {MFA_AGE_KEY: ["300", "86400"]}}, set()),
        # The traps KG-R21 also reports: conditions that look right but cannot work.
        ({"BoolIfExists": {MFA_PRESENT_KEY: "true"},
          "NumericLessThan": {MFA_AGE_KEY: "300"}}, {"KG-R21"}),
        ({"Bool": {MFA_PRESENT_KEY: "true"},
          "NumericLessThan": {"aws: MultiFactorAuthAge": "300"}}, {"KG-R21"}),
        ({"Bool": {MFA_PRESENT_KEY: "true"},
          "NumericGreaterThan": {MFA_AGE_KEY: "300"}}, {"KG-R21"}),
    ],
)  # fmt: skip
def test_missing_or_non_working_mfa_fires(condition: Any, others: set[str]) -> None:
    key = key_with_mfa_condition(condition)
    result = evaluate(RULE, key)
    assert (result.outcome, result.messages) == (Outcome.VIOLATION, (CRITICAL_NO_MFA,))
    assert fired(key) == {"KG-R08", *others}


def test_operators_must_be_spelled_exactly() -> None:
    key = key_with_mfa_condition({"bool": {MFA_PRESENT_KEY: "true"}, "NumericLessThan": {MFA_AGE_KEY: "300"}})
    assert evaluate(RULE, key).messages == (CRITICAL_NO_MFA,)


@pytest.mark.parametrize(
    "condition",
    [
        {"Bool": {"AWS:MULTIFACTORAUTHPRESENT": "true"}, "NumericLessThan": {"aws:multifactorauthage": "300"}},
        {"Bool": {MFA_PRESENT_KEY: True}, "NumericLessThanEquals": {MFA_AGE_KEY: 300.0}},
        {"Bool": {MFA_PRESENT_KEY: "true"}, "NumericLessThan": {MFA_AGE_KEY: "60"}},
    ],
)  # fmt: skip
def test_working_mfa_passes_in_any_key_case_and_value_type(condition: Any) -> None:
    assert evaluate(RULE, key_with_mfa_condition(condition)).outcome is Outcome.COMPLIANT


def test_maximum_age_is_configurable() -> None:
    key = key_with_mfa_condition({"Bool": {MFA_PRESENT_KEY: "true"}, "NumericLessThan": {MFA_AGE_KEY: "900"}})
    assert evaluate(RULE, key, maxMfaAgeSeconds=900.0).outcome is Outcome.COMPLIANT
    assert evaluate(RULE, key, maxMfaAgeSeconds=600.0).messages == (
        message(
            "statement 'KeyAdministrationCriticalWithMfa'",
            ADMIN_ROLE,
            maybe_deployer(ADMIN_ROLE, on_this(600)),
        ),
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
        message(
            "statement 'Deployer'",
            DEPLOYER_ROLE,
            maybe_deployer(DEPLOYER_ROLE, own("kms:PutKeyPolicy")),
            "kms:PutKeyPolicy",
        ),
    )
    assert fired(key) == {"KG-R08"}
    assert evaluate(RULE, key, deployerPrincipals=[DEPLOYER_ROLE]).outcome is Outcome.COMPLIANT
    assert fired(key, config={"KG-R08": {"deployerPrincipals": [DEPLOYER_ROLE]}}) == set()


def test_only_the_non_deployer_principals_of_a_shared_statement_are_named() -> None:
    key = deployer_statement([DEPLOYER_ROLE, USER_ROLE])
    # The deployer is known, so the other role is not it: the fix is MFA.
    assert evaluate(RULE, key, deployerPrincipals=[DEPLOYER_ROLE]).messages == (
        message("statement 'Deployer'", USER_ROLE, own("kms:PutKeyPolicy"), "kms:PutKeyPolicy"),
    )


def test_critical_actions_are_configurable() -> None:
    result = evaluate(RULE, golden(KEY), criticalActions=["PutKeyPolicy", "DisableKey"])
    assert result.messages == (
        message("statement 'KeyAdministration'", ADMIN_ROLE, own("kms:DisableKey"), "kms:DisableKey"),
    )


def test_wildcards_and_not_action_reach_critical_actions() -> None:
    policy = golden_key_policy()
    policy["Statement"].append(
        {"Sid": "Public", "Effect": "Allow", "Principal": "*", "NotAction": "kms:Decrypt", "Resource": "*"}
    )
    assert evaluate(RULE, with_policy(golden(KEY), policy)).messages == (
        message("statement 'Public'", "*", own(ALL_CRITICAL), ALL_CRITICAL),
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


def declaring(deployer: Any) -> dict[str, str]:
    """The stack config the pack receives from a stack whose catalog states this deployer."""
    return {**STACK_CONFIG, "kmsguard:catalog": json.dumps({"defaults": {"deployer": deployer}})}


def in_stack(key: Any, stack_config: dict[str, str], **config: Any) -> Any:
    context = Context(
        stack="prod",
        project="kmsguard",
        config={**RULE.meta.config_defaults(), **config},
        stack_config=stack_config,
    )
    return RULE.check(key, context)


def test_deployer_the_stack_states_keeps_put_key_policy_without_mfa() -> None:
    assert (
        in_stack(deployer_statement([DEPLOYER_ROLE]), declaring(DEPLOYER_ROLE)).outcome is Outcome.COMPLIANT
    )


def test_explicit_deployer_principals_override_the_stack() -> None:
    key = deployer_statement([DEPLOYER_ROLE])
    assert in_stack(key, declaring(DEPLOYER_ROLE), deployerPrincipals=[USER_ROLE]).messages == (
        message("statement 'Deployer'", DEPLOYER_ROLE, own("kms:PutKeyPolicy"), "kms:PutKeyPolicy"),
    )


def test_with_a_stated_deployer_other_roles_are_told_to_use_mfa() -> None:
    """The fix matches the statement: a known deployer means the administrators' statement is not it."""
    key = key_with_mfa_condition(...)
    assert in_stack(key, declaring(DEPLOYER_ROLE)).messages == (
        message("statement 'KeyAdministrationCriticalWithMfa'", ADMIN_ROLE, on_this()),
    )


@pytest.mark.parametrize(
    "stack_config",
    [
        pytest.param(declaring([DEPLOYER_ROLE]), id="fail_deployer_a_list"),
        pytest.param({**STACK_CONFIG, "kmsguard:catalog": "{"}, id="fail_catalog_not_json"),
        pytest.param(
            {**STACK_CONFIG, "kmsguard:catalog": json.dumps({"data_classes": [{"deployer": DEPLOYER_ROLE}]})},
            id="fail_deployer_in_a_data_class",
        ),
    ],
)
def test_a_deployer_the_stack_does_not_state_readably_is_not_exempt(stack_config: dict[str, str]) -> None:
    assert in_stack(deployer_statement([DEPLOYER_ROLE]), stack_config).messages == (
        message(
            "statement 'Deployer'",
            DEPLOYER_ROLE,
            maybe_deployer(DEPLOYER_ROLE, own("kms:PutKeyPolicy")),
            "kms:PutKeyPolicy",
        ),
    )


def test_a_non_role_keeping_put_key_policy_is_not_offered_the_deployer_fix() -> None:
    user = "arn:aws:iam::111122223333:user/alice"
    assert evaluate(RULE, deployer_statement([user])).messages == (
        message("statement 'Deployer'", user, own("kms:PutKeyPolicy"), "kms:PutKeyPolicy"),
    )


def test_principals_match_the_stated_deployer_exactly() -> None:
    """ARNs are case-sensitive: another spelling is another role, and a deployer is stated, so MFA is the fix."""
    assert in_stack(deployer_statement([DEPLOYER_ROLE]), declaring(DEPLOYER_ROLE.lower())).messages == (
        message("statement 'Deployer'", DEPLOYER_ROLE, own("kms:PutKeyPolicy"), "kms:PutKeyPolicy"),
    )
