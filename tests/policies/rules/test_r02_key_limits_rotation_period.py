"""KG-R02 kms-key-limits-rotation-period: pass, fail and not-applicable fixtures with exact outcomes."""

import pytest

from kmsguard.policies.facts import KEY_TYPE
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r02_key_limits_rotation_period import RULE
from tests.policies.golden import evaluate, fired, golden, with_props

KEY = KEY_TYPE


def test_golden_key_is_compliant_and_nothing_fires() -> None:
    assert evaluate(RULE, golden(KEY)).outcome is Outcome.COMPLIANT
    assert fired(golden(KEY)) == set()


@pytest.mark.parametrize("period", [90.0, 364.0, 365.0])
def test_periods_up_to_the_default_maximum_pass(period: float) -> None:
    assert evaluate(RULE, with_props(golden(KEY), rotationPeriodInDays=period)).outcome is Outcome.COMPLIANT


def test_absent_period_is_awss_365_days_and_passes_the_default_maximum() -> None:
    key = with_props(golden(KEY), rotationPeriodInDays=...)
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT
    assert fired(key) == set()


@pytest.mark.parametrize(
    ("period", "message"),
    [
        (366.0, "rotationPeriodInDays is 366, above the maximum of 365; set rotationPeriodInDays to 365 or less"),
        (2560.0, "rotationPeriodInDays is 2560, above the maximum of 365; set rotationPeriodInDays to 365 or less"),
        (UNKNOWN, "rotationPeriodInDays is unknown during preview; set it to a literal number"),
        ("400", "rotationPeriodInDays must be a number of days, got '400'"),
        (True, "rotationPeriodInDays must be a number of days, got True"),
    ],
)  # fmt: skip
def test_period_above_maximum_or_unprovable_fires_exactly_r02(period: object, message: str) -> None:
    key = with_props(golden(KEY), rotationPeriodInDays=period)
    result = evaluate(RULE, key)
    assert (result.outcome, result.messages) == (Outcome.VIOLATION, (message,))
    assert fired(key) == {"KG-R02"}


def test_configured_maximum_applies_to_explicit_and_absent_periods() -> None:
    config = {"KG-R02": {"maximumRotationPeriodDays": 180.0}}
    explicit = with_props(golden(KEY), rotationPeriodInDays=200.0)
    assert evaluate(RULE, explicit, maximumRotationPeriodDays=180.0).messages == (
        "rotationPeriodInDays is 200, above the maximum of 180; set rotationPeriodInDays to 180 or less",
    )
    absent = with_props(golden(KEY), rotationPeriodInDays=...)
    assert evaluate(RULE, absent, maximumRotationPeriodDays=180.0).messages == (
        "rotationPeriodInDays is not set, so AWS rotates every 365 days, above the maximum of 180; "
        "set rotationPeriodInDays to 180 or less",
    )
    assert fired(absent, config=config) == {"KG-R02"}
    within = with_props(golden(KEY), rotationPeriodInDays=180.0)
    assert evaluate(RULE, within, maximumRotationPeriodDays=180.0).outcome is Outcome.COMPLIANT


def test_unknown_rotation_flag_still_checks_the_period() -> None:
    key = with_props(golden(KEY), enableKeyRotation=UNKNOWN, rotationPeriodInDays=400.0)
    assert evaluate(RULE, key).outcome is Outcome.VIOLATION
    assert fired(key) == {"KG-R01", "KG-R02"}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            {"customerMasterKeySpec": "HMAC_256", "keyUsage": "GENERATE_VERIFY_MAC"},
            "key spec HMAC_256 cannot rotate automatically",
        ),
        (
            {"customKeyStoreId": "cks-1234567890abcdef0"},
            "keys in a custom or external key store (customKeyStoreId) cannot rotate automatically",
        ),
        (
            {"enableKeyRotation": False},
            "automatic rotation is off, so there is no period; KG-R01 reports it",
        ),
        (
            {"enableKeyRotation": ...},
            "automatic rotation is off, so there is no period; KG-R01 reports it",
        ),
    ],
)
def test_keys_without_automatic_rotation_are_not_applicable(change: dict, reason: str) -> None:
    key = with_props(golden(KEY), rotationPeriodInDays=2000.0, **change)
    result = evaluate(RULE, key)
    assert (result.outcome, result.reason) == (Outcome.NOT_APPLICABLE, reason)


def test_only_keys_are_in_scope() -> None:
    assert RULE.meta.resource_types == (KEY,)
