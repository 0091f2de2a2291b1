"""Construct over gRPC, as the engine calls it for a TypeScript, Go, C#, Java or YAML program: the
provider registers exactly what a Python program registers with the same spec (children, names,
parents, inputs, options, dependencies) and returns the same outputs."""

from __future__ import annotations

import copy
from typing import Any

import grpc
import pulumi
import pytest
from pulumi.runtime.proto import errors_pb2, status_pb2
from pydantic import ValidationError

from kmsguard.catalog import CATALOG_TYPE_TOKEN, PROVIDER_CATALOG_TYPE_TOKEN, KeyCatalog
from kmsguard.catalog_spec import CatalogSpec
from kmsguard.errors import SpecError
from kmsguard.key import KEY_TYPE_TOKEN, PROVIDER_KEY_TYPE_TOKEN, KmsKey
from kmsguard.policies.facts import ALIAS_TYPE, KEY_TYPE
from kmsguard.spec import KmsKeySpec, parse_key_spec
from tests.components.factories import BASE, DEPLOYER, REGION, USER, full_symmetric, spec
from tests.components.mocks import Capture, run
from tests.components.provider.harness import ServedProvider, comparable, to_wire
from tests.components.test_catalog import CATALOG, catalog

pytestmark = pytest.mark.slow

CONFIG = {"aws:region": REGION}
#: The provider's token → the one a Python program's spec registers (URN type chains differ only there).
PYTHON_TOKENS = {PROVIDER_KEY_TYPE_TOKEN: KEY_TYPE_TOKEN, PROVIDER_CATALOG_TYPE_TOKEN: CATALOG_TYPE_TOKEN}
#: The wire form of a secret (pulumi's secret signature), as an SDK sends `pulumi.secret(...)`.
SECRET_SIG = "4dabf18193072939515e22adb298388d"
SECRET = "1b47061264138c4ac30d75fd1eb44270"


def wire(data: Any, schema: dict[str, Any], token: str) -> dict[str, Any]:
    return to_wire(data, schema, schema["resources"][token]["inputProperties"])


def property_errors(error: grpc.RpcError) -> list[tuple[str, str]]:
    """The (property path, reason) pairs the engine shows for an InvalidArgument refusal."""
    metadata = dict(error.trailing_metadata() or ())  # type: ignore[attr-defined]
    status = status_pb2.Status.FromString(metadata["grpc-status-details-bin"])
    found: list[tuple[str, str]] = []
    for detail in status.details:
        errors = errors_pb2.InputPropertiesError()
        assert detail.Unpack(errors)
        found += [(e.property_path, e.reason) for e in errors.errors]
    return found


def python_tokens(token: str) -> str:
    return PYTHON_TOKENS.get(token, token)


def construct_key(
    provider: ServedProvider, schema: dict[str, Any], key_spec: KmsKeySpec, stack: str, **kwargs: Any
) -> tuple[Capture, dict[str, Any]]:
    data = key_spec.model_dump(mode="json", exclude_unset=True)
    return provider.construct(
        PROVIDER_KEY_TYPE_TOKEN, "orders", wire(data, schema, PROVIDER_KEY_TYPE_TOKEN), stack=stack, **kwargs
    )


@pytest.mark.parametrize(
    ("key_spec", "stack"),
    [
        pytest.param(full_symmetric(), "dev", id="full_symmetric_dev"),
        pytest.param(full_symmetric(environment="prod"), "prod", id="full_symmetric_prod_protected"),
        pytest.param(spec(), "dev", id="minimal"),
        pytest.param(
            spec(kind={"type": "signing", "key_spec": "ECC_NIST_P256"}, principals={"signers": [USER]}),
            "dev",
            id="signing_kind_enum",
        ),
        pytest.param(
            spec(
                kind={"type": "imported", "valid_to": "2027-06-30T00:00:00Z"},
                multi_region={"replica_regions": ["us-east-1"], "reason": "Disaster recovery in us-east-1"},
            ),
            "dev",
            id="imported_material_with_expiry",
        ),
        pytest.param(
            spec(
                rotation={"manual": {"generations": ["g1", "g2", "g3"]}, "period_days": 180},
                lifecycle={
                    "generations": {"g1": {"state": "disabled", "disabled_on": "2020-01-02"}},
                    "quarantine_days": 30,
                },
                deletion_window_days=14,
            ),
            "dev",
            id="manual_rotation_lifecycle_dates_and_integers",
        ),
    ],
)
def test_construct_registers_what_a_python_program_registers(
    provider: ServedProvider, served_schema: dict[str, Any], key_spec: KmsKeySpec, stack: str
) -> None:
    python = run(lambda: KmsKey("orders", key_spec), stack=stack, config=CONFIG)
    served, state = construct_key(provider, served_schema, key_spec, stack, config=CONFIG)
    assert comparable(served, python_tokens) == comparable(python)
    assert state == python.outputs[python.named("orders").urn]
    assert served.named("orders").type == PROVIDER_KEY_TYPE_TOKEN


