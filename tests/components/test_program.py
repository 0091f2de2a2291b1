"""The program: stack config → catalog under the mock runtime; a broken config registers nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pytest

from kmsguard.config import read_stack_file
from kmsguard.program import main
from tests.components.mocks import key_id, run

DEV = Path(__file__).resolve().parents[2] / "stacks" / "Pulumi.dev.yaml"


def test_dev_stack_builds_its_catalog_and_exports_it() -> None:
    captured = run(main, stack="dev", config=read_stack_file(DEV))
    assert captured.named("dev").type == "kmsguard:kms:KeyCatalog"
    assert captured.exports == {
        "keyArns": {
            "app": f"arn:aws:kms:eu-west-1:123456789012:key/{key_id('dev-app-key')}",
            "secrets": f"arn:aws:kms:eu-west-1:123456789012:key/{key_id('dev-secrets-key')}",
        },
        "aliasNames": {"app": ["alias/dev-app-payments"], "secrets": ["alias/dev-secrets-platform"]},
        "consumerPolicies": {},
    }
    # Account and partition come from configuration: no invoke is needed for an offline preview.
    assert captured.invokes == []


def test_a_broken_config_fails_with_one_message_and_registers_nothing() -> None:
    config = read_stack_file(DEV)
    catalog = json.loads(config["kmsguard:catalog"])
    catalog["data_classes"][0]["principals"]["users"] = ["arn:aws:iam::123456789012:role/*"]
    config["kmsguard:catalog"] = json.dumps(catalog)
    with pytest.raises(pulumi.RunError) as raised:
        run(main, stack="dev", config=config)
    assert str(raised.value) == (
        "invalid stack configuration:\n"
        "kmsguard:catalog.data_classes[0].principals.users[0]: 'arn:aws:iam::123456789012:role/*' contains a "
        "wildcard; name one role, user or account root"
    )
    assert raised.value.capture.resources == []  # type: ignore[attr-defined]


def test_a_missing_catalog_names_the_key() -> None:
    config = read_stack_file(DEV)
    del config["kmsguard:catalog"]
    with pytest.raises(
        pulumi.RunError, match=r"^invalid stack configuration:\nkmsguard:catalog: is required; add it$"
    ):
        run(main, stack="dev", config=config)


def test_a_policy_the_builder_refuses_also_stops_before_registration() -> None:
    config = read_stack_file(DEV)
    catalog = json.loads(config["kmsguard:catalog"])
    catalog["data_classes"][1]["principals"]["service_users"][0]["principal"] = (
        "arn:aws:iam::444455556666:role/X"
    )
    config["kmsguard:catalog"] = json.dumps(catalog)
    with pytest.raises(pulumi.RunError) as raised:
        run(main, stack="dev", config=config)
    assert str(raised.value) == (
        "invalid stack configuration:\n"
        "kmsguard:catalog.data_classes[1]: principals.service_users: arn:aws:iam::444455556666:role/X is in "
        "account 444455556666, not 123456789012; give other accounts access through cross_account"
    )
    assert raised.value.capture.resources == []  # type: ignore[attr-defined]


def test_entry_point_uses_absolute_imports() -> None:
    entry = Path(__file__).resolve().parents[2] / "components" / "__main__.py"
    assert "from kmsguard.program import main" in entry.read_text()
