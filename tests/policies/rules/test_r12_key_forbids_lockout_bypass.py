"""KG-R12 kms-key-forbids-lockout-bypass: the bypass flag on every key-policy carrier, and remediation."""

import pytest

from kmsguard.policies.facts import (
    EXTERNAL_KEY_TYPE,
    KEY_POLICY_TYPE,
    KEY_TYPE,
    REPLICA_EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
)
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r12_key_forbids_lockout_bypass import RULE
from tests.policies.golden import evaluate, fired, golden, golden_context, with_props

TYPES = [
    KEY_TYPE,
    EXTERNAL_KEY_TYPE,
    REPLICA_KEY_TYPE,
    REPLICA_EXTERNAL_KEY_TYPE,
    KEY_POLICY_TYPE,
]
ON = "bypassPolicyLockoutSafetyCheck is True, which lets KMS accept a policy that locks everyone out; set it to false"


@pytest.mark.parametrize("type_", TYPES)
def test_golden_resources_are_compliant(type_: str) -> None:
    assert evaluate(RULE, golden(type_)).outcome is Outcome.COMPLIANT
    assert evaluate(RULE, with_props(golden(type_), bypassPolicyLockoutSafetyCheck=False)).outcome is (
        Outcome.COMPLIANT
    )


@pytest.mark.parametrize("type_", TYPES)
def test_bypass_on_fires_exactly_r12(type_: str) -> None:
    resource = with_props(golden(type_), bypassPolicyLockoutSafetyCheck=True)
    result = evaluate(RULE, resource)
    assert result.outcome is Outcome.VIOLATION
    assert result.messages == (ON,)
    assert fired(resource) == {"KG-R12"}


def test_unknown_flag_is_a_violation() -> None:
    resource = with_props(golden(KEY_TYPE), bypassPolicyLockoutSafetyCheck=UNKNOWN)
    assert evaluate(RULE, resource).messages == (
        "bypassPolicyLockoutSafetyCheck is unknown during preview; set it to a literal false or remove it",
    )
    assert fired(resource) == {"KG-R12"}


def test_remediation_turns_the_flag_off_and_leaves_compliant_resources_alone() -> None:
    assert RULE.remediate is not None
    ctx = golden_context(RULE.meta.config_defaults())
    on = with_props(golden(KEY_POLICY_TYPE), bypassPolicyLockoutSafetyCheck=True)
    assert RULE.remediate(on, ctx) == {**on.props, "bypassPolicyLockoutSafetyCheck": False}
    unknown = with_props(golden(KEY_TYPE), bypassPolicyLockoutSafetyCheck=UNKNOWN)
    assert RULE.remediate(unknown, ctx) == {**unknown.props, "bypassPolicyLockoutSafetyCheck": False}
    assert RULE.remediate(golden(KEY_TYPE), ctx) is None
    assert RULE.meta.remediable


def test_scope_and_severity() -> None:
    assert set(RULE.meta.resource_types) == set(TYPES)
    assert RULE.meta.default_enforcement.value == "mandatory"
