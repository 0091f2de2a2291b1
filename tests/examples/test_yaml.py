"""examples/yaml: a Pulumi YAML program using the components. Every property it sets exists in the
reviewed schema with the right type, every required input is there, and the provider constructs
both resources from exactly these properties."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kmsguard.provider import host
from tests.components.provider.harness import ServedProvider

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "yaml"
PROGRAM: dict[str, Any] = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text(encoding="utf-8"))
SCHEMA: dict[str, Any] = json.loads(host.SCHEMA_PATH.read_text(encoding="utf-8"))
JSON_TYPES = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict}


def problems(value: Any, prop: dict[str, Any], where: str) -> list[str]:
    """Why `value` does not fit the schema property `prop` (an empty list when it does)."""
    if "$ref" in prop:
        target = SCHEMA["types"][prop["$ref"].removeprefix("#/types/")]
        if "enum" in target:
            allowed = [e["value"] for e in target["enum"]]
            return [] if value in allowed else [f"{where}: {value!r} is not one of {allowed}"]
        return object_problems(value, target["properties"], target.get("required", []), where)
    expected = JSON_TYPES[prop["type"]]
    # bool is an int in Python; YAML's true is never an integer here.
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        return [f"{where}: {value!r} is not a {prop['type']}"]
    if expected is list:
        return [p for i, v in enumerate(value) for p in problems(v, prop["items"], f"{where}[{i}]")]
    if expected is dict and "additionalProperties" in prop:
        return [
            p for k, v in value.items() for p in problems(v, prop["additionalProperties"], f"{where}.{k}")
        ]
    return []


def object_problems(value: Any, properties: dict[str, Any], required: list[str], where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: {value!r} is not an object"]
    found = [f"{where}.{name}: required" for name in required if name not in value]
    for name, item in value.items():
        if name not in properties:
            found.append(f"{where}.{name}: not in the schema")
        else:
            found += problems(item, properties[name], f"{where}.{name}")
    return found


def kmsguard_resources() -> dict[str, dict[str, Any]]:
    return {n: r for n, r in PROGRAM["resources"].items() if r["type"].startswith(f"{host.PACKAGE}:")}


def test_the_program_adds_the_plugin_folder_as_its_package() -> None:
    assert PROGRAM["runtime"] == "yaml"
    assert (EXAMPLE / PROGRAM["packages"][host.PACKAGE]).resolve() == host.PLUGIN_DIR
    assert {r["type"] for r in kmsguard_resources().values()} == set(SCHEMA["resources"])


@pytest.mark.parametrize("name", sorted(kmsguard_resources()))
def test_every_property_exists_in_the_schema_with_its_type(name: str) -> None:
    resource = kmsguard_resources()[name]
    component = SCHEMA["resources"][resource["type"]]
    assert (
        object_problems(
            resource["properties"], component["inputProperties"], component["requiredInputs"], name
        )
        == []
    )


def test_the_checker_names_what_does_not_fit() -> None:
    component = SCHEMA["resources"]["kmsguard:index:KmsKey"]
    broken = {**kmsguard_resources()["orders"]["properties"], "deletionWindowDays": "14", "colour": "red"}
    broken["kind"] = {"type": "symmetrical"}
    del broken["deployer"]
    assert sorted(
        object_problems(broken, component["inputProperties"], component["requiredInputs"], "k")
    ) == [
        "k.colour: not in the schema",
        "k.deletionWindowDays: '14' is not a integer",
        "k.deployer: required",
        "k.kind.type: 'symmetrical' is not one of "
        "['symmetric', 'rsa_encryption', 'signing', 'key_agreement', 'hmac', 'imported', 'cloudhsm', "
        "'external_key_store']",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(kmsguard_resources()))
def test_the_provider_constructs_each_resource_as_written(provider: ServedProvider, name: str) -> None:
    resource = kmsguard_resources()[name]
    config = {key: entry["value"] for key, entry in PROGRAM["config"].items()}
    captured, state = provider.construct(resource["type"], name, resource["properties"], config=config)
    outputs = {
        ref.split(".")[1].rstrip("}") for ref in PROGRAM["outputs"].values() if ref.startswith(f"${{{name}.")
    }
    assert outputs <= set(state)
    assert captured.named(name).type == resource["type"]
    assert len(captured.resources) > 1


def test_the_readme_yaml_program_fits_the_schema() -> None:
    readme = (EXAMPLE.parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Every Pulumi language", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    program = yaml.safe_load(block)
    assert program["packages"] == {host.PACKAGE: "../kmsguard/provider"}
    for name, resource in program["resources"].items():
        component = SCHEMA["resources"][resource["type"]]
        assert (
            object_problems(
                resource["properties"], component["inputProperties"], component["requiredInputs"], name
            )
            == []
        )
