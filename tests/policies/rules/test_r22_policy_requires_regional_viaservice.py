"""KG-R22 kms-policy-requires-regional-viaservice: ViaService values need `<service>.<region>.amazonaws.com`."""

import copy
from typing import Any

import pytest

from kmsguard.policies.facts import ALL_POLICY_CARRIER_TYPES, IAM_ROLE_POLICY_TYPE, KEY_TYPE
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r22_policy_requires_regional_viaservice import RULE
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
WHERE = "key policy (policy) statement 'KeyUsageThroughAwsServices'"


def _key_with_via_service(value: Any, operator: str = "StringEquals") -> Any:
    policy = copy.deepcopy(golden_key_policy())
    policy["Statement"][3]["Condition"] = {
        operator: {"kms:ViaService": value, "kms:CallerAccount": "111122223333"}
    }
    return with_policy(golden(KEY), policy)


@pytest.mark.parametrize("type_", ALL_POLICY_CARRIER_TYPES)
def test_golden_policy_carriers_are_compliant(type_: str) -> None:
    assert evaluate(RULE, golden(type_)).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize("value", ["s3.amazonaws.com", "s3.amazonaws.com.cn"])
def test_value_without_region_fires(value: str) -> None:
    key = _key_with_via_service([value])
    assert evaluate(RULE, key).messages == (
        f"{WHERE} has kms:ViaService value {value!r} without a region, which never matches; write "
        "<service>.<region>.amazonaws.com, one value per region the key lives in",
    )
    assert fired(key) == {"KG-R22"}


@pytest.mark.parametrize(
    "value",
    ["s3.eu-west-1", "S3.EU-WEST-1.AMAZONAWS.COM", "s3.eu-west-1.amazonaws.com ", "arn:aws:s3:::bucket"],
)
def test_malformed_values_fire(value: str) -> None:
    key = _key_with_via_service(value)
    assert evaluate(RULE, key).messages == (
        f"{WHERE} has kms:ViaService value {value!r}, which is not <service>.<region>.amazonaws.com and "
        "never matches; fix the value",
    )
    assert fired(key) == {"KG-R22"}


@pytest.mark.parametrize(
    ("value", "operator"),
    [
        ("s3.eu-west-1.amazonaws.com", "StringEquals"),
        (["s3.eu-west-1.amazonaws.com", "s3.us-east-1.amazonaws.com"], "StringEquals"),
        ("rds.cn-north-1.amazonaws.com.cn", "StringEquals"),
        ("ec2.us-gov-west-1.amazonaws.com", "StringEquals"),
        ("s3.*.amazonaws.com", "StringLike"),
    ],
)
def test_regional_values_pass(value: Any, operator: str) -> None:
    assert evaluate(RULE, _key_with_via_service(value, operator)).outcome is Outcome.COMPLIANT


def test_region_wildcard_is_only_a_pattern_under_like_operators() -> None:
    key = _key_with_via_service("s3.*.amazonaws.com")
    assert evaluate(RULE, key).messages == (
        f"{WHERE} has kms:ViaService value 's3.*.amazonaws.com', which is not "
        "<service>.<region>.amazonaws.com and never matches; fix the value",
    )
    assert evaluate(RULE, _key_with_via_service("*.amazonaws.com", "StringLike")).outcome is Outcome.VIOLATION


def test_key_name_compares_case_insensitively_in_identity_policies() -> None:
    policy = golden_identity_policy()
    policy["Statement"][0]["Condition"] = {"StringEquals": {"KMS:viaservice": "secretsmanager.amazonaws.com"}}
    iam = with_policy(golden(IAM_ROLE_POLICY_TYPE), policy)
    assert evaluate(RULE, iam).messages == (
        "IAM policy (policy) statement 'UseOrdersKey' has kms:ViaService value 'secretsmanager.amazonaws.com' "
        "without a region, which never matches; write <service>.<region>.amazonaws.com, one value per "
        "region the key lives in",
    )
    assert fired(iam) == {"KG-R22"}


def test_unknown_or_unparseable_documents_are_not_applicable() -> None:
    for policy in (UNKNOWN, "{"):
        result = evaluate(RULE, with_props(golden(KEY), policy=policy))
        assert result.outcome is Outcome.NOT_APPLICABLE
