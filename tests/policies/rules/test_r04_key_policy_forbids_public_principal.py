"""KG-R04 kms-key-policy-forbids-public-principal: each exemption and each non-exemption, exactly."""

from typing import Any

import pytest

from kmsguard.policies.facts import (
    IAM_POLICY_TYPE,
    IAM_ROLE_TYPE,
    KEY_POLICY_TYPE,
    KEY_TYPE,
    REPLICA_KEY_TYPE,
)
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r04_key_policy_forbids_public_principal import RULE
from tests.policies.golden import (
    ACCOUNT,
    OTHER_ACCOUNT,
    USER_ROLE,
    evaluate,
    fired,
    golden,
    golden_key_policy,
    with_policy,
    with_props,
)

KEY = KEY_TYPE
PUBLIC = (
    "statement 'Public' allows the public principal \"*\" without a restricting condition; name the "
    "principals, or add a StringEquals condition on kms:CallerAccount or aws:PrincipalOrgID"
)


def key_with_public(principal: Any, condition: dict | None = None, type_: str = KEY) -> Any:
    policy = golden_key_policy()
    statement: dict[str, Any] = {
        "Sid": "Public",
        "Effect": "Allow",
        "Principal": principal,
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    if condition is not None:
        statement["Condition"] = condition
    policy["Statement"].append(statement)
    return with_policy(golden(type_), policy)


def test_golden_key_is_compliant() -> None:
    assert evaluate(RULE, golden(KEY)).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, {"AWS": [USER_ROLE, "*"]}, {"Service": "*"}])
@pytest.mark.parametrize("type_", [KEY, KEY_POLICY_TYPE, REPLICA_KEY_TYPE])
def test_every_spelling_of_the_public_principal_fires_exactly_r04(principal: Any, type_: str) -> None:
    resource = key_with_public(principal, type_=type_)
    result = evaluate(RULE, resource)
    assert (result.outcome, result.messages) == (Outcome.VIOLATION, (PUBLIC,))
    assert fired(resource) == {"KG-R04"}


