"""KG-R13 kms-key-requires-policy-administrator: someone keeps PutKeyPolicy."""

from typing import Any

import pytest

from kmsguard.policies.facts import (
    EXTERNAL_KEY_TYPE,
    KEY_POLICY_TYPE,
    KEY_TYPE,
    MFA_PRESENT_KEY,
    REPLICA_EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
)
from kmsguard.policies.policydoc import parse_policy_document
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r13_key_requires_policy_administrator import RULE, keepers
from tests.policies.golden import (
    ACCOUNT,
    ADMIN_ROLE,
    DEPLOYER_ROLE,
    evaluate,
    fired,
    golden,
    golden_key_policy,
    with_policy,
    with_props,
)

KEY = KEY_TYPE
TYPES = [
    KEY,
    EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
    REPLICA_EXTERNAL_KEY_TYPE,
    KEY_POLICY_TYPE,
]
LOCKED = (
    "no concrete principal keeps kms:PutKeyPolicy in key policy policy, so nobody could change it again; "
    "allow PutKeyPolicy to the deployer or administrator role (or the account root)"
)
ROOT = f"arn:aws:iam::{ACCOUNT}:root"


@pytest.mark.parametrize("type_", TYPES)
def test_golden_policies_keep_the_mfa_administrator(type_: str) -> None:
    assert evaluate(RULE, golden(type_)).outcome is Outcome.COMPLIANT


def test_the_mfa_gated_administrator_is_the_golden_keeper() -> None:
    assert keepers(parse_policy_document(golden_key_policy())) == {ADMIN_ROLE}


def _without_put_key_policy() -> dict[str, Any]:
    policy = golden_key_policy()
    policy["Statement"][1]["Action"] = ["kms:DeleteAlias", "kms:ScheduleKeyDeletion"]
    return policy


@pytest.mark.parametrize("type_", TYPES)
def test_no_put_key_policy_anywhere_fires_exactly_r13(type_: str) -> None:
    resource = with_policy(golden(type_), _without_put_key_policy())
    result = evaluate(RULE, resource)
    assert result.outcome is Outcome.VIOLATION
    assert result.messages == (LOCKED,)
    assert fired(resource) == {"KG-R13"}


def test_unconditional_deny_for_everyone_takes_it_away() -> None:
    policy = golden_key_policy()
    policy["Statement"].append(
        {
            "Sid": "FreezePolicy",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "kms:PutKeyPolicy",
            "Resource": "*",
        }
    )
    key = with_policy(golden(KEY), policy)
    assert evaluate(RULE, key).messages == (LOCKED,)
    assert fired(key) == {"KG-R13"}


def _with_statement(statement: dict[str, Any]) -> dict[str, Any]:
    policy = _without_put_key_policy()
    policy["Statement"].append({"Sid": "Extra", "Resource": "*", **statement})
    return policy


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ({"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*"}, {ROOT}),
        ({"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "KMS:Put*"}, {ROOT}),
        ({"Effect": "Allow", "Principal": {"AWS": DEPLOYER_ROLE}, "NotAction": "kms:Decrypt"}, {DEPLOYER_ROLE}),
        ({"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "kms:PutKeyPolicy"}, {ACCOUNT}),
        ({"Effect": "Allow", "Principal": "*", "Action": "kms:PutKeyPolicy"}, set()),
        ({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "kms:PutKeyPolicy"}, set()),
        ({"Effect": "Allow", "NotPrincipal": {"AWS": ROOT}, "Action": "kms:PutKeyPolicy"}, set()),
        ({"Effect": "Allow", "Principal": {"Service": "logs.amazonaws.com"}, "Action": "kms:PutKeyPolicy"},
         set()),
        ({"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:PutKeyPolicies"}, set()),
    ],
)  # fmt: skip
def test_which_allow_statements_count(statement: dict[str, Any], expected: set[str]) -> None:
    assert keepers(parse_policy_document(_with_statement(statement))) == expected


@pytest.mark.parametrize(
    ("deny", "expected"),
    [
        ({"Principal": {"AWS": ADMIN_ROLE}}, set()),
        ({"Principal": {"AWS": DEPLOYER_ROLE}}, {ADMIN_ROLE}),
        ({"NotPrincipal": {"AWS": ADMIN_ROLE}}, {ADMIN_ROLE}),
        ({"NotPrincipal": {"AWS": DEPLOYER_ROLE}}, set()),
        ({"Principal": "*", "Condition": {"Bool": {MFA_PRESENT_KEY: "false"}}}, {ADMIN_ROLE}),
    ],
)
def test_which_deny_statements_take_it_away(deny: dict[str, Any], expected: set[str]) -> None:
    policy = golden_key_policy()
    policy["Statement"].append({"Effect": "Deny", "Action": "kms:PutKeyPolicy", "Resource": "*", **deny})
    assert keepers(parse_policy_document(policy)) == expected


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"policy": ...}, "no explicit key policy; AWS's default keeps the account root (see KG-R03)"),
        ({"policy": UNKNOWN}, "the key policy is unknown during preview; it is checked at update"),
        ({"policy": '{"Statement": 3}'}, "the key policy does not parse; see KG-R20"),
    ],
)
def test_absent_unknown_and_unparseable_policies_are_not_applicable(
    change: dict[str, Any], reason: str
) -> None:
    result = evaluate(RULE, with_props(golden(KEY), **change))
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, reason)


def test_identity_policies_are_out_of_scope() -> None:
    assert set(RULE.meta.resource_types) == set(TYPES)
