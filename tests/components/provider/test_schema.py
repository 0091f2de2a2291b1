"""GetSchema over gRPC equals the reviewed `provider/schema.json`; both generated files are current;
the schema's inputs are the specs' fields and its outputs the documented ones, field by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi.provider.experimental.util import camel_case
from pydantic import BaseModel

from kmsguard.catalog import PROVIDER_CATALOG_TYPE_TOKEN
from kmsguard.catalog_spec import CatalogSpec
from kmsguard.interface import KeyCatalogOutputs, KmsKeyOutputs
from kmsguard.key import PROVIDER_KEY_TYPE_TOKEN
from kmsguard.provider import derive, host
from kmsguard.spec import KmsKeySpec
from tests.components.provider.harness import ServedProvider


@pytest.mark.slow
def test_served_schema_is_the_reviewed_one(provider: ServedProvider, served_schema: dict[str, Any]) -> None:
    assert served_schema == json.loads(host.SCHEMA_PATH.read_text(encoding="utf-8"))


def test_committed_schema_is_current() -> None:
    assert host.main(["--check"]) == 0


def test_committed_args_types_are_current() -> None:
    assert derive.main(["--check"]) == 0


def reviewed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(host.SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def test_the_package_offers_exactly_the_two_components() -> None:
    schema = reviewed()
    assert (schema["name"], set(schema["resources"])) == (
        host.PACKAGE,
        {PROVIDER_KEY_TYPE_TOKEN, PROVIDER_CATALOG_TYPE_TOKEN},
    )
    assert all(r["isComponent"] for r in schema["resources"].values())


@pytest.mark.parametrize(
    ("token", "spec"), [(PROVIDER_KEY_TYPE_TOKEN, KmsKeySpec), (PROVIDER_CATALOG_TYPE_TOKEN, CatalogSpec)]
)
def test_inputs_are_the_spec_fields_and_required_where_the_spec_requires_them(
    token: str, spec: type[BaseModel]
) -> None:
    resource = reviewed()["resources"][token]
    fields = spec.model_fields
    assert list(resource["inputProperties"]) == [camel_case(n) for n in fields]
    required = [camel_case(n) for n, f in fields.items() if f.is_required()]
    assert sorted(resource["requiredInputs"]) == sorted(required)
    for name, field in fields.items():
        assert resource["inputProperties"][camel_case(name)]["description"] == field.description


@pytest.mark.parametrize(
    ("token", "outputs"),
    [(PROVIDER_KEY_TYPE_TOKEN, KmsKeyOutputs), (PROVIDER_CATALOG_TYPE_TOKEN, KeyCatalogOutputs)],
)
def test_outputs_are_the_documented_ones_with_their_types_and_descriptions(
    token: str, outputs: type[BaseModel]
) -> None:
    resource = reviewed()["resources"][token]
    documented = outputs.model_json_schema(by_alias=True)["properties"]
    assert set(resource["properties"]) == set(documented)
    assert sorted(resource["required"]) == sorted(documented)
    for name, prop in resource["properties"].items():
        assert _shape(prop) == _shape(documented[name]), name
        assert prop["description"] == documented[name]["description"], name


def _shape(prop: dict[str, Any]) -> Any:
    """Type, item and value types of a property, descriptions and titles left out."""
    shape: dict[str, Any] = {"type": prop["type"]}
    if "items" in prop:
        shape["items"] = _shape(prop["items"])
    if isinstance(prop.get("additionalProperties"), dict):
        shape["additionalProperties"] = _shape(prop["additionalProperties"])
    return shape


def test_every_input_is_plain_because_the_spec_is_validated_before_registration() -> None:
    def walk(prop: dict[str, Any], where: str) -> list[str]:
        found = [] if prop.get("plain") else [where]
        if "items" in prop:
            found += walk(prop["items"], f"{where}[]")
        if isinstance(prop.get("additionalProperties"), dict):
            found += walk(prop["additionalProperties"], f"{where}{{}}")
        return found

    schema = reviewed()
    inputs = [
        (f"{token}.{name}", prop)
        for token, resource in schema["resources"].items()
        for name, prop in resource["inputProperties"].items()
    ] + [
        (f"{token}.{name}", prop)
        for token, type_ in schema["types"].items()
        for name, prop in type_.get("properties", {}).items()
    ]
    assert [w for where, prop in inputs for w in walk(prop, where)] == []


def test_the_plugin_folder_is_what_pulumi_package_add_runs() -> None:
    manifest = yaml.safe_load((host.PLUGIN_DIR / "PulumiPlugin.yaml").read_text(encoding="utf-8"))
    assert manifest == {"runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}}
    assert (host.PLUGIN_DIR / "__main__.py").is_file()
    requirements = (host.PLUGIN_DIR / "requirements.txt").read_text(encoding="utf-8").splitlines()
    # pip runs in the plugin folder: `..` is this checkout's pyproject, which builds kmsguard.
    assert [line for line in requirements if not line.startswith("#")] == [".."]
    assert (host.PLUGIN_DIR.parent / "pyproject.toml").is_file()
    assert Path(host.PLUGIN_DIR / "schema.json") == host.SCHEMA_PATH
