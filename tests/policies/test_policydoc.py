"""policydoc: exact parse results and exact PolicyParseError messages for every accepted shape."""

import json
from typing import Any

import pytest

from kmsguard.policies.facts import KMS_ACTIONS
from kmsguard.policies.policydoc import (
    Condition,
    PolicyDocument,
    PolicyParseError,
    Principal,
    Statement,
    expand_kms_actions,
    parse_policy_document,
)

ROLE = "arn:aws:iam::111122223333:role/OrdersService"
OTHER = "arn:aws:iam::444455556666:root"


def statement(**overrides: Any) -> Statement:
    base: dict[str, Any] = {
        "index": 0, "sid": None, "effect": "Allow", "principals": (), "not_principal": False,
        "actions": ("kms:Decrypt",), "not_action": False, "resources": ("*",), "not_resource": False,
        "conditions": (),
    }  # fmt: skip
    return Statement(**{**base, **overrides})


def test_string_and_object_forms_parse_to_the_same_document() -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}],
    }
    expected = PolicyDocument("2012-10-17", (statement(),))
    assert parse_policy_document(document) == expected
    assert parse_policy_document(json.dumps(document)) == expected


def test_single_object_statement_is_a_one_statement_list() -> None:
    parsed = parse_policy_document({"Statement": {"Sid": "One", "Effect": "Deny", "Action": ["kms:Decrypt"]}})
    assert parsed == PolicyDocument(None, (statement(sid="One", effect="Deny", resources=()),))


def test_string_and_list_principals_actions_and_resources() -> None:
    parsed = parse_policy_document(
        {"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": [ROLE, OTHER], "Service": "s3.amazonaws.com"},
             "Action": ["kms:Encrypt", "KMS:decrypt"], "Resource": ["arn:a", "arn:b"]},
        ]}
    )  # fmt: skip
    first, second = parsed.statements
    assert first.principals == (Principal("*", "*"),)
    assert first.has_public_principal
    assert second.principals == (
        Principal("AWS", ROLE),
        Principal("AWS", OTHER),
        Principal("Service", "s3.amazonaws.com"),
    )
    assert second.aws_principals() == (ROLE, OTHER)
    assert second.actions == ("kms:Encrypt", "KMS:decrypt")
    assert second.kms_actions == frozenset({"Encrypt", "Decrypt"})
    assert second.resources == ("arn:a", "arn:b")
    assert (second.index, second.label, first.label) == (1, "statement #2", "statement #1")


def test_aws_star_and_star_in_a_list_are_public() -> None:
    parsed = parse_policy_document(
        {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*"},
                       {"Effect": "Allow", "Principal": {"AWS": [ROLE, "*"]}, "Action": "kms:*"},
                       {"Effect": "Allow", "NotPrincipal": {"AWS": "*"}, "Action": "kms:*"}]}
    )  # fmt: skip
    assert [s.has_public_principal for s in parsed.statements] == [True, True, False]


def test_negated_elements_are_flagged_and_not_action_is_complemented() -> None:
    (parsed,) = parse_policy_document(
        {"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": ROLE}, "NotAction": "kms:Decrypt",
                       "NotResource": "arn:a"}}
    ).statements  # fmt: skip
    assert (parsed.not_principal, parsed.not_action, parsed.not_resource) == (True, True, True)
    assert parsed.kms_actions == KMS_ACTIONS - {"Decrypt"}
    assert parsed.label == "statement #1"


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        (["KMS:*"], KMS_ACTIONS),
        (["*"], KMS_ACTIONS),
        (["kms:Put*"], {"PutKeyPolicy"}),
        (["kms:*Grant*"], {"CreateGrant", "ListGrants", "ListRetirableGrants", "RetireGrant", "RevokeGrant"}),
        (["kms:ReEncrypt????"], {"ReEncryptFrom"}),
        (["kms:NoSuchAction", "s3:*", "s3:GetObject"], set()),
    ],
)
def test_expand_kms_actions(patterns: list[str], expected: set[str]) -> None:
    assert expand_kms_actions(patterns) == frozenset(expected)


