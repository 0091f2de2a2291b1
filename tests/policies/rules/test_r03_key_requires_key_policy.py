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
MISSING = (
    "the key has no policy, so AWS's default gives the account root kms:*; set policy on the key "
    "(or set allowSeparateKeyPolicy if an aws.kms.KeyPolicy resource sets it)"
)


@pytest.mark.parametrize("type_", KEY_TYPES)
def test_golden_keys_are_compliant(type_: str) -> None:
    assert evaluate(RULE, golden(type_)).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize("type_", KEY_TYPES)
@pytest.mark.parametrize("policy", [..., None, ""])
def test_key_without_policy_fires_exactly_r03(type_: str, policy: object) -> None:
    key = with_props(golden(type_), policy=policy)
    result = evaluate(RULE, key)
    assert (result.outcome, result.messages) == (Outcome.VIOLATION, (MISSING,))
    assert fired(key) == {"KG-R03"}


def test_separate_key_policy_resource_is_accepted_only_when_configured() -> None:
    key = with_props(golden(KEY_TYPE), policy=...)
    result = evaluate(RULE, key, allowSeparateKeyPolicy=True)
    assert (result.outcome, result.reason) == (
        Outcome.NOT_APPLICABLE,
        "the key policy is set by a separate aws.kms.KeyPolicy (allowSeparateKeyPolicy)",
    )
    assert fired(key, config={"KG-R03": {"allowSeparateKeyPolicy": True}}) == set()


def test_policy_unknown_during_preview_is_set_explicitly() -> None:
    key = with_props(golden(KEY_TYPE), policy=UNKNOWN)
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT


def test_unparseable_policy_is_left_to_r20_and_never_compliant() -> None:
    key = with_props(golden(KEY_TYPE), policy="{not json")
    result = evaluate(RULE, key)
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, "policy does not parse; see KG-R20")
    assert fired(key) == {"KG-R20"}


def test_key_policy_resources_and_aliases_are_out_of_scope() -> None:
    assert not RULE.applies_to(KEY_POLICY_TYPE)
    assert not RULE.applies_to(ALIAS_TYPE)
