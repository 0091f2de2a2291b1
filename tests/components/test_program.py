"""The program: stack config → catalog under the mock runtime; a broken config registers nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pytest

from kmsguard.config import read_stack_file
from kmsguard.program import main
from tests.components.mocks import key_id, run

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "stacks" / "Pulumi.dev.yaml"


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


def _project(tmp_path: Path, stack_text: str) -> Path:
    """A copy of this project (Pulumi.yaml with `stackConfigDir: stacks`) with one dev stack file."""
    (tmp_path / "Pulumi.yaml").write_text(ROOT.joinpath("Pulumi.yaml").read_text())
    (tmp_path / "stacks").mkdir()
    stack_file = tmp_path / "stacks" / "Pulumi.dev.yaml"
    stack_file.write_text(stack_text)
    return stack_file


def _at(text: str, needle: str, nth: int = 0) -> str:
    """`line:column` of the `nth` line holding `needle`, where its first non-blank character is."""
    found = [(i, line) for i, line in enumerate(text.splitlines(), 1) if needle in line][nth]
    return f"{found[0]}:{len(found[1]) - len(found[1].lstrip(' -')) + 1}"


def test_config_errors_name_the_stack_file_line_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = DEV.read_text()
    text = text.replace("owner: payments-team", "owner: 5").replace(
        "cost_center: cc-3003", "cost_centre: cc-3003"
    )
    stack_file = _project(tmp_path, text)
    monkeypatch.chdir(tmp_path)  # the language host runs the program from the project's root
    with pytest.raises(pulumi.RunError) as raised:
        run(main, stack="dev", config=read_stack_file(stack_file))
    assert str(raised.value) == (
        "invalid stack configuration:\n"
        f"stacks/Pulumi.dev.yaml:{_at(text, 'owner: 5')}: kmsguard:catalog.data_classes[0].owner: input should "
        "be a valid string; give a value of that type\n"
        # A missing field points at the entry that should hold it.
        f"stacks/Pulumi.dev.yaml:{_at(text, 'name: secrets')}: kmsguard:catalog.data_classes[1].cost_center: is "
        "required; add it\n"
        f"stacks/Pulumi.dev.yaml:{_at(text, 'cost_centre')}: kmsguard:catalog.data_classes[1].cost_centre: is not "
        "a known field; remove it or fix its spelling"
    )


def test_a_builder_error_points_at_the_field_it_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        DEV.read_text()
        .replace("role/AppRuntime", "role/X")
        .replace("principal: arn:aws:iam::123456789012:role/X", "principal: arn:aws:iam::444455556666:role/X")
    )
    stack_file = _project(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(pulumi.RunError) as raised:
        run(main, stack="dev", config=read_stack_file(stack_file))
    assert str(raised.value) == (
        "invalid stack configuration:\n"
        f"stacks/Pulumi.dev.yaml:{_at(text, 'service_users:', 1)}: kmsguard:catalog.data_classes[1]: "
        "principals.service_users: arn:aws:iam::444455556666:role/X is in account 444455556666, not 123456789012; "
        "give other accounts access through cross_account"
    )


def test_without_a_stack_file_errors_name_the_key_path_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = read_stack_file(DEV)
    del config["kmsguard:catalog"]
    monkeypatch.chdir(tmp_path)  # no Pulumi.yaml here: the file cannot be found
    with pytest.raises(pulumi.RunError) as raised:
        run(main, stack="dev", config=config)
    assert str(raised.value) == "invalid stack configuration:\nkmsguard:catalog: is required; add it"


def test_run_from_mains_folder_the_stack_file_is_still_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = DEV.read_text().replace("owner: payments-team", "owner: 5")
    stack_file = _project(tmp_path, text)
    (tmp_path / "components").mkdir()
    monkeypatch.chdir(tmp_path / "components")  # the CLI runs a program whose `main` is a folder there
    with pytest.raises(pulumi.RunError) as raised:
        run(main, stack="dev", config=read_stack_file(stack_file))
    assert str(raised.value) == (
        "invalid stack configuration:\n"
        f"stacks/Pulumi.dev.yaml:{_at(text, 'owner: 5')}: kmsguard:catalog.data_classes[0].owner: input should "
        "be a valid string; give a value of that type"
    )