MITIGATIONS = [
    pytest.param("StringEquals", "kms:CallerAccount", ACCOUNT, id="pass_caller_account"),
    pytest.param("StringEquals", "aws:PrincipalAccount", ACCOUNT, id="pass_principal_account"),
    pytest.param("StringLike", "aws:PrincipalAccount", ACCOUNT, id="pass_principal_account_like_no_wildcard"),
    pytest.param("ArnEquals", "aws:PrincipalArn", USER_ROLE, id="pass_principal_arn"),
    pytest.param(
        "ArnLike", "aws:PrincipalArn", f"arn:aws:iam::{ACCOUNT}:role/Orders*", id="pass_arn_like_role_prefix"
    ),
    # ArnLike matches field by field: a wildcard partition cannot reach into the account field.
    pytest.param(
        "ArnLike", "aws:PrincipalArn", f"arn:*:iam::{ACCOUNT}:role/*", id="pass_arn_like_any_partition"
    ),
    pytest.param(
        "StringLike", "aws:PrincipalArn", f"arn:aws:iam::{ACCOUNT}:*", id="pass_string_like_own_account_arns"
    ),
    pytest.param("StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5", id="pass_org_id"),
    # ForAnyValue is false when the key is absent, so it still restricts.
    pytest.param(
        "ForAnyValue:StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5", id="pass_for_any_value_org_id"
    ),
    pytest.param(
        "StringLike", "aws:PrincipalOrgPaths", "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*", id="pass_org_path"
    ),
    pytest.param(
        "ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "o-a1b2c3d4e5/*", id="pass_for_any_value_org_path"
    ),
    pytest.param("StringEquals", "aws:SourceAccount", ACCOUNT, id="pass_source_account"),
    pytest.param("ArnLike", "aws:SourceArn", f"arn:aws:s3:::orders-{ACCOUNT}", id="pass_source_bucket_arn"),
    pytest.param(
        "ArnLike",
        "aws:SourceArn",
        f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:*",
        id="pass_source_arn_own_account",
    ),
    pytest.param("StringEquals", "aws:SourceOwner", ACCOUNT, id="pass_source_owner"),
    pytest.param("StringEquals", "aws:SourceOrgID", "o-a1b2c3d4e5", id="pass_source_org_id"),
    pytest.param("StringEquals", "aws:SourceVpc", "vpc-1a2b3c4d", id="pass_source_vpc"),
    pytest.param("StringEquals", "aws:SourceVpce", "vpce-1a2b3c4d", id="pass_source_vpce"),
    pytest.param("StringEqualsIgnoreCase", "aws:userid", "AROAEXAMPLEID:orders", id="pass_userid"),
    pytest.param("StringLike", "aws:userid", "AROAEXAMPLEID:*", id="pass_userid_any_session"),
    # Condition keys are case-insensitive in IAM.
    pytest.param("StringEquals", "KMS:CALLERACCOUNT", ACCOUNT, id="pass_key_in_upper_case"),
]


@pytest.mark.parametrize(("operator", "key", "value"), MITIGATIONS)
def test_each_restricting_condition_makes_the_public_principal_private(
    operator: str, key: str, value: str
) -> None:
    resource = key_with_public("*", {operator: {key: value}})
    assert evaluate(RULE, resource).outcome is Outcome.COMPLIANT
    assert fired(resource) == set()


def test_caller_account_with_via_service_is_private() -> None:
    resource = key_with_public(
        "*",
        {"StringEquals": {"kms:CallerAccount": ACCOUNT, "kms:ViaService": "s3.eu-west-1.amazonaws.com"}},
    )
    assert evaluate(RULE, resource).outcome is Outcome.COMPLIANT
    assert fired(resource) == set()


def test_one_restricting_condition_is_enough_because_conditions_all_apply() -> None:
    resource = key_with_public(
        "*", {"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    )
    assert evaluate(RULE, resource).outcome is Outcome.COMPLIANT


NOT_AN_ARN_IN_ONE_ACCOUNT = "is not an IAM principal ARN in a named account"
NON_MITIGATIONS = [
    # Values that name no party: a wildcard where the account or organisation is named, or a variable.
    pytest.param("StringLike", "aws:PrincipalArn", "arn:aws:iam::*:*",
                 f"'arn:aws:iam::*:*' {NOT_AN_ARN_IN_ONE_ACCOUNT}", id="fail_principal_arn_any_account"),
    pytest.param("StringLike", "aws:PrincipalArn", "arn:*", f"'arn:*' {NOT_AN_ARN_IN_ONE_ACCOUNT}",
                 id="fail_principal_arn_arn_star"),
    pytest.param("StringLike", "aws:PrincipalArn", "?*", f"'?*' {NOT_AN_ARN_IN_ONE_ACCOUNT}",
                 id="fail_principal_arn_question_star"),
    pytest.param("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/Orders",
                 f"'arn:aws:iam::*:role/Orders' {NOT_AN_ARN_IN_ONE_ACCOUNT}", id="fail_arn_like_any_account"),
    pytest.param("ArnLike", "aws:PrincipalArn", "arn:aws:iam::1111222233*:root",
                 f"'arn:aws:iam::1111222233*:root' {NOT_AN_ARN_IN_ONE_ACCOUNT}", id="fail_arn_like_partial_account"),
    # A string operator's `*` runs across `:` (IAM paths may hold `:`), so it can reach any account.
    pytest.param("StringLike", "aws:PrincipalArn", f"arn:*:iam::{ACCOUNT}:role/x",
                 f"'arn:*:iam::{ACCOUNT}:role/x' {NOT_AN_ARN_IN_ONE_ACCOUNT}", id="fail_string_like_star_before_account"),
    pytest.param("StringEquals", "aws:PrincipalArn", "${aws:PrincipalArn}",
                 f"'${{aws:PrincipalArn}}' {NOT_AN_ARN_IN_ONE_ACCOUNT}", id="fail_principal_arn_variable"),
    pytest.param("StringLike", "aws:PrincipalAccount", "????????????",
                 "'????????????' is not an account id (12 digits, no wildcard or variable)",
                 id="fail_account_twelve_question_marks"),
    pytest.param("StringEquals", "aws:PrincipalAccount", "${aws:PrincipalAccount}",
                 "'${aws:PrincipalAccount}' is not an account id (12 digits, no wildcard or variable)",
                 id="fail_account_compared_with_itself"),
    pytest.param("StringLike", "kms:CallerAccount", "1111222233*",
                 "'1111222233*' is not an account id (12 digits, no wildcard or variable)", id="fail_account_prefix"),
    pytest.param("StringLike", "kms:CallerAccount", "*",
                 "'*' is not an account id (12 digits, no wildcard or variable)", id="fail_caller_account_star"),
    pytest.param("StringLike", "aws:PrincipalOrgID", "o-*",
                 "'o-*' is not an organization id (no wildcard or variable)", id="fail_any_organization"),
    pytest.param("StringEquals", "aws:PrincipalOrgID", "${aws:PrincipalOrgID}",
                 "'${aws:PrincipalOrgID}' is not an organization id (no wildcard or variable)", id="fail_org_variable"),
    pytest.param("StringLike", "aws:PrincipalOrgPaths", "o-*/*",
                 "'o-*/*' is not a path under a named organization", id="fail_org_path_any_organization"),
    pytest.param("StringLike", "aws:SourceArn", "arn:aws:s3:::*",
                 "'arn:aws:s3:::*' is not a resource ARN in a named account", id="fail_source_any_bucket"),
    pytest.param("ArnLike", "aws:SourceArn", "arn:aws:s3:::orders-*",
                 "'arn:aws:s3:::orders-*' is not a resource ARN in a named account", id="fail_source_bucket_prefix"),
    pytest.param("StringEquals", "aws:SourceVpce", "vpce-*", "'vpce-*' is not a VPC endpoint id",
                 id="fail_any_vpc_endpoint"),
    pytest.param("StringLike", "aws:userid", "AROA*", "'AROA*' is not a principal's unique id", id="fail_userid_prefix"),
    pytest.param("StringEquals", "aws:SourceAccount", [ACCOUNT, "*"],
                 "'*' is not an account id (12 digits, no wildcard or variable)", id="fail_one_wildcard_among_accounts"),
    # Keys that name no party: any account calls through a service or has a user of that name.
    pytest.param("StringEquals", "kms:ViaService", "s3.eu-west-1.amazonaws.com",
                 "the key does not identify the caller", id="fail_via_service_alone"),
    pytest.param("StringEquals", "aws:username", "orders", "the key does not identify the caller", id="fail_username"),
    pytest.param("StringEquals", "aws:ResourceAccount", ACCOUNT, "the key does not identify the caller",
                 id="fail_resource_account"),
    pytest.param("Bool", "aws:SecureTransport", "true", "the key does not identify the caller", id="fail_secure_transport"),
    pytest.param("StringEquals", "kms:EncryptionContext:tenant", "acme", "the key does not identify the caller",
                 id="fail_encryption_context"),
    # Operators that hold for callers without the key, or for everyone else.
    pytest.param("StringEqualsIfExists", "kms:CallerAccount", ACCOUNT, "IfExists holds when the key is absent",
                 id="fail_if_exists"),
    pytest.param("ForAllValues:StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5",
                 "ForAllValues holds when the key is absent", id="fail_for_all_values"),
    pytest.param("ForAnyValue:StringEqualsIfExists", "aws:PrincipalOrgID", "o-a1b2c3d4e5",
                 "IfExists holds when the key is absent", id="fail_for_any_value_if_exists"),
    pytest.param("StringNotEquals", "kms:CallerAccount", ACCOUNT,
                 "the operator does not match it against named values", id="fail_negated"),
    pytest.param("ArnNotEquals", "aws:PrincipalArn", USER_ROLE,
                 "the operator does not match it against named values", id="fail_negated_arn"),
    pytest.param("ArnEquals", "aws:PrincipalAccount", ACCOUNT,
                 "the operator does not match it against named values", id="fail_arn_operator_on_account"),
    # Operators are matched exactly: a miscased one is not a restricting operator.
    pytest.param("stringequals", "kms:CallerAccount", ACCOUNT,
                 "the operator does not match it against named values", id="fail_miscased_operator"),
    pytest.param("Any:StringEquals", "kms:CallerAccount", ACCOUNT, "Any is not a set operator",
                 id="fail_unknown_set_operator"),
]  # fmt: skip


