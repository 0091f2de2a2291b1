"""The stack-file JSON Schema: generated, committed, current, and the three stacks satisfy it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from kmsguard import schema

STACKS = Path(__file__).resolve().parents[2] / "stacks"
STACK_FILES = sorted(STACKS.glob("Pulumi.*.yaml"))


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema.stack_file_schema())


def load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text())
    return loaded


def test_committed_schema_is_current() -> None:
    assert schema.SCHEMA_PATH.read_text() == schema.render(), "run `python -m kmsguard.schema --write`"
    assert schema.main(["--check"]) == 0


def test_the_schema_itself_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema.stack_file_schema())


def test_there_are_exactly_the_three_stacks() -> None:
    assert [p.name for p in STACK_FILES] == ["Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml"]


@pytest.mark.parametrize("path", STACK_FILES, ids=lambda p: p.name)
def test_stack_file_satisfies_the_schema_and_binds_it_for_editors(path: Path) -> None:
    assert path.read_text().splitlines()[0] == schema.MODELINE
    assert [e.message for e in validator().iter_errors(load(path))] == []


def test_the_schema_catches_a_misspelt_field_and_an_unknown_kmsguard_key() -> None:
    document = copy.deepcopy(load(STACKS / "Pulumi.dev.yaml"))
    document["config"]["kmsguard:catalog"]["data_classes"][0]["ownr"] = "x"
    document["config"]["kmsguard:catalgo"] = {}
    document["config"]["aws:profile"] = "allowed: other namespaces pass"
    messages = sorted(e.message for e in validator().iter_errors(document))
    assert messages == [
        "'kmsguard:catalgo' is not valid under any of the given schemas",
        "Additional properties are not allowed ('ownr' was unexpected)",
    ]
