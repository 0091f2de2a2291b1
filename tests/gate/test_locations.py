"""Each resource is located where a reviewer changes it: its stack-config entry, else its program line."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from kmsguard.gate import capture, project
from kmsguard.gate.errors import GateError
from kmsguard.gate.locations import Location, programs_own
from kmsguard.gate.report import jsonreport, junit, sarif
from kmsguard.gate.run import run
from tests.gate.helpers import PACK, PROGRAMS, ROOT, kmsguard

DEV = ROOT / "stacks" / "Pulumi.dev.yaml"
EXAMPLE = ROOT / "examples" / "consumers"


def _located(directory: Path, stack: str = "test") -> dict[str, tuple[str, int, int, str] | None]:
    """Resource name → (file relative to `directory`, line, column, config key)."""
    found = capture.run_program(project.load(directory, stack), lambda _: None)
    return {r.name: None if r.location is None else _parts(r.location, directory) for r in found}


def _parts(location: Location, directory: Path) -> tuple[str, int, int, str]:
    return (
        location.path.relative_to(directory).as_posix(),
        location.line,
        location.column,
        location.config_key,
    )


def _line(path: Path, needle: str, nth: int = 0) -> int:
    return [i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line][nth]


def test_a_plain_programs_resources_are_at_the_lines_that_created_them() -> None:
    # The component Vault at `Vault("vault")`, not at the `super().__init__` in its own constructor.
    assert _located(PROGRAMS / "bad") == {
        "badkeys-test": None,
        "vault": ("__main__.py", 48, 0, ""),
        "vault-key": ("__main__.py", 17, 0, ""),
        "vault-alias": ("__main__.py", 39, 0, ""),
        "vault-replica": ("__main__.py", 49, 0, ""),
    }


HELPER = """\
import pulumi_aws as aws


def key(name):
    return aws.kms.Key(name, enable_key_rotation=True)
"""
MAIN = """\
import pulumi_aws as aws
from helper import key

first = key("first")
first.arn.apply(lambda arn: aws.kms.Alias("late", name="alias/dev-late-x", target_key_id=arn))
"""


def test_helpers_and_callbacks_are_located_in_the_programs_own_files(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: plain\nruntime: python\n")
    (tmp_path / "Pulumi.test.yaml").write_text("config: {}\n")
    (tmp_path / "helper.py").write_text(HELPER)
    (tmp_path / "__main__.py").write_text(MAIN)
    assert _located(tmp_path) == {
        "plain-test": None,
        "first": ("helper.py", 5, 0, ""),
        "late": ("__main__.py", 5, 0, ""),
    }


COMPONENT_MAIN = """\
import pulumi
from keys import key_specs
from kmsguard.key import KmsKey

spec = key_specs("dev", "123456789012")["secrets"]
KmsKey("secrets-key", spec, account_id="123456789012", partition="aws")
"""


def test_a_kmsguard_components_children_are_at_the_line_that_created_it(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE / "keys.py", tmp_path / "keys.py")
    (tmp_path / "Pulumi.yaml").write_text("name: plain\nruntime: python\n")
    (tmp_path / "Pulumi.test.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (tmp_path / "__main__.py").write_text(COMPONENT_MAIN)
    located = _located(tmp_path)
    assert located.pop("plain-test") is None
    assert len(located) > 2
    assert set(located.values()) == {("__main__.py", 6, 0, "")}


ORIGIN_MAIN = """\
import pulumi
import pulumi_aws as aws
from kmsguard.origin import config_item, config_origin

with config_origin("shop:keys"):
    for i, name in enumerate(pulumi.Config("shop").require_object("keys")):
        with config_item(f"[{i}]"):
            aws.kms.Key(name, enable_key_rotation=True)
