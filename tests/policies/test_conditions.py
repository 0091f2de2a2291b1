"""conditions: whether a Condition block restricts, and to which accounts; the rules' fixtures show the
messages, these pin the verdicts (accounts included) that R04, R17 and R06 build on."""

import pytest

from kmsguard.policies.conditions import Scope, Verdict, caller_scope, caller_verdict, key_limit_verdict
from kmsguard.policies.policydoc import Condition

OWN = "111122223333"
OTHER = "444455556666"


@pytest.mark.parametrize(
    ("condition", "verdict"),
    [
        pytest.param(Condition("StringEquals", "aws:PrincipalAccount", (OWN,)), Verdict(True, accounts=frozenset({OWN})),
                     id="account"),
        pytest.param(Condition("StringEquals", "kms:CallerAccount", (OWN, OTHER)),
                     Verdict(True, accounts=frozenset({OWN, OTHER})), id="accounts_are_alternatives"),
        pytest.param(Condition("ArnLike", "aws:PrincipalArn", (f"arn:aws:sts::{OTHER}:assumed-role/R/*",)),
                     Verdict(True, accounts=frozenset({OTHER})), id="arn_account"),
        pytest.param(Condition("ArnLike", "aws:SourceArn", (f"arn:aws:sqs:*:{OTHER}:q",)),
                     Verdict(True, accounts=frozenset({OTHER})), id="source_arn_any_region"),
        pytest.param(Condition("ArnEquals", "aws:SourceArn", ("arn:aws:s3:::orders", f"arn:aws:sqs:eu-west-1:{OWN}:q")),
                     Verdict(True), id="bucket_arn_names_no_account"),
        pytest.param(Condition("StringEquals", "aws:PrincipalOrgID", ("o-a1b2c3d4e5",)), Verdict(True), id="org"),
        pytest.param(Condition("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", ("o-a1b2c3d4e5/r-ab12/*",)),
                     Verdict(True), id="org_path"),
        pytest.param(Condition("StringLike", "aws:PrincipalOrgPaths", ("o-a1b2c3d4e5*/*",)),
                     Verdict(False, "'o-a1b2c3d4e5*/*' is not a path under a named organization"), id="org_path_wildcard"),
        pytest.param(Condition("StringEquals", "aws:SourceAccount", (f"{OWN}\n",)),
                     Verdict(False, f"'{OWN}\\n' is not an account id (12 digits, no wildcard or variable)"),
                     id="account_with_newline"),
        pytest.param(Condition("StringEquals", "aws:PrincipalAccount", ("\u0664" * 12,)),
                     Verdict(False, f"'{chr(0x664) * 12}' is not an account id (12 digits, no wildcard or variable)"),
                     id="account_in_other_digits"),
        pytest.param(Condition("StringEquals", "aws:PrincipalArn", (f"arn:aws:iam::{OWN}",)),
                     Verdict(False, f"'arn:aws:iam::{OWN}' is not an IAM principal ARN in a named account"),
                     id="arn_without_resource"),
        pytest.param(Condition("StringEquals", "aws:PrincipalArn", (f"arn:aws:iam:::role/{OWN}",)),
                     Verdict(False, f"'arn:aws:iam:::role/{OWN}' is not an IAM principal ARN in a named account"),
                     id="principal_arn_without_account"),
    ],
)  # fmt: skip
def test_caller_verdicts(condition: Condition, verdict: Verdict) -> None:
    assert caller_verdict(condition) == verdict


def test_scope_intersects_the_accounts_of_conditions_that_all_apply() -> None:
    scope = caller_scope(
        (
            Condition("StringEquals", "kms:CallerAccount", (OWN, OTHER)),
            Condition("StringEquals", "aws:PrincipalAccount", (OTHER,)),
            Condition("StringEquals", "aws:PrincipalOrgID", ("o-a1b2c3d4e5",)),
            Condition("Bool", "aws:SecureTransport", ("true",)),
        )
    )
    assert scope == Scope(
        restricted=True,
        keys=("kms:CallerAccount", "aws:PrincipalAccount", "aws:PrincipalOrgID"),
        accounts=frozenset({OTHER}),
        reasons=("Bool aws:SecureTransport: the key does not identify the caller",),
    )


def test_scope_without_conditions_restricts_nothing() -> None:
    assert caller_scope(()) == Scope(restricted=False)


@pytest.mark.parametrize(
    ("condition", "restricts"),
    [
        pytest.param(Condition("StringEquals", "kms:ViaService", ("ec2.us-gov-west-1.amazonaws.com",)), True,
                     id="via_service_gov_region"),
        pytest.param(Condition("StringEquals", "kms:ViaService", ("s3.eu-west-1.amazonaws.com\n",)), False,
                     id="via_service_newline"),
        pytest.param(Condition("StringEquals", "KMS:EncryptionContext:Tenant", ("acme",)), True, id="context_any_case"),
        pytest.param(Condition("StringEquals", "kms:EncryptionContext:", ("acme",)), False, id="context_without_key"),
        pytest.param(Condition("StringEquals", "aws:ResourceTag/", ("x",)), False, id="tag_without_name"),
        pytest.param(Condition("StringEquals", "kms:ResourceAliases", ("alias/",)), False, id="alias_prefix_only"),
        pytest.param(Condition("StringEquals", "aws:ResourceTag/Team", ("",)), False, id="empty_tag_value"),
    ],
)  # fmt: skip
def test_key_limit_verdicts(condition: Condition, restricts: bool) -> None:
    assert key_limit_verdict(condition).restricts is restricts