def public_message(reasons: str) -> str:
    return (
        f"statement 'Public' allows the public principal \"*\" without a restricting condition ({reasons}); "
        "name the principals, or add a StringEquals condition on kms:CallerAccount or aws:PrincipalOrgID"
    )


@pytest.mark.parametrize(("operator", "key", "value", "reason"), NON_MITIGATIONS)
def test_conditions_that_restrict_nothing_do_not_exempt(
    operator: str, key: str, value: Any, reason: str
) -> None:
    resource = key_with_public("*", {operator: {key: value}})
    result = evaluate(RULE, resource)
    assert (result.outcome, result.messages) == (
        Outcome.VIOLATION,
        (public_message(f"{operator} {key}: {reason}"),),
    )
    assert fired(resource) == {"KG-R04"}


def test_every_condition_that_restricts_nothing_is_named() -> None:
    resource = key_with_public(
        "*", {"StringEquals": {"aws:username": "orders", "kms:ViaService": "s3.eu-west-1.amazonaws.com"}}
    )
    assert evaluate(RULE, resource).messages == (
        public_message(
            "StringEquals aws:username: the key does not identify the caller; "
            "StringEquals kms:ViaService: the key does not identify the caller"
        ),
    )


def test_a_restriction_to_another_account_is_private_here_and_r17s_business() -> None:
    resource = key_with_public("*", {"StringEquals": {"aws:PrincipalAccount": OTHER_ACCOUNT}})
    assert evaluate(RULE, resource).outcome is Outcome.COMPLIANT
    assert fired(resource) == {"KG-R17"}


