"""KG-R01 kms-key-requires-rotation: pass, fail and not-applicable fixtures with exact outcomes."""

import pytest

from kmsguard.policies.facts import EXTERNAL_KEY_TYPE, KEY_TYPE, REPLICA_KEY_TYPE
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r01_key_requires_rotation import RULE
from tests.policies.golden import evaluate, fired, golden, with_props

KEY = KEY_TYPE


def test_golden_key_is_compliant_and_nothing_fires() -> None:
    assert evaluate(RULE, golden(KEY)).outcome is Outcome.COMPLIANT
    assert fired(golden(KEY)) == set()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"enableKeyRotation": False}, "automatic rotation is off; set enableKeyRotation to true"),
        ({"enableKeyRotation": ...}, "automatic rotation is off; set enableKeyRotation to true"),
        (
            {"enableKeyRotation": UNKNOWN},
            "enableKeyRotation is unknown during preview; set it to a literal true",
        ),
    ],
)
def test_rotation_off_fires_exactly_r01(change: dict, message: str) -> None:
    key = with_props(golden(KEY), **change)
    result = evaluate(RULE, key)
    assert result.outcome is Outcome.VIOLATION
    assert result.messages == (message,)
    assert fired(key) == {"KG-R01"}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            {"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"},
            "key spec RSA_2048 cannot rotate automatically",
        ),
        (
            {"customerMasterKeySpec": "HMAC_256", "keyUsage": "GENERATE_VERIFY_MAC"},
            "key spec HMAC_256 cannot rotate automatically",
        ),
        (
            {"customerMasterKeySpec": "ECC_NIST_P256", "keyUsage": "SIGN_VERIFY"},
            "key spec ECC_NIST_P256 cannot rotate automatically",
        ),
        (
            {"customKeyStoreId": "cks-1234567890abcdef0"},
            "keys in a custom or external key store (customKeyStoreId) cannot rotate automatically",
        ),
        (
            {"xksKeyId": "ext-key-1"},
            "keys in a custom or external key store (xksKeyId) cannot rotate automatically",
        ),
    ],
)
def test_keys_that_cannot_rotate_are_not_applicable(change: dict, reason: str) -> None:
    key = with_props(golden(KEY), enableKeyRotation=False, rotationPeriodInDays=..., **change)
    result = evaluate(RULE, key)
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, reason)


def test_other_resource_types_are_out_of_scope() -> None:
    assert not RULE.applies_to(EXTERNAL_KEY_TYPE)
    assert not RULE.applies_to(REPLICA_KEY_TYPE)


def test_remediation_turns_rotation_on_only_where_possible() -> None:
    off = with_props(golden(KEY), enableKeyRotation=False)
    assert RULE.remediate is not None
    fixed = RULE.remediate(off, None)  # type: ignore[arg-type]
    assert fixed == {**off.props, "enableKeyRotation": True}
    hmac = with_props(off, customerMasterKeySpec="HMAC_256")
    assert RULE.remediate(hmac, None) is None  # type: ignore[arg-type]
    assert RULE.remediate(golden(KEY), None) is None  # type: ignore[arg-type]


def test_malformed_key_spec_is_not_applicable_instead_of_crashing() -> None:
    key = with_props(golden(KEY), customerMasterKeySpec=["SYMMETRIC_DEFAULT"])
    result = evaluate(RULE, key)
    assert (result.outcome, result.reason) == (
        Outcome.NOT_APPLICABLE,
        "key spec ['SYMMETRIC_DEFAULT'] is not a key spec",
    )
