"""KG-R06 iam-policy-limits-kms-access: kms:* and decryption on all keys in identity policies."""

from typing import Any

import pytest

from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r06_iam_policy_limits_kms_access import RULE
from tests.policies.golden import KEY_ARN, evaluate, fired, golden, with_policy, with_props

POLICY = "aws:iam/policy:Policy"
IAM_TYPES = [
    POLICY,
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
    "aws:iam/role:Role",
]


def identity(statement: dict[str, Any], type_: str = POLICY) -> Any:
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "UseOrdersKey", "Effect": "Allow", **statement}],
    }
    return with_policy(golden(type_), document)


def prefix(type_: str) -> str:
    return "inlinePolicies[0].policy: " if type_ == "aws:iam/role:Role" else ""


@pytest.mark.parametrize("type_", IAM_TYPES)
def test_golden_identity_policies_are_compliant(type_: str) -> None:
    assert evaluate(RULE, golden(type_)).outcome is Outcome.COMPLIANT
    assert fired(golden(type_)) == set()


@pytest.mark.parametrize("type_", IAM_TYPES)
@pytest.mark.parametrize("action", ["kms:*", "KMS:*", "*"])
def test_kms_star_fires_exactly_r06(type_: str, action: str) -> None:
    resource = identity({"Action": action, "Resource": [KEY_ARN]}, type_)
    result = evaluate(RULE, resource)
    assert result.messages == (
        f"{prefix(type_)}statement 'UseOrdersKey' allows {action} (every KMS action); list the KMS actions needed",
    )
    assert fired(resource) == {"KG-R06"}


@pytest.mark.parametrize("type_", IAM_TYPES)
@pytest.mark.parametrize(
    ("actions", "shown"),
    [
        ("kms:Decrypt", "kms:Decrypt"),
        (["kms:ReEncryptFrom"], "kms:ReEncryptFrom"),
        (["kms:decrypt", "kms:ReEncrypt*"], "kms:Decrypt, kms:ReEncryptFrom"),
    ],
)
def test_decryption_on_all_keys_without_condition_fires(type_: str, actions: Any, shown: str) -> None:
    resource = identity({"Action": actions, "Resource": "*"}, type_)
    assert evaluate(RULE, resource).messages == (
        f"{prefix(type_)}statement 'UseOrdersKey' allows {shown} on all keys without a condition; name the "
        "key ARNs in Resource or add a condition such as kms:ViaService",
    )
    assert fired(resource) == {"KG-R06"}


@pytest.mark.parametrize(
    "resource_arn",
    ["arn:aws:kms:*:111122223333:key/*", "arn:aws:kms:eu-west-1:111122223333:*", "arn:aws:*:*:*:*"],
)
def test_key_arn_wildcards_are_all_keys(resource_arn: str) -> None:
    result = evaluate(RULE, identity({"Action": "kms:Decrypt", "Resource": resource_arn}))
    assert result.outcome is Outcome.VIOLATION


def test_decryption_on_all_keys_with_a_condition_passes() -> None:
    resource = identity(
        {"Action": "kms:Decrypt", "Resource": "*",
         "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}
    )  # fmt: skip
    assert evaluate(RULE, resource).outcome is Outcome.COMPLIANT
    assert fired(resource) == set()


def test_encryption_on_all_keys_is_not_kms1() -> None:
    assert evaluate(RULE, identity({"Action": "kms:Encrypt", "Resource": "*"})).outcome is Outcome.COMPLIANT


def test_not_action_that_leaves_all_kms_granted_fires_with_r07() -> None:
    resource = identity({"NotAction": "s3:*", "Resource": [KEY_ARN]})
    assert evaluate(RULE, resource).messages == (
        "statement 'UseOrdersKey' uses NotAction and so allows every KMS action; list the KMS actions needed",
    )
    assert fired(resource) == {"KG-R06", "KG-R07"}


def test_not_resource_with_decrypt_is_all_keys() -> None:
    resource = identity({"Action": "kms:Decrypt", "NotResource": [KEY_ARN]})
    assert evaluate(RULE, resource).messages == (
        "statement 'UseOrdersKey' allows kms:Decrypt on all keys without a condition; name the key ARNs "
        "in Resource or add a condition such as kms:ViaService",
    )
    assert fired(resource) == {"KG-R06", "KG-R07"}


def test_both_findings_of_one_single_object_statement_are_reported_in_order() -> None:
    document = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}}
    assert evaluate(RULE, with_policy(golden(POLICY), document)).messages == (
        "statement #1 allows kms:* (every KMS action); list the KMS actions needed",
        "statement #1 allows kms:Decrypt, kms:ReEncryptFrom on all keys without a condition; name the key "
        "ARNs in Resource or add a condition such as kms:ViaService",
    )


def test_a_deny_is_not_a_grant() -> None:
    resource = identity({"Effect": "Deny", "Action": "kms:*", "Resource": "*"})
    assert evaluate(RULE, resource).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize(
    ("resource", "reason"),
    [
        (with_props(golden("aws:iam/role:Role"), inlinePolicies=...), "the resource carries no policy document"),
        (with_props(golden(POLICY), policy=UNKNOWN),
         "the policy is unknown during preview; it is checked once its value is known"),
        (with_props(golden(POLICY), policy='{"Statement": []}'), "policy does not parse; see KG-R20"),
    ],
)  # fmt: skip
def test_absent_unknown_and_unparseable_policies_are_not_applicable(resource: Any, reason: str) -> None:
    result = evaluate(RULE, resource)
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, reason)


def test_key_policies_are_out_of_scope() -> None:
    assert not RULE.applies_to("aws:kms/key:Key")
    assert not RULE.applies_to("aws:kms/keyPolicy:KeyPolicy")
