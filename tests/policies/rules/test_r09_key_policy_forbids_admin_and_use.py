"""KG-R09 kms-key-policy-forbids-admin-and-use: per-principal aggregation across statements."""

from typing import Any

import pytest

from kmsguard.policies.facts import IAM_POLICY_TYPE, KEY_POLICY_TYPE, KEY_TYPE
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r09_key_policy_forbids_admin_and_use import RULE
from tests.policies.golden import (
    ACCOUNT,
    ADMIN_ROLE,
    SERVICE_ROLE,
    USER_ROLE,
    evaluate,
    fired,
    golden,
    golden_key_policy,
    with_policy,
    with_props,
)

KEY = KEY_TYPE
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
OPS_ROLE = f"arn:aws:iam::{ACCOUNT}:role/Operations"
USAGE, SERVICE_GRANTS = 2, 4


def with_extra(*statements: dict[str, Any]) -> Any:
    policy = golden_key_policy()
    policy["Statement"].extend(statements)
    return with_policy(golden(KEY), policy)


def test_golden_key_with_service_grant_management_is_compliant() -> None:
    assert evaluate(RULE, golden(KEY)).outcome is Outcome.COMPLIANT


def test_administrator_added_to_the_users_fires_exactly_r09() -> None:
    policy = golden_key_policy()
    policy["Statement"][USAGE]["Principal"]["AWS"].append(ADMIN_ROLE)
    key = with_policy(golden(KEY), policy)
    assert evaluate(RULE, key).messages == (
        f"{ADMIN_ROLE} holds administration (kms:CancelKeyDeletion, kms:CreateAlias, kms:DeleteAlias, "
        "kms:DisableKey, kms:DisableKeyRotation, kms:EnableKey, kms:EnableKeyRotation, kms:PutKeyPolicy, "
        "kms:RevokeGrant, kms:RotateKeyOnDemand, kms:ScheduleKeyDeletion, kms:TagResource, "
        "kms:UntagResource, kms:UpdateAlias, kms:UpdateKeyDescription) and use (kms:Decrypt, kms:Encrypt, "
        "kms:GenerateDataKey, kms:GenerateDataKeyWithoutPlaintext, kms:ReEncryptFrom, kms:ReEncryptTo) "
        "through statement 'KeyAdministration', statement 'KeyAdministrationCriticalWithMfa', "
        "statement 'KeyUsage'; give administrators and users separate roles",
    )
    assert fired(key) == {"KG-R09"}


def test_duties_split_over_two_unnamed_statements_are_aggregated() -> None:
    key = with_extra(
        {"Effect": "Allow", "Principal": {"AWS": OPS_ROLE}, "Action": "kms:disablekey", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": [OPS_ROLE]}, "Action": "KMS:Sign", "Resource": "*"},
    )
    assert evaluate(RULE, key).messages == (
        f"{OPS_ROLE} holds administration (kms:DisableKey) and use (kms:Sign) through statement #6, "
        "statement #7; give administrators and users separate roles",
    )
    assert fired(key) == {"KG-R09"}


def test_grant_management_without_the_service_condition_is_administration() -> None:
    policy = golden_key_policy()
    policy["Statement"][SERVICE_GRANTS]["Condition"] = {
        "StringEquals": {"kms:ViaService": ["s3.eu-west-1.amazonaws.com"]}
    }
    key = with_policy(golden(KEY), policy)
    assert evaluate(RULE, key).messages == (
        f"{SERVICE_ROLE} holds administration (kms:RevokeGrant) and use (kms:CreateGrant, kms:Decrypt, "
        "kms:Encrypt, kms:GenerateDataKey, kms:GenerateDataKeyWithoutPlaintext, kms:ReEncryptFrom, "
        "kms:ReEncryptTo) through statement 'KeyUsageThroughAwsServices', statement 'ServiceGrants'; give "
        "administrators and users separate roles",
    )
    assert fired(key) == {"KG-R09"}


def test_read_only_administration_is_not_administration() -> None:
    key = with_extra(
        {"Effect": "Allow", "Principal": {"AWS": USER_ROLE},
         "Action": ["kms:GetKeyPolicy", "kms:ListResourceTags"], "Resource": "*"}
    )  # fmt: skip
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT
    assert fired(key) == set()


def test_account_root_with_kms_star_is_exempt_only_when_configured() -> None:
    key = with_extra(
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"}
    )
    result = evaluate(RULE, key)
    assert result.outcome is Outcome.VIOLATION
    assert result.messages[0].startswith(f"{ROOT} holds administration (kms:CancelKeyDeletion, ")
    assert result.messages[0].endswith(
        "through statement 'Root'; give administrators and users separate roles"
    )
    assert fired(key) == {"KG-R05", "KG-R08", "KG-R09"}
    assert evaluate(RULE, key, allowRootBoth=True).outcome is Outcome.COMPLIANT


def test_another_accounts_root_is_never_exempt() -> None:
    key = with_extra(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
         "Action": ["kms:Decrypt", "kms:DisableKey"], "Resource": "*"}
    )  # fmt: skip
    assert evaluate(RULE, key, allowRootBoth=True).outcome is Outcome.VIOLATION


def test_deny_statements_grant_nothing() -> None:
    key = with_extra(
        {"Effect": "Deny", "Principal": {"AWS": USER_ROLE}, "Action": "kms:PutKeyPolicy", "Resource": "*"}
    )
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize(
    ("policy", "reason"),
    [
        (..., "the resource carries no policy document"),
        (UNKNOWN, "the policy is unknown during preview; it is checked once its value is known"),
        ('{"Statement": {"Effect": "Allow"}}', "policy does not parse; see KG-R20"),
    ],
)
def test_absent_unknown_and_unparseable_policies_are_not_applicable(policy: object, reason: str) -> None:
    result = evaluate(RULE, with_props(golden(KEY), policy=policy))
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, reason)


def test_key_policy_resources_are_in_scope_and_identity_policies_are_not() -> None:
    assert RULE.applies_to(KEY_POLICY_TYPE)
    assert not RULE.applies_to(IAM_POLICY_TYPE)
