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
@pytest.mark.parametrize("value", [..., "", "   "])
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
