"""KG-R06 iam-policy-limits-kms-access: kms:* and decryption on all keys in identity policies."""

from typing import Any

import pytest

from kmsguard.policies.facts import (
    IAM_POLICY_TYPE,
    IAM_ROLE_TYPE,
    KEY_POLICY_TYPE,
    KEY_TYPE,
    KMS_ACTIONS,
)
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r06_iam_policy_limits_kms_access import RULE
from tests.policies.golden import KEY_ARN, evaluate, fired, golden, with_policy, with_props

POLICY = IAM_POLICY_TYPE
IAM_TYPES = [
    POLICY,
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
    "aws:iam/role:Role",
    "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
]
PREFIX = {
    "aws:iam/role:Role": "inlinePolicies[0].policy: ",
    "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy": "inlinePolicy: ",
}


def identity(statement: dict[str, Any], type_: str = POLICY) -> Any:
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "UseOrdersKey", "Effect": "Allow", **statement}],
    }
    return with_policy(golden(type_), document)


def prefix(type_: str) -> str:
    return PREFIX.get(type_, "")


def all_keys(shown: str, why: str = "", label: str = "statement 'UseOrdersKey'") -> str:
    return (
        f"{label} allows {shown} on all keys without a condition that limits the keys{why}; name the key "
        "ARNs in Resource or add a condition on kms:ViaService, kms:EncryptionContext:<key>, "
        "kms:ResourceAliases or aws:ResourceTag/<tag>"
    )


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
    assert evaluate(RULE, resource).messages == (prefix(type_) + all_keys(shown),)
    assert fired(resource) == {"KG-R06"}


@pytest.mark.parametrize(
    "resource_arn",
    [
        "arn:aws:kms:*:111122223333:key/*",
        "arn:aws:kms:eu-west-1:111122223333:*",
        "arn:aws:*:*:*:*",
        # Spellings a list of literal strings misses: judged by what the pattern matches.
        "arn:aws:kms:*:*:key*",
        "arn:aws:kms:*:*:*/*",
        "arn:aws:kms:*:*:key/?*",
        "arn:aws:kms:*:*:key/*?",
        "arn:aws:kms:*:*:key/*-*",
        "arn:aws:kms:*:*:key/????????-????-????-????-????????????",
        "arn:aws:kms:*:*:key/mrk-*",
        "arn:*",
        "ARN:AWS:KMS:*:*:KEY/*",
        "arn:aws-cn:kms:*:*:key/*",
        # A policy variable takes its value from the request.
        "arn:aws:kms:*:*:key/${aws:PrincipalTag/key}",
    ],
)
def test_resource_patterns_that_match_every_key_are_all_keys(resource_arn: str) -> None:
    resource = identity({"Action": "kms:Decrypt", "Resource": resource_arn})
    assert evaluate(RULE, resource).messages == (all_keys("kms:Decrypt"),)
    assert fired(resource) == {"KG-R06"}


@pytest.mark.parametrize(
    "resource_arn",
    [
        pytest.param(KEY_ARN, id="pass_one_key"),
        pytest.param([KEY_ARN, KEY_ARN.replace("1234abcd", "5678abcd")], id="pass_two_keys"),
        pytest.param("arn:aws:kms:*:*:key/1234abcd-*", id="pass_key_id_prefix"),
        pytest.param("arn:aws:kms:*:*:key/*/*", id="pass_no_key_id_has_a_slash"),
        pytest.param("arn:aws:s3:::orders/*", id="pass_not_a_key"),
    ],
)
def test_resource_patterns_that_name_some_keys_pass(resource_arn: Any) -> None:
    resource = identity({"Action": "kms:Decrypt", "Resource": resource_arn})
    assert evaluate(RULE, resource).outcome is Outcome.COMPLIANT
    assert fired(resource) == set()


