"""KG-R03 kms-key-requires-key-policy: pass, fail and not-applicable fixtures with exact outcomes."""

import pytest

from kmsguard.policies.facts import (
    ALIAS_TYPE,
    EXTERNAL_KEY_TYPE,
    KEY_POLICY_TYPE,
    KEY_TYPE,
    REPLICA_EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
)
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r03_key_requires_key_policy import RULE
from tests.policies.golden import evaluate, fired, golden, with_props

KEY_TYPES = [
    KEY_TYPE,
    EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
    REPLICA_EXTERNAL_KEY_TYPE,
]
SEPARATE = "the key sets no policy itself; KG-S08 checks that an aws.kms.KeyPolicy of this stack sets it"


@pytest.mark.parametrize("type_", KEY_TYPES)
def test_golden_keys_are_compliant(type_: str) -> None:
    assert evaluate(RULE, golden(type_)).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize("type_", KEY_TYPES)
@pytest.mark.parametrize("policy", [..., None, ""])
def test_key_without_its_own_policy_is_left_to_the_stack_rule(type_: str, policy: object) -> None:
    # A resource rule cannot see a separate aws.kms.KeyPolicy; KG-S08 (tests in test_s08_…) can.
    key = with_props(golden(type_), policy=policy)
    result = evaluate(RULE, key)
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, SEPARATE)
    assert fired(key) == set()


def test_policy_unknown_during_preview_is_set_explicitly() -> None:
    key = with_props(golden(KEY_TYPE), policy=UNKNOWN)
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize(
    "policy", [pytest.param("{not json", id="na_not_json"), pytest.param(42.0, id="na_wrong_type_number"),
               pytest.param(["x"], id="na_wrong_type_list")],
)  # fmt: skip
def test_unparseable_policy_is_left_to_r20_and_never_compliant(policy: object) -> None:
    key = with_props(golden("aws:kms/key:Key"), policy=policy)
    result = evaluate(RULE, key)
    assert (result.outcome, result.reason) == (
        Outcome.NOT_APPLICABLE,
        "the policy does not parse; KG-R20 reports it",
    )
    assert fired(key) == {"KG-R20"}


def test_key_policy_resources_and_aliases_are_out_of_scope() -> None:
    assert not RULE.applies_to(KEY_POLICY_TYPE)
    assert not RULE.applies_to(ALIAS_TYPE)