def test_unset_protection_keeps_the_production_default_through_the_provider(
    provider: ServedProvider, served_schema: dict[str, Any]
) -> None:
    served, _ = construct_key(
        provider, served_schema, full_symmetric(environment="prod"), "prod", config=CONFIG
    )
    lasting = [r for r in served.resources if r.type in (KEY_TYPE, ALIAS_TYPE)]
    assert len(lasting) == 5
    assert {(r.protect, r.retain_on_delete) for r in lasting} == {(True, True)}


def test_protect_from_the_program_reaches_keys_and_aliases(
    provider: ServedProvider, served_schema: dict[str, Any]
) -> None:
    key_spec = spec()
    python = run(lambda: KmsKey("orders", key_spec, opts=pulumi.ResourceOptions(protect=True)), config=CONFIG)
    served, _ = construct_key(provider, served_schema, key_spec, "dev", config=CONFIG, protect=True)
    assert comparable(served, python_tokens) == comparable(python)
    assert {(r.type, r.protect) for r in served.resources if r.custom} == {
        (KEY_TYPE, True),
        (ALIAS_TYPE, True),
    }


def test_construct_catalog_registers_what_a_python_program_registers(
    provider: ServedProvider, served_schema: dict[str, Any]
) -> None:
    python = run(lambda: KeyCatalog("dev", catalog()), config=CONFIG)
    served, state = provider.construct(
        PROVIDER_CATALOG_TYPE_TOKEN,
        "dev",
        wire(copy.deepcopy(CATALOG), served_schema, PROVIDER_CATALOG_TYPE_TOKEN),
        config=CONFIG,
    )
    assert comparable(served, python_tokens) == comparable(python)
    assert state == python.outputs[python.named("dev").urn]


def test_a_missing_required_input_is_refused_before_anything_is_registered(
    provider: ServedProvider, served_schema: dict[str, Any]
) -> None:
    data = {k: v for k, v in copy.deepcopy(BASE).items() if k != "deployer"}
    with pytest.raises(grpc.RpcError) as raised:
        provider.construct(
            PROVIDER_KEY_TYPE_TOKEN, "orders", wire(data, served_schema, PROVIDER_KEY_TYPE_TOKEN)
        )
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert property_errors(raised.value) == [("deployer", "Missing required input 'deployer' on 'KmsKey'")]
    assert raised.value.capture.resources == []  # type: ignore[attr-defined]


def test_a_spec_error_names_every_field_as_the_python_component_does(
    provider: ServedProvider, served_schema: dict[str, Any]
) -> None:
    data = {**copy.deepcopy(BASE), "environment": "qa", "deletion_window_days": 3}
    with pytest.raises(SpecError) as expected:
        parse_key_spec(data)
    with pytest.raises(grpc.RpcError) as raised:
        provider.construct(
            PROVIDER_KEY_TYPE_TOKEN, "orders", wire(data, served_schema, PROVIDER_KEY_TYPE_TOKEN)
        )
    details = raised.value.details() or ""
    assert details.startswith(f"Unexpected <class 'Exception'>: {expected.value}:\n")
    assert raised.value.capture.resources == []  # type: ignore[attr-defined]


def test_a_secret_or_unknown_value_is_refused_with_its_path(
    provider: ServedProvider, served_schema: dict[str, Any]
) -> None:
    data = wire(copy.deepcopy(BASE), served_schema, PROVIDER_KEY_TYPE_TOKEN)
    data["deployer"] = {SECRET_SIG: SECRET, "value": DEPLOYER}
    with pytest.raises(grpc.RpcError) as raised:
        provider.construct(PROVIDER_KEY_TYPE_TOKEN, "orders", data, config=CONFIG)
    assert (raised.value.details() or "").startswith(
        "Unexpected <class 'Exception'>: deployer: is an output (secret, unknown at preview, or another "
        "resource's); kmsguard validates the spec before it registers anything, so pass a plain value:\n"
    )


def test_a_catalog_spec_error_is_refused(provider: ServedProvider, served_schema: dict[str, Any]) -> None:
    data = copy.deepcopy(CATALOG)
    data["data_classes"].append(copy.deepcopy(data["data_classes"][0]))
    with pytest.raises(ValidationError) as expected:
        CatalogSpec.model_validate(data)
    with pytest.raises(grpc.RpcError) as raised:
        provider.construct(
            PROVIDER_CATALOG_TYPE_TOKEN,
            "dev",
            wire(data, served_schema, PROVIDER_CATALOG_TYPE_TOKEN),
            config=CONFIG,
        )
    assert (raised.value.details() or "").startswith(
        f"Unexpected <class 'Exception'>: {SpecError.from_validation_error(expected.value)}:\n"
    )
    assert raised.value.capture.resources == []  # type: ignore[attr-defined]