@pytest.mark.parametrize(
    "condition",
    [
        pytest.param({"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}, id="pass_via_service"),
        pytest.param({"StringEquals": {"kms:ViaService": ["s3.eu-west-1.amazonaws.com", "rds.eu-west-1.amazonaws.com"],
                                       "kms:CallerAccount": "111122223333"}}, id="pass_via_service_and_caller"),
        pytest.param({"StringEquals": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::orders"}},
                     id="pass_encryption_context"),
        pytest.param({"ForAnyValue:StringEquals": {"kms:ResourceAliases": "alias/prod-orders-payments"}},
                     id="pass_resource_alias"),
        pytest.param({"StringEquals": {"aws:ResourceTag/DataClass": "confidential"}}, id="pass_resource_tag"),
        pytest.param({"Bool": {"aws:SecureTransport": "true"},
                      "StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}},
                     id="pass_one_limiting_condition_among_others"),
    ],
)  # fmt: skip
def test_conditions_that_limit_the_keys_exempt_decryption_on_all_keys(condition: dict[str, Any]) -> None:
    resource = identity({"Action": "kms:Decrypt", "Resource": "*", "Condition": condition})
    assert evaluate(RULE, resource).outcome is Outcome.COMPLIANT
    assert fired(resource) == set()


@pytest.mark.parametrize(
    ("operator", "key", "value", "reason"),
    [
        pytest.param("Bool", "aws:SecureTransport", "true", "the key does not narrow the keys", id="fail_secure_transport"),
        pytest.param("StringEquals", "kms:CallerAccount", "111122223333", "the key does not narrow the keys",
                     id="fail_caller_account_alone"),
        pytest.param("StringEquals", "aws:ResourceAccount", "111122223333", "the key does not narrow the keys",
                     id="fail_resource_account"),
        pytest.param("IpAddress", "aws:SourceIp", "203.0.113.0/24", "the key does not narrow the keys",
                     id="fail_source_ip"),
        pytest.param("StringEqualsIfExists", "kms:ViaService", "s3.eu-west-1.amazonaws.com",
                     "IfExists holds when the key is absent", id="fail_via_service_if_exists"),
        pytest.param("StringNotEquals", "kms:ViaService", "s3.eu-west-1.amazonaws.com",
                     "the operator does not match it against named values", id="fail_via_service_negated"),
        pytest.param("StringLike", "kms:ViaService", "s3.*.amazonaws.com",
                     "'s3.*.amazonaws.com' is not a kms:ViaService endpoint (<service>.<region>.amazonaws.com)",
                     id="fail_via_service_any_region"),
        pytest.param("ForAllValues:StringEquals", "kms:ResourceAliases", "alias/prod-orders-payments",
                     "ForAllValues holds when the key is absent", id="fail_aliases_for_all_values"),
        pytest.param("ForAnyValue:StringLike", "kms:ResourceAliases", "alias/*",
                     "'alias/*' is not an alias name (no wildcard or variable)", id="fail_any_alias"),
        pytest.param("StringLike", "aws:ResourceTag/DataClass", "*",
                     "'*' is not a fixed value (no wildcard or variable)", id="fail_any_tag_value"),
        pytest.param("StringEquals", "aws:ResourceTag/Owner", "${aws:username}",
                     "'${aws:username}' is not a fixed value (no wildcard or variable)", id="fail_tag_variable"),
        pytest.param("StringEquals", "kms:EncryptionContextKeys", "tenant", "the key does not narrow the keys",
                     id="fail_context_keys_only"),
    ],
)  # fmt: skip
def test_conditions_that_do_not_limit_the_keys_do_not_exempt(
    operator: str, key: str, value: str, reason: str
) -> None:
    resource = identity({"Action": "kms:Decrypt", "Resource": "*", "Condition": {operator: {key: value}}})
    assert evaluate(RULE, resource).messages == (all_keys("kms:Decrypt", f" ({operator} {key}: {reason})"),)
    assert fired(resource) == {"KG-R06"}


@pytest.mark.parametrize(
    ("actions", "shown"),
    [
        pytest.param("kms:**", "allows kms:** (every KMS action)", id="fail_double_star"),
        pytest.param("k?s:*", "allows k?s:* (every KMS action)", id="fail_wildcard_service"),
        pytest.param(["kms:Decrypt", "*:*"], "allows *:* (every KMS action)", id="fail_star_colon_star"),
        pytest.param(sorted(f"kms:{a}" for a in KMS_ACTIONS), "allows every KMS action (its Action list names them all)",
                     id="fail_every_action_listed"),
    ],
)  # fmt: skip
def test_every_kms_action_is_judged_on_the_expanded_set(actions: Any, shown: str) -> None:
    resource = identity({"Action": actions, "Resource": [KEY_ARN]})
    assert evaluate(RULE, resource).messages == (
        f"statement 'UseOrdersKey' {shown}; list the KMS actions needed",
    )


@pytest.mark.parametrize("actions", ["kms:Describe*", "kms:*crypt*", ["kms:Decrypt", "kms:Encrypt"]])
def test_partial_wildcards_on_one_key_pass(actions: Any) -> None:
    assert evaluate(RULE, identity({"Action": actions, "Resource": [KEY_ARN]})).outcome is Outcome.COMPLIANT


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
    assert evaluate(RULE, resource).messages == (all_keys("kms:Decrypt"),)
    assert fired(resource) == {"KG-R06", "KG-R07"}


def test_both_findings_of_one_single_object_statement_are_reported_in_order() -> None:
    document = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}}
    assert evaluate(RULE, with_policy(golden(POLICY), document)).messages == (
        "statement #1 allows kms:* (every KMS action); list the KMS actions needed",
        all_keys("kms:Decrypt, kms:ReEncryptFrom", label="statement #1"),
    )


def test_a_deny_is_not_a_grant() -> None:
    resource = identity({"Effect": "Deny", "Action": "kms:*", "Resource": "*"})
    assert evaluate(RULE, resource).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize(
    ("resource", "reason"),
    [
        (with_props(golden(IAM_ROLE_TYPE), inlinePolicies=...), "the resource carries no policy document"),
        (with_props(golden(POLICY), policy=UNKNOWN),
         "the policy is unknown during preview; it is checked once its value is known"),
        (with_props(golden(POLICY), policy='{"Statement": []}'), "policy does not parse; see KG-R20"),
    ],
)  # fmt: skip
def test_absent_unknown_and_unparseable_policies_are_not_applicable(resource: Any, reason: str) -> None:
    result = evaluate(RULE, resource)
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, reason)


def test_key_policies_are_out_of_scope() -> None:
    assert not RULE.applies_to(KEY_TYPE)
    assert not RULE.applies_to(KEY_POLICY_TYPE)
