"""The provider's args back into specs: every spec shape round-trips; wire numbers, enum members and
outputs are handled as the provider delivers them."""

from __future__ import annotations

import copy
from typing import Any

import pulumi
import pytest

from kmsguard.catalog_spec import CatalogSpec
from kmsguard.errors import KmsGuardError, SpecError
from kmsguard.policies.facts import KeySpec
from kmsguard.provider import args
from kmsguard.provider.convert import catalog_spec_from_args, key_spec_from_args, plain_data
from kmsguard.spec import KmsKeySpec, parse_key_spec
from tests.components.factories import BASE, USER, full_symmetric, spec
from tests.components.test_catalog import CATALOG


def as_wire_numbers(value: Any) -> Any:
    """Every int as the float the wire carries."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dict):
        return {k: as_wire_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_wire_numbers(v) for v in value]
    return value


@pytest.mark.parametrize(
    "key_spec",
    [
        pytest.param(full_symmetric(), id="full_symmetric"),
        pytest.param(
            spec(kind={"type": "hmac", "key_spec": "HMAC_256"}, principals={"mac_users": [USER]}), id="hmac"
        ),
        pytest.param(
            spec(
                rotation={"manual": {"generations": ["a1", "a2"]}, "period_days": 200}, deletion_window_days=9
            ),
            id="manual_rotation_integers",
        ),
        pytest.param(
            spec(
                kind={
                    "type": "imported",
                    "key_spec": "RSA_2048",
                    "key_usage": "SIGN_VERIFY",
                    "valid_to": "2030-01-01T00:00:00Z",
                },
                principals={"signers": [USER]},
            ),
            id="imported_enums",
        ),
    ],
)
def test_every_spec_round_trips_through_the_wire_form(key_spec: KmsKeySpec) -> None:
    data = as_wire_numbers(key_spec.model_dump(mode="json", exclude_unset=True))
    assert key_spec_from_args(data) == key_spec


def test_a_catalog_round_trips_through_the_wire_form() -> None:
    assert catalog_spec_from_args(as_wire_numbers(copy.deepcopy(CATALOG))) == CatalogSpec.model_validate(
        CATALOG
    )


def test_enum_members_become_their_values() -> None:
    data = {
        **copy.deepcopy(BASE),
        "kind": {"type": args.KeyKindType.SIGNING, "key_spec": KeySpec.ECC_NIST_P256},
    }
    data["principals"] = {"signers": [USER]}
    assert key_spec_from_args(data) == parse_key_spec(
        {**data, "kind": {"type": "signing", "key_spec": "ECC_NIST_P256"}}
    )


def test_a_fractional_number_is_left_for_the_spec_to_refuse() -> None:
    data = {**copy.deepcopy(BASE), "deletion_window_days": 7.5}
    with pytest.raises(SpecError) as expected:
        parse_key_spec(data)
    with pytest.raises(SpecError) as raised:
        key_spec_from_args(data)
    assert str(raised.value) == str(expected.value)


def test_a_whole_float_where_the_spec_wants_text_is_not_turned_into_an_int() -> None:
    assert plain_data({"description": 10.0}, args.KmsKeyArgs) == {"description": 10.0}


def test_an_output_anywhere_is_refused_with_its_path() -> None:
    data = copy.deepcopy(BASE)
    data["principals"] = {"users": [USER, pulumi.Output.from_input(USER)]}
    with pytest.raises(KmsGuardError) as raised:
        key_spec_from_args(data)
    assert str(raised.value) == (
        "principals.users[1]: is an output (secret, unknown at preview, or another resource's); "
        "kmsguard validates the spec before it registers anything, so pass a plain value"
    )
