"""Stack files read with positions: found as the CLI finds them, key paths placed on their lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kmsguard.stackfile import Position, StackFile, StackFileError, find

STACK = """\
# a comment
config:
  aws:region: eu-west-1
  kmsguard:accountId: 123456789012
  catalog:
    environment: dev
    data_classes:
      - name: app
        rotation:
          period_days: 90
      - name: logs
        tags: {cost.center: cc-1}
"""


def _file(tmp_path: Path, text: str = STACK) -> StackFile:
    path = tmp_path / "stacks" / "Pulumi.dev.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return StackFile.read(path, "kmsguard", tmp_path)


@pytest.mark.parametrize(
    ("key_path", "line", "column"),
    [
        pytest.param("aws:region", 3, 3, id="top_level_key"),
        pytest.param("kmsguard:catalog", 5, 3, id="bare_key_takes_the_project_namespace"),
        pytest.param("kmsguard:catalog.data_classes[1]", 11, 9, id="list_item"),
        pytest.param("kmsguard:catalog.data_classes[0].rotation.period_days", 10, 11, id="nested_field"),
        pytest.param("kmsguard:catalog.data_classes[0].rotation.enabled", 9, 9, id="missing_field_at_parent"),
        pytest.param("kmsguard:catalog.data_classes[7].name", 7, 5, id="missing_item_at_its_list"),
        pytest.param("kmsguard:catalog.data_classes[1].tags.cost.center", 12, 16, id="dotted_map_key"),
        pytest.param("kmsguard:monitoring", 2, 1, id="missing_key_at_config"),
    ],
)
def test_a_key_path_is_placed_on_its_line(tmp_path: Path, key_path: str, line: int, column: int) -> None:
    source = _file(tmp_path)
    assert source.position(key_path) == Position(source.path, line, column)


def test_lines_of_a_message_are_located_only_for_values_the_file_holds(tmp_path: Path) -> None:
    source = _file(tmp_path)
    catalog = {
        "environment": "dev",
        "data_classes": [{"name": "app", "rotation": {"period_days": 90}}, {"name": "logs", "tags": {"cost.center": "cc-1"}}],
    }  # fmt: skip
    values = {
        "aws:region": "eu-west-1",
        "kmsguard:accountId": "123456789012",
        "kmsguard:catalog": json.dumps(catalog),
    }
    message = (
        "kmsguard:catalog.data_classes[0].rotation.period_days: must be at most 365; change the value\n"
        "kmsguard:catalog.data_classes[1]: tags.cost: is not a known field; remove it\n"
        "a line without a key path"
    )
    assert source.locate(message, values, tmp_path) == (
        "stacks/Pulumi.dev.yaml:10:11: kmsguard:catalog.data_classes[0].rotation.period_days: must be at most "
        "365; change the value\n"
        "stacks/Pulumi.dev.yaml:12:9: kmsguard:catalog.data_classes[1]: tags.cost: is not a known field; remove it\n"
        "a line without a key path"
    )
    # The program was given another catalog (--config-file, an environment): its lines say nothing.
    elsewhere = {**values, "kmsguard:catalog": json.dumps({**catalog, "environment": "prod"})}
    assert source.locate(message, elsewhere, tmp_path) == message


def test_a_secret_value_agrees_with_whatever_was_decrypted(tmp_path: Path) -> None:
    source = _file(tmp_path, "config:\n  kmsguard:token:\n    secure: AAABAKx\n")
    assert source.agrees("kmsguard:token", "decrypted")
    assert not source.agrees("kmsguard:absent", "given")
    assert source.agrees("kmsguard:absent", None)


def test_a_yaml_syntax_error_names_the_file_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(StackFileError) as raised:
        _file(tmp_path, "config:\n  aws:region: [eu-west-1\n  aws:allowedAccountIds: []\n")
    assert str(raised.value) == (
        "stacks/Pulumi.dev.yaml:3:24: expected ',' or ']', but got ':' (while parsing a flow sequence that "
        "starts on line 2); fix the YAML syntax"
    )


@pytest.mark.parametrize(
    ("project", "stack", "expected"),
    [
        pytest.param(
            "name: p\nstackConfigDir: stacks\n", "dev", "stacks/Pulumi.dev.yaml", id="stack_config_dir"
        ),
        pytest.param("name: p\n", "dev", "Pulumi.dev.yaml", id="beside_the_project_file"),
        pytest.param("name: p\n", "org/dev", None, id="qualified_name_without_its_file"),
        pytest.param("name: p\nstackConfigDir: stacks\n", "prod", None, id="no_such_stack"),
        pytest.param("name: [p\n", "dev", None, id="broken_project_file"),
    ],
)
def test_the_stack_file_is_found_as_the_cli_finds_it(
    tmp_path: Path, project: str, stack: str, expected: str | None
) -> None:
    (tmp_path / "Pulumi.yaml").write_text(project)
    for name in ("stacks/Pulumi.dev.yaml", "Pulumi.dev.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("config: {}\n")
    assert find(tmp_path, stack) == (None if expected is None else tmp_path / expected)


def test_no_project_file_no_stack_file(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    assert find(tmp_path, "dev") is None
