"""Stack configuration: the CLI's flat map → StackConfig, every problem named by its config key path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kmsguard.config import CONFIG_KEYS, ConfigError, StackConfig, parse_stack_config, read_stack_file

DEV = Path(__file__).resolve().parents[2] / "stacks" / "Pulumi.dev.yaml"


def dev_config(**changes: Any) -> dict[str, str]:
    config = read_stack_file(DEV)
    for key, value in changes.items():
        if value is None:
            config.pop(key)
        else:
            config[key] = value if isinstance(value, str) else json.dumps(value)
    return config


def test_the_config_keys_are_the_models_aliases() -> None:
    assert {f.alias for f in StackConfig.model_fields.values()} == set(CONFIG_KEYS)


def test_stack_file_is_read_as_the_cli_passes_it() -> None:
    config = read_stack_file(DEV)
    assert config["aws:region"] == "eu-west-1"
    assert config["aws:allowedAccountIds"] == '["123456789012"]'
    assert json.loads(config["kmsguard:catalog"])["environment"] == "dev"


def test_valid_config_is_typed() -> None:
    parsed = parse_stack_config(dev_config())
    assert (parsed.region, parsed.allowed_account_ids, parsed.account_id, parsed.partition) == (
        "eu-west-1",
        ("123456789012",),
        "123456789012",
        "aws",
    )
    assert [d.name for d in parsed.catalog.data_classes] == ["app", "secrets"]


def test_account_and_partition_are_optional() -> None:
    parsed = parse_stack_config(dev_config(**{"kmsguard:accountId": None, "kmsguard:partition": None}))
    assert (parsed.account_id, parsed.partition) == (None, None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kmsguard:catalog": None}, "kmsguard:catalog: is required; add it"),
        ({"aws:allowedAccountIds": None}, "aws:allowedAccountIds: is required; add it"),
        (
            {"kmsguard:catalog": "{not json"},
            "kmsguard:catalog: is not valid structured config (Expecting property name enclosed in double quotes); "
            "fix the YAML",
        ),
        (
            {"aws:region": "mars-1"},
            "aws:region: 'mars-1' is not an AWS region; use a region code such as eu-west-1",
        ),
        pytest.param(
            {"aws:region": "eu-west-9"},
            "aws:region: 'eu-west-9' is not a KMS region of AWS; did you mean eu-west-3?",
            id="region-does-not-exist",
        ),
        pytest.param(
            {"aws:region": "eu-west-1\n"},
            "aws:region: 'eu-west-1\\n' is not an AWS region; use a region code such as eu-west-1",
            id="region-trailing-newline",
        ),
        pytest.param(
            {"kmsguard:partition": "aws-cn"},
            "aws:region: 'eu-west-1' is in partition aws, not aws-cn; use a region of aws-cn",
            id="region-outside-partition",
        ),
        (
            {"kmsguard:accountId": "444455556666"},
            "kmsguard:accountId: 444455556666 is not in aws:allowedAccountIds; make the two agree",
        ),
        (
            {"kmsguard:partition": "aws-mars"},
            "kmsguard:partition: input should be 'aws', 'aws-cn' or 'aws-us-gov'; pick one of those",
        ),
    ],
)
def test_each_broken_key_is_named(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_stack_config(dev_config(**changes))
    assert str(raised.value) == message


def test_a_misspelt_catalog_field_is_named_with_its_full_path() -> None:
    catalog = json.loads(dev_config()["kmsguard:catalog"])
    catalog["data_classes"][1]["ownr"] = catalog["data_classes"][1].pop("owner")
    with pytest.raises(ConfigError) as raised:
        parse_stack_config(dev_config(**{"kmsguard:catalog": catalog}))
    assert str(raised.value).splitlines() == [
        "kmsguard:catalog.data_classes[1].owner: is required; add it",
        "kmsguard:catalog.data_classes[1].ownr: is not a known field; remove it or fix its spelling",
    ]
