"""KG-R04 kms-key-policy-forbids-public-principal: each exemption and each non-exemption, exactly."""

from typing import Any

import pytest

from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r04_key_policy_forbids_public_principal import RULE
from tests.policies.golden import (
    ACCOUNT,
    USER_ROLE,
    evaluate,
    fired,
    golden,
    golden_key_policy,
    with_policy,
    with_props,
)

KEY = "aws:kms/key:Key"
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
@pytest.mark.parametrize("type_", [KEY, "aws:kms/keyPolicy:KeyPolicy", "aws:kms/replicaKey:ReplicaKey"])
def test_every_spelling_of_the_public_principal_fires_exactly_r04(principal: Any, type_: str) -> None:
    resource = key_with_public(principal, type_=type_)
    result = evaluate(RULE, resource)
    assert (result.outcome, result.messages) == (Outcome.VIOLATION, (PUBLIC,))
    assert fired(resource) == {"KG-R04"}


MITIGATIONS = [
    ("StringEquals", "kms:CallerAccount", ACCOUNT),
    ("StringEquals", "kms:ViaService", "s3.eu-west-1.amazonaws.com"),
    ("StringEquals", "aws:PrincipalAccount", ACCOUNT),
    ("ArnEquals", "aws:PrincipalArn", USER_ROLE),
    ("ArnLike", "aws:PrincipalArn", f"arn:aws:iam::{ACCOUNT}:role/Orders*"),
    ("StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5"),
    ("StringLike", "aws:PrincipalOrgPaths", "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"),
    ("StringEquals", "aws:SourceAccount", ACCOUNT),
    ("ArnLike", "aws:SourceArn", f"arn:aws:s3:::orders-{ACCOUNT}"),
    ("StringEquals", "aws:SourceOwner", ACCOUNT),
    ("StringEquals", "aws:SourceVpc", "vpc-1a2b3c4d"),
    ("StringEquals", "aws:SourceVpce", "vpce-1a2b3c4d"),
    ("StringEqualsIgnoreCase", "aws:userid", "AROAEXAMPLEID:orders"),
    ("StringEquals", "aws:username", "orders"),
    # Condition keys are case-insensitive in IAM.
    ("StringEquals", "KMS:CALLERACCOUNT", ACCOUNT),
]


@pytest.mark.parametrize(("operator", "key", "value"), MITIGATIONS)
def test_each_mitigating_condition_makes_the_public_principal_private(
    operator: str, key: str, value: str
) -> None:
    resource = key_with_public("*", {operator: {key: value}})
    assert evaluate(RULE, resource).outcome is Outcome.COMPLIANT
    assert "KG-R04" not in fired(resource)


NON_MITIGATIONS = [
    ("StringEqualsIfExists", "kms:CallerAccount", ACCOUNT),
    ("StringNotEquals", "kms:CallerAccount", ACCOUNT),
    ("ArnNotEquals", "aws:PrincipalArn", USER_ROLE),
    ("ForAnyValue:StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5"),
    ("StringLike", "kms:CallerAccount", "*"),
    ("Bool", "aws:SecureTransport", "true"),
    ("StringEquals", "kms:EncryptionContext:tenant", "acme"),
    # Operators are matched exactly: a miscased one is not a restricting operator.
    ("stringequals", "kms:CallerAccount", ACCOUNT),
]


@pytest.mark.parametrize(("operator", "key", "value"), NON_MITIGATIONS)
def test_conditions_that_restrict_nothing_do_not_exempt(operator: str, key: str, value: str) -> None:
    result = evaluate(RULE, key_with_public("*", {operator: {key: value}}))
    assert (result.outcome, result.messages) == (Outcome.VIOLATION, (PUBLIC,))


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
    assert not RULE.applies_to("aws:iam/policy:Policy")
    assert not RULE.applies_to("aws:iam/role:Role")
