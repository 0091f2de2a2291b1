"""Consumer-side IAM policies for external accounts."""

from __future__ import annotations

import json

import pytest

from kmsguard.builders import build_consumer_policies
from kmsguard.errors import PolicyBuildError
from kmsguard.spec import parse_key_spec
from tests.components.builders.cases import CASES
from tests.components.builders.regenerate import EXPECTED
from tests.components.spec.baseline import ACCOUNT, BASELINE, OTHER_ACCOUNT, mutate

KEY_ARN = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_cross_account_case_matches_reviewed_json() -> None:
    case = CASES["symmetric-context-cross-account"]
    expected = json.loads((EXPECTED / "symmetric-context-cross-account.consumer-policies.json").read_text())
    assert build_consumer_policies(parse_key_spec(case.spec), key_arns=case.key_arns) == expected
    assert sorted(expected) == ["123456789012", OTHER_ACCOUNT]


def test_policy_without_context_is_one_statement_on_the_key_arns() -> None:
    spec = parse_key_spec(
        mutate("cross_account", [{"account_id": OTHER_ACCOUNT, "role": "decrypt_only_users"}])
    )
    assert build_consumer_policies(spec, key_arns=[KEY_ARN, KEY_ARN]) == {
        OTHER_ACCOUNT: {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "UseKmsKey",
                    "Effect": "Allow",
                    "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncryptFrom"],
                    "Resource": [KEY_ARN],
                }
            ],
        }
    }


def test_no_cross_account_access_means_no_consumer_policies() -> None:
    assert build_consumer_policies(parse_key_spec(BASELINE), key_arns=[KEY_ARN]) == {}


@pytest.mark.parametrize("arns", [[], ["alias/prod-orders-payments"]])
def test_key_arns_must_be_key_arns(arns: list[str]) -> None:
    with pytest.raises(PolicyBuildError) as caught:
        build_consumer_policies(parse_key_spec(BASELINE), key_arns=arns)
    assert (
        str(caught.value) == "key_arns: pass the key ARNs (arn:<partition>:kms:<region>:<account>:key/<id>)"
    )