def test_single_object_statement_is_read() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"},
    }
    result = evaluate(RULE, with_policy(golden(KEY), policy))
    assert result.messages == (
        'statement #1 allows the public principal "*" without a restricting condition; name the '
        "principals, or add a StringEquals condition on kms:CallerAccount or aws:PrincipalOrgID",
    )


def test_a_public_deny_is_not_a_grant() -> None:
    policy = golden_key_policy()
    policy["Statement"].append(
        {"Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    )  # fmt: skip
    resource = with_policy(golden(KEY), policy)
    assert evaluate(RULE, resource).outcome is Outcome.COMPLIANT
    assert fired(resource) == set()


@pytest.mark.parametrize(
    ("policy", "reason"),
    [
        (..., "the resource carries no policy document"),
        (UNKNOWN, "the policy is unknown during preview; it is checked once its value is known"),
        ('{"Statement": "nope"}', "policy does not parse; see KG-R20"),
    ],
)
def test_absent_unknown_and_unparseable_policies_are_not_applicable(policy: object, reason: str) -> None:
    result = evaluate(RULE, with_props(golden(KEY), policy=policy))
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, reason)


def test_identity_policies_are_out_of_scope() -> None:
    assert not RULE.applies_to(IAM_POLICY_TYPE)
    assert not RULE.applies_to(IAM_ROLE_TYPE)
