"""KG-R16 kms-key-requires-material-expiry: imported material expires unless configured otherwise."""

import pytest

from kmsguard.policies.facts import EXTERNAL_KEY_TYPE, REPLICA_EXTERNAL_KEY_TYPE
from kmsguard.policies.rule import UNKNOWN, Outcome
from kmsguard.policies.rules.r16_key_requires_material_expiry import RULE
from tests.policies.golden import evaluate, fired, golden, with_props

TYPES = [EXTERNAL_KEY_TYPE, REPLICA_EXTERNAL_KEY_TYPE]
MISSING = (
    "imported key material has no expiry; set validTo to an RFC 3339 time (YYYY-MM-DDTHH:MM:SSZ) "
    "or allow non-expiring material in this rule's configuration"
)


@pytest.mark.parametrize("type_", TYPES)
def test_golden_imported_keys_expire(type_: str) -> None:
    assert evaluate(RULE, golden(type_)).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize("type_", TYPES)
@pytest.mark.parametrize("value", [..., "", None])
def test_missing_expiry_fires_exactly_r16(type_: str, value: object) -> None:
    key = with_props(golden(type_), validTo=value)
    result = evaluate(RULE, key)
    assert result.outcome is Outcome.VIOLATION
    assert result.messages == (MISSING,)
    assert fired(key) == {"KG-R16"}


def test_unknown_expiry_is_compliant() -> None:
    key = with_props(golden(EXTERNAL_KEY_TYPE), validTo=UNKNOWN)
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT


@pytest.mark.parametrize("type_", TYPES)
def test_configuration_can_allow_non_expiring_material(type_: str) -> None:
    key = with_props(golden(type_), validTo=...)
    result = evaluate(RULE, key, allowNonExpiringMaterial=True)
    assert (result.outcome, result.reason) == (
        Outcome.NOT_APPLICABLE,
        "configuration allows non-expiring imported material",
    )
    assert fired(key, config={"KG-R16": {"allowNonExpiringMaterial": True}}) == set()


def test_only_imported_material_keys_are_in_scope() -> None:
    assert set(RULE.meta.resource_types) == set(TYPES)
    assert RULE.meta.config_defaults() == {"allowNonExpiringMaterial": False}


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("true", id="fail_string_true"),
        pytest.param("   ", id="fail_blank"),
        pytest.param("2030-01-01", id="fail_date_without_time"),
        pytest.param("2030-02-31T00:00:00Z", id="fail_no_such_day"),
        pytest.param("next year", id="fail_prose"),
        pytest.param(1893456000.0, id="fail_epoch_number"),
        pytest.param(True, id="fail_bool"),
        pytest.param(float("nan"), id="fail_nan"),
        pytest.param(["2030-01-01T00:00:00Z"], id="fail_list"),
    ],
)
def test_expiry_that_is_not_an_rfc3339_time_is_a_finding(value: object) -> None:
    key = with_props(golden("aws:kms/externalKey:ExternalKey"), validTo=value)
    assert evaluate(RULE, key).messages == (
        f"cannot judge: validTo is {value!r}, expected an RFC 3339 time such as 2030-01-01T00:00:00Z; "
        "set validTo to when the imported material expires",
    )
    assert fired(key) == {"KG-R16"}


@pytest.mark.parametrize(
    "value", ["2030-01-01T00:00:00Z", "2030-01-01T00:00:00.5+02:00", "2030-01-01t00:00:00z"]
)
def test_rfc3339_times_pass(value: str) -> None:
    key = with_props(golden("aws:kms/externalKey:ExternalKey"), validTo=value)
    assert evaluate(RULE, key).outcome is Outcome.COMPLIANT
