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


NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"customerMasterKeySpec": 123.0},
                     "cannot judge: customerMasterKeySpec is 123.0, expected one of SYMMETRIC_DEFAULT, ",
                     id="fail_spec_number"),
        pytest.param({"customerMasterKeySpec": "symmetric_default"},
                     "cannot judge: customerMasterKeySpec is 'symmetric_default', expected one of ",
                     id="fail_spec_lower_case"),
        pytest.param({"customerMasterKeySpec": ["SYMMETRIC_DEFAULT"]},
                     "cannot judge: customerMasterKeySpec is ['SYMMETRIC_DEFAULT'], expected one of ",
                     id="fail_spec_list"),
        pytest.param({"customerMasterKeySpec": "HMAC-256"},
                     "cannot judge: customerMasterKeySpec is 'HMAC-256', expected one of ", id="fail_spec_typo"),
        pytest.param({"customKeyStoreId": 7.0},
                     "cannot judge: customKeyStoreId is 7.0, expected a string; set enableKeyRotation to true",
                     id="fail_key_store_number"),
        pytest.param({"xksKeyId": ["x"]},
                     "cannot judge: xksKeyId is ['x'], expected a string; set enableKeyRotation to true",
                     id="fail_xks_list"),
        pytest.param({"enableKeyRotation": "true"},
                     "cannot judge: enableKeyRotation is 'true', expected true or false; set enableKeyRotation to true",
                     id="fail_flag_string"),
        pytest.param({"enableKeyRotation": 1.0},
                     "cannot judge: enableKeyRotation is 1.0, expected true or false; set enableKeyRotation to true",
                     id="fail_flag_one"),
        pytest.param({"enableKeyRotation": NAN},
                     "cannot judge: enableKeyRotation is nan, expected true or false; set enableKeyRotation to true",
                     id="fail_flag_nan"),
    ],
)  # fmt: skip
def test_wrong_types_are_findings_never_not_applicable(change: dict, message: str) -> None:
    key = with_props(golden(KEY), **change)
    result = evaluate(RULE, key)
    assert result.outcome is Outcome.VIOLATION
    (only,) = result.messages
    assert only.startswith(message)
    assert "KG-R01" in fired(key)
    assert RULE.remediate is not None
    if "enableKeyRotation" not in change:
        assert RULE.remediate(key, None) is None  # type: ignore[arg-type]


def test_absent_key_spec_is_symmetric_default_and_judged() -> None:
    for absent in (..., None, ""):
        key = with_props(golden(KEY), customerMasterKeySpec=absent, enableKeyRotation=False)
        assert evaluate(RULE, key).messages == ("automatic rotation is off; set enableKeyRotation to true",)
