"""KG-R11 kms-policy-forbids-alias-arn-resource: alias ARNs as policy resources, key and IAM policies."""

from typing import Any

import pytest

from kmsguard.policies.facts import (
    EXTERNAL_KEY_TYPE,
    IAM_GROUP_POLICY_TYPE,
    IAM_POLICY_TYPE,
    IAM_ROLE_POLICY_TYPE,
    IAM_ROLE_TYPE,
    IAM_USER_POLICY_TYPE,
    KEY_POLICY_TYPE,
    KEY_TYPE,
    REPLICA_EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
)
from kmsguard.policies.rule import UNKNOWN, Outcome, Resource
from kmsguard.policies.rules.r11_policy_forbids_alias_arn_resource import RULE
from tests.policies.golden import (
    ACCOUNT,
    REGION,
    evaluate,
    fired,
    golden,
    golden_identity_policy,
    golden_key_policy,
    with_policy,
    with_props,
)

ALIAS_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/prod-orders-payments"
IAM_TYPES = [
    IAM_POLICY_TYPE,
    IAM_ROLE_POLICY_TYPE,
    IAM_USER_POLICY_TYPE,
    IAM_GROUP_POLICY_TYPE,
]
KEY_TYPES = [
    KEY_TYPE,
    EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
    REPLICA_EXTERNAL_KEY_TYPE,
    KEY_POLICY_TYPE,
]


@pytest.mark.parametrize("type_", [*KEY_TYPES, *IAM_TYPES, IAM_ROLE_TYPE])
def test_golden_policies_are_compliant(type_: str) -> None:
    assert evaluate(RULE, golden(type_)).outcome is Outcome.COMPLIANT


def _identity_with_resource(resource: object) -> dict[str, Any]:
    policy = golden_identity_policy()
    policy["Statement"][0]["Resource"] = resource
    return policy


@pytest.mark.parametrize("type_", IAM_TYPES)
def test_alias_arn_in_identity_policy_fires_exactly_r11(type_: str) -> None:
    resource = with_policy(golden(type_), _identity_with_resource([ALIAS_ARN]))
    result = evaluate(RULE, resource)
    assert result.messages == (
        f"IAM policy policy statement 'UseOrdersKey' names alias ARN {ALIAS_ARN!r} in Resource, which "
        "matches no key, so it allows nothing; use the key ARN, and kms:RequestAlias or "
        "kms:ResourceAliases conditions to scope by alias",
    )
    assert fired(resource) == {"KG-R11"}


def test_role_inline_policy_names_its_path() -> None:
    role = with_policy(golden(IAM_ROLE_TYPE), _identity_with_resource(ALIAS_ARN))
    assert evaluate(RULE, role).messages == (
        f"IAM policy inlinePolicies[0].policy statement 'UseOrdersKey' names alias ARN {ALIAS_ARN!r} in "
        "Resource, which matches no key, so it allows nothing; use the key ARN, and kms:RequestAlias or "
        "kms:ResourceAliases conditions to scope by alias",
    )
    assert fired(role) == {"KG-R11"}


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:kms:*:111122223333:alias/*",
        "arn:aws-cn:kms:cn-north-1:111122223333:alias/prod-orders-payments",
        "arn:aws-us-gov:kms:us-gov-west-1:*:alias/x",
    ],
)
def test_alias_arns_in_any_partition_and_with_wildcards_are_caught(arn: str) -> None:
    resource = with_policy(golden(IAM_POLICY_TYPE), _identity_with_resource(arn))
    assert evaluate(RULE, resource).outcome is Outcome.VIOLATION


@pytest.mark.parametrize(
    "arn", ["arn:aws:kms:eu-west-1:111122223333:key/*", "*", "arn:aws:s3:::alias/bucket-object"]
)
def test_key_arns_and_other_services_are_not_alias_arns(arn: str) -> None:
    resource = with_policy(golden(IAM_POLICY_TYPE), _identity_with_resource(arn))
    assert evaluate(RULE, resource).outcome is Outcome.COMPLIANT


def test_deny_with_alias_arn_says_it_denies_nothing() -> None:
    policy = golden_key_policy()
    policy["Statement"].append(
        {"Sid": "DenyOthers", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
         "Resource": ALIAS_ARN, "Condition": {"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}}
    )  # fmt: skip
    key = with_policy(golden(KEY_TYPE), policy)
    assert evaluate(RULE, key).messages == (
        f"key policy policy statement 'DenyOthers' names alias ARN {ALIAS_ARN!r} in Resource, which "
        "matches no key, so it denies nothing; use the key ARN, and kms:RequestAlias or "
        "kms:ResourceAliases conditions to scope by alias",
    )
    assert fired(key) == {"KG-R11"}


def test_not_resource_with_alias_arn_excludes_nothing() -> None:
    policy = golden_identity_policy()
    statement = policy["Statement"][0]
    del statement["Resource"]
    statement["Effect"] = "Deny"
    statement["NotResource"] = [ALIAS_ARN]
    resource = with_policy(golden(IAM_POLICY_TYPE), policy)
    assert evaluate(RULE, resource).messages == (
        f"IAM policy policy statement 'UseOrdersKey' names alias ARN {ALIAS_ARN!r} in NotResource, which "
        "matches no key, so it excludes nothing; use the key ARN, and kms:RequestAlias or "
        "kms:ResourceAliases conditions to scope by alias",
    )


@pytest.mark.parametrize(
    ("resource", "reason"),
    [
        (with_props(golden(KEY_TYPE), policy=...), "the resource carries no policy document"),
        (with_props(golden(KEY_TYPE), policy=UNKNOWN),
         "the policy is unknown during preview; it is checked at update"),
        (with_props(golden(IAM_POLICY_TYPE), policy="{not json"), "the policy does not parse; see KG-R20"),
    ],
)  # fmt: skip
def test_absent_unknown_and_unparseable_policies_are_not_applicable(resource: Resource, reason: str) -> None:
    result = evaluate(RULE, resource)
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, reason)


def test_scope_is_every_policy_carrier() -> None:
    assert set(RULE.meta.resource_types) == {
        *KEY_TYPES,
        *IAM_TYPES,
        "aws:iam/role:Role",
        "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
    }