def test_condition_values_are_normalised_to_strings() -> None:
    (parsed,) = parse_policy_document(
        {"Statement": {"Effect": "Allow", "Action": "kms:Decrypt", "Condition": {
            "Bool": {"aws:MultiFactorAuthPresent": True, "kms:GrantIsForAWSResource": False},
            "NumericLessThan": {"aws:MultiFactorAuthAge": 300.0},
            "NumericLessThanEquals": {"aws:MultiFactorAuthAge": [1.5, 7]},
            "ForAnyValue:StringEqualsIfExists": {"kms:EncryptionContextKeys": ["tenant"]},
        }}}
    ).statements  # fmt: skip
    assert parsed.conditions == (
        Condition("Bool", "aws:MultiFactorAuthPresent", ("true",)),
        Condition("Bool", "kms:GrantIsForAWSResource", ("false",)),
        Condition("NumericLessThan", "aws:MultiFactorAuthAge", ("300",)),
        Condition("NumericLessThanEquals", "aws:MultiFactorAuthAge", ("1.5", "7")),
        Condition("ForAnyValue:StringEqualsIfExists", "kms:EncryptionContextKeys", ("tenant",)),
    )
    qualified = parsed.conditions[4]
    assert (qualified.set_qualifier, qualified.if_exists, qualified.base_operator) == (
        "ForAnyValue",
        True,
        "StringEquals",
    )
    assert parsed.conditions_on("AWS:MULTIFACTORAUTHAGE") == parsed.conditions[2:4]
    assert parsed.condition_keys() == frozenset(
        {
            "aws:multifactorauthpresent",
            "kms:grantisforawsresource",
            "aws:multifactorauthage",
            "kms:encryptioncontextkeys",
        }
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "policy is not valid JSON: Expecting property name enclosed in double quotes at line 1"),
        ("[]", "policy must be a JSON object, got list"),
        (7, "policy must be a JSON object, got int"),
        ({"Version": 2012}, "policy Version must be a string"),
        ({"Version": "2012-10-17"}, "policy has no Statement"),
        ({"Statement": []}, "policy Statement must be an object or a non-empty list of objects"),
        ({"Statement": "Allow"}, "policy Statement must be an object or a non-empty list of objects"),
        ({"Statement": ["x"]}, "Statement[0] must be an object"),
        ({"Statement": {"Sid": 1, "Effect": "Allow", "Action": "kms:*"}}, "Statement[0].Sid must be a string"),
        ({"Statement": {"Effect": "allow", "Action": "kms:*"}}, "Statement[0].Effect must be Allow or Deny, got 'allow'"),
        ({"Statement": {"Action": "kms:*"}}, "Statement[0].Effect must be Allow or Deny, got None"),
        ({"Statement": {"Effect": "Allow"}}, "Statement[0] has neither Action nor NotAction"),
        ({"Statement": {"Effect": "Allow", "Action": "kms:*", "NotAction": "kms:Decrypt"}},
         "Statement[0] has both Action and NotAction"),
        ({"Statement": {"Effect": "Allow", "Action": "kms:*", "Principal": "*", "NotPrincipal": "*"}},
         "Statement[0] has both Principal and NotPrincipal"),
        ({"Statement": {"Effect": "Allow", "Action": []}}, "Statement[0].Action must be a string or a non-empty list of strings"),
        ({"Statement": {"Effect": "Allow", "Action": ["kms:Decrypt", 3]}},
         "Statement[0].Action must be a string or a non-empty list of strings"),
        ({"Statement": {"Effect": "Allow", "Action": "kms:*", "Resource": {"arn": "x"}}},
         "Statement[0].Resource must be a string or a non-empty list of strings"),
        ({"Statement": {"Effect": "Allow", "Action": "kms:*", "Principal": "AWS"}},
         'Statement[0].Principal must be "*" or an object such as {"AWS": [...]}'),
        ({"Statement": {"Effect": "Allow", "Action": "kms:*", "Principal": {"IAM": "x"}}},
         "Statement[0].Principal has unknown principal type 'IAM'"),
        ({"Statement": {"Effect": "Allow", "Action": "kms:*", "Principal": {"AWS": []}}},
         "Statement[0].Principal.AWS must be a string or a non-empty list of strings"),
        ({"Statement": {"Effect": "Allow", "Action": "kms:*", "Condition": []}}, "Statement[0].Condition must be an object"),
        ({"Statement": {"Effect": "Allow", "Action": "kms:*", "Condition": {"Bool": {}}}},
         "Statement[0].Condition.Bool must be a non-empty object"),
        ({"Statement": {"Effect": "Allow", "Action": "kms:*", "Condition": {"Bool": {"aws:SecureTransport": []}}}},
         "Statement[0].Condition.Bool.aws:SecureTransport must not be empty"),
        ({"Statement": {"Effect": "Allow", "Action": "kms:*", "Condition": {"StringEquals": {"k": {"a": 1}}}}},
         "Statement[0].Condition.StringEquals.k values must be strings, numbers or booleans"),
        ({"Statement": [{"Effect": "Allow", "Action": "kms:*"}, {"Effect": "Deny"}]},
         "Statement[1] has neither Action nor NotAction"),
    ],
)  # fmt: skip
def test_parse_errors_say_where_and_why(document: Any, message: str) -> None:
    with pytest.raises(PolicyParseError) as caught:
        parse_policy_document(document)
    assert str(caught.value) == message