aws.kms.Key("outside", enable_key_rotation=True)
"""


def test_a_config_driven_programs_resources_are_at_their_config_entries(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: shop\nruntime: python\n")
    (tmp_path / "Pulumi.test.yaml").write_text("config:\n  keys:\n    - orders\n    - payments\n")
    (tmp_path / "__main__.py").write_text(ORIGIN_MAIN)
    assert _located(tmp_path) == {
        "shop-test": None,
        "orders": ("Pulumi.test.yaml", 3, 7, "shop:keys[0]"),
        "payments": ("Pulumi.test.yaml", 4, 7, "shop:keys[1]"),
        "outside": ("__main__.py", 9, 0, ""),
    }


#: Raises the pack's minimum deletion window above the dev stack's 7 days: KG-R14 on every key.
STRICTER = {"kms-key-requires-deletion-window": {"minimumDeletionWindowDays": {"*": 30}}}


@pytest.mark.slow
def test_the_dev_stacks_findings_point_at_their_data_classes(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "components").mkdir()
    shutil.copy(ROOT / "components" / "__main__.py", tmp_path / "components" / "__main__.py")
    (tmp_path / "stacks").mkdir()
    stack_file = tmp_path / "stacks" / "Pulumi.dev.yaml"
    shutil.copy(DEV, stack_file)

    result = run(project.load(tmp_path, "dev"), PACK, STRICTER)
    document = sarif.document(result, root=tmp_path)

    app, secrets = _line(stack_file, "- name: app"), _line(stack_file, "- name: secrets")
    assert sorted(
        (
            r["ruleId"],
            r["properties"]["urn"].rsplit("::", 1)[-1],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"],
        )
        for r in document["runs"][0]["results"]
    ) == [
        ("KG-R14", "dev-app-key", "stacks/Pulumi.dev.yaml", {"startLine": app, "startColumn": 9}),
        ("KG-R14", "dev-secrets-key", "stacks/Pulumi.dev.yaml", {"startLine": secrets, "startColumn": 9}),
    ]
    in_json = [
        (v["urn"].rsplit("::", 1)[-1], v["location"]) for v in jsonreport.document(result)["violations"]
    ]
    assert sorted(in_json, key=lambda found: str(found[0])) == [
        (
            "dev-app-key",
            {
                "file": str(stack_file),
                "line": app,
                "column": 9,
                "config_key": "kmsguard:catalog.data_classes[0]",
            },
        ),
        (
            "dev-secrets-key",
            {
                "file": str(stack_file),
                "line": secrets,
                "column": 9,
                "config_key": "kmsguard:catalog.data_classes[1]",
            },
        ),
    ]
    junit_text = junit.render(result)
    assert f'file="{stack_file}" line="{app}"' in junit_text
    assert json.loads(json.dumps(document))  # plain JSON all the way down


def test_a_yaml_error_in_the_stack_file_names_its_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: shop\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.test.yaml").write_text("config:\n  keys: [orders\n  other: 1\n")
    (tmp_path / "__main__.py").write_text("")
    with pytest.raises(GateError) as raised:
        project.load(tmp_path, "test")
    assert raised.value.problem == (
        f"the stack config file is not valid YAML: {tmp_path / 'stacks' / 'Pulumi.test.yaml'}:3:8: expected ',' "
        "or ']', but got ':' (while parsing a flow sequence that starts on line 2)"
    )


@pytest.mark.slow
def test_the_cli_shows_every_config_problem_at_its_stack_file_line(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "components").mkdir()
    shutil.copy(ROOT / "components" / "__main__.py", tmp_path / "components" / "__main__.py")
    (tmp_path / "stacks").mkdir()
    text = DEV.read_text().replace("deletion_window_days: 7", "deletion_window_days: 3")
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(text)

    done = kmsguard("--stack", "dev", "--policy-pack", str(PACK), cwd=tmp_path)

    window = _line(tmp_path / "stacks" / "Pulumi.dev.yaml", "deletion_window_days: 3")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "kmsguard: error: the Pulumi program failed: invalid stack configuration:\n"
        f"    stacks/Pulumi.dev.yaml:{window}:7: kmsguard:catalog.defaults.deletion_window_days: input should be "
        "greater than or equal to 7; change the value\n"
        "  fix the program or its stack config; the gate ran no policies\n"
    )


def test_only_the_programs_own_files_are_its_lines() -> None:
    import kmsguard.key  # noqa: PLC0415 - in this repository, a folder of the project

    root = str(ROOT) + os.sep
    assert programs_own(str(EXAMPLE / "__main__.py"), root)
    assert not programs_own(str(Path(kmsguard.key.__file__).resolve()), root)
    assert not programs_own(str(ROOT / ".venv" / "lib" / "python3.11" / "site-packages" / "x.py"), root)
    assert not programs_own("/elsewhere/__main__.py", root)
